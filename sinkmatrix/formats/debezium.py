"""The Debezium contract (MySQL connector, 3.x): the change-event envelope, the `source` block, the
key, and the Kafka Connect schema of each column type under each handling mode, with how a value of
that schema reads back as the column's value.

Learned from Debezium's documentation ("Debezium connector for MySQL": data change events, data type
mappings; "Debezium connector for MySQL": connector properties decimal.handling.mode,
bigint.unsigned.handling.mode, time.precision.mode, binary.handling.mode) and from its sources
(debezium-connector-binlog BinlogValueConverters, debezium-core JdbcValueConverters and
io.debezium.time.*), then checked against what Debezium 3.6.3 itself emits here (tests/vectors).
Nothing in this repository produces Debezium events: the decoders are judged by Debezium's own.
"""

from __future__ import annotations

import base64
import datetime as dt
import struct
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Context, Decimal
from typing import Any

from sinkmatrix.formats.numbers import float32
from sinkmatrix.model.schema import Column

# -- the envelope ------------------------------------------------------------------------------

# payload fields in the order Debezium writes them; 3.x added ts_us and ts_ns (2.x: ts_ms only)
ENVELOPE_FIELDS = ("before", "after", "source", "transaction", "op", "ts_ms", "ts_us", "ts_ns")
ENVELOPE_FIELDS_2X = ("before", "after", "source", "transaction", "op", "ts_ms")
OPS = {"c": "create", "u": "update", "d": "delete", "r": "read (snapshot)", "t": "truncate", "m": "message"}
# the MySQL connector's source block (io.debezium.connector.mysql.Source), in order
SOURCE_FIELDS = (
    "version",
    "connector",
    "name",
    "ts_ms",
    "snapshot",
    "db",
    "sequence",
    "ts_us",
    "ts_ns",
    "table",
    "server_id",
    "gtid",
    "file",
    "pos",
    "row",
    "thread",
    "query",
)
SOURCE_REQUIRED = ("version", "connector", "name", "ts_ms", "db", "server_id", "file", "pos", "row")
SNAPSHOT_VALUES = (
    "true",
    "first",
    "first_in_data_collection",
    "last_in_data_collection",
    "last",
    "false",
    "incremental",
)
CONNECTOR = "mysql"
# schema-change events (include.schema.changes): sinkmatrix.formats.debezium_tables; names:
# sinkmatrix.formats.debezium_names


@dataclass(frozen=True, slots=True)
class Producer:
    """Who writes Debezium's format, and what differs between them: Debezium's own MySQL connector,
    or TiCDC's `protocol=debezium` (pkg/sink/codec/debezium, TiCDC v8.0 on), which mimics it with
    `connector: TiCDC`, no binlog coordinates (its clock is `source.commit_ts`, a TSO), the 2.x
    envelope, and topics routed by its dispatchers rather than named `<prefix>.<db>.<table>`."""

    name: str
    connector: str
    envelope: tuple[str, ...]
    source_fields: tuple[str, ...]
    source_required: tuple[str, ...]
    clock: str  # "binlog": (file, pos, row); "commit_ts": source.commit_ts
    prefixed_topics: bool  # topics are <prefix>.<database>.<table>
    version: str | None = None  # the release source.version must name (a prefix of it)


PRODUCERS = {
    "debezium": Producer("debezium", CONNECTOR, ENVELOPE_FIELDS, SOURCE_FIELDS, SOURCE_REQUIRED, "binlog",
                         True),
    "ticdc": Producer("ticdc", "TiCDC", ("source", "ts_ms", "transaction", "op", "before", "after"),
                      (*SOURCE_FIELDS, "commit_ts", "cluster_id"), ("version", "connector", "name", "ts_ms",
                                                                   "db", "table", "commit_ts"),
                      "commit_ts", False, "2.4.0"),
    # the MariaDB connector (debezium-connector-mariadb, 2.7 on): the MySQL connector's envelope and
    # source block (both build it in debezium-connector-binlog's BinlogSourceInfo), connector "mariadb"
    "debezium-mariadb": Producer("debezium-mariadb", "mariadb", ENVELOPE_FIELDS, SOURCE_FIELDS,
                                 SOURCE_REQUIRED, "binlog", True),
}


