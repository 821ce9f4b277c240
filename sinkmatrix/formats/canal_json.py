"""The Canal-JSON contract as TiCDC writes it: event type names, the type names and java.sql.Types a
column carries, and how each column type's value is spelled in `data` / `old`; with the rules that
changed between releases (sinkmatrix.formats.releases) and under content-compatible=true.

What is contract and what is not: a value's text is (decimals keep the column's scale, times its
fsp, floats the shortest digits), except inside a JSON column, whose text is whatever TiDB's JSON
printer of that release writes (it changed with pingcap/tidb#58899: `1e-7` became `0.0000001`, `-0`
`-0.0`, `\u0008` `\b`); a JSON value is compared as a value.

Learned from pingcap/tiflow: pkg/sink/codec/canal/canal_entry.go (formatValue, getJavaSQLType,
convertDdlEventType), pkg/sink/codec/internal/java.go (MySQLType2JavaType), pkg/sink/codec/utils
(GetMySQLType) and cdc/entry/mounter.go (formatColVal: the Go value each column type carries,
which decides its text). JSON text follows TiDB's BinaryJSON.String (sinkmatrix.formats.go_text).
The reference CDC's encoder (sinkmatrix.refcdc.encode_canal) and the strict decoder (sinks.canal_json) both
read this module; neither reads the other.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from decimal import Context, Decimal
from typing import Any

from dsl.compare import ZERO_DATE, no_calendar_date
from sinkmatrix.formats.go_text import go_float, tidb_json
from sinkmatrix.formats.releases import TICDC_CURRENT, Release, canal_delete_keeps_old
from sinkmatrix.model.changes import RowKind
from sinkmatrix.model.schema import Column

WATERMARK_TYPE = "TIDB_WATERMARK"
ROW_TYPES: dict[RowKind, str] = {"insert": "INSERT", "update": "UPDATE", "delete": "DELETE"}
DDL_TYPES = ("CREATE", "ALTER", "ERASE", "TRUNCATE", "RENAME", "CINDEX", "DINDEX", "QUERY")

# java.sql.Types per MySQL type name (MySQLType2JavaType); the text and blob families differ by
# charset there, and so by name here.
JAVA_TYPES: dict[str, int] = {
    "tinyint": -6, "smallint": 5, "mediumint": 4, "int": 4, "bigint": -5, "float": 7, "double": 8,
    "decimal": 3, "date": 91, "datetime": 93, "timestamp": 93, "time": 92, "year": 12, "enum": 4,
    "set": -7, "bit": -7, "json": 12, "char": 1, "varchar": 12, "tinytext": 2005, "text": 2005,
    "mediumtext": 2005, "longtext": 2005, "binary": 2004, "varbinary": 2004, "tinyblob": 2004,
    "blob": 2004, "mediumblob": 2004, "longblob": 2004,
}
JAVA_DEFAULT = 12  # VARCHAR, for anything MySQLType2JavaType does not name
# Canal promotes an unsigned integer whose value does not fit the signed type (getJavaSQLType).
UNSIGNED_PROMOTION: dict[str, tuple[int, int]] = {
    "tinyint": (2**7 - 1, 5), "smallint": (2**15 - 1, 4), "int": (2**31 - 1, -5),
    "bigint": (2**63 - 1, 3),
}
NUMERIC = {"tinyint", "smallint", "mediumint", "int", "bigint", "float", "double", "decimal"}
INTEGERS = {"tinyint", "smallint", "mediumint", "int", "bigint"}
TEMPORAL = {"date", "datetime", "timestamp"}
_ALIASES = {"integer": "int", "numeric": "decimal", "real": "double", "double precision": "double"}
_WIDE = Context(prec=200)  # DECIMAL(65,30) needs more than the default 28 digits
_ZERO_DAY = datetime(1, 1, 1)  # stands in for 0000-00-00 00:00:00


def mysql_type(column: Column, release: Release = TICDC_CURRENT) -> str:
    """The `mysqlType` TiCDC writes: the bare type name, then ' unsigned' / ' zerofill' (from v5.4.0,
    tiflow bab1953f0d; before, TiDB's TypeStr alone)."""
    name = "json" if column.is_json else _ALIASES.get(column.type, column.type)
    if name not in NUMERIC or canal_delete_keeps_old(release):
        return name
    zerofill = "zerofill" in column.column_type.lower()
    # MySQL makes every ZEROFILL column UNSIGNED
    return name + (" unsigned" if column.unsigned or zerofill else "") + (" zerofill" if zerofill else "")


# TiDB's default display widths (types.FieldType GetTypeDesc), signed and unsigned
_WIDTHS = {"tinyint": (4, 3), "smallint": (6, 5), "mediumint": (9, 8), "int": (11, 10), "bigint": (20, 20)}
_ONE = {"bit", "char", "binary"}  # a length of 1 when none is declared


def full_mysql_type(column: Column) -> str:
    """The `mysqlType` under content-compatible=true: the column's full type as TiDB describes it
    (ColumnInfo.GetTypeDesc: 'int(11)', 'int(10) unsigned zerofill', 'decimal(10,0)', 'year(4)',
    "enum('a','b')"), with TiDB's default widths where the upstream's text names none."""
    name = mysql_type(column)
    base, _, flags = name.partition(" ")
    text = column.column_type.strip().lower() if column.column_type else base
    if "(" in text and not column.is_json:
        rest = text.partition("(")[2]
        args, _, _ = rest.rpartition(")")
        if base in ("enum", "set"):
            args = ",".join(f"'{m}'" for m in (m.replace("'", "''") for m in column.members)) or args
        else:
            args = args.replace(" ", "")
        if base in ("float", "double") and "," not in args:
            return name  # FLOAT(p) is only a choice of FLOAT or DOUBLE: nothing is kept
        return " ".join(filter(None, (f"{base}({args})", flags)))
    if base in _WIDTHS:
        width = _WIDTHS[base][1 if flags else 0]
        return " ".join(filter(None, (f"{base}({width})", flags)))
    if base == "decimal":
        return " ".join(filter(None, ("decimal(10,0)", flags)))
    if base == "year":
        return "year(4)"
    if base in _ONE:
        return f"{base}(1)"
    return name


# Before v5.4.0 (cdc/sink/codec/canal.go buildColumn @v5.3.4) integers were promoted whatever their
# sign, as the row event carried no unsigned flag, and text (a blob type without the binary flag)
# was VARCHAR.
_PROMOTED_V53 = {"tinyint": 5, "smallint": 4, "mediumint": 4, "int": -5, "bigint": 3}
_TEXT_V53 = {"tinytext", "text", "mediumtext", "longtext"}


def java_type(column: Column, value: Any, release: Release = TICDC_CURRENT) -> int:
    """The `sqlType` TiCDC writes for one column of one row (unsigned integers depend on the value)."""
    name = mysql_type(column).split(" ", 1)[0]
    if canal_delete_keeps_old(release):
        return _PROMOTED_V53.get(name) or (12 if name in _TEXT_V53 else JAVA_TYPES.get(name, JAVA_DEFAULT))
    code = JAVA_TYPES.get(name, JAVA_DEFAULT)
    if column.unsigned and name in UNSIGNED_PROMOTION and isinstance(value, int):
        limit, promoted = UNSIGNED_PROMOTION[name]
        if value > limit:
            return promoted
    return code


def is_binary(type_name: str) -> bool:
    """Whether TiCDC carries the type's bytes as ISO-8859-1 text (utils.IsBinaryMySQLType)."""
    return "blob" in type_name or "binary" in type_name


def format_value(column: Column, value: Any) -> str | None:
    """A column value as the text TiCDC writes in `data` / `old`; None for NULL."""
    if value is None:
        return None
    name = mysql_type(column).split(" ", 1)[0]
    if name == "json":
        return tidb_json(value if isinstance(value, str) else json.dumps(value))
    if isinstance(value, bytes | bytearray | memoryview):
        # formatValue: binary columns byte per character; other text as Go's string(bytes)
        raw = bytes(value)
        return raw.decode("latin-1") if is_binary(name) else raw.decode("utf-8", "surrogateescape")
    if name in ("float", "double"):
        return go_float(float(value), 32 if name == "float" else 64)
    if name == "decimal":
        number = value if isinstance(value, Decimal) else Decimal(str(value))
        if column.scale is not None:  # MyDecimal.String keeps the column's scale
            number = number.quantize(Decimal(1).scaleb(-column.scale), context=_WIDE)
        return format(number, "f")
    if value is ZERO_DATE and name in TEMPORAL:
        return _time_text(column, _ZERO_DAY, zero=True)
    if no_calendar_date(value) and name in TEMPORAL:  # '2020-00-05', '0000-00-00 14:02:10'
        return _zero_in_date_text(column, str(value))
    if isinstance(value, datetime | date) and name in TEMPORAL:
        return _time_text(column, value)
    if isinstance(value, timedelta):
        return _duration_text(column, value)
    if name == "enum" and isinstance(value, str):
        return str(_enum_index(column, value))
    if name == "set" and isinstance(value, str):
        return str(_set_mask(column, value))
    if isinstance(value, bool):
        return str(int(value))
    return str(value)


def _fraction(column: Column, micros: int) -> str:
    fsp = column.fsp if column.fsp is not None else (6 if micros else 0)
    return f".{micros:06d}"[: fsp + 1] if fsp else ""


def _time_text(column: Column, value: date, zero: bool = False) -> str:
    # types.Time.String: zero-padded fields and exactly the column's fractional digits
    text = "0000-00-00" if zero else f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
    if column.type == "date" or not isinstance(value, datetime):
        return text
    clock = f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}"
    return f"{text} {clock}{_fraction(column, value.microsecond)}"


