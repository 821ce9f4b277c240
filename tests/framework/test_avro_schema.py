"""The Avro schema as TiCDC generates and registers it, what it reads back, and what Avro cannot carry."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from sinkmatrix.formats.ticdc_avro import LIMITS, schema_text
from sinkmatrix.model.changes import DdlChange, RowChange
from sinkmatrix.model.schema import TableSchema
from sinkmatrix.refcdc.encode_avro import AvroEncodeError
from sinks.base import Record
from tests.framework.avro_support import (
    TS,
    col,
    decoder,
    encoder,
    insert,
    records,
    registry,
    rows,
    table,
    txn,
)

pytestmark = pytest.mark.framework

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
    with pytest.raises(AvroEncodeError, match=r"db1\.t1\.g: TiCDC has no Avro type for geometry"):
        encoder(registry())._codec("db1", table(col("g", "geometry")), key=False)


def test_a_table_with_a_type_ticdc_cannot_carry_is_left_out_and_the_rest_carried() -> None:
    # avro.go stops the changefeed on it (ErrAvroUnknownType); only types TiDB lacks meet it, in a
    # table no TiCDC ever carries, so the reference CDC leaves that table out until DDL in its database
    gis, plain = table(col("g", "geometry")), table(col("v", "int"), name="t2")
    enc = encoder(registry())
    sent = enc.encode(txn(insert(gis, {"id": 1, "g": b""}), insert(plain, {"id": 1, "v": 1}),
                          insert(gis, {"id": 2, "g": b""})), TS)
    assert [m.table for m in sent] == ["t2"]
    without = table(name="t1")
    sent = enc.encode(txn(DdlChange("db1", "ALTER TABLE t1 DROP COLUMN g", "ALTER"),
                          insert(without, {"id": 3})), TS)
    assert [m.table for m in sent] == ["t1"]


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


def test_limits_name_what_avro_cannot_carry() -> None:
    assert {"update-pre-image", "names", "temporal", "bigint-unsigned", "defaults"} <= LIMITS.keys()
    assert all(why.strip() for why in LIMITS.values())