def clock_of(source: dict[str, Any]) -> tuple[int, int, int] | None:
    """A change's exact place in the binlog: (file number, position of its event, row in the event).
    Debezium writes the event's own position in `source.pos` and the row's index in `source.row`
    (io.debezium.connector.binlog.BinlogSourceInfo.setEventPosition/setRowNumber, written by
    BinlogSourceInfoStructMaker), so every row change has its own clock, in the binlog's order,
    across all topics; a schema change has its query event's."""
    file, pos, row = source.get("file"), source.get("pos"), source.get("row")
    if not isinstance(file, str) or type(pos) is not int or type(row or 0) is not int:
        return None
    number = file.rsplit(".", 1)[-1]
    return (int(number), pos, row or 0) if number.isdigit() else None


def topic_parts(topic: str, prefix: str) -> tuple[str, str] | None:
    """(database, table) as a data topic `<prefix>.<database>.<table>` names them (sanitized:
    sinkmatrix.formats.debezium_names), None if it is not one."""
    if not topic.startswith(prefix + "."):
        return None
    database, dot, table = topic[len(prefix) + 1 :].partition(".")
    return (database, table) if dot and database and table else None


# -- handling modes and the schema of each column type -----------------------------------------


@dataclass(frozen=True, slots=True)
class Modes:
    """The connector's handling modes that change what a column's value looks like."""

    decimal: str = "precise"  # decimal.handling.mode: precise | string | double
    bigint_unsigned: str = "long"  # bigint.unsigned.handling.mode: long | precise
    time: str = "adaptive_time_microseconds"  # time.precision.mode: adaptive_time_microseconds | connect
    binary: str = "bytes"  # binary.handling.mode: bytes | base64 | base64-url-safe | hex

    @classmethod
    def of(cls, properties: dict[str, str]) -> Modes:
        return cls(
            properties.get("decimal.handling.mode", "precise"),
            properties.get("bigint.unsigned.handling.mode", "long"),
            properties.get("time.precision.mode", "adaptive_time_microseconds"),
            properties.get("binary.handling.mode", "bytes"),
        )


@dataclass(frozen=True, slots=True)
class FieldSchema:
    """A Kafka Connect field schema as Debezium declares it: type, logical name, parameters."""

    type: str  # int8 int16 int32 int64 float double boolean string bytes
    name: str | None = None
    parameters: tuple[tuple[str, str], ...] = ()  # sorted by name

    def describe(self) -> str:
        params = ", ".join(f"{k}={v}" for k, v in self.parameters)
        return self.type + (f" {self.name}" if self.name else "") + (f" ({params})" if params else "")


DECIMAL = "org.apache.kafka.connect.data.Decimal"
_CONNECT, _TIME = "org.apache.kafka.connect.data", "io.debezium.time"
_INTEGERS = {  # (signed, unsigned) Connect types, from BinlogValueConverters.schemaBuilder
    "tinyint": ("int16", "int16"),
    "smallint": ("int16", "int32"),
    "mediumint": ("int32", "int32"),
    "int": ("int32", "int64"),
    "integer": ("int32", "int64"),
}
# spatial columns (BinlogValueConverters.schemaBuilder): a POINT column is a Point struct (x, y, wkb,
# srid), every other spatial type a Geometry struct (wkb, srid) - io.debezium.data.geometry
GEOMETRY, POINT = "io.debezium.data.geometry.Geometry", "io.debezium.data.geometry.Point"
SPATIAL = frozenset({"geometry", "linestring", "polygon", "multipoint", "multilinestring", "multipolygon",
                     "geometrycollection", "point"})
