"""TiCDC's Avro: the reference encoder's schemas and bytes, and the strict decoder's findings."""

from __future__ import annotations

import io
import json
import tempfile
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import fastavro
import pytest
from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry._sync.mock_schema_registry_client import MockSchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer
from confluent_kafka.serialization import MessageField, SerializationContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dsl.schema import Column, TableSchema
from refcdc.changes import DdlChange, Position, RowChange, Transaction
from refcdc.encode_avro import AvroEncodeError, AvroEncoder, frame, schema_text
from refcdc.tso import compose
from sinks.avro_decode import LIMITS, AvroDecoder
from sinks.base import Decoded, Finding, Record

pytestmark = pytest.mark.framework

TS = compose(1_700_000_000_000, 7)
TOPIC = "db1.t1"  # what topic_of gives; the subjects are db1_t1-key / db1_t1-value
KINDS = {"bad-magic", "malformed", "unknown-schema-id", "bad-naming", "key-value-disagree",
         "missing-key", "missing-field", "extra-field", "type-mismatch", "bad-value",
         "out-of-order", "duplicate"}


def col(name: str, type_: str, column_type: str | None = None, **kw: Any) -> Column:
    return Column(name=name, type=type_, column_type=column_type or type_, **kw)


ID = col("id", "int", "int(11)", nullable=False)


def table(*columns: Column, key: tuple[str, ...] = ("id",), name: str = "t1") -> TableSchema:
    return TableSchema("db1", name, (ID, *columns) if key == ("id",) else columns, key)


def txn(*changes: RowChange | DdlChange) -> Transaction:
    return Transaction(changes, Position.of("binlog.000001", 4), 1_700_000_000)


def registry() -> MockSchemaRegistryClient:
    return MockSchemaRegistryClient({"url": "mock://avro"})


def encoder(reg: SchemaRegistryClient, **options: Any) -> AvroEncoder:
    return AvroEncoder(reg, topic_of=lambda db, tbl: f"{db}.{tbl}", **options)


def decoder(reg: SchemaRegistryClient, upstream: TableSchema | None = None, **options: Any) -> AvroDecoder:
    def lookup(db: str, name: str, names: Any = None) -> TableSchema | None:
        return upstream if upstream and (db, name) == (upstream.database, upstream.name) else None

    return AvroDecoder(reg, lookup=lookup if upstream else None, **options)


def records(encoded: list[Any], start: int = 0) -> list[Record]:
    return [Record(TOPIC, 0, start + i, e.key, e.value) for i, e in enumerate(encoded)]


def insert(t: TableSchema, row: dict[str, Any]) -> RowChange:
    return RowChange("insert", t, None, row)


def rows(decoded: Decoded) -> list[RowChange]:
    assert all(isinstance(c, RowChange) for c in decoded.changes)
    return [c for c in decoded.changes if isinstance(c, RowChange)]


# --- round trips ------------------------------------------------------------------------------------