def _zero_in_date_text(column: Column, text: str) -> str:
    # types.Time.String of a zero-in-date value: its fields as stored, exactly fsp fractional digits
    day, _, rest = text.partition(" ")
    if column.type == "date":
        return day
    clock, _, fraction = (rest or "00:00:00").partition(".")
    return f"{day} {clock}{_fraction(column, int(fraction.ljust(6, '0')) if fraction else 0)}"


def _duration_text(column: Column, span: timedelta) -> str:
    # types.Duration.String: sign, at least two hour digits, exactly fsp fractional digits
    sign = "-" if span < timedelta(0) else ""
    seconds, micros = divmod(abs(span) // timedelta(microseconds=1), 1_000_000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{sign}{hours:02d}:{minutes:02d}:{seconds:02d}{_fraction(column, micros)}"


def _enum_index(column: Column, value: str) -> int:
    # mounter: an ENUM travels as its 1-based index, '' (an invalid value stored) as 0
    if value == "":
        return 0
    if value not in column.members:
        raise ValueError(f"{value!r} is not one of the ENUM members {column.members}")
    return column.members.index(value) + 1


def _set_mask(column: Column, value: str) -> int:
    # mounter: a SET travels as its bitmask, bit i for the i-th member
    mask = 0
    for name in filter(None, value.split(",")):
        if name not in column.members:
            raise ValueError(f"{name!r} is not one of the SET members {column.members}")
        mask |= 1 << column.members.index(name)
    return mask