_TEXT = {"char", "varchar", "tinytext", "text", "mediumtext", "longtext"}
_BINARY = {"binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob"}


def _params(scale: str, precision: str) -> tuple[tuple[str, str], ...]:
    """A Decimal's parameters, in the sorted order FieldSchema compares them in."""
    return (("connect.decimal.precision", precision), ("scale", scale))


def field_schemas(column: Column, modes: Modes) -> tuple[FieldSchema, ...]:
    """Every schema Debezium may give the column (more than one where information_schema cannot tell
    which DDL spelling made the column: BOOLEAN and TINYINT(1) are both tinyint(1) there)."""
    kind, unsigned = column.type, column.unsigned
    if kind in _INTEGERS:
        found: tuple[FieldSchema, ...] = (FieldSchema(_INTEGERS[kind][1 if unsigned else 0]),)
        if kind == "tinyint" and column.column_type.lower().startswith("tinyint(1)"):
            found += (FieldSchema("boolean"),)  # a column declared BOOLEAN
        return found
    if kind == "bigint":
        if unsigned and modes.bigint_unsigned == "precise":
            return (FieldSchema("bytes", DECIMAL, _params(scale="0", precision="20")),)
        return (FieldSchema("int64"),)
    if kind == "float":
        return (FieldSchema("float"), FieldSchema("double"))  # FLOAT(p) with p > 24 is a DOUBLE
    if kind in ("double", "real"):
        # a column the DDL declared REAL is FLOAT32 (the parser's Types.REAL: JdbcValueConverters.
        # schemaBuilder), though MySQL's REAL is a DOUBLE; information_schema cannot tell the
        # spelling, Debezium's description of the table can (sinks.debezium_settle)
        return (FieldSchema("double"), FieldSchema("float"))
    if kind in ("decimal", "numeric"):
        if modes.decimal == "string":
            return (FieldSchema("string"),)
        if modes.decimal == "double":
            return (FieldSchema("double"),)
        params = _params(scale=str(column.scale or 0), precision=str(column.precision))
        return (FieldSchema("bytes", DECIMAL, params),)
    if column.is_json:
        return (FieldSchema("string", "io.debezium.data.Json"), FieldSchema("string"))
    if kind in _TEXT:
        return (FieldSchema("string"),)
    if kind in _BINARY:
        return (FieldSchema("bytes" if modes.binary == "bytes" else "string"),)
    if kind == "enum":
        return (FieldSchema("string", "io.debezium.data.Enum", (("allowed", allowed(column.members)),)),)
    if kind == "set":
        return (FieldSchema("string", "io.debezium.data.EnumSet", (("allowed", allowed(column.members)),)),)
    if kind == "bit":
        if column.precision == 1:
            return (FieldSchema("boolean"),)
        return (FieldSchema("bytes", "io.debezium.data.Bits", (("length", str(column.precision)),)),)
    if kind == "json":
        return (FieldSchema("string", "io.debezium.data.Json"),)
    if kind == "point":
        return (FieldSchema("struct", POINT),)
    if kind in SPATIAL:
        return (FieldSchema("struct", GEOMETRY),)
    if kind == "year":
        return (FieldSchema("int32", "io.debezium.time.Year"),)
    if kind == "timestamp":
        return (FieldSchema("string", "io.debezium.time.ZonedTimestamp"),)
    connect = modes.time == "connect"
    if kind == "date":
        return (FieldSchema("int32", f"{_CONNECT}.Date" if connect else "io.debezium.time.Date"),)
    if kind == "time":
        if connect:
            return (FieldSchema("int32", "org.apache.kafka.connect.data.Time"),)
        return (FieldSchema("int64", "io.debezium.time.MicroTime"),)
    if kind == "datetime":
        if connect:
            return (FieldSchema("int64", "org.apache.kafka.connect.data.Timestamp"),)
        micro = (column.fsp or 0) > 3
        return (FieldSchema("int64", f"{_TIME}.MicroTimestamp" if micro else f"{_TIME}.Timestamp"),)
    return ()


