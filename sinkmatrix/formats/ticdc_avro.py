"""The Avro contract as TiCDC writes it: Confluent's wire format, subjects and record naming, the Avro
type of each column type under each handling mode, the `connect.parameters` TiCDC attaches, and the
TiDB extension fields.

Learned from pingcap/tiflow pkg/sink/codec/avro (avro.go: schema generation, type2TiDBType,
schemaWithExtension, getAvroDataTypeFallback) and pkg/sink/codec/common (the options). The
reference CDC's encoder (sinkmatrix.refcdc.encode_avro) and the strict decoder (sinks.avro_decode) both read
this module; neither reads the other.
"""

from __future__ import annotations

import decimal
import functools
import json
import re
import struct
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sinkmatrix.formats.releases import CHARSET_LIMIT, SPATIAL_LIMIT, TICDC_CURRENT, Release, avro_float_type
from sinkmatrix.model.schema import Column, TableSchema

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
# avro.go schemaWithExtension with the row-level checksum on (changefeed [integrity]
# integrity-check-level = "correctness", TiCDC v7.1.0 on): appended after the extension fields
CHECKSUM_FIELDS: tuple[dict[str, Any], ...] = (
    {"default": "", "name": "_tidb_row_level_checksum", "type": "string"},
    {"default": False, "name": "_tidb_corrupted", "type": "boolean"},
    {"default": 0, "name": "_tidb_checksum_version", "type": "int"},
)
CHECKSUM_OPTION = ('the row-level checksum (changefeed [integrity] integrity-check-level = "correctness", '
                   "TiCDC v7.1 on)")
# tidb_type of a TiDB VECTOR column (TiCDC v8.4 on): a string such as "[1,2,3]"
VECTOR_TIDB_TYPE = "TiDBVECTORFloat32"

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
WIDE = decimal.Context(prec=200)  # DECIMAL(65,30) has more digits than the default context keeps


@dataclass(frozen=True, slots=True)
class AvroOptions:
    """TiCDC's sink options that change the Avro wire format."""

    decimal_mode: DecimalMode = "precise"  # avro-decimal-handling-mode
    bigint_unsigned_mode: UnsignedMode = "long"  # avro-bigint-unsigned-handling-mode
    enable_tidb_extension: bool = False
    release: Release = TICDC_CURRENT  # the TiCDC release whose rules hold (sinkmatrix.formats.releases)

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
    elif base == "FLOAT":
        kind = avro_float_type(options.release)
    elif base == "DOUBLE":
        kind = "double"
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


_NO_DEFAULT = object()  # the column's DEFAULT is unknown here, or no value TiCDC would write
_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?")


def default_value(column: Column, options: AvroOptions) -> Any:
    """The column's DEFAULT as avro.go columnToAvroData writes it for a field's `default` (None for
    DEFAULT NULL); _NO_DEFAULT where there is none, or it is an expression (CURRENT_TIMESTAMP, ...)
    whose value no schema can hold. `column.default` is information_schema's COLUMN_DEFAULT, which
    MariaDB writes as a quoted literal, a bare number or NULL."""
    text = column.default
    if text is None:
        return _NO_DEFAULT
    if text.upper() == "NULL":
        return None
    if len(text) >= 2 and text[0] == text[-1] == "'":
        value = text[1:-1].replace("''", "'").replace("\\\\", "\\")
    elif _NUMBER.fullmatch(text):
        value = text
    else:
        return _NO_DEFAULT
    tt = tidb_type(column)
    base = tt.removesuffix(" UNSIGNED")
    try:
        if base in ("INT", "YEAR") or (base == "BIGINT" and not (
                column.unsigned and options.bigint_unsigned_mode == "string")):
            number = int(decimal.Decimal(value))
            return number - 2**64 if base == "BIGINT" and number >= 2**63 else number
        if base in ("FLOAT", "DOUBLE"):
            return float(value)
    except (ArithmeticError, ValueError):
        return _NO_DEFAULT
    if base == "BIT" or (base == "DECIMAL" and options.decimal_mode == "precise"):
        return _NO_DEFAULT  # a logical type (goavro cannot give it a default), or bits as text
    if base == "BLOB":
        return value if value.isascii() else _NO_DEFAULT  # Avro's JSON default of bytes: code points
    return value