DEC65 = col("c", "decimal", "decimal(65,30)", precision=65, scale=30)
DEC10 = col("c", "decimal", "decimal(10,2)", precision=10, scale=2)
FAMILIES = [  # (column, value, encoder/decoder options)
    (col("c", "int", "int(11)"), None, {}),
    (col("c", "bigint", "bigint(20) unsigned", unsigned=True), 2**64 - 1, {"bigint_unsigned_mode": "long"}),
    (col("c", "bigint", "bigint(20) unsigned", unsigned=True), 2**64 - 1, {"bigint_unsigned_mode": "string"}),
    (col("c", "bigint", "bigint(20) unsigned", unsigned=True), 2**63, {}),
    (col("c", "int", "int(10) unsigned", unsigned=True), 2**32 - 1, {}),
    (col("c", "tinyint", "tinyint(3) unsigned", unsigned=True), 255, {}),
    (col("c", "bigint", "bigint(20)"), -(2**63), {}),
    (DEC65, Decimal("-12345678901234567890123456789012345.123456789012345678901234567890"),
     {"decimal_mode": "precise"}),
    (DEC65, Decimal("99999999999999999999999999999999999.999999999999999999999999999999"),
     {"decimal_mode": "string"}),
    (DEC10, Decimal("-1.28"), {}),
    (DEC10, Decimal("0.00"), {"decimal_mode": "string"}),
    (col("c", "bit", "bit(64)", precision=64), 2**64 - 1, {}),
    (col("c", "bit", "bit(1)", precision=1), 0, {}),
    (col("c", "binary", "binary(4)"), b"\x00\xff\x00\x00", {}),
    (col("c", "longblob"), bytes(range(256)), {}),
    (col("c", "datetime", "datetime(6)", fsp=6), datetime(2024, 2, 29, 23, 59, 59, 999999), {}),
    (col("c", "timestamp", "timestamp(3)", fsp=3), datetime(2038, 1, 19, 3, 14, 7, 999000), {}),
    (col("c", "date"), date(1000, 1, 1), {}),
    (col("c", "time", "time(6)", fsp=6), -timedelta(microseconds=1), {}),
    (col("c", "time", "time", fsp=0), -timedelta(hours=838, minutes=59, seconds=59), {}),
    (col("c", "longtext", is_json=True), '{"a": [1, 2.5, null], "b": "ü"}', {}),
    (col("c", "enum", "enum('a','b,c')", members=("a", "b,c")), "b,c", {}),
    (col("c", "set", "set('x','y','z')", members=("x", "y", "z")), "x,z", {}),
    (col("c", "year", "year(4)"), 2155, {}),
    (col("c", "float"), 1.1, {}),
    (col("c", "double"), -2.2250738585072014e-308, {}),
    (col("c", "varchar", "varchar(16)"), "naïve ☃", {}),
]


@pytest.mark.parametrize("extension", [False, True], ids=["plain", "tidb-extension"])
@pytest.mark.parametrize(("column", "value", "options"), FAMILIES,
                         ids=[f"{c.column_type}-{o}" for c, _v, o in FAMILIES])
def test_each_type_family_round_trips_to_its_canonical_value(
    column: Column, value: Any, options: dict[str, Any], extension: bool
) -> None:
    reg, t = registry(), table(column)
    options = {**options, "enable_tidb_extension": extension}
    sent = encoder(reg, **options).encode(txn(insert(t, {"id": 1, "c": value})), TS)
    for upstream in (t, None):  # the upstream's column, or only what the schema says
        decoded = decoder(reg, upstream, **options).decode(records(sent)[0])
        assert decoded.findings == []
        (change,) = rows(decoded)
        assert change.kind == "insert" and change.before is None
        assert change.after == {"id": 1, "c": value}
        assert type(change.after["c"]) is type(value)


def test_decimal_and_bit_bytes_are_what_goavro_and_tidb_write() -> None:
    # goavro toSignedBytes: shortest two's complement (-128 is one byte 0x80, where fastavro writes two);
    # types.NewBinaryLiteralFromUint(v, -1): big-endian without leading zero bytes.
    reg = registry()
    t = table(col("d", "decimal", "decimal(10,2)", precision=10, scale=2, nullable=False),
              col("b", "bit", "bit(16)", precision=16, nullable=False))
    (_key, value) = [m for e in encoder(reg).encode(txn(insert(t, {"id": 1, "d": Decimal("-1.28"),
                                                                     "b": 5})), TS) for m in (e.key, e.value)]
    assert value is not None and value[:1] == b"\x00"
    assert value[5:] == b"\x02" + b"\x02\x80" + b"\x02\x05"  # id 1, bytes(len 1) 0x80, bytes(len 1) 0x05


# --- the schema as TiCDC generates it -----------------------------------------------------------

