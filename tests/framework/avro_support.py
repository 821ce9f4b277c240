"""The Avro tests' shared parts (test_avro_*.py): table and change builders, the coders, the type families."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry._sync.mock_schema_registry_client import MockSchemaRegistryClient

from sinkmatrix.model.changes import DdlChange, Position, RowChange, Transaction
from sinkmatrix.model.schema import Column, TableSchema
from sinkmatrix.model.tso import compose
from sinkmatrix.refcdc.encode_avro import AvroEncoder
from sinks.avro_decode import AvroDecoder
from sinks.base import Decoded, Record

TS = compose(1_700_000_000_000, 7)
TOPIC = "db1.t1"  # what topic_of gives; the subjects are db1_t1-key / db1_t1-value


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
    def lookup(database: str, table: str, names: Collection[str] | None = None) -> TableSchema | None:
        return upstream if upstream and (database, table) == (upstream.database, upstream.name) else None

    return AvroDecoder(reg, lookup=lookup if upstream else None, **options)


def records(encoded: list[Any], start: int = 0) -> list[Record]:
    return [Record(TOPIC, 0, start + i, e.key, e.value) for i, e in enumerate(encoded)]


def at(key: bytes | None, value: bytes | None, offset: int = 5, topic: str = TOPIC) -> Record:
    return Record(topic, 3, offset, key, value)


def insert(t: TableSchema, row: dict[str, Any]) -> RowChange:
    return RowChange("insert", t, None, row)


def rows(decoded: Decoded) -> list[RowChange]:
    # (a helper module: pytest does not rewrite this assert, so the message shows the changes)
    assert all(isinstance(c, RowChange) for c in decoded.changes), \
        f"expected only row changes, got {decoded.changes!r}"
    return [c for c in decoded.changes if isinstance(c, RowChange)]


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
