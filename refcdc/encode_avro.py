"""Avro row changes exactly as TiCDC emits them: Confluent wire format, TopicNameStrategy, TiCDC's types.

Followed (pingcap/tiflow): `pkg/sink/codec/avro/avro.go` (schemas, type mapping, values, extension
fields), `confluent_schema_registry.go` (wire header, one registration per schema change),
`pkg/sink/codec/common/helper.go` (name sanitising, ENUM/SET option escaping) and `cdc/model/sink.go`
(an update that changes the handle key reaches a Kafka sink as a delete and an insert).

A message's key is the handle key columns (a record of the same name as the value), its value all
columns; a delete is the key with a null value (a tombstone). DDL and watermarks carry nothing: TiCDC
sends them over Avro only in a testing mode (`avro-enable-watermark`) this encoder does not offer.
TIMESTAMP text is UTC, the changefeed time zone this assumes. TiCDC's field defaults come from the
column's DEFAULT, which `TableSchema` does not hold: nullable fields default to null, NOT NULL fields
carry no default (exact for columns without an explicit DEFAULT).
"""

from __future__ import annotations

import decimal
import functools
import io
import json
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

import fastavro

from model.changes import DdlChange, RowChange, Transaction
from model.schema import Column, TableSchema
from model.tso import physical_ms
from refcdc.encoders import Encoded

if TYPE_CHECKING:  # the client's module loads an HTTP stack: only where a registry is used
    from confluent_kafka.schema_registry import SchemaRegistryClient

DecimalMode = Literal["precise", "string"]
UnsignedMode = Literal["long", "string"]

MAGIC = 0
HEADER = struct.Struct(">bI")  # magic byte, schema id
NAMESPACE = "default"  # TiCDC's changefeed namespace, the first part of every record namespace
TIDB_OP, TIDB_COMMIT_TS, TIDB_PHYSICAL_TIME = "_tidb_op", "_tidb_commit_ts", "_tidb_commit_physical_time"
# avro.go schemaWithExtension: appended to the value record, in this order
EXTENSION_FIELDS: tuple[dict[str, Any], ...] = (
    {"default": "", "name": TIDB_OP, "type": "string"},
    {"default": 0, "name": TIDB_COMMIT_TS, "type": "long"},
    {"default": 0, "name": TIDB_PHYSICAL_TIME, "type": "long"},
)

# avro.go type2TiDBType, by information_schema DATA_TYPE
_TIDB_TYPES = {
    **dict.fromkeys(("tinyint", "smallint", "mediumint", "int", "integer"), "INT"),
    "bigint": "BIGINT",
    "float": "FLOAT",
    **dict.fromkeys(("double", "real"), "DOUBLE"),
    "bit": "BIT",
    **dict.fromkeys(("decimal", "numeric"), "DECIMAL"),
    **dict.fromkeys(("char", "varchar", "tinytext", "text", "mediumtext", "longtext"), "TEXT"),
    **dict.fromkeys(("binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob"), "BLOB"),
    "enum": "ENUM",
    "set": "SET",
    "json": "JSON",
    "date": "DATE",
    "datetime": "DATETIME",
    "timestamp": "TIMESTAMP",
    "time": "TIME",
    "year": "YEAR",
}
_STRING_TYPES = ("JSON", "DATE", "DATETIME", "TIMESTAMP", "TIME", "TEXT", "ENUM", "SET")
_WIDE = decimal.Context(prec=200)  # DECIMAL(65,30) has more digits than the default context keeps


class AvroEncodeError(Exception):
    """A row cannot be written as TiCDC's Avro (a type TiCDC has no mapping for, or a bad value)."""

    def __init__(self, table: str, column: str | None, why: str) -> None:
        self.table, self.column = table, column
        where = f"{table}.{column}" if column else table
        super().__init__(f"avro: {where}: {why}; keep such columns out of tables replicated as Avro")


class AvroRegistryError(Exception):
    """The schema registry refused or failed a registration."""

    def __init__(self, subject: str, cause: Exception) -> None:
        self.subject, self.cause = subject, cause
        super().__init__(
            f"schema registry: registering subject {subject!r} failed: {cause}; check the registry is "
            "up and that the subject's compatibility level accepts the new schema (TiCDC needs NONE "
            "or BACKWARD with nullable added columns)"
        )


