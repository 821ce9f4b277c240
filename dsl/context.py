"""`ctx`: what a test case gets — its connections, the SQL helper, its cell, and step logging."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import structlog
from sqlalchemy import create_engine
from sqlalchemy.engine import Connection
from sqlalchemy.pool import NullPool

from dsl.ddl_journal import watch
from dsl.driver import connect_args
from dsl.helper import SQLHelper
from sinkmatrix.model.cells import Cell
from sinkmatrix.model.schema_journal import journal

log = structlog.get_logger("sinkmatrix.case")


@dataclass
class Ctx:
    """A test's context. `upstream` and `downstream` are autocommit connections on its own database;
    `cdc` is the cell's running CDC (sinkmatrix.model.cdc_contract.ContractedRun: kill, restart, pause,
    resume, ...; what it cannot do skips the case)."""

    upstream: Connection
    downstream: Connection
    sql: SQLHelper
    cell: Cell
    database: str
    cdc: Any = None
    services: dict[str, Any] = field(default_factory=dict)  # the stack's transports, by name
    retire_stack: Any = None  # retire_stack(why): the next case gets a new stack (this one changed)

    def broker(self) -> Any:
        """The cell's Kafka broker, to take away under the pipeline (sinkmatrix.stack.kafka_broker:
        kill, restart, pause, resume); skips the case on a cell with no broker that can."""
        import pytest

        broker = self.services.get("kafka")
        if broker is None:
            pytest.skip(f"cell {self.cell.id} has no Kafka broker")
        missing = [m for m in ("kill", "restart", "pause", "resume")
                   if not callable(getattr(broker, m, None))]
        if missing:
            pytest.skip(f"cell {self.cell.id}: its Kafka ({type(broker).__name__}) cannot {missing[0]}")
        return broker

    def requires(self, *capabilities: str) -> None:
        """Skip the case unless the cell's CDC offers these capabilities (sinkmatrix.model.cdc_contract:
        restart, pause, progress, faults, output): ask before killing anything."""
        from sinkmatrix.model.cdc_contract import CapabilityMissing, lacks

        for capability in capabilities:
            if self.cdc is not None and lacks(self.cdc, capability):
                raise CapabilityMissing(getattr(self.cdc, "cdc_name", type(self.cdc).__name__), capability)

    def step(self, text: str) -> None:
        """Mark a Given/When/Then phase: later log records carry it as `phase`."""
        structlog.contextvars.bind_contextvars(phase=text)
        log.info("step", step=text)


@contextmanager
def opened(stack: Any, cell: Cell, name: str, *, request_timeout: float | None = None,
           batch_timeout: float | None = None, strict_progress: bool = False) -> Iterator[Ctx]:
    """A context on a fresh database of `stack` (what the `ctx` fixture yields); the database stays."""
    database = stack.create_database(name)
    structlog.contextvars.bind_contextvars(cell=cell.id, database=database)
    view = stack.view
    up_url = stack.upstream_url(database)
    up = create_engine(up_url, isolation_level="AUTOCOMMIT", poolclass=NullPool, connect_args=connect_args())
    versions = journal(up_url.port)
    watch(up, versions, database)  # the decoders judge a message by the version it was written under
    down = create_engine(view.url(view.database(database)), isolation_level="AUTOCOMMIT", poolclass=NullPool,
                         connect_args=connect_args())
    timeouts = {k: v for k, v in (("request_timeout", request_timeout), ("batch_timeout", batch_timeout))
                if v is not None}
    try:
        with up.connect() as upstream, down.connect() as downstream:
            helper = SQLHelper(upstream, downstream, database=database,
                               sink_database=view.database(database), progress=view.progress,
                               findings=lambda: view.findings(database),
                               carries_ddl=getattr(view, "carries_ddl", True), sink_name=cell.sink,
                               limits=getattr(stack, "limits", {}), ddl=lambda: versions.ddl(database),
                               explain=getattr(view, "explain", None),
                               excusable=getattr(view, "excusable", ()),
                               history=getattr(view, "history", None),
                               strict_progress=strict_progress, **timeouts)
            try:
                yield Ctx(upstream, downstream, helper, cell, database, getattr(stack, "cdc", None),
                          dict(getattr(stack, "services", {})), getattr(stack, "retire", None))
            finally:
                helper.close()
    finally:
        up.dispose()
        down.dispose()
        versions.forget(database)
        structlog.contextvars.unbind_contextvars("cell", "database", "phase")
