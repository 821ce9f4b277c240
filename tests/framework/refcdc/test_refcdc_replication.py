"""What the reference CDC carries downstream: rows, DDL in order, keys, every type, canonical values."""

from __future__ import annotations

import signal
import struct
from typing import Any

import pytest

from sinkmatrix.model.changes import RowChange, Transaction
from sinkmatrix.refcdc.binlog import FRAGMENT_ROWS, BinlogReader
from sinkmatrix.refcdc.client import master_position
from sinkmatrix.refcdc.config import Config, Endpoint
from sinkmatrix.refcdc.schemas import SchemaCache
from tests.framework.refcdc.support import Stack


def test_insert_update_delete_replicate(stack: Stack) -> None:
    stack.sql(stack.up, "CREATE DATABASE rc_dml", "CREATE TABLE rc_dml.t (id INT PRIMARY KEY, v TEXT)",
              "INSERT INTO rc_dml.t VALUES (1, 'a'), (2, 'b'), (3, 'c')",
              "UPDATE rc_dml.t SET v = 'B' WHERE id = 2", "DELETE FROM rc_dml.t WHERE id = 3")
    assert stack.assert_same("rc_dml.t") == [(1, "a"), (2, "B")]


@pytest.mark.parametrize("rows", [FRAGMENT_ROWS * 3, FRAGMENT_ROWS * 2 + 7])
def test_a_transaction_handed_over_in_fragments_commits_whole(stack: Stack, rows: int) -> None:
    database = f"rc_frag_{rows}"
    values = ",".join(f"({i}, 'v{i}')" for i in range(rows))
    stack.sql(stack.up, f"CREATE DATABASE {database}",
              f"CREATE TABLE {database}.t (id INT PRIMARY KEY, v TEXT)",
              f"INSERT INTO {database}.t VALUES {values}")
    assert len(stack.assert_same(f"{database}.t")) == rows


def test_ddl_replicates_in_order_with_rows(stack: Stack) -> None:
    assert stack.cdc.child is not None
    # Paused, the CDC reads these rows after the DDL that follows them already ran upstream.
    stack.cdc.child.process.send_signal(signal.SIGSTOP)
    try:
        stack.sql(
            stack.up, "CREATE DATABASE rc_ddl", "USE rc_ddl",
            "CREATE TABLE t (id INT PRIMARY KEY)", "INSERT INTO t VALUES (1)",
            "ALTER TABLE t ADD COLUMN v VARCHAR(8) NOT NULL DEFAULT 'x'",
            "INSERT INTO t VALUES (2, 'y')", "RENAME TABLE t TO u", "INSERT INTO u VALUES (3, 'z')",
            "CREATE TABLE k (a INT PRIMARY KEY, b INT NOT NULL, c INT)",
            "INSERT INTO k VALUES (1, 1, 1), (2, 2, 2)", "UPDATE k SET a = 7 WHERE a = 2",
            "ALTER TABLE k DROP PRIMARY KEY, ADD PRIMARY KEY (b)", "UPDATE k SET a = 5 WHERE b = 2",
            "ALTER TABLE k DROP COLUMN c", "INSERT INTO k VALUES (3, 3)",
            "CREATE TABLE gone (id INT PRIMARY KEY)", "INSERT INTO gone VALUES (1)", "DROP TABLE gone",
            "CREATE TABLE emptied (id INT PRIMARY KEY)", "INSERT INTO emptied VALUES (1), (2)",
            "TRUNCATE TABLE emptied", "INSERT INTO emptied VALUES (3)",
        )
    finally:
        stack.cdc.child.process.send_signal(signal.SIGCONT)
    assert stack.assert_same("rc_ddl.u") == [(1, "x"), (2, "y"), (3, "z")]
    assert stack.assert_same("rc_ddl.k") == [(1, 1), (3, 3), (5, 2)]
    assert stack.assert_same("rc_ddl.emptied") == [(3,)]
    assert sorted(stack.down.query("SHOW TABLES FROM rc_ddl")) == [("emptied",), ("k",), ("u",)]
    stack.sql(stack.up, "DROP DATABASE rc_ddl")
    stack.sync()
    assert ("rc_ddl",) not in stack.down.query("SHOW DATABASES")


