"""Canal-JSON fixtures: one column per type family with the text TiCDC writes, and test helpers.

Each FAMILIES entry is (column, canonical value, mysqlType, sqlType, the JSON text of the value).
Why each expectation is what TiCDC writes (pingcap/tiflow):
- mysqlType: pkg/sink/codec/utils/mysql_types.go GetMySQLType → TiDB types.TypeToStr plus
  ' unsigned' (not for bit/year) and ' zerofill'; binary charset turns char/text into binary/blob.
- sqlType: pkg/sink/codec/internal/java.go MySQLType2JavaType, with canal_entry.go getJavaSQLType
  promoting an unsigned integer whose value exceeds the signed maximum (tinyint → SMALLINT 5,
  smallint → INTEGER 4, int → BIGINT -5, bigint → DECIMAL 3; mediumint never).
- value text: canal_entry.go formatValue over the Go value cdc/entry/mounter.go formatColVal gives:
  integers and BIT as (u)int64 → decimal; ENUM index / SET bitmask as uint64; FLOAT via
  FormatFloat(v, 'f', -1, 32), DOUBLE with 64; DECIMAL as MyDecimal.String (column scale);
  DATE/DATETIME/TIMESTAMP as types.Time.String and TIME as types.Duration.String (column fsp
  digits); JSON as BinaryJSON.String; binary bytes as ISO-8859-1; text bytes as they are.
- JSON string escaping: easyjson jwriter.String (HTML characters, control characters as \\u00xx
  except \\n \\r \\t, U+2028/U+2029).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sinkmatrix.model.changes import DdlChange, Position, RowChange, Transaction
from sinkmatrix.model.schema import Column, TableSchema
from sinkmatrix.refcdc.encode_canal import CanalJsonEncoder
from sinks.base import Decoded, Record
from sinks.canal_json import CanalJsonDecoder

DB, TABLE = "db", "t"
ES = 1_700_000_000_123  # commit physical milliseconds
TS = 1_700_000_000_999  # the encoder's clock in tests
COMMIT_TS = (ES << 18) | 5


def col(name: str, type_: str, column_type: str | None = None, **kw: Any) -> Column:
    return Column(name=name, type=type_, column_type=column_type or type_, **kw)


ID = col("id", "int", "int(11)", nullable=False)

FAMILIES: list[tuple[Column, Any, str, int, str]] = [
    (col("c", "tinyint", "tinyint(4)", precision=3), -128, "tinyint", -6, '"-128"'),
    (col("c", "tinyint", "tinyint(3) unsigned", unsigned=True), 127, "tinyint unsigned", -6, '"127"'),
    (col("c", "tinyint", "tinyint(3) unsigned", unsigned=True), 255, "tinyint unsigned", 5, '"255"'),
    (col("c", "smallint", "smallint(5) unsigned", unsigned=True), 65535, "smallint unsigned", 4,
     '"65535"'),
    (col("c", "mediumint", "mediumint(8) unsigned", unsigned=True), 16777215, "mediumint unsigned",
     4, '"16777215"'),
    (col("c", "int", "int(10) unsigned", unsigned=True), 4294967295, "int unsigned", -5,
     '"4294967295"'),
    (col("c", "int", "int(10) unsigned zerofill", unsigned=True), 7, "int unsigned zerofill", 4,
     '"7"'),
    (col("c", "bigint", "bigint(20)"), -(2**63), "bigint", -5, '"-9223372036854775808"'),
    (col("c", "bigint", "bigint(20) unsigned", unsigned=True), 2**64 - 1, "bigint unsigned", 3,
     '"18446744073709551615"'),
    (col("c", "float", "float"), 1.1, "float", 7, '"1.1"'),
    (col("c", "float", "float"), 3.4028234663852886e38, "float", 7,
     '"340282350000000000000000000000000000000"'),
    (col("c", "float", "float unsigned", unsigned=True), 0.5, "float unsigned", 7, '"0.5"'),
    (col("c", "double", "double"), 0.1, "double", 8, '"0.1"'),
    (col("c", "double", "double"), 1e-7, "double", 8, '"0.0000001"'),
    (col("c", "double", "double"), 1e21, "double", 8, '"1000000000000000000000"'),
    (col("c", "double", "double"), 2.0, "double", 8, '"2"'),
    (col("c", "double", "double"), -0.0, "double", 8, '"-0"'),
    (col("c", "decimal", "decimal(10,2)", precision=10, scale=2), Decimal("1.5"), "decimal", 3,
     '"1.50"'),
    (col("c", "decimal", "decimal(65,30) unsigned", unsigned=True, precision=65, scale=30),
     Decimal("12345678901234567890123456789012345.123456789012345678901234567891"),
     "decimal unsigned", 3,
     '"12345678901234567890123456789012345.123456789012345678901234567891"'),
    (col("c", "date", "date"), date(2020, 2, 29), "date", 91, '"2020-02-29"'),
    (col("c", "datetime", "datetime", fsp=0), datetime(2020, 1, 2, 3, 4, 5), "datetime", 93,
     '"2020-01-02 03:04:05"'),
    (col("c", "datetime", "datetime(3)", fsp=3), datetime(1, 1, 1, 0, 0, 0, 120000), "datetime", 93,
     '"0001-01-01 00:00:00.120"'),
    (col("c", "datetime", "datetime(6)", fsp=6), datetime(9999, 12, 31, 23, 59, 59, 5), "datetime",
     93, '"9999-12-31 23:59:59.000005"'),
    (col("c", "timestamp", "timestamp(6)", fsp=6), datetime(2038, 1, 19, 3, 14, 7, 999999),
     "timestamp", 93, '"2038-01-19 03:14:07.999999"'),
    (col("c", "time", "time", fsp=0), timedelta(hours=838, minutes=59, seconds=59), "time", 92,
     '"838:59:59"'),
    (col("c", "time", "time(6)", fsp=6), -timedelta(seconds=1, microseconds=500000), "time", 92,
     '"-00:00:01.500000"'),
    (col("c", "time", "time(2)", fsp=2), -timedelta(hours=25, microseconds=10000), "time", 92,
     '"-25:00:00.01"'),
    (col("c", "year", "year(4)"), 2155, "year", 12, '"2155"'),
    (col("c", "year", "year(4)"), 0, "year", 12, '"0"'),
    (col("c", "bit", "bit(1)", precision=1), 1, "bit", -7, '"1"'),
    (col("c", "bit", "bit(64)", precision=64), 2**64 - 1, "bit", -7, '"18446744073709551615"'),
    (col("c", "char", "char(3)"), "abc", "char", 1, '"abc"'),
    (col("c", "varchar", "varchar(40)"), '<&>"\\\n\t\x01\x7f\u2028é😀', "varchar", 12,
     '"\\u003c\\u0026\\u003e\\"\\\\\\n\\t\\u0001\x7f\\u2028é😀"'),
    (col("c", "tinytext", "tinytext"), "", "tinytext", 2005, '""'),
    (col("c", "longtext", "longtext"), "x" * 3, "longtext", 2005, '"xxx"'),
    (col("c", "binary", "binary(4)"), b"\x00\x01\xfe\xff", "binary", 2004, '"\\u0000\\u0001þÿ"'),
    (col("c", "varbinary", "varbinary(8)"), b"\x80\x9f<\n", "varbinary", 2004,
     '"\x80\x9f\\u003c\\n"'),
    (col("c", "blob", "blob"), bytes(range(0xF8, 0x100)), "blob", 2004, '"øùúûüýþÿ"'),
    (col("c", "enum", "enum('a','b','c')", members=("a", "b", "c")), "c", "enum", 4, '"3"'),
    (col("c", "enum", "enum('a','b','c')", members=("a", "b", "c")), "", "enum", 4, '"0"'),
    (col("c", "set", "set('a','b','c')", members=("a", "b", "c")), "a,c", "set", -7, '"5"'),
    (col("c", "set", "set('a','b','c')", members=("a", "b", "c")), "", "set", -7, '"0"'),
    # MariaDB's JSON is longtext with a json_valid CHECK; TiDB re-prints the document
    (col("c", "longtext", "longtext", is_json=True), '{"b":1,"a":[true,null,1.5e300,10,1.0]}',
     "json", 12, '"{\\"a\\": [true, null, 1.5e300, 10, 1.0], \\"b\\": 1}"'),
    (col("c", "json", "json", is_json=True), '"<x>"', "json", 12, '"\\"\\u003cx\\u003e\\""'),
    (col("c", "varchar", "varchar(4)"), None, "varchar", 12, "null"),
]


def table_of(column: Column, key: tuple[str, ...] = ("id",)) -> TableSchema:
    return TableSchema(DB, TABLE, (ID, column), key)


def insert_message(mysql: str, java: int, text: str, tidb: bool = False) -> str:
    """The whole message TiCDC writes for inserting (id=1, c=value) into db.t."""
    extension = f',"_tidb":{{"commitTs":{COMMIT_TS}}}' if tidb else ""
    return (
        f'{{"id":0,"database":"db","table":"t","pkNames":["id"],"isDdl":false,"type":"INSERT",'
        f'"es":{ES},"ts":{TS},"sql":"","sqlType":{{"id":4,"c":{java}}},'
        f'"mysqlType":{{"id":"int","c":"{mysql}"}},"old":null,"data":[{{"id":"1","c":{text}}}]'
        f"{extension}}}"
    )


# Helpers shared by the Canal-JSON tests: encode changes with a fixed clock, decode records.
TOPIC, PARTITION = "canal-topic", 3
AT = Position.of("binlog.000001", 4)
STRING = col("v", "varchar", "varchar(10)")
PLAIN = TableSchema(DB, TABLE, (ID, STRING), ("id",))


def encoder(tidb: bool = False) -> CanalJsonEncoder:
    return CanalJsonEncoder(tidb, clock_ms=lambda: TS)


def encode(changes: Sequence[RowChange | DdlChange], tidb: bool = False,
           ts: int = COMMIT_TS) -> list[bytes]:
    return [e.value or b"" for e in encoder(tidb).encode(Transaction(tuple(changes), AT, 0), ts)]


def record(value: bytes | None, offset: int = 42, key: bytes | None = None) -> Record:
    return Record(TOPIC, PARTITION, offset, key, value)


def decode_all(decoder: CanalJsonDecoder, values: list[bytes]) -> list[Decoded]:
    return [decoder.decode(record(v, offset=i)) for i, v in enumerate(values)]


def ins(row: dict[str, Any], table: TableSchema = PLAIN) -> RowChange:
    return RowChange("insert", table, None, row)


def upd(old: dict[str, Any], new: dict[str, Any], table: TableSchema = PLAIN) -> RowChange:
    return RowChange("update", table, old, new)


def dele(old: dict[str, Any], table: TableSchema = PLAIN) -> RowChange:
    return RowChange("delete", table, old, None)


def family_id(case: tuple[Column, Any, str, int, str]) -> str:
    column, value = case[0], case[1]
    return f"{column.column_type}={value!r}"[:60]


def upstream_of(table: TableSchema) -> Callable[..., TableSchema | None]:
    def lookup(database: str, name: str, names: object = None) -> TableSchema | None:
        return table if (database, name) == (table.database, table.name) else None

    return lookup