GOLDEN_TABLE = TableSchema("db-1", "1t", (
    col("id", "bigint", "bigint(20) unsigned", unsigned=True, nullable=False),
    col("tiny", "tinyint", "tinyint(4)", nullable=False),
    col("d", "decimal", "decimal(10,0)", precision=10, scale=0),
    col("bit", "bit", "bit(1)", precision=1),
    col("e", "enum", "enum('a','b')", members=("a", "b"), nullable=False),
    col("j", "json", is_json=True),
    col("ts", "timestamp", "timestamp(3)", fsp=3),
    col("blob", "varbinary", "varbinary(8)"),
    col("col-x", "varchar", "varchar(8)"),
), ("id",))
# Written from pingcap/tiflow pkg/sink/codec/avro/avro.go: columns2AvroSchema (nullable → ["null", T]
# with "default": null; map keys sorted by json.Marshal: default, name, type), columnToAvroSchema
# (BIGINT UNSIGNED → long; TINYINT → int "INT"; DECIMAL → bytes + logicalType decimal with precision and
# scale; BIT → bytes with "length"; ENUM → string with "allowed"; JSON/TIMESTAMP → string; binary →
# bytes "BLOB"), getAvroNamespace ("default." + SanitizeName(schema)), schemaWithExtension (the three
# _tidb_* fields), and pkg/sink/codec/common/helper.go SanitizeName ("1t" → "_1t", "col-x" → "col_x").
# The field shapes match the golden schema of avro_test_data.go before commit be1553484f.
GOLDEN_VALUE = (
    '{"type":"record","name":"_1t","namespace":"default.db_1","fields":['
    '{"name":"id","type":{"type":"long","connect.parameters":{"tidb_type":"BIGINT UNSIGNED"}}},'
    '{"name":"tiny","type":{"type":"int","connect.parameters":{"tidb_type":"INT"}}},'
    '{"default":null,"name":"d","type":["null",{"type":"bytes","connect.parameters":{"tidb_type":"DECIMAL"},'
    '"logicalType":"decimal","precision":10,"scale":0}]},'
    '{"default":null,"name":"bit","type":["null",{"type":"bytes","connect.parameters":'
    '{"length":"1","tidb_type":"BIT"}}]},'
    '{"name":"e","type":{"type":"string","connect.parameters":{"allowed":"a,b","tidb_type":"ENUM"}}},'
    '{"default":null,"name":"j","type":["null",{"type":"string","connect.parameters":{"tidb_type":"JSON"}}]},'
    '{"default":null,"name":"ts","type":["null",{"type":"string","connect.parameters":'
    '{"tidb_type":"TIMESTAMP"}}]},'
    '{"default":null,"name":"blob","type":["null",{"type":"bytes","connect.parameters":{"tidb_type":"BLOB"}}]},'
    '{"default":null,"name":"col_x","type":["null",{"type":"string","connect.parameters":{"tidb_type":"TEXT"}}]},'
    '{"default":"","name":"_tidb_op","type":"string"},{"default":0,"name":"_tidb_commit_ts","type":"long"},'
    '{"default":0,"name":"_tidb_commit_physical_time","type":"long"}]}'
)
GOLDEN_KEY = ('{"type":"record","name":"_1t","namespace":"default.db_1","fields":['
              '{"name":"id","type":{"type":"long","connect.parameters":{"tidb_type":"BIGINT UNSIGNED"}}}]}')


def test_schema_text_is_what_ticdc_registers() -> None:
    reg = registry()
    row = {"id": 1, "tiny": 1, "d": None, "bit": None, "e": "a", "j": None, "ts": None, "blob": None,
           "col-x": None}
    encoder(reg, enable_tidb_extension=True).encode(txn(insert(GOLDEN_TABLE, row)), TS)
    assert sorted(reg.get_subjects()) == ["db-1_1t-key", "db-1_1t-value"]  # topic "db-1.1t", '.' → '_'
    assert reg.get_latest_version("db-1_1t-value").schema.schema_str == GOLDEN_VALUE
    assert reg.get_latest_version("db-1_1t-key").schema.schema_str == GOLDEN_KEY
    assert schema_text({"s": "<&>"}) == '{"s":"\\u003c\\u0026\\u003e"}'  # Go's HTML-safe escaping


def test_without_lookup_the_table_comes_from_the_connect_parameters() -> None:
    reg = registry()
    row = {"id": 1, "tiny": -1, "d": Decimal("5"), "bit": 1, "e": "b", "j": "[]",
           "ts": datetime(2001, 1, 1, 0, 0, 0, 123000), "blob": b"\x00", "col-x": "x"}
    (sent,) = encoder(reg, enable_tidb_extension=True).encode(txn(insert(GOLDEN_TABLE, row)), TS)
    decoded = decoder(reg, enable_tidb_extension=True).decode(Record("db-1.1t", 0, 0, sent.key, sent.value))
    assert decoded.findings == []
    (change,) = rows(decoded)
    t = change.table
    assert (t.database, t.name, t.key) == ("db_1", "_1t", ("id",))  # sanitised: names come back via lookup
    assert [(c.name, c.column_type, c.nullable) for c in t.columns] == [
        ("id", "bigint unsigned", False), ("tiny", "int", False), ("d", "decimal", True),
        ("bit", "bit", True), ("e", "enum", False), ("j", "json", True), ("ts", "timestamp", True),
        ("blob", "longblob", True), ("col_x", "longtext", True)]
    assert (t.column("d").precision, t.column("d").scale, t.column("bit").bits) == (10, 0, 1)
    assert t.column("e").members == ("a", "b") and t.column("j").is_json
    assert change.after == {k.replace("-", "_"): v for k, v in row.items()}