def test_other_databases_are_ignored_but_position_reaches_master_status(stack: Stack) -> None:
    stack.sql(stack.up, "CREATE DATABASE other_db", "CREATE TABLE other_db.t (id INT PRIMARY KEY)",
              "INSERT INTO other_db.t VALUES (1), (2)", "UPDATE other_db.t SET id = 3 WHERE id = 2")
    target = stack.sync()
    assert stack.cdc.position == target
    assert ("other_db",) not in stack.down.query("SHOW DATABASES")


def test_key_changing_update_moves_the_row(stack: Stack) -> None:
    stack.sql(stack.up, "CREATE DATABASE rc_key", "CREATE TABLE rc_key.t (a INT, b INT, v INT, "
              "PRIMARY KEY (a, b))", "INSERT INTO rc_key.t VALUES (1, 1, 10), (1, 2, 20)",
              "UPDATE rc_key.t SET b = b + 10 WHERE a = 1", "UPDATE rc_key.t SET a = 5 WHERE b = 11")
    assert stack.assert_same("rc_key.t") == [(1, 12, 20), (5, 11, 10)]


def test_table_without_key_changes_one_matching_row(stack: Stack) -> None:
    stack.sql(stack.up, "CREATE DATABASE rc_nokey",
              "CREATE TABLE rc_nokey.t (a INT, b VARCHAR(4), f FLOAT)",
              "INSERT INTO rc_nokey.t VALUES (1, NULL, 1.1), (1, NULL, 1.1), (2, 'x', 0.5)",
              "UPDATE rc_nokey.t SET a = 7 WHERE a = 1 LIMIT 1",
              "DELETE FROM rc_nokey.t WHERE a = 2", "DELETE FROM rc_nokey.t WHERE a = 1")
    assert stack.assert_same("rc_nokey.t") == [(7, None, pytest.approx(1.1))]


def test_not_null_unique_key_serves_as_handle(stack: Stack) -> None:
    stack.sql(stack.up, "CREATE DATABASE rc_handle",
              "CREATE TABLE rc_handle.t (id INT, code VARCHAR(8) NOT NULL, v INT, UNIQUE KEY (code))",
              "INSERT INTO rc_handle.t VALUES (NULL, 'a', 1), (NULL, 'b', 2)",
              "UPDATE rc_handle.t SET code = 'c' WHERE code = 'a'",
              "UPDATE rc_handle.t SET v = 3 WHERE code = 'b'", "DELETE FROM rc_handle.t WHERE v = 3")
    assert stack.assert_same("rc_handle.t") == [(None, "c", 1)]


def test_generated_columns_are_left_to_the_downstream(stack: Stack) -> None:
    stack.sql(stack.up, "CREATE DATABASE rc_gen",
              "CREATE TABLE rc_gen.t (id INT PRIMARY KEY, a INT, v INT AS (a * 2) VIRTUAL, "
              "s INT AS (a * 3) PERSISTENT)",
              "CREATE TABLE rc_gen.nokey (a INT, v INT AS (a + 1) VIRTUAL)",
              "INSERT INTO rc_gen.t (id, a) VALUES (1, 1), (2, 2)", "UPDATE rc_gen.t SET a = 5",
              "INSERT INTO rc_gen.nokey (a) VALUES (1), (2)", "UPDATE rc_gen.nokey SET a = 7 WHERE a = 1",
              "DELETE FROM rc_gen.nokey WHERE a = 2")
    assert stack.assert_same("rc_gen.t") == [(1, 5, 10, 15), (2, 5, 10, 15)]
    assert stack.assert_same("rc_gen.nokey") == [(7, 8)]


def test_text_of_every_character_set_round_trips(stack: Stack) -> None:
    # python-mysql-replication decodes by the column's charset name: ucs2 and utf16le have no Python
    # codec (the raw bytes came through), utf16 and utf32 decode as the machine's byte order (MariaDB
    # stores them big-endian, without a BOM)
    text = "∆˚ø¨´ ƒ¬ß∂µ≤ 😀"
    stack.sql(stack.up, "CREATE DATABASE rc_charsets",
              "CREATE TABLE rc_charsets.t (id INT PRIMARY KEY, u2 TEXT CHARACTER SET ucs2, "
              "u16 VARCHAR(40) CHARACTER SET utf16, u16le TEXT CHARACTER SET utf16le, "
              "u32 CHAR(20) CHARACTER SET utf32, big5 VARCHAR(20) CHARACTER SET big5, "
              "ujis VARCHAR(20) CHARACTER SET ujis, ms VARCHAR(20) CHARACTER SET eucjpms, "
              "sj VARCHAR(20) CHARACTER SET sjis, l1 VARCHAR(20) CHARACTER SET latin1)",
              f"INSERT INTO rc_charsets.t VALUES (1, '{text[:-2]}', '{text}', '{text}', '{text}', '中文', "
              "'日本語', '日本語', '日本語', 'déjà vu')",
              "INSERT INTO rc_charsets.t (id, u2, u16) VALUES (2, 'a', '')")
    assert len(stack.assert_same("rc_charsets.t")) == 2