@dataclass(frozen=True, slots=True)
class AvroOptions:
    """TiCDC's sink options that change the Avro wire format."""

    decimal_mode: DecimalMode = "precise"  # avro-decimal-handling-mode
    bigint_unsigned_mode: UnsignedMode = "long"  # avro-bigint-unsigned-handling-mode
    enable_tidb_extension: bool = False

    def __post_init__(self) -> None:
        if self.decimal_mode not in ("precise", "string"):
            raise ValueError(f"decimal_mode is 'precise' or 'string', not {self.decimal_mode!r}")
        if self.bigint_unsigned_mode not in ("long", "string"):
            raise ValueError(f"bigint_unsigned_mode is 'long' or 'string', not {self.bigint_unsigned_mode!r}")


@functools.lru_cache(maxsize=4096)  # asked for every column of every row
def sanitize_name(name: str) -> str:
    """An Avro name as TiCDC makes one (helper.go SanitizeName): invalid characters become '_'."""
    out = []
    for i, char in enumerate(name):
        ascii_letter = char.isascii() and (char.isalpha() or char == "_")
        if i == 0 and not ascii_letter:
            out.append("_" + char if char.isascii() and char.isdigit() else "_")
        elif not (ascii_letter or (char.isascii() and char.isdigit())):
            out.append("_")
        else:
            out.append(char)
    return "".join(out)


def namespace_of(database: str) -> str:
    """avro.go getAvroNamespace with the changefeed namespace 'default'."""
    schema = sanitize_name(database)
    return f"{NAMESPACE}.{schema}" if schema else NAMESPACE


def subject_of(topic: str, part: Literal["key", "value"]) -> str:
    """TopicNameStrategy on the topic with '.' escaped, as avro.go sanitizeTopic does."""
    return f"{topic.replace('.', '_')}-{part}"


def tidb_type(column: Column) -> str:
    """The `connect.parameters.tidb_type` of a column; KeyError for types TiCDC cannot carry."""
    base = "JSON" if column.is_json else _TIDB_TYPES[column.type]
    return f"{base} UNSIGNED" if column.unsigned and base in ("INT", "BIGINT") else base


def escape_member(member: str) -> str:
    """helper.go EscapeEnumAndSetOptions, applied to each member in the `allowed` parameter."""
    return member.replace(",", "\\,").replace("\\'", "'").replace("''", "'")


def avro_type(column: Column, options: AvroOptions) -> dict[str, Any]:
    """The field type avro.go columnToAvroSchema gives a column (without the null union)."""
    tt = tidb_type(column)
    params: dict[str, str] = {"tidb_type": tt}
    base = tt.removesuffix(" UNSIGNED")
    if base == "INT":
        kind = "long" if column.unsigned and column.type in ("int", "integer") else "int"
    elif base == "BIGINT":
        kind = "string" if column.unsigned and options.bigint_unsigned_mode == "string" else "long"
    elif base in ("FLOAT", "DOUBLE"):
        kind = base.lower()
    elif base == "BIT":
        kind, params = "bytes", {"length": str(column.bits or 1), "tidb_type": tt}
    elif base == "DECIMAL" and options.decimal_mode == "precise":
        precision = column.precision if column.precision is not None else 10  # MySQL's DECIMAL default
        return {"type": "bytes", "connect.parameters": params, "logicalType": "decimal",
                "precision": precision, "scale": column.scale or 0}
    elif base in ("ENUM", "SET"):
        allowed = ",".join(escape_member(m) for m in column.members)
        kind, params = "string", {"allowed": allowed, "tidb_type": tt}
    elif base == "BLOB":
        kind = "bytes"
    elif base == "YEAR":
        kind = "int"
    else:  # DECIMAL in string mode, TEXT, JSON and the temporal types
        kind = "string"
    return {"type": kind, "connect.parameters": params}


def field_schema(column: Column, options: AvroOptions) -> dict[str, Any]:
    """avro.go columns2AvroSchema: a nullable column is a union with null first, defaulting to null.

    Keys in Go's order (json.Marshal sorts a map's keys), so the text matches byte for byte.
    """
    name = sanitize_name(column.name)
    if column.nullable:
        return {"default": None, "name": name, "type": ["null", avro_type(column, options)]}
    return {"name": name, "type": avro_type(column, options)}


def record_schema(
    table: TableSchema, columns: tuple[Column, ...], options: AvroOptions, extension: bool
) -> dict[str, Any]:
    fields = [field_schema(c, options) for c in columns]
    if extension:
        fields.extend(dict(f) for f in EXTENSION_FIELDS)
    return {"type": "record", "name": sanitize_name(table.name),
            "namespace": namespace_of(table.database), "fields": fields}


