"""Column names and ENUM/SET members of 128 bytes and more decode from a real MariaDB binlog: the
server prefixes each with a packed length, which python-mysql-replication reads as a 7-bit varint
(sinkmatrix.refcdc.table_maps installs the right reading)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pymysqlreplication import BinLogStreamReader
from pymysqlreplication.row_event import RowsEvent

from sinkmatrix.refcdc import table_maps
from sinkmatrix.stack import mariadb
from sinkmatrix.stack.leases import Lease

LONG = "中" * 64  # 192 bytes in UTF-8
MEMBER = "m" * 200


@pytest.fixture(scope="module")
def upstream() -> Iterator[mariadb.MariaDB]:
    with Lease.acquire("test-binlog-long-names") as lease:
        server = mariadb.start("ln", root=lease.scratch_dir("long-names-test-"), lease=lease, binlog=True,
                               server_id=1)
        server.execute(
            "CREATE DATABASE ln",
            f"CREATE TABLE ln.t (`{LONG}` INT PRIMARY KEY, `{'é' * 64}` VARCHAR(8), "
            f"e ENUM('a', '{MEMBER}'), s SET('{MEMBER}', 'x'))",
            f"INSERT INTO ln.t VALUES (1, 'v', '{MEMBER}', '{MEMBER},x')",
        )
        yield server


def _rows(server: mariadb.MariaDB) -> list[Any]:
    stream = BinLogStreamReader(connection_settings=server.connect_args(), server_id=78, blocking=False,
                                resume_stream=False, enable_logging=False)
    try:
        return [row for event in stream if isinstance(event, RowsEvent) for row in event.rows]
    finally:
        stream.close()


def test_long_column_names_and_members_decode(upstream: mariadb.MariaDB) -> None:
    table_maps.install()
    try:
        rows = _rows(upstream)
    finally:
        table_maps.uninstall()
    assert rows == [{"values": {LONG: 1, "é" * 64: "v", "e": MEMBER, "s": {MEMBER, "x"}},
                     "none_sources": {}}]