def test_a_type_ticdc_cannot_carry_is_a_typed_error() -> None:
    t = table(col("g", "geometry"))
    with pytest.raises(AvroEncodeError, match=r"db1\.t1\.g: TiCDC has no Avro type for geometry"):
        encoder(registry()).encode(txn(insert(t, {"id": 1, "g": b""})), TS)


def test_a_column_change_registers_a_new_version_under_the_same_subject() -> None:
    reg, before = registry(), table(col("v", "int"))
    after = table(col("v", "int"), col("w", "varchar", "varchar(8)"))
    enc = encoder(reg)
    old = enc.encode(txn(insert(before, {"id": 1, "v": 1})), TS)
    new = enc.encode(txn(DdlChange("db1", "ALTER TABLE t1 ADD w VARCHAR(8)", "ALTER"),
                         insert(after, {"id": 2, "v": 2, "w": "x"})), TS + 1)
    assert len(new) == 1  # the DDL itself sends nothing
    assert sorted(reg.get_versions("db1_t1-value")) == [1, 2]
    assert sorted(reg.get_versions("db1_t1-key")) == [1]  # the key schema did not change
    assert old[0].key and new[0].key and old[0].key[1:5] == new[0].key[1:5]  # same key schema id
    assert old[0].value and new[0].value and old[0].value[1:5] != new[0].value[1:5]
    dec = decoder(reg)
    assert [rows(d)[0].after for d in map(dec.decode, records(old + new))] == [
        {"id": 1, "v": 1}, {"id": 2, "v": 2, "w": "x"}]


def test_deletes_are_tombstones_and_key_changing_updates_split() -> None:
    reg, t = registry(), table(col("v", "int"))
    sent = encoder(reg, enable_tidb_extension=True).encode(txn(
        RowChange("update", t, {"id": 1, "v": 1}, {"id": 1, "v": 2}),
        RowChange("update", t, {"id": 1, "v": 2}, {"id": 9, "v": 2}),
        RowChange("delete", t, {"id": 9, "v": 2}, None)), TS)
    assert [(e.handle, e.value is None) for e in sent] == [((1,), False), ((1,), True), ((9,), False),
                                                           ((9,), True)]
    dec = decoder(reg, t, enable_tidb_extension=True)
    got = [dec.decode(r) for r in records(sent)]
    assert [f for d in got for f in d.findings] == []
    assert [(c.kind, c.before, c.after) for d in got for c in rows(d)] == [
        ("update", {"id": 1}, {"id": 1, "v": 2}), ("delete", {"id": 1}, None),
        ("insert", None, {"id": 9, "v": 2}), ("delete", {"id": 9}, None)]


def test_keyless_tables_send_values_without_keys_and_no_deletes() -> None:
    reg, t = registry(), table(col("v", "int"), key=())
    enc = encoder(reg)
    assert enc.encode(txn(RowChange("delete", t, {"v": 1}, None)), TS) == []
    assert enc.watermark("db1", "t1", TS) == []
    (sent,) = enc.encode(txn(insert(t, {"v": 1})), TS)
    assert sent.key is None and sent.handle is None
    (change,) = rows(decoder(reg, t).decode(records([sent])[0]))
    assert change.after == {"v": 1} and change.table.key == ()


# --- violations ----------------------------------------------------------------------------------

T = table(col("v", "int"))


def handmade(
    reg: SchemaRegistryClient, subject: str, schema: dict[str, Any], record: dict[str, Any]
) -> bytes:
    body = io.BytesIO()
    fastavro.schemaless_writer(body, fastavro.parse_schema(json.loads(json.dumps(schema))), record)
    return frame(reg.register_schema(subject, Schema(json.dumps(schema), "AVRO")), body.getvalue())


