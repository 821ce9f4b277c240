"""`ctx`: what a test case gets — its connections, the SQL helper, its cell, and step logging."""

from __future__ import annotations

from dataclasses import dataclass

import structlog
from sqlalchemy.engine import Connection

from dsl.helper import SQLHelper
from matrix.cells import Cell

log = structlog.get_logger("sinkmatrix.case")


@dataclass
class Ctx:
    """A test's context. `upstream` and `downstream` are autocommit connections on its own database."""

    upstream: Connection
    downstream: Connection
    sql: SQLHelper
    cell: Cell
    database: str

    def step(self, text: str) -> None:
        """Mark a Given/When/Then phase: later log records carry it as `phase`."""
        structlog.contextvars.bind_contextvars(phase=text)
        log.info("step", step=text)