def allowed(members: tuple[str, ...]) -> str:
    """An Enum/EnumSet schema's `allowed` parameter: the members joined by "," with each "," inside a
    member escaped as "\\," (DBZ-1226; debezium-connector-mysql MySqlAntlrDdlParser.
    escapeOption, v3.6.1.Final, called by extractEnumAndSetOptions for BinlogValueConverters'
    Enum/EnumSet builders). escapeOption works on the statement's literal: it turns `\\'` and `''`
    into `'` and leaves other escapes as written, so a member's backslash arrives as the `\\\\` its
    literal must have had."""
    return ",".join(m.replace("\\", "\\\\").replace(",", "\\,") for m in members)


# the modes of each sink variant sinkmatrix runs Debezium in (the CDC plug-in configures them, the
# adapters decode by them): "" Debezium's defaults, "alt" the other mode of each
VARIANT_MODES = {
    "": Modes(),
    "schemaless": Modes(),
    "alt": Modes(decimal="string", bigint_unsigned="precise", time="connect", binary="hex"),
    # and the connector's and converters' shipped defaults (sinkmatrix.formats.debezium_behaviours)
    "defaults": Modes(),
}


def properties_of(modes: Modes) -> dict[str, str]:
    """The connector properties that set these modes."""
    return {
        "decimal.handling.mode": modes.decimal,
        "bigint.unsigned.handling.mode": modes.bigint_unsigned,
        "time.precision.mode": modes.time,
        "binary.handling.mode": modes.binary,
    }


# -- values ------------------------------------------------------------------------------------

_WIDE = Context(prec=200)
_EPOCH_DAY = dt.date(1970, 1, 1)
_EPOCH = dt.datetime(1970, 1, 1)
_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "int8": (int,),
    "int16": (int,),
    "int32": (int,),
    "int64": (int,),
    "boolean": (bool,),
    "float": (int, float),
    "double": (int, float),
    "string": (str,),
    "bytes": (str, bytes, Decimal),  # JSON: base64 text; Avro: bytes, or a decimal logical type's Decimal
    "struct": (dict,),
}


class BadValue(ValueError):
    """A value that its schema cannot hold, or that does not read back as a value of the column."""


# Kafka Connect's own logical types, which fastavro reads into Python's (Avro logicalType date,
# time-millis, timestamp-millis)
_LOGICAL = {f"{_CONNECT}.Date": dt.date, f"{_CONNECT}.Time": dt.time, f"{_CONNECT}.Timestamp": dt.datetime}


def json_type_fits(schema: FieldSchema, value: Any) -> bool:
    """Whether a JSON value (or an Avro one) has the type the schema promises."""
    logical = _LOGICAL.get(schema.name or "")
    if logical is not None and isinstance(value, logical):
        return True
    wanted = _JSON_TYPES.get(schema.type, (object,))
    if schema.type != "boolean" and isinstance(value, bool):
        return False
    return isinstance(value, wanted)


