"""Canal-JSON messages byte for byte as TiCDC's canal-json encoder writes them (default settings).

Followed from pingcap/tiflow: pkg/sink/codec/canal/canal_json_row_event_encoder.go (DML written by
hand with easyjson's writer: field order, `old` before `data`, `_tidb` last), canal_json_message.go
(DDL and watermark messages marshalled from structs: `data` before `old`), canal_entry.go
(formatValue, getJavaSQLType, convertDdlEventType), pkg/sink/codec/internal/java.go
(MySQLType2JavaType), pkg/sink/codec/utils (GetMySQLType) and cdc/entry/mounter.go (formatColVal:
the Go value each column type carries, which decides its text). JSON text follows TiDB's
BinaryJSON.String (pkg/types/json_binary.go), spelled in refcdc.go_text.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Context, Decimal
from typing import Any

from dsl.compare import ZERO_DATE
from model.changes import DdlChange, RowChange, RowKind, Transaction
from model.schema import Column, TableSchema
from model.tso import physical_ms
from refcdc.ddl import IDENT, classify
from refcdc.encoders import Encoded
from refcdc.errors import RefCdcError
from refcdc.go_text import go_float, go_string, tidb_json

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


class CanalEncodeError(RefCdcError):
    """A row value the table's schema cannot express in Canal-JSON."""

    def __init__(self, table: TableSchema, column: str, why: str) -> None:
        super().__init__(
            f"canal-json: {table.qualified}.{column}: {why}; the cached schema is probably stale "
            "(a DDL the reference CDC did not see) - restart it so it learns the table again"
        )


def mysql_type(column: Column) -> str:
    """The `mysqlType` TiCDC writes: the bare type name, then ' unsigned' / ' zerofill'."""
    name = "json" if column.is_json else _ALIASES.get(column.type, column.type)
    if name not in NUMERIC:
        return name
    zerofill = "zerofill" in column.column_type.lower()
    # MySQL makes every ZEROFILL column UNSIGNED
    return name + (" unsigned" if column.unsigned or zerofill else "") + (" zerofill" if zerofill else "")


def java_type(column: Column, value: Any) -> int:
    """The `sqlType` TiCDC writes for one column of one row (unsigned integers depend on the value)."""
    name = mysql_type(column).split(" ", 1)[0]
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


_NAME = rf"({IDENT})(?:\s*\.\s*({IDENT}))?"
_EXISTS = r"(?:IF\s+(?:NOT\s+)?EXISTS\s+)?"
# (pattern, canal event type, which group names the table: "new" for renames)
_DDL_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p, re.IGNORECASE | re.DOTALL), t) for p, t in (
        (r"^(?:CREATE|DROP|ALTER)\s+(?:DATABASE|SCHEMA)\b", "QUERY"),
        (rf"^CREATE\s+(?:OR\s+REPLACE\s+)?TABLE\s+{_EXISTS}{_NAME}", "CREATE"),
        (rf"^DROP\s+TABLES?\s+{_EXISTS}{_NAME}", "ERASE"),
        (rf"^TRUNCATE\s+(?:TABLE\s+)?{_NAME}", "TRUNCATE"),
        (rf"^RENAME\s+TABLES?\s+{IDENT}(?:\s*\.\s*{IDENT})?\s+TO\s+{_NAME}", "RENAME"),
        (rf"^CREATE\s+(?:UNIQUE\s+|FULLTEXT\s+|SPATIAL\s+)?INDEX\s+{_EXISTS}{IDENT}"
         rf"(?:\s+USING\s+\w+)?\s+ON\s+{_NAME}", "CINDEX"),
        (rf"^DROP\s+INDEX\s+{_EXISTS}{IDENT}\s+ON\s+{_NAME}", "DINDEX"),
        (rf"^ALTER\s+(?:ONLINE\s+|IGNORE\s+)*TABLE\s+{_NAME}", "ALTER"),
    )
)
_ALTER_SPECS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p, re.IGNORECASE), t) for p, t in (
        (r"^ADD\s+(?:CONSTRAINT\s+(?:\S+\s+)?)?(?:PRIMARY\s+KEY|FOREIGN\s+KEY|UNIQUE|"
         r"(?:FULLTEXT\s+|SPATIAL\s+)?(?:INDEX|KEY)\b)", "CINDEX"),
        (r"^DROP\s+(?:PRIMARY\s+KEY|FOREIGN\s+KEY|INDEX|KEY)\b", "DINDEX"),
        (rf"^RENAME\s+(?:TO\s+|AS\s+)?(?!(?:INDEX|KEY|COLUMN)\b){_NAME}", "RENAME"),
    )
)
_QUOTED = re.compile(r"`(?:[^`]|``)*`|'(?:[^'\\]|\\.|'')*'|\"(?:[^\"\\]|\\.)*\"|\([^()]*\)")


