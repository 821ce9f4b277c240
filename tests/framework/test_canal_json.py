"""Canal-JSON as TiCDC writes it: golden messages per type family, DDL, watermarks, round trips."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from dsl.compare import equal
from sinkmatrix.formats.canal_ddl import ddl_event
from sinkmatrix.formats.go_text import tidb_json
from sinkmatrix.model.changes import DdlChange, RowChange, Transaction
from sinkmatrix.model.schema import Column, TableSchema
from sinkmatrix.refcdc.encode_canal import CanalJsonEncoder
from sinks.canal_json import LIMITS, CanalJsonDecoder
from tests.framework.canal_samples import (
    AT,
    COMMIT_TS,
    DB,
    ES,
    FAMILIES,
    ID,
    TABLE,
    TS,
    col,
    decode_all,
    dele,
    encode,
    encoder,
    family_id,
    ins,
    insert_message,
    table_of,
    upd,
    upstream_of,
)

pytestmark = pytest.mark.framework


# --- golden messages -----------------------------------------------------------------------------


@pytest.mark.parametrize("case", FAMILIES, ids=family_id)
def test_insert_is_written_byte_for_byte_as_ticdc_writes_it(case: tuple[Column, Any, str, int, str]) -> None:
    column, value, mysql, java, text = case
    (message,) = encode([ins({"id": 1, "c": value}, table_of(column))])
    assert message.decode() == insert_message(mysql, java, text)


def test_update_carries_the_whole_pre_image_in_old_written_before_data() -> None:
    # canal_json_row_event_encoder.go: "old" is written before "data", all columns (only-output-
    # updated-columns is off by default); sqlType follows the new values.
    (message,) = encode([upd({"id": 1, "v": "a"}, {"id": 1, "v": None})])
    assert message.decode() == (
        f'{{"id":0,"database":"db","table":"t","pkNames":["id"],"isDdl":false,"type":"UPDATE",'
        f'"es":{ES},"ts":{TS},"sql":"","sqlType":{{"id":4,"v":12}},'
        f'"mysqlType":{{"id":"int","v":"varchar"}},"old":[{{"id":"1","v":"a"}}],'
        f'"data":[{{"id":"1","v":null}}]}}'
    )


def test_delete_carries_the_pre_image_in_data_and_the_extension_last() -> None:
    (message,) = encode([dele({"id": 1, "v": "a"})], tidb=True)
    assert message.decode() == (
        f'{{"id":0,"database":"db","table":"t","pkNames":["id"],"isDdl":false,"type":"DELETE",'
        f'"es":{ES},"ts":{TS},"sql":"","sqlType":{{"id":4,"v":12}},'
        f'"mysqlType":{{"id":"int","v":"varchar"}},"old":null,"data":[{{"id":"1","v":"a"}}],'
        f'"_tidb":{{"commitTs":{COMMIT_TS}}}}}'
    )


def test_pk_names_list_the_key_in_table_order_and_are_empty_without_one() -> None:
    # PrimaryKeyColumnNames walks the columns in table order and starts from make([]string, 0).
    table = TableSchema(DB, TABLE, (col("a", "int"), col("b", "int")), ("b", "a"))
    keyless = TableSchema(DB, TABLE, (ID,), ())
    first, second = (json.loads(m) for m in encode([ins({"a": 1, "b": 2}, table), ins({"id": 1}, keyless)]))
    assert first["pkNames"] == ["a", "b"]
    assert second["pkNames"] == []


def test_row_messages_have_no_kafka_key_and_dispatch_by_the_row_key() -> None:
    (encoded,) = encoder().encode(Transaction((upd({"id": 2, "v": "a"}, {"id": 2, "v": "b"}),), AT, 0), 1)
    assert (encoded.key, encoded.handle, encoded.broadcast) == (None, (2,), False)


def test_an_update_of_the_key_is_split_into_delete_and_insert_unless_raw_events_are_asked_for() -> None:
    change = upd({"id": 1, "v": "a"}, {"id": 2, "v": "b"})
    split = encoder().encode(Transaction((change,), AT, 0), COMMIT_TS)
    assert [(json.loads(e.value or b"")["type"], e.handle) for e in split] == [
        ("DELETE", (1,)), ("INSERT", (2,))]
    raw = CanalJsonEncoder(output_raw_change_event=True).encode(Transaction((change,), AT, 0), COMMIT_TS)
    assert [json.loads(e.value or b"")["type"] for e in raw] == ["UPDATE"]


@pytest.mark.parametrize(("query", "kind", "table"), [
    # canal_entry.go convertDdlEventType, from the TiDB job action the statement makes
    ("CREATE TABLE t (id int primary key)", "CREATE", "t"),
    ("DROP TABLE IF EXISTS `t`", "ERASE", "t"),
    ("TRUNCATE TABLE t", "TRUNCATE", "t"),
    ("RENAME TABLE t TO u", "RENAME", "u"),
    ("ALTER TABLE t RENAME TO u", "RENAME", "u"),
    ("ALTER TABLE t ADD COLUMN c int", "ALTER", "t"),
    ("ALTER TABLE t ADD INDEX i (v)", "CINDEX", "t"),
    ("CREATE UNIQUE INDEX i ON t (v)", "CINDEX", "t"),
    ("ALTER TABLE t DROP PRIMARY KEY", "DINDEX", "t"),
    ("DROP INDEX i ON t", "DINDEX", "t"),
    ("ALTER TABLE t ADD INDEX i (v, w)", "CINDEX", "t"),
    ("ALTER TABLE t ADD INDEX i (v), ADD COLUMN d int", "ALTER", "t"),  # a multi-schema change
    ("ALTER TABLE t COMMENT 'a, b'", "ALTER", "t"),
    ("CREATE DATABASE other", "QUERY", ""),
    ("CREATE VIEW w AS SELECT 1", "QUERY", ""),
])
def test_ddl_messages_name_the_canal_event_type(query: str, kind: str, table: str) -> None:
    (encoded,) = encoder().encode(Transaction((DdlChange(DB, query, "X"),), AT, 0), COMMIT_TS)
    database = "other" if "DATABASE" in query else DB
    assert encoded.value is not None and encoded.broadcast and encoded.key is None
    assert encoded.value.decode() == (
        f'{{"id":0,"database":"{database}","table":"{table}","pkNames":null,"isDdl":true,'
        f'"type":"{kind}","es":{ES},"ts":{TS},"sql":{json.dumps(query)},"sqlType":null,'
        f'"mysqlType":null,"data":null,"old":null}}'
    )


def test_ddl_target_follows_a_qualified_name() -> None:
    assert ddl_event(DdlChange(DB, "create table `o``x`.`y` (a int)", "CREATE")) == ("CREATE", "o`x", "y")


def test_ddl_sql_is_escaped_as_go_json_escapes_it() -> None:
    (message,) = encode([DdlChange(DB, "ALTER TABLE t ADD CHECK (v <> 'a&b')", "ALTER")], tidb=True)
    assert '"sql":"ALTER TABLE t ADD CHECK (v \\u003c\\u003e \'a\\u0026b\')"' in message.decode()
    assert message.decode().endswith(f',"_tidb":{{"commitTs":{COMMIT_TS}}}}}')


def test_watermark_is_a_broadcast_tidb_watermark_only_with_the_extension() -> None:
    # canal_json_message.go: struct fields in order, the extension's commitTs omitted (omitempty)
    assert encoder().watermark(DB, TABLE, COMMIT_TS) == []
    (mark,) = encoder(True).watermark(DB, TABLE, COMMIT_TS)
    assert mark.broadcast and mark.key is None and mark.value is not None
    assert mark.value.decode() == (
        f'{{"id":0,"database":"","table":"","pkNames":null,"isDdl":false,"type":"TIDB_WATERMARK",'
        f'"es":{ES},"ts":{TS},"sql":"","sqlType":null,"mysqlType":null,"data":null,"old":null,'
        f'"_tidb":{{"watermarkTs":{COMMIT_TS}}}}}'
    )


@pytest.mark.parametrize(("text", "printed"), [
    ('{"b": 1, "a": 2, "a": 3}', '{"a": 3, "b": 1}'),  # byte order, the last duplicate wins
    ('{"é":1,"z":2,"Z":3}', '{"Z": 3, "z": 2, "é": 1}'),
    ("[1e15, 1e-16, 123456789012345.6, -0.0, 1E2]", "[1e15, 1e-16, 123456789012345.6, -0.0, 100.0]"),
    ("[18446744073709551615, 18446744073709551616, -9223372036854775809]",
     "[18446744073709551615, 1.8446744073709552e19, -9.223372036854776e18]"),
    ('"a<b\\u0008\\f\\u2028"', '"a<b\\b\\f\\u2028"'),
    ("not json", "not json"),
])
def test_json_is_printed_as_tidb_prints_a_json_column(text: str, printed: str) -> None:
    assert tidb_json(text) == printed


# --- round trips ---------------------------------------------------------------------------------


@pytest.mark.parametrize("tidb", [False, True], ids=["plain", "tidb-extension"])
@pytest.mark.parametrize("case", FAMILIES, ids=family_id)
def test_every_type_family_survives_encode_then_decode(case: tuple[Column, Any, str, int, str],
                                                       tidb: bool) -> None:
    column, value = case[0], case[1]
    table = table_of(column)
    changes = [ins({"id": 1, "c": value}, table), upd({"id": 1, "c": value}, {"id": 1, "c": value}, table),
               dele({"id": 1, "c": value}, table)]
    for lookup in (None, upstream_of(table)):
        decoded = decode_all(CanalJsonDecoder(tidb, lookup), encode(changes, tidb))
        assert [d.findings for d in decoded] == [[], [], []]
        (inserted,), (updated,), (deleted,) = (d.changes for d in decoded)
        assert isinstance(inserted, RowChange) and isinstance(updated, RowChange)
        assert isinstance(deleted, RowChange) and deleted.after is None
        for image in (inserted.after, updated.before, updated.after, deleted.before):
            assert image is not None and image["id"] == 1
            assert equal(column, value, image["c"]), (value, image["c"])
        if lookup is not None:  # the upstream table gives ENUM and SET their names back
            assert inserted.after is not None and inserted.after["c"] == (
                value if column.type in ("enum", "set") else inserted.after["c"])
        assert inserted.table.key == ("id",) and inserted.table.qualified == "db.t"


def test_decoded_table_is_built_from_the_message() -> None:
    decoder = CanalJsonDecoder(False)
    (decoded,) = decode_all(decoder, encode([ins({"id": 1, "c": 5}, table_of(FAMILIES[8][0]))]))
    (change,) = decoded.changes
    assert isinstance(change, RowChange)
    assert [(c.name, c.type, c.unsigned) for c in change.table.columns] == [
        ("id", "int", False), ("c", "bigint", True)]


def test_ddl_and_watermark_decode() -> None:
    decoder = CanalJsonDecoder(True)
    values = encode([DdlChange(DB, "CREATE TABLE t (id int primary key)", "CREATE")], tidb=True)
    values += [m.value or b"" for m in encoder(True).watermark(DB, TABLE, COMMIT_TS + 1)]
    ddl, mark = decode_all(decoder, values)
    assert ddl.findings == [] and ddl.changes == [
        DdlChange(DB, "CREATE TABLE t (id int primary key)", "CREATE")]
    assert mark.findings == [] and mark.changes == [] and mark.watermark_ts == COMMIT_TS + 1


def test_limits_say_why() -> None:
    assert LIMITS and all(isinstance(v, str) and len(v) > 20 for v in LIMITS.values())


def test_values_canonical_forms() -> None:
    # what the decoder hands on, per sinkmatrix.model.changes: Decimal, datetime, timedelta, bytes, int
    table = TableSchema(DB, TABLE, (ID, col("m", "decimal", "decimal(5,2)", scale=2, precision=5),
                                    col("d", "datetime", "datetime(6)", fsp=6),
                                    col("t", "time", "time(1)", fsp=1), col("b", "blob"),
                                    col("u", "bigint", "bigint(20) unsigned", unsigned=True),
                                    col("f", "float")), ("id",))
    row = {"id": 1, "m": Decimal("-1.05"), "d": datetime(2020, 1, 1, 0, 0, 0, 1), "f": 1.1,
           "t": -timedelta(minutes=1, microseconds=100000), "b": b"\xff\x00", "u": 2**64 - 1}
    (decoded,) = decode_all(CanalJsonDecoder(False), encode([ins(row, table)]))
    (change,) = decoded.changes
    assert isinstance(change, RowChange) and change.after == row


def test_text_bytes_that_are_not_utf8_become_escaped_replacement_characters() -> None:
    # easyjson's String writes \ufffd for each byte that does not start a valid UTF-8 sequence
    (message,) = encode([ins({"id": 1, "v": b"a\xe2\x82b\xff"})])
    assert '"v":"a\\ufffd\\ufffdb\\ufffd"' in message.decode()


# --- content-compatible=true ---------------------------------------------------------------------


def test_content_compatible_writes_full_types_and_the_changed_columns_only() -> None:
    table = TableSchema(DB, TABLE, (ID, col("n", "int", "int(10) unsigned", unsigned=True),
                                    col("d", "decimal", "decimal(5,2)", scale=2, precision=5),
                                    col("e", "enum", "enum('a','b')", members=("a", "b"))), ("id",))
    old = {"id": 1, "n": 7, "d": Decimal("1.50"), "e": "a"}
    new = {**old, "n": 8}
    changes = [ins(old, table), upd(old, new, table), upd(new, new, table), dele(new, table)]
    values = [e.value or b"" for e in CanalJsonEncoder(content_compatible=True, clock_ms=lambda: TS)
              .encode(Transaction(tuple(changes), AT, 0), COMMIT_TS)]
    messages = [json.loads(v) for v in values]
    assert messages[0]["mysqlType"] == {"id": "int(11)", "n": "int(10) unsigned", "d": "decimal(5,2)",
                                        "e": "enum('a','b')"}
    assert messages[1]["old"] == [{"n": "7"}] and messages[2]["old"] == [{}]
    for lookup in (None, upstream_of(table)):
        decoded = decode_all(CanalJsonDecoder(False, lookup, content_compatible=True), values)
        assert [d.findings for d in decoded] == [[], [], [], []]
        updated = decoded[1].changes[0]
        assert isinstance(updated, RowChange) and updated.after is not None and updated.before is not None
        assert (updated.before["n"], updated.after["n"], updated.before["id"]) == (7, 8, 1)
    plain = decode_all(CanalJsonDecoder(False, upstream_of(table)), values)
    assert {f.kind for d in plain for f in d.findings} >= {"bad-shape"}, "a partial old needs the option"


def test_content_compatible_types_must_be_the_upstream_full_types() -> None:
    table = TableSchema(DB, TABLE, (ID, col("d", "decimal", "decimal(5,2)", scale=2, precision=5)), ("id",))
    (value,) = [e.value or b"" for e in CanalJsonEncoder(content_compatible=True, clock_ms=lambda: TS)
                .encode(Transaction((ins({"id": 1, "d": Decimal("1.50")}, table),), AT, 0), COMMIT_TS)]
    message = json.loads(value)
    message["mysqlType"]["d"] = "decimal(6,2)"
    (decoded,) = decode_all(CanalJsonDecoder(False, upstream_of(table), content_compatible=True),
                            [json.dumps(message).encode()])
    assert [(f.kind, f.field) for f in decoded.findings] == [("type-mismatch", "mysqlType.d")]
    why = decoded.findings[0].why
    assert "content-compatible=true" in why and "'decimal(5,2)'" in why


@pytest.mark.parametrize(("column_type", "fsp", "stored", "text"), [
    ("datetime(2)", 2, "0000-00-00 14:02:10.00", "0000-00-00 14:02:10.00"),
    ("datetime(2)", 2, "0001-00-00 00:00:00.5", "0001-00-00 00:00:00.50"),
    ("datetime", None, "2020-00-05 01:02:03", "2020-00-05 01:02:03"),
    ("date", None, "2020-00-05", "2020-00-05"),
])
def test_a_zero_in_date_value_is_spelled_with_the_columns_fraction_digits(column_type, fsp, stored, text):
    from dsl.compare import canonical
    from sinkmatrix.formats.canal_json import format_value
    from sinkmatrix.model.schema import Column

    column = Column(name="c", type=column_type.split("(")[0], column_type=column_type, fsp=fsp)
    assert format_value(column, canonical(column, stored)) == text
