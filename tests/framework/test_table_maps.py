"""Table maps served from the cache decode exactly as freshly parsed ones, on a real MariaDB binlog."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pymysqlreplication import BinLogStreamReader
from pymysqlreplication.row_event import RowsEvent, TableMapEvent

from sinkmatrix.refcdc import table_maps
from sinkmatrix.stack import mariadb
from sinkmatrix.stack.leases import Lease

TABLE = ("CREATE TABLE tm.t (id INT UNSIGNED PRIMARY KEY, big BIGINT UNSIGNED, d DECIMAL(12,4), "
         "e ENUM('a','b','c'), s SET('x','y','z'), v VARCHAR(40) CHARACTER SET latin1, "
         "u VARCHAR(40), ts DATETIME(6), j JSON, bits BIT(5), blob_ BLOB, f FLOAT NULL)")
ROW = ("INSERT INTO tm.t VALUES ({i}, 18446744073709551615, 12.3456, 'b', 'x,z', 'latin', 'ünï', "
       "'2024-01-02 03:04:05.123456', '{{\"k\": {i}}}', b'10101', x'00ff', 1.5)")
ALTERED_ROW = ("INSERT INTO tm.t VALUES ({i}, 1, 8, -0.5, 'c', '', NULL, NULL, '2024-01-02', NULL, b'1', "
               "NULL)")


@pytest.fixture(scope="module")
def upstream() -> Iterator[mariadb.MariaDB]:
    with Lease.acquire("test-table-maps") as lease:  # also when the server does not start
        server = mariadb.start("tm", root=lease.scratch_dir("table-maps-test-"), lease=lease, binlog=True,
                               server_id=1)
        server.execute(
            "CREATE DATABASE tm", TABLE,
            "CREATE TABLE tm.k (a INT, b VARCHAR(8), n INT, PRIMARY KEY (b, a))",
            *(ROW.format(i=i) for i in range(20)),
            *(f"INSERT INTO tm.k VALUES ({i}, 'k{i}', {i})" for i in range(10)),
            "UPDATE tm.t SET d = d + 1 WHERE id < 5", "DELETE FROM tm.k WHERE a < 3",
            "ALTER TABLE tm.t ADD COLUMN added INT DEFAULT 7 AFTER big, DROP COLUMN f",
            *(ALTERED_ROW.format(i=i) for i in range(100, 105)),
            # the same definition again under a new table id
            "CREATE TABLE tm.r (id INT PRIMARY KEY)", "INSERT INTO tm.r VALUES (1)", "DROP TABLE tm.r",
            "CREATE TABLE tm.r (id INT PRIMARY KEY)", "INSERT INTO tm.r VALUES (2)",
        )
        yield server


def _decode(server: mariadb.MariaDB) -> list[tuple[Any, ...]]:
    """Every table map and row event of the binlog, as plain values."""
    stream = BinLogStreamReader(connection_settings=server.connect_args(), server_id=77, blocking=False,
                                resume_stream=False, enable_logging=False)
    seen: list[tuple[Any, ...]] = []
    try:
        for event in stream:
            if isinstance(event, TableMapEvent):
                columns = [(c.name, c.type, c.unsigned, c.is_primary, getattr(c, "enum_values", None),
                            getattr(c, "set_values", None), getattr(c, "character_set_name", None))
                           for c in event.columns]
                seen.append(("map", event.table_id, event.schema, event.table, columns,
                             event.get_table().primary_key))
            elif isinstance(event, RowsEvent):
                seen.append(("rows", type(event).__name__, event.schema, event.table, event.rows))
    finally:
        stream.close()
    return seen


@pytest.fixture
def cache() -> Iterator[None]:
    """The table-map cache installed for one test, taken out after it."""
    table_maps.install()
    try:
        yield
    finally:
        table_maps.uninstall()


def test_cached_table_maps_decode_the_binlog_exactly_as_parsed_ones(upstream: mariadb.MariaDB) -> None:
    table_maps.uninstall()
    parsed = _decode(upstream)
    table_maps.install()
    try:
        before = table_maps.stats()
        cached = _decode(upstream)
        after = table_maps.stats()
    finally:
        table_maps.uninstall()
    # 20 + 10 inserts, an update, a delete, 5 + 2 inserts
    assert len([e for e in parsed if e[0] == "rows"]) == 39
    assert cached == parsed
    hits, misses = after["hits"] - before["hits"], after["misses"] - before["misses"]
    # one parse per distinct table map (tm.t before and after the ALTER, tm.k, tm.r twice); the rest hit
    assert misses == len({(e[1], repr(e[4])) for e in parsed if e[0] == "map"})
    assert hits == len([e for e in parsed if e[0] == "map"]) - misses > 30


@pytest.mark.usefixtures("cache")
def test_an_altered_table_is_parsed_again_not_served_stale(upstream: mariadb.MariaDB) -> None:
    maps = [e for e in _decode(upstream) if e[0] == "map" and e[3] == "t"]
    names = [[c[0] for c in m[4]] for m in maps]
    assert names[0] == ["id", "big", "d", "e", "s", "v", "u", "ts", "j", "bits", "blob_", "f"]
    assert names[-1] == ["id", "big", "added", "d", "e", "s", "v", "u", "ts", "j", "bits", "blob_"]


@pytest.mark.usefixtures("cache")
def test_a_recreated_table_keeps_its_new_table_id(upstream: mariadb.MariaDB) -> None:
    maps = [e for e in _decode(upstream) if e[0] == "map" and e[3] == "r"]
    assert len(maps) == 2 and maps[0][4] == maps[1][4] and maps[0][1] != maps[1][1]