def _unquote(ident: str) -> str:
    return ident[1:-1].replace("``", "`") if ident.startswith("`") else ident


def _target(match: re.Match[str], default: str) -> tuple[str, str]:
    first, second = match.group(1), match.group(2)
    return (_unquote(first), _unquote(second)) if second else (default, _unquote(first))


def ddl_event(change: DdlChange) -> tuple[str, str, str | None]:
    """(canal type, database, table or None) for a DDL, after convertDdlEventType: TiCDC decides
    by the TiDB job's action; the statement text stands in for it here."""
    statement = classify(change.query)
    text = re.sub(r"^(?:\s+|/\*(?!!).*?\*/|--[^\n]*\n|#[^\n]*\n)*", "", change.query, flags=re.DOTALL)
    for pattern, kind in _DDL_RULES:
        match = pattern.match(text)
        if not match:
            continue
        if kind == "QUERY" or match.lastindex is None:
            return "QUERY", statement.database or change.schema, None
        database, table = _target(match, change.schema)
        if kind == "ALTER":
            specs = text[match.end():]
            while _QUOTED.search(specs):  # drop nested groups and quoted text, innermost first
                specs = _QUOTED.sub("", specs)
            if "," in specs:
                return "ALTER", database, table  # several changes: one multi-schema-change job
            for spec_pattern, spec_kind in _ALTER_SPECS:
                spec = spec_pattern.match(text[match.end():].strip())
                if spec and spec_kind == "RENAME":
                    return "RENAME", *_target(spec, database)
                if spec:
                    return spec_kind, database, table
        return kind, database, table
    return "QUERY", statement.database or change.schema, None


def split_key_updates(changes: Sequence[RowChange | DdlChange]) -> list[RowChange | DdlChange]:
    """An update that changes its row's key becomes a delete and an insert, as TiCDC's Kafka sink
    does unless output-raw-change-event is set (cdc/model/sink.go trySplitAndSortUpdateEvent).
    TiCDC then sorts the table's rows deletes first; that is safe only because TiKV keeps one
    change per key per transaction, which a binlog does not, so the order is kept here."""
    out: list[RowChange | DdlChange] = []
    for change in changes:
        if (isinstance(change, RowChange) and change.kind == "update" and change.table.key
                and change.before is not None and change.after is not None
                and change.key_of(change.before) != change.key_of(change.after)):
            out += [RowChange("delete", change.table, change.before, None),
                    RowChange("insert", change.table, None, change.after)]
        else:
            out.append(change)
    return out