def schema_text(schema: dict[str, Any]) -> str:
    """JSON as Go's json.Marshal writes it: compact, non-ASCII as is, HTML characters escaped."""
    text = json.dumps(schema, ensure_ascii=False, separators=(",", ":"))
    # These characters only occur inside JSON strings, so escaping them everywhere is safe.
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                          ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return text


def key_columns(table: TableSchema) -> tuple[Column, ...]:
    """Handle key columns in table order (model.HandleKeyColInfos walks the row's columns)."""
    return tuple(c for c in table.columns if c.name in table.key)


def signed_bytes(number: int) -> bytes:
    """Shortest big-endian two's complement, as goavro's toSignedBytes writes a decimal."""
    return number.to_bytes(max(1, (number + (number < 0)).bit_length() // 8 + 1), "big", signed=True)


def _fraction(micros: int, fsp: int | None) -> str:
    digits = min(fsp or 0, 6)
    return f".{micros:06d}"[: digits + 1] if digits else ""


def format_time(span: timedelta, fsp: int | None) -> str:
    """TiDB's Duration.String(): [-]HH:MM:SS with the column's fractional digits."""
    sign = "-" if span < timedelta(0) else ""
    seconds, micros = divmod(abs(span) // timedelta(microseconds=1), 1_000_000)
    return f"{sign}{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}{_fraction(micros, fsp)}"


def format_datetime(moment: datetime, fsp: int | None) -> str:
    """TiDB's Time.String() for DATETIME/TIMESTAMP (zero-padded year, fsp digits)."""
    return (f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d} "
            f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}{_fraction(moment.microsecond, fsp)}")


def avro_value(column: Column, value: Any, options: AvroOptions) -> Any:
    """A canonical row value as avro.go columnToAvroData writes it (None stays None)."""
    if value is None or (isinstance(value, str) and column.type in ("date", "datetime", "timestamp")):
        return value  # a zero date arrives as text already in TiDB's form
    tt = tidb_type(column)
    if tt == "BIGINT UNSIGNED":
        if options.bigint_unsigned_mode == "string":
            return str(value)
        return value - 2**64 if value >= 2**63 else value  # Go's int64(uint64) wraps
    if tt == "BIT":
        return value.to_bytes(max(1, (value.bit_length() + 7) // 8), "big")  # NewBinaryLiteralFromUint(v, -1)
    if tt == "DECIMAL":
        scale = column.scale or 0
        exact = _WIDE.quantize(Decimal(value), Decimal(1).scaleb(-scale))
        if options.decimal_mode == "string":
            return f"{abs(exact) if exact == 0 else exact:f}"  # MyDecimal.String() keeps the scale
        return signed_bytes(int(exact.scaleb(scale, _WIDE)))
    if tt == "BLOB":
        return bytes(value)
    if tt == "TEXT":
        return value.decode("utf-8") if isinstance(value, bytes) else str(value)
    if tt == "JSON":
        return value if isinstance(value, str) else json.dumps(value)
    if tt == "DATE":
        return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
    if tt in ("DATETIME", "TIMESTAMP"):
        moment = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
        return format_datetime(moment, column.fsp)
    if tt == "TIME":
        return format_time(value, column.fsp)
    if tt in ("FLOAT", "DOUBLE"):
        return float(value)
    return value


def frame(schema_id: int, body: bytes) -> bytes:
    """The Confluent wire format: magic byte 0, big-endian int32 schema id, Avro binary."""
    return HEADER.pack(MAGIC, schema_id) + body


@dataclass(frozen=True, slots=True)
class _Codec:
    """One registered record schema: the id to frame with and fastavro's parsed form."""

    schema_id: int
    parsed: Any
    columns: tuple[Column, ...]
    table: TableSchema  # the table it was made for (the cache is keyed by its identity)

    def write(self, table: TableSchema, record: dict[str, Any]) -> bytes:
        out = io.BytesIO()
        try:
            fastavro.schemaless_writer(out, self.parsed, record)
        except (ValueError, TypeError, OverflowError, struct.error) as exc:
            raise AvroEncodeError(table.qualified, None, f"fastavro cannot write the row: {exc}") from exc
        return frame(self.schema_id, out.getvalue())


class AvroEncoder:
    """The Encoder protocol for TiCDC's Avro; registers key and value schemas as tables change."""

    def __init__(
        self,
        registry: SchemaRegistryClient,
        *,
        decimal_mode: DecimalMode = "precise",
        bigint_unsigned_mode: UnsignedMode = "long",
        enable_tidb_extension: bool = False,
        topic_of: Callable[[str, str], str],
    ) -> None:
        self.options = AvroOptions(decimal_mode, bigint_unsigned_mode, enable_tidb_extension)
        self._registry = registry
        self._topic_of = topic_of
        self._codecs: dict[tuple[str, int, bool], _Codec] = {}
        self._ids: dict[tuple[str, str], int] = {}  # (subject, schema text) -> id

    def encode(self, txn: Transaction, commit_ts: int) -> list[Encoded]:
        out: list[Encoded] = []
        for change in txn.changes:
            if isinstance(change, DdlChange):
                continue  # Avro carries no DDL; the next row registers the table's new schema
            for row in split_key_change(change):
                out.extend(self._row(row, commit_ts))
        return out

    def watermark(self, schema: str, table: str, commit_ts: int) -> list[Encoded]:
        return []  # TiCDC sends Avro checkpoints only with avro-enable-watermark (testing only)

    def _row(self, row: RowChange, commit_ts: int) -> list[Encoded]:
        table = row.table
        image = row.before if row.kind == "delete" else row.after
        assert image is not None, f"a {row.kind} carries its row image"
        topic = self._topic_of(table.database, table.name)
        handle = row.key_of(image) if table.key else None
        key = None
        if table.key:
            codec = self._codec(topic, table, key=True)
            key = codec.write(table, self._record(table, codec.columns, image))
        if row.kind == "delete":
            # A keyless table's delete would be a message with neither key nor value: TiCDC's own
            # consumer skips it, so nothing is sent.
            return [Encoded(table.database, table.name, key, None, handle)] if key else []
        codec = self._codec(topic, table, key=False)
        record = self._record(table, codec.columns, image)
        if self.options.enable_tidb_extension:
            record[TIDB_OP] = "c" if row.kind == "insert" else "u"
            record[TIDB_COMMIT_TS] = commit_ts
            record[TIDB_PHYSICAL_TIME] = physical_ms(commit_ts)
        return [Encoded(table.database, table.name, key, codec.write(table, record), handle)]

    def _record(
        self, table: TableSchema, columns: tuple[Column, ...], image: dict[str, Any]
    ) -> dict[str, Any]:
        record = {}
        for column in columns:
            value = image.get(column.name)
            try:
                record[sanitize_name(column.name)] = avro_value(column, value, self.options)
            except (TypeError, ValueError, AttributeError, decimal.InvalidOperation) as exc:
                raise AvroEncodeError(table.qualified, column.name, f"{value!r}: {exc}") from exc
        return record

    def _codec(self, topic: str, table: TableSchema, *, key: bool) -> _Codec:
        # keyed by the table object's identity: hashing a TableSchema hashes every column
        cached = self._codecs.get((topic, id(table), key))
        if cached is not None and cached.table is table:
            return cached
        columns = key_columns(table) if key else table.columns
        extension = not key and self.options.enable_tidb_extension
        try:
            schema = record_schema(table, columns, self.options, extension)
        except KeyError as exc:
            bad = next(c for c in columns if c.type == exc.args[0])
            why = f"TiCDC has no Avro type for {bad.column_type}"
            raise AvroEncodeError(table.qualified, bad.name, why) from None
        text = schema_text(schema)
        subject = subject_of(topic, "key" if key else "value")
        schema_id = self._ids.get((subject, text))
        if schema_id is None:
            try:
                from confluent_kafka.schema_registry import Schema  # loaded with the client
                schema_id = self._registry.register_schema(subject, Schema(text, "AVRO"))
            except Exception as exc:  # any failure of the registry call, HTTP or refusal
                raise AvroRegistryError(subject, exc) from exc
            self._ids[(subject, text)] = schema_id
        codec = _Codec(schema_id, fastavro.parse_schema(schema), columns, table)
        if len(self._codecs) > 4096:
            self._codecs.clear()
        self._codecs[(topic, id(table), key)] = codec
        return codec


def split_key_change(change: RowChange) -> Iterator[RowChange]:
    """An update that changes the handle key, as a delete of the old row and an insert of the new.

    cdc/model/sink.go splits these for Kafka sinks (the key message can only name one row). TiCDC
    then sorts the transaction's rows deletes first; a binlog transaction may change one row more than
    once, so the delete and insert stay where the update was.
    """
    before, after = change.before, change.after
    if change.kind == "update" and change.table.key and before and after and (
        change.key_of(before) != change.key_of(after)
    ):
        yield replace(change, kind="delete", after=None)
        yield replace(change, kind="insert", before=None)
    else:
        yield change