TYPES_TABLE = """CREATE TABLE rc_types.t (id INT PRIMARY KEY,
 ti TINYINT, tu TINYINT UNSIGNED, bi BIGINT, bu BIGINT UNSIGNED, mu MEDIUMINT UNSIGNED,
 de DECIMAL(20,6), d0 DECIMAL(5,0), fl FLOAT, db DOUBLE,
 ch CHAR(5), vc VARCHAR(300), tx TEXT, bn BINARY(4), vb VARBINARY(10), bl BLOB,
 d DATE, dt DATETIME(6), dt0 DATETIME, ts TIMESTAMP(6) NULL, tm TIME(6), tm0 TIME, tm3 TIME(3),
 yr YEAR, b1 BIT(1), b64 BIT(64), b10 BIT(10), en ENUM('a','b','c'), st SET('x','y','z'), js JSON)"""
TYPES_ROWS = [
    "(1, -128, 255, -9223372036854775808, 18446744073709551615, 16777215, -12345678901234.123456,"
    " -5, 1.1, 3.141592653589793, 'ab', 'héllo 😀', 'text', 'ab', X'00ff', X'deadbeef',"
    " '2024-02-29', '2024-02-29 23:59:59.123456', '1000-01-01 00:00:00',"
    " '2038-01-19 03:14:07.999999', '-838:59:59.000000', '-00:00:01', '-12:34:56.789', 1901, 1,"
    " 18446744073709551615, 513, 'b', 'z,x', '{\"a\": [1, 2.5, null]}')",
    "(2, 127, 0, 9223372036854775807, 0, 0, 0.000001, 99999, -3.4e38, -1.7976931348623157e308,"
    " '', '', '', X'00000000', '', '', '9999-12-31', '9999-12-31 23:59:59.999999',"
    " '9999-12-31 23:59:59', '1970-01-01 00:00:01', '838:59:59.999999', '25:00:00', '-00:00:00.5',"
    " 2155, 0, 0, 0, 'a', '', '[]')",
    "(3" + ", NULL" * 29 + ")",
    "(4, 0, 1, 1, 9223372036854775808, 1, -0.5, 0, 1.5e-45, 5e-324, 'a', 'b', 'c', X'61', X'61',"
    " X'61', '2000-01-01', '2000-01-01 00:00:00.5', '2000-01-01', '2000-01-01 00:00:00.000001',"
    " '-12:34:56.789001', '123:00:00', '-00:00:01.001', 2000, 0, 1, 1, 'c', 'y', '\"s\"')",
]


def test_every_type_family_round_trips(stack: Stack) -> None:
    stack.sql(stack.up, "CREATE DATABASE rc_types", TYPES_TABLE,
              *(f"INSERT INTO rc_types.t VALUES {row}" for row in TYPES_ROWS),
              "UPDATE rc_types.t SET tm = '-00:00:02.25', st = 'x,y', b10 = 1023 WHERE id = 1",
              "INSERT INTO rc_types.t (id) VALUES (5)", "DELETE FROM rc_types.t WHERE id = 5")
    rows = stack.assert_same("rc_types.t")
    assert len(rows) == 4


def _canonical(value: Any, column: str) -> Any:
    """What sinkmatrix.model.changes promises for a value PyMySQL read back with SELECT."""
    if column.startswith("b") and column[1:].isdigit() and isinstance(value, bytes):
        return int.from_bytes(value, "big")
    if column == "fl" and value is not None:
        return struct.unpack("<f", struct.pack("<f", value))[0]
    return value


def _reader_config(stack: Stack, database: str, start: Any) -> Config:
    args = stack.up.connect_args()
    return Config(
        upstream=Endpoint(str(args["host"]), int(args["port"]), str(args["user"]),  # type: ignore[call-overload]
                          str(args["password"])),
        sink={}, databases=(database,), start=start, checkpoint_path=stack.root / "unused",
        status_socket=stack.root / "unused.sock", log_path=stack.root / "unused.log",
        server_id=4242, changefeed_id="canon",
    )


