"""A reference CDC between two MariaDBs, for the tests of this folder."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pymysql

from sinkmatrix.model.changes import Position
from sinkmatrix.refcdc.client import RefCdc, master_position, mysql_sink
from sinkmatrix.stack import mariadb
from sinkmatrix.stack.leases import Lease

WAIT = 30.0


def connect(server: mariadb.MariaDB, *, autocommit: bool) -> pymysql.Connection:
    args = server.connect_args()
    return pymysql.connect(host=str(args["host"]), port=int(args["port"]),  # type: ignore[call-overload]
                           user=str(args["user"]), password=str(args["password"]),
                           autocommit=autocommit, charset="utf8mb4")


class Stack:
    def __init__(self, root: Path, lease: Lease) -> None:
        self.root, self.lease = root, lease
        (root / "up").mkdir()
        (root / "down").mkdir()
        self.up = mariadb.start("up", root=root / "up", lease=lease, binlog=True, server_id=1)
        self.down = mariadb.start("down", root=root / "down", lease=lease, binlog=False,
                                  server_id=2)
        self.cdc = RefCdc.start(upstream=self.up, sink=mysql_sink(self.down),
                                databases=["rc_*"], root=root / "cdc", lease=lease)

    def sql(self, server: mariadb.MariaDB, *statements: str) -> None:
        server.execute(*statements)

    def sync(self) -> Position:
        target = master_position(self.up)
        reached = self.cdc.wait_past(target, time.monotonic() + WAIT)
        assert reached, f"CDC stopped at {self.cdc.position} < {target}: {self.cdc.error}"
        return target

    def rows(self, server: mariadb.MariaDB, table: str) -> list[tuple[Any, ...]]:
        return server.query(f"SELECT * FROM {table} ORDER BY 1")

    def assert_same(self, table: str) -> list[tuple[Any, ...]]:
        self.sync()
        up, down = self.rows(self.up, table), self.rows(self.down, table)
        assert down == up
        return up