def valid(reg: SchemaRegistryClient, row: dict[str, Any] | None = None, ts: int = TS,
          **options: Any) -> tuple[bytes, bytes]:
    (e,) = encoder(reg, **options).encode(txn(insert(T, row or {"id": 1, "v": 1})), ts)
    assert e.key is not None and e.value is not None
    return e.key, e.value


def only(findings: list[Finding], kind: str, field: str | None, topic: str = TOPIC) -> Finding:
    assert [(f.kind, f.field) for f in findings] == [(kind, field)], findings
    (f,) = findings
    assert (f.topic, f.partition, f.offset) == (topic, 3, 5)
    return f


def at(key: bytes | None, value: bytes | None, offset: int = 5, topic: str = TOPIC) -> Record:
    return Record(topic, 3, offset, key, value)


INT_TYPE = {"type": "int", "connect.parameters": {"tidb_type": "INT"}}
ID_FIELD = {"name": "id", "type": INT_TYPE}
V_FIELD = {"default": None, "name": "v", "type": ["null", INT_TYPE]}


def value_of(reg: SchemaRegistryClient, record: dict[str, Any], *fields: dict[str, Any],
             namespace: str = "default.db1") -> bytes:
    """A hand-made value message for table t1 registered under the right subject."""
    schema = {"type": "record", "name": "t1", "namespace": namespace, "fields": list(fields)}
    return handmade(reg, "db1_t1-value", schema, record)


def key_of(reg: SchemaRegistryClient, id_: int = 1) -> bytes:
    return valid(reg, {"id": id_, "v": 1})[0]


Case = Callable[[SchemaRegistryClient], Record]
VIOLATIONS: dict[str, tuple[Case, str, str | None]] = {
    "bad-magic": (lambda r: at(key_of(r), b"\x01" + valid(r)[1][1:]), "bad-magic", "value"),
    "truncated-header": (lambda r: at(key_of(r)[:3], valid(r)[1]), "malformed", "key"),
    "truncated-body": (lambda r: at(key_of(r), valid(r)[1][:-1]), "malformed", "value"),
    "trailing-bytes": (lambda r: at(key_of(r), valid(r)[1] + b"\x00"), "malformed", "value"),
    "unknown-schema-id": (lambda r: at(key_of(r), frame(999, b"\x02\x02")), "unknown-schema-id", "value"),
    "wrong-subject": (lambda r: at(*valid(r), topic="db1.other"), "bad-naming", "subject"),
    "namespace": (lambda r: at(key_of(r), value_of(r, {"id": 1, "v": 1}, ID_FIELD, V_FIELD, namespace="db1")),
                  "bad-naming", "namespace"),
    "key-value-disagree": (lambda r: at(key_of(r, 2), valid(r)[1]), "key-value-disagree", "id"),
    "missing-key-on-tombstone": (lambda r: at(None, None), "missing-key", "key"),
    "missing-key": (lambda r: at(None, valid(r)[1]), "missing-key", "key"),
    "missing-field": (lambda r: at(key_of(r), value_of(r, {"id": 1}, ID_FIELD)), "missing-field", "v"),
    "extra-field": (lambda r: at(key_of(r), value_of(r, {"id": 1, "v": 1, "w": 1}, ID_FIELD, V_FIELD,
                                                     {"name": "w", "type": INT_TYPE})), "extra-field", "w"),
    "type-mismatch": (lambda r: at(key_of(r), value_of(r, {"id": 1, "v": "1"}, ID_FIELD, {
        "default": None, "name": "v", "type": ["null", {"type": "string", "connect.parameters": {
            "tidb_type": "TEXT"}}]})), "type-mismatch", "v"),
    "not-nullable": (lambda r: at(key_of(r), value_of(r, {"id": 1, "v": 1}, ID_FIELD, {
        "name": "v", "type": INT_TYPE})), "type-mismatch", "v"),
}
USABLE = {"wrong-subject", "key-value-disagree", "missing-key", "missing-field", "extra-field",
          "type-mismatch", "not-nullable"}