def field_schema(column: Column, options: AvroOptions) -> dict[str, Any]:
    """avro.go columns2AvroSchema: a field's `default` is the column's DEFAULT. A nullable column is a
    union with null first defaulting to null, or with null last when its DEFAULT is a value; a NOT NULL
    column with a DEFAULT carries it. A logical type (DECIMAL in precise mode) gets no default value
    (goavro cannot write one): null first, defaulting to null, or no default at all.

    Keys in Go's order (json.Marshal sorts a map's keys), so the text matches byte for byte.
    """
    name = sanitize_name(column.name)
    type_ = avro_type(column, options)
    default = default_value(column, options)
    if column.nullable:
        if default is _NO_DEFAULT or default is None or "logicalType" in type_:
            return {"default": None, "name": name, "type": ["null", type_]}
        return {"default": default, "name": name, "type": [type_, "null"]}
    if default is _NO_DEFAULT or default is None or "logicalType" in type_:
        return {"name": name, "type": type_}  # (a NOT NULL column's DEFAULT is never NULL: no default)
    return {"default": default, "name": name, "type": type_}


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


# What TiCDC's Avro cannot carry, and why: the avro sink's declared limits (sinks.avro)
LIMITS: dict[str, str] = {
    "update-pre-image": "Avro carries no pre-image: an update's `before` is its key columns only, and "
    "without the TiDB extension an update looks like an insert (apply values as upserts).",
    "key-change": "an update that changes the handle key arrives as a delete and an insert; TiCDC "
    "also splits updates of other unique keys, which the reference encoder does not know.",
    "order": "without the TiDB extension there is no commit timestamp: order cannot be checked.",
    "ddl": "no DDL or watermark messages (TiCDC sends them only in its testing mode "
    "avro-enable-watermark); a schema change shows as a new schema version on the next row.",
    "keyless-tables": "a table without a handle key has no message key, so its deletes cannot be sent.",
    "schema-evolution": "each new value schema must read the data of the earlier ones (the registry's "
    "BACKWARD compatibility): a column made NOT NULL or given another type (DECIMAL to DOUBLE) is "
    "refused, and the changefeed stops there.",
    "names": "names are sanitised (characters outside [A-Za-z0-9_] become '_', a leading digit gets "
    "'_' before it; '.' in a topic becomes '_' in its subjects): originals only come back via lookup.",
    "integer-width": "tidb_type INT covers TINYINT..INT; the exact width only comes from lookup.",
    "string-types": "CHAR/VARCHAR/TEXT are all TEXT and BINARY/VARBINARY/BLOB all BLOB: lengths are lost.",
    "temporal": "DATE/DATETIME/TIMESTAMP/TIME are TiDB's text; the fractional digits are the column's "
    "fsp; TIMESTAMP text is in the changefeed time zone (UTC assumed here).",
    "bigint-unsigned": "in 'long' mode BIGINT UNSIGNED values of 2^63 and more wrap to negative longs; "
    "they are unwrapped by tidb_type.",
    "enum-set": "members are joined with ',' (escaped '\\,'); TiCDC's escaping also folds '' and \\' "
    "to ', so such members come back altered.",
    "json": "JSON is text: TiDB sends its normalised form, the reference encoder the upstream's text.",
    "spatial-types": SPATIAL_LIMIT,
    "tidb-charsets": CHARSET_LIMIT,
    "defaults": "TiCDC gives each field the column's DEFAULT (a nullable column with a non-null "
    "DEFAULT becomes [T, \"null\"]); a DEFAULT that is an expression (CURRENT_TIMESTAMP) is not "
    "checked against the upstream's.",
}