class CanalJsonEncoder:
    """The Encoder for Canal-JSON; `clock_ms` gives the build time (`ts`), for reproducible tests."""

    def __init__(self, enable_tidb_extension: bool = False, output_raw_change_event: bool = False,
                 clock_ms: Callable[[], int] | None = None) -> None:
        self.enable_tidb_extension = enable_tidb_extension
        self.output_raw_change_event = output_raw_change_event
        self.clock_ms = clock_ms or (lambda: time.time_ns() // 1_000_000)
        self._shapes: dict[tuple[int, tuple[str, ...]], _Shape] = {}

    def _shape(self, table: TableSchema, image: dict[str, Any]) -> _Shape:
        slot = (id(table), tuple(image))
        shape = self._shapes.get(slot)
        if shape is None or shape.table is not table:
            if len(self._shapes) > 4096:
                self._shapes.clear()
            shape = self._shapes[slot] = _shape_of(table, slot[1])
        return shape

    def encode(self, txn: Transaction, commit_ts: int) -> list[Encoded]:
        changes = txn.changes if self.output_raw_change_event else split_key_updates(txn.changes)
        return [
            self._ddl(change, commit_ts) if isinstance(change, DdlChange)
            else self._row(change, commit_ts)
            for change in changes
        ]

    def watermark(self, schema: str, table: str, commit_ts: int) -> list[Encoded]:
        if not self.enable_tidb_extension:
            return []  # EncodeCheckpointEvent sends nothing without the extension
        # go-json marshals the struct: omitempty drops a zero watermarkTs
        extension = f'{{"watermarkTs":{commit_ts}}}' if commit_ts else "{}"
        value = (
            f'{{"id":0,"database":"","table":"","pkNames":null,"isDdl":false,'
            f'"type":"{WATERMARK_TYPE}","es":{physical_ms(commit_ts)},"ts":{self.clock_ms()},'
            f'"sql":"","sqlType":null,"mysqlType":null,"data":null,"old":null,"_tidb":{extension}}}'
        )
        return [Encoded(schema, table, None, value.encode(), broadcast=True)]

    def _ddl(self, change: DdlChange, commit_ts: int) -> Encoded:
        kind, database, table = ddl_event(change)
        value = (
            f'{{"id":0,"database":{go_string(database)},"table":{go_string(table or "")},'
            f'"pkNames":null,"isDdl":true,"type":"{kind}","es":{physical_ms(commit_ts)},'
            f'"ts":{self.clock_ms()},"sql":{go_string(change.query)},"sqlType":null,'
            f'"mysqlType":null,"data":null,"old":null{self._extension(commit_ts)}}}'
        )
        return Encoded(database, table, None, value.encode(), broadcast=True)

    def _extension(self, commit_ts: int) -> str:
        return f',"_tidb":{{"commitTs":{commit_ts}}}' if self.enable_tidb_extension else ""

    def _row(self, change: RowChange, commit_ts: int) -> Encoded:
        table = change.table
        image = (change.before if change.kind == "delete" else change.after) or {}
        shape = self._shape(table, image)
        columns, quoted = shape.columns, shape.quoted
        data = _image(shape, image)
        old = _image(shape, change.before) if change.kind == "update" else "null"
        sql_types = shape.sql_types
        if sql_types is None:  # the Java type depends on the value (a BIGINT UNSIGNED past the signed range)
            sql_types = "{" + ",".join(f"{q}:{java_type(c, image[c.name])}"
                                       for c, q in zip(columns, quoted, strict=True)) + "}"
        value = (
            f'{shape.head}"type":"{ROW_TYPES[change.kind]}",'
            f'"es":{physical_ms(commit_ts)},"ts":{self.clock_ms()},"sql":"",'
            f'"sqlType":{sql_types if columns else "null"},'
            f'"mysqlType":{shape.mysql_types},"old":{old},"data":{data}'
            f"{self._extension(commit_ts)}}}"
        )
        handle = tuple(image.get(k) for k in table.key) if table.key else None
        return Encoded(table.database, table.name, None, value.encode(), handle=handle)


def _image(shape: _Shape, image: dict[str, Any] | None) -> str:
    """`data` / `old`: a one-element array of column -> text or null, in table order."""
    if not image:
        return "null"
    fields = []
    for column, name, write in zip(shape.columns, shape.quoted, shape.writers, strict=True):
        try:
            fields.append(f"{name}:{write(image.get(column.name))}")
        except (ValueError, ArithmeticError) as exc:
            raise CanalEncodeError(shape.table, column.name, str(exc)) from None
    return "[{" + ",".join(fields) + "}]"


def _writer(column: Column) -> Callable[[Any], str]:
    """A column's value as its JSON text in `data` / `old` (format_value, then go_string), with
    the common cases - an integer, text that needs no conversion - taken first."""
    def generic(value: Any) -> str:
        text = format_value(column, value)
        return "null" if text is None else go_string(text)

    name = mysql_type(column).split(" ", 1)[0]
    if name in INTEGERS:
        return lambda value: f'"{value}"' if type(value) is int else generic(value)
    if name not in ("json", "float", "double", "decimal", "enum", "set"):
        return lambda value: go_string(value) if type(value) is str else generic(value)
    return generic


@dataclass(frozen=True)
class _Shape:
    """What every row message of one table and column set shares, written once."""

    table: TableSchema
    columns: list[Column]
    quoted: list[str]  # the columns' names as JSON strings
    head: str  # '{"id":0,"database":..,"table":..,"pkNames":[..],"isDdl":false,'
    mysql_types: str  # the mysqlType object
    writers: list[Callable[[Any], str]]  # per column: a value as JSON text
    sql_types: str | None  # the sqlType object, unless it depends on the values (unsigned columns)


def _shape_of(table: TableSchema, names: tuple[str, ...]) -> _Shape:
    columns = [c for c in table.columns if c.name in names]
    # A column the schema does not know still travels, as text.
    columns += [Column(n, "text", "text") for n in names if n not in table.by_name]
    quoted = [go_string(c.name) for c in columns]
    # pkNames: the key's columns in table order, [] without one (PrimaryKeyColumnNames)
    keys = ",".join(q for c, q in zip(columns, quoted, strict=True) if c.name in table.key)
    head = (f'{{"id":0,"database":{go_string(table.database)},"table":{go_string(table.name)},'
            f'"pkNames":[{keys}],"isDdl":false,')
    types = ",".join(f"{q}:{go_string(mysql_type(c))}" for c, q in zip(columns, quoted, strict=True))
    sql_types = None if any(c.unsigned for c in columns) else \
        "{" + ",".join(f"{q}:{java_type(c, None)}" for c, q in zip(columns, quoted, strict=True)) + "}"
    return _Shape(table, columns, quoted, head, "{" + types + "}", [_writer(c) for c in columns], sql_types)