@pytest.mark.parametrize("case", VIOLATIONS)
def test_each_violation_is_one_located_finding(case: str) -> None:
    reg = registry()
    build, kind, field = VIOLATIONS[case]
    decoded = decoder(reg, T).decode(build(reg))
    if case == "wrong-subject":  # key and value both sit under the other topic's subjects
        assert ["db1_other-key" in f.why for f in decoded.findings] == [True, False]
        decoded.findings = decoded.findings[1:]
    finding = only(decoded.findings, kind, field, "db1.other" if case == "wrong-subject" else TOPIC)
    if case not in ("bad-magic", "truncated-header", "missing-key-on-tombstone"):
        assert (finding.database, finding.table) == ("db1", "t1")
    assert bool(decoded.changes) == (case in USABLE)


@pytest.mark.parametrize(("text", "why"), [("2020-01-02T03:04:05", "TiDB's text"),
                                           ("2020-01-02 03:04:05", "fractional digits"),
                                           ("2020-13-02 03:04:05.5", "month")])
def test_a_value_its_type_cannot_hold_is_a_bad_value(text: str, why: str) -> None:
    reg = registry()
    t = table(col("v", "datetime", "datetime(1)", fsp=1))
    dt = {"default": None, "name": "v", "type": ["null", {"type": "string", "connect.parameters": {
        "tidb_type": "DATETIME"}}]}
    decoded = decoder(reg, t).decode(at(key_of(reg), value_of(reg, {"id": 1, "v": text}, ID_FIELD, dt)))
    assert why in only(decoded.findings, "bad-value", "v").why and decoded.changes == []


def test_an_unknown_tidb_op_is_a_bad_value() -> None:
    reg = registry()
    fields: list[dict[str, Any]] = [ID_FIELD, V_FIELD, {"default": "", "name": "_tidb_op", "type": "string"},
              {"default": 0, "name": "_tidb_commit_ts", "type": "long"},
              {"default": 0, "name": "_tidb_commit_physical_time", "type": "long"}]
    value = value_of(reg, {"id": 1, "v": 1, "_tidb_op": "d", "_tidb_commit_ts": TS,
                           "_tidb_commit_physical_time": TS >> 18}, *fields)
    decoded = decoder(reg, T, enable_tidb_extension=True).decode(at(key_of(reg), value))
    only(decoded.findings, "bad-value", "_tidb_op")


def test_a_table_the_upstream_lacks_is_bad_naming() -> None:
    reg = registry()
    finding = only(decoder(reg, table(col("v", "int"), name="t2")).decode(at(*valid(reg))).findings,
                   "bad-naming", "name")
    assert "db1.t1" in finding.why


def test_a_key_going_back_in_commit_ts_is_out_of_order_and_a_repeat_is_a_duplicate() -> None:
    reg = registry()
    dec = decoder(reg, T, enable_tidb_extension=True)
    first = valid(reg, {"id": 1, "v": 1}, TS + 10, enable_tidb_extension=True)
    older = valid(reg, {"id": 1, "v": 2}, TS, enable_tidb_extension=True)
    assert dec.decode(at(*first, offset=4)).findings == []
    assert dec.decode(at(*valid(reg, {"id": 2, "v": 0}, TS, enable_tidb_extension=True),
                         offset=5)).findings == []  # another key may be older
    f = only(dec.decode(at(*older, offset=5)).findings, "out-of-order", "_tidb_commit_ts")
    assert f.key == (1,) and (f.database, f.table) == ("db1", "t1")
    only(dec.decode(at(*older, offset=5)).findings, "duplicate", None)


# --- never raises ------------------------------------------------------------------------------------

FUZZ = settings(max_examples=150, deadline=timedelta(milliseconds=400),
                suppress_health_check=[HealthCheck.too_slow])


def assert_only_findings(dec: AvroDecoder, record: Record) -> None:
    decoded = dec.decode(record)
    assert {f.kind for f in decoded.findings} <= KINDS, decoded.findings
    assert all(f.offset == record.offset for f in decoded.findings)


@pytest.fixture(scope="module")
def fuzz_target() -> tuple[MockSchemaRegistryClient, tuple[bytes, bytes]]:
    reg = registry()
    t = table(FAMILIES[1][0], col("d", "decimal", "decimal(10,2)", precision=10, scale=2),
              col("t", "time", fsp=0), col("s", "set", "set('a','b')", members=("a", "b")))
    (e,) = encoder(reg, enable_tidb_extension=True).encode(txn(insert(t, {
        "id": 1, "c": 5, "d": Decimal("1.50"), "t": timedelta(hours=-1), "s": "a,b"})), TS)
    assert e.key is not None and e.value is not None
    return reg, (e.key, e.value)