def _rows_read(stack: Stack, database: str, start: Any, count: int) -> list[RowChange]:
    """The first `count` row changes of `database` a BinlogReader reads from `start`."""
    config = _reader_config(stack, database, start)
    schemas = SchemaCache(config.upstream)
    seen: list[RowChange] = []
    try:
        for item in BinlogReader(config, start, schemas).items():
            if isinstance(item, Transaction):
                seen += [c for c in item.changes if isinstance(c, RowChange)]
            if len(seen) >= count:
                return seen
    finally:
        schemas.close()
    return seen


def test_binlog_values_are_canonical(stack: Stack) -> None:
    start = master_position(stack.up)
    stack.sql(stack.up, "CREATE DATABASE rc_canon", TYPES_TABLE.replace("rc_types", "rc_canon"),
              *(f"INSERT INTO rc_canon.t VALUES {row}" for row in TYPES_ROWS))
    expected = {row[0]: row for row in stack.rows(stack.up, "rc_canon.t")}
    names = [c[0] for c in stack.up.query("SELECT COLUMN_NAME FROM information_schema.COLUMNS "
                                          "WHERE TABLE_SCHEMA='rc_canon' ORDER BY ORDINAL_POSITION")]
    seen = {c.after["id"]: c.after for c in _rows_read(stack, "rc_canon", start, len(TYPES_ROWS))
            if c.after is not None}
    for key, row in expected.items():
        got = seen[key]
        for name, value in zip(names, row, strict=True):
            want = _canonical(value, name)
            have = _canonical(got[name], name) if name == "fl" else got[name]
            assert (have, type(have)) == (want, type(want)), f"row {key} column {name}"


def test_schema_lookups_survive_the_server_dropping_their_connection(stack: Stack) -> None:
    stack.sql(stack.up, "CREATE DATABASE rc_conn", "CREATE TABLE rc_conn.a (id INT PRIMARY KEY, v TEXT)",
              "CREATE TABLE rc_conn.b (id INT PRIMARY KEY, w INT)")
    args = stack.up.connect_args()
    schemas = SchemaCache(Endpoint(str(args["host"]), int(args["port"]),  # type: ignore[call-overload]
                                   str(args["user"]), str(args["password"])))
    try:
        columns = [type("C", (), {"name": n, "type": 0})() for n in ("id", "v")]
        assert [c.name for c in schemas.table("rc_conn", "a", columns).columns] == ["id", "v"]
        stack.sql(stack.up, f"KILL {schemas._conn.thread_id()}")  # the connection it keeps
        columns = [type("C", (), {"name": n, "type": 0})() for n in ("id", "w")]
        assert [c.name for c in schemas.table("rc_conn", "b", columns).columns] == ["id", "w"]
    finally:
        schemas.close()


def test_a_row_read_after_a_later_alter_keeps_the_column_it_was_written_with(stack: Stack) -> None:
    # The reader starts after the ALTERs ran, so the upstream it asks holds the later version; the
    # binlog's table map is the truth for the row: its column name (MariaDB names are case-insensitive:
    # `customer_type` is the same column) and its nullability (the table map's NULL bitmap)
    start = master_position(stack.up)
    stack.sql(stack.up, "CREATE DATABASE rc_later",
              "CREATE TABLE rc_later.t (id INT PRIMARY KEY, KIND ENUM('b2c','b2b') NOT NULL DEFAULT 'b2c', "
              "n INT NOT NULL, s VARCHAR(5) NOT NULL)",
              "INSERT INTO rc_later.t VALUES (1, 'b2b', 7, 'x')",
              "ALTER TABLE rc_later.t CHANGE kind kind INT DEFAULT 42, MODIFY n INT NULL, "
              "MODIFY s VARCHAR(9)",
              "INSERT INTO rc_later.t VALUES (2, 3, NULL, NULL)")
    first, second = _rows_read(stack, "rc_later", start, 2)
    written = {c.name: c for c in first.table.columns}
    assert [c.name for c in first.table.columns] == ["id", "KIND", "n", "s"]
    assert (written["KIND"].type, written["KIND"].nullable) == ("enum", False)
    assert not written["n"].nullable and not written["s"].nullable
    assert [(c.name, c.type, c.nullable) for c in second.table.columns] == [
        ("id", "int", False), ("kind", "int", True), ("n", "int", True), ("s", "varchar", True)]