def reader(column: Column, schema: FieldSchema, modes: Modes) -> Callable[[Any], Any]:
    """value (as the converter wrote it: JSON, or Avro as fastavro reads it) -> the column's value in
    sinkmatrix.model.changes' canonical form. Raises BadValue."""
    name, kind = schema.name, column.type
    if schema.type == "boolean":
        return lambda v: int(bool(v))
    if name == DECIMAL:
        scale = int(dict(schema.parameters).get("scale", "0"))
        return lambda v: _decimal(v, scale)
    if kind in ("decimal", "numeric"):
        return (lambda v: Decimal(str(v))) if modes.decimal == "double" else _decimal_text
    if kind == "bigint" and column.unsigned:
        return lambda v: v + 2**64 if v < 0 else v  # long mode: the two's complement of the value
    if schema.type == "float":
        return lambda v: float32(float(v))
    if schema.type == "double":
        return float
    if name in (GEOMETRY, POINT):
        return _geometry
    if name == "io.debezium.data.Bits":
        return lambda v: int.from_bytes(_raw_bytes(v), "little")
    if name == f"{_CONNECT}.Date":
        return lambda v: v if isinstance(v, dt.date) else _EPOCH_DAY + dt.timedelta(days=_int(v))
    if name == f"{_CONNECT}.Time":
        return lambda v: _since_midnight(v) if isinstance(v, dt.time) else dt.timedelta(milliseconds=_int(v))
    if name == f"{_CONNECT}.Timestamp":
        return lambda v: (
            _naive_utc(v) if isinstance(v, dt.datetime) else _EPOCH + dt.timedelta(milliseconds=_int(v))
        )
    if name == "io.debezium.time.Date":
        return lambda v: _EPOCH_DAY + dt.timedelta(days=_int(v))
    if name == "io.debezium.time.MicroTime":
        return lambda v: dt.timedelta(microseconds=_int(v))
    if name == "io.debezium.time.Timestamp":
        return lambda v: _EPOCH + dt.timedelta(milliseconds=_int(v))
    if name == "io.debezium.time.MicroTimestamp":
        return lambda v: _EPOCH + dt.timedelta(microseconds=_int(v))
    if name == "io.debezium.time.ZonedTimestamp":
        return _zoned
    if kind in _BINARY:
        return _binary_reader(modes.binary)
    if kind == "enum" and schema.type == "string":
        return _members_reader(column)
    if schema.type in ("int8", "int16", "int32", "int64"):
        return _int
    return lambda v: v


def _members_reader(column: Column) -> Callable[[Any], Any]:
    """An ENUM's value as its member's text. Debezium 3.6 gives a member holding a comma with the comma
    escaped ('a,b' arrives as 'a\\,b': its parser escaped the options it reads values from, not only
    for the `allowed` parameter): debezium/dbz#2102, fixed by debezium/debezium commit 4fb69d47 in
    3.7.0.Alpha1. (A SET's members hold no comma. Any other value is the comparison's to judge.)"""
    escaped = {m.replace(",", "\\,"): m for m in column.members if "," in m}
    if not escaped:
        return _text
    members = frozenset(column.members)

    def read(value: Any) -> Any:
        if value in escaped and value not in members:
            raise BadValue(f"{value!r} is the member {escaped[value]!r} with its comma escaped. CDC defect "
                           "(known): Debezium 3.6 escapes the commas of the ENUM options it reads values "
                           "from — debezium/dbz#2102; fixed by debezium/debezium commit 4fb69d47, first "
                           "released in 3.7.0.Alpha1")
        return _text(value)

    return read


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise BadValue(f"{value!r} is not text")
    return value


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadValue(f"{value!r} is not an integer")
    return value


def _since_midnight(value: dt.time) -> dt.timedelta:
    return dt.timedelta(
        hours=value.hour, minutes=value.minute, seconds=value.second, microseconds=value.microsecond
    )


def _naive_utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo else value


def _raw_bytes(value: Any) -> bytes:
    if isinstance(value, bytes):
        return value  # Avro
    try:
        return base64.b64decode(value, validate=True)  # the JSON converter's base64
    except (ValueError, TypeError) as exc:
        raise BadValue(f"{value!r} is not base64") from exc