@FUZZ
@given(key=st.none() | st.binary(max_size=40), value=st.none() | st.binary(max_size=80))
def test_random_bytes_only_ever_yield_findings(
    fuzz_target: Any, key: bytes | None, value: bytes | None
) -> None:
    reg, _ = fuzz_target
    assert_only_findings(AvroDecoder(reg, enable_tidb_extension=True), at(key, value))


@FUZZ
@given(data=st.data())
def test_mutated_messages_only_ever_yield_findings(fuzz_target: Any, data: st.DataObject) -> None:
    reg, message = fuzz_target
    parts = list(message)
    for _ in range(data.draw(st.integers(1, 3))):
        which = data.draw(st.integers(0, 1))
        raw = bytearray(parts[which])
        i = data.draw(st.integers(0, len(raw)))
        action = data.draw(st.sampled_from(["flip", "cut", "insert"]))
        if action == "flip" and i < len(raw):
            raw[i] ^= data.draw(st.integers(1, 255))
        elif action == "cut":
            del raw[i:]
        else:
            raw[i:i] = data.draw(st.binary(min_size=1, max_size=4))
        parts[which] = bytes(raw)
    assert_only_findings(AvroDecoder(reg, enable_tidb_extension=True), at(parts[0], parts[1]))


# --- interop with Confluent's own clients -----------------------------------------------------------


def confluent_reads_what_we_send(reg: SchemaRegistryClient) -> None:
    t = table(col("d", "decimal", "decimal(10,2)", precision=10, scale=2), col("s", "varchar", "varchar(8)"),
              col("u", "bigint", "bigint(20) unsigned", unsigned=True))
    row = {"id": 7, "d": Decimal("-1.28"), "s": "ü", "u": 2**64 - 1}
    (e,) = encoder(reg, enable_tidb_extension=True).encode(txn(insert(t, row)), TS)
    deserialize = AvroDeserializer(reg)
    key = deserialize(e.key, SerializationContext(TOPIC, MessageField.KEY))
    value = deserialize(e.value, SerializationContext(TOPIC, MessageField.VALUE))
    assert key == {"id": 7}
    assert value == {**row, "u": -1, "_tidb_op": "c", "_tidb_commit_ts": TS,
                     "_tidb_commit_physical_time": 1_700_000_000_000}
    decoded = decoder(reg, t, enable_tidb_extension=True).decode(records([e])[0])
    assert decoded.findings == [] and rows(decoded)[0].after == row


def test_confluent_deserializer_reads_our_messages() -> None:
    confluent_reads_what_we_send(registry())


@pytest.fixture(scope="module")
def real_registry() -> Iterator[str]:
    process = pytest.importorskip("schemareg.process", reason="the embedded schema registry is not built yet")
    from stack.leases import Lease

    lease = Lease.acquire("test-avro")
    root = Path(tempfile.mkdtemp(prefix="avro-test-"))
    lease.add_directory(root)
    try:
        service = process.start(root, lease)
        yield service.url
        service.stop()
    finally:
        lease.release()


def test_against_the_embedded_registry(real_registry: str) -> None:
    reg = SchemaRegistryClient({"url": real_registry})
    confluent_reads_what_we_send(reg)
    before, after = table(col("v", "int")), table(col("v", "int"), col("w", "int"))
    enc, dec = encoder(reg), decoder(reg)
    sent = enc.encode(txn(insert(before, {"id": 1, "v": 1})), TS) + enc.encode(
        txn(insert(after, {"id": 2, "v": 2, "w": 3})), TS + 1)
    assert reg.get_versions("db1_t1-value") == [1, 2, 3]  # the interop table, then the two versions
    assert [f for r in records(sent) for f in dec.decode(r).findings] == []
    assert sent[0].key is not None
    elsewhere = dec.decode(at(sent[0].key, sent[0].value, topic="db1.other"))
    assert [(f.kind, f.field) for f in elsewhere.findings] == [("bad-naming", "subject")] * 2


def test_limits_name_what_avro_cannot_carry() -> None:
    assert {"update-pre-image", "names", "temporal", "bigint-unsigned", "defaults"} <= LIMITS.keys()
    assert all(why.strip() for why in LIMITS.values())