def _geometry(value: Any) -> bytes:
    """A Geometry/Point struct as the server stores the value: the SRID (4 bytes, little-endian; 0 for
    Debezium's null) and then the WKB. Debezium splits the binlog's value the other way round
    (io.debezium.connector.binlog.BinlogGeometry.fromBytes); a Point's x and y are its WKB's
    (io.debezium.data.geometry.Point.createValue)."""
    wkb, srid = value.get("wkb"), value.get("srid")
    if wkb is None or (srid is not None and (type(srid) is not int or not 0 <= srid < 2**32)):
        raise BadValue(f"{value!r} is not a geometry: wkb (bytes) and srid (an int32 or null)")
    raw = _raw_bytes(wkb)
    if "x" in value or "y" in value:
        if len(raw) != 21:
            raise BadValue(f"a Point's wkb of {len(raw)} bytes, not the 21 of a 2D point")
        x, y = struct.unpack("<dd" if raw[0] else ">dd", raw[5:])
        if (value.get("x"), value.get("y")) != (x, y):
            raise BadValue(f"x={value.get('x')!r}, y={value.get('y')!r}, but its wkb holds ({x}, {y})")
    return struct.pack("<I", srid or 0) + raw


def _decimal(value: Any, scale: int) -> Decimal:
    if isinstance(value, Decimal):  # Avro's decimal logical type, read by fastavro
        return value
    unscaled = int.from_bytes(_raw_bytes(value), "big", signed=True)
    return Decimal(unscaled).scaleb(-scale, context=_WIDE)  # DECIMAL(65): beyond the default 28 digits


def _decimal_text(value: Any) -> Decimal:
    if not isinstance(value, str):
        raise BadValue(f"{value!r} is not a decimal's text")
    try:
        return Decimal(value)
    except ArithmeticError as exc:
        raise BadValue(f"{value!r} is not a decimal's text") from exc


def _zoned(value: Any) -> dt.datetime:
    if not isinstance(value, str) or not value.endswith("Z"):
        raise BadValue(f"{value!r} is not an ISO-8601 UTC timestamp ending in Z")
    try:
        return dt.datetime.fromisoformat(value[:-1])
    except ValueError as exc:
        raise BadValue(f"{value!r} is not an ISO-8601 timestamp") from exc


def _binary_reader(mode: str) -> Callable[[Any], bytes]:
    if mode == "hex":
        return lambda v: bytes.fromhex(v) if isinstance(v, str) else _fail(v, "hex text")
    if mode == "base64-url-safe":
        return lambda v: base64.urlsafe_b64decode(v) if isinstance(v, str) else _fail(v, "base64 text")
    return _raw_bytes


def _fail(value: Any, what: str) -> Any:
    raise BadValue(f"{value!r} is not {what}")


# -- what the protocol cannot carry, per mode (declared by the adapters) -------------------------

LIMITS: dict[str, str] = {
    "bigint-unsigned-as-long": "bigint.unsigned.handling.mode=long: BIGINT UNSIGNED above 2^63-1 arrives "
    "as a negative long (its two's complement); a consumer must know the column is unsigned",
    "decimal-as-double": "decimal.handling.mode=double: DECIMAL travels as a double and keeps ≈15-17 "
    "significant digits",
    "time-beyond-day-under-connect": "time.precision.mode=connect: TIME is milliseconds of a day; values "
    "beyond 24 h or below 0 cannot be carried (Debezium writes null) and fractions below 1 ms are lost",
    "zero-dates": "zero dates and datetimes ('0000-00-00', and zero-in-date values such as "
    "'2020-00-05') have no calendar value; Debezium writes null (or, for a NOT NULL column, its default, "
    "else the epoch)",
    "json-as-written": "JSON travels as the text the upstream stored (MariaDB keeps it as written)",
    "schema-evolution": "with Avro, each new schema must read the data of the earlier ones (the "
    "registry's BACKWARD compatibility): a column made NOT NULL or given another type is refused, and "
    "the connector stops there",
    "mariadb-as-mysql": "MariaDB is captured through the MySQL connector, the server reporting MySQL 5.7 "
    "(the connector refuses MariaDB 10.11 and loses rows at restarts with a -MariaDB version): "
    "MariaDB-only DDL (UUID, INET6 columns, CREATE OR REPLACE, IF [NOT] EXISTS in ALTER TABLE's clauses) "
    "stops the connector",
}
