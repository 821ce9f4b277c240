"""Canal-JSON messages byte for byte as TiCDC's canal-json encoder writes them (default settings).

Followed from pingcap/tiflow: pkg/sink/codec/canal/canal_json_row_event_encoder.go (DML written by
hand with easyjson's writer: field order, `old` before `data`, `_tidb` last), canal_json_message.go
(DDL and watermark messages marshalled from structs: `data` before `old`), canal_entry.go
(formatValue, getJavaSQLType, convertDdlEventType), cdc/entry/schema_storage.go (buildRenameEvents: a
RENAME of several tables is one DDL message per table, sinkmatrix.formats.canal_ddl.per_table),
pkg/sink/codec/internal/java.go (MySQLType2JavaType), pkg/sink/codec/utils (GetMySQLType) and
cdc/entry/mounter.go (formatColVal: the Go value each column type carries, which decides its text).
JSON text follows TiDB's BinaryJSON.String (pkg/types/json_binary.go), spelled in sinkmatrix.formats.go_text.
The contract's rules (type names, spellings) live in sinkmatrix.formats.canal_json.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sinkmatrix.formats.canal_ddl import ddl_event, per_table
from sinkmatrix.formats.canal_json import (
    INTEGERS,
    ROW_TYPES,
    WATERMARK_TYPE,
    format_value,
    full_mysql_type,
    java_type,
    mysql_type,
)
from sinkmatrix.formats.go_text import go_string
from sinkmatrix.model.changes import DdlChange, RowChange, Transaction
from sinkmatrix.model.schema import Column, TableSchema
from sinkmatrix.model.tso import physical_ms
from sinkmatrix.refcdc.encoders import Encoded
from sinkmatrix.refcdc.errors import RefCdcError


class CanalEncodeError(RefCdcError):
    """A row value the table's schema cannot express in Canal-JSON."""

    def __init__(self, table: TableSchema, column: str, why: str) -> None:
        super().__init__(
            f"canal-json: {table.qualified}.{column}: {why}; the cached schema is probably stale "
            "(a DDL the reference CDC did not see) - restart it so it learns the table again"
        )


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
    """The Encoder for Canal-JSON; `clock_ms` gives the build time (`ts`), for reproducible tests.
    `content_compatible`: TiCDC's content-compatible=true (full column types in mysqlType, an
    UPDATE's `old` holding only the columns it changed)."""

    def __init__(self, enable_tidb_extension: bool = False, output_raw_change_event: bool = False,
                 clock_ms: Callable[[], int] | None = None, content_compatible: bool = False) -> None:
        self.enable_tidb_extension = enable_tidb_extension
        self.output_raw_change_event = output_raw_change_event
        self.content_compatible = content_compatible
        self.clock_ms = clock_ms or (lambda: time.time_ns() // 1_000_000)
        self._shapes: dict[tuple[int, tuple[str, ...]], _Shape] = {}

    def _shape(self, table: TableSchema, image: dict[str, Any]) -> _Shape:
        slot = (id(table), tuple(image))
        shape = self._shapes.get(slot)
        if shape is None or shape.table is not table:
            if len(self._shapes) > 4096:
                self._shapes.clear()
            shape = self._shapes[slot] = _shape_of(table, slot[1], self.content_compatible)
        return shape

    def encode(self, txn: Transaction, commit_ts: int) -> list[Encoded]:
        changes = txn.changes if self.output_raw_change_event else split_key_updates(txn.changes)
        out = []
        for change in changes:
            if isinstance(change, DdlChange):  # a RENAME of several tables: one event per table
                out += [self._ddl(event, commit_ts) for event in per_table(change)]
            else:
                out.append(self._row(change, commit_ts))
        return out

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
        old = "null"
        if change.kind == "update":
            before = change.before
            if self.content_compatible and before is not None:  # the columns the update changed
                before = {k: v for k, v in before.items() if k not in image or image[k] != v}
            old = _image(shape, before, partial=self.content_compatible)
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


def _image(shape: _Shape, image: dict[str, Any] | None, partial: bool = False) -> str:
    """`data` / `old`: a one-element array of column -> text or null, in table order; `partial`:
    of the columns the image holds (an empty one is `[{}]`)."""
    if not image and not (partial and image is not None):
        return "null"
    fields = []
    for column, name, write in zip(shape.columns, shape.quoted, shape.writers, strict=True):
        if partial and column.name not in image:
            continue
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


def _shape_of(table: TableSchema, names: tuple[str, ...], full_types: bool = False) -> _Shape:
    columns = [c for c in table.columns if c.name in names]
    # A column the schema does not know still travels, as text.
    columns += [Column(n, "text", "text") for n in names if n not in table.by_name]
    quoted = [go_string(c.name) for c in columns]
    # pkNames: the key's columns in table order, [] without one (PrimaryKeyColumnNames)
    keys = ",".join(q for c, q in zip(columns, quoted, strict=True) if c.name in table.key)
    head = (f'{{"id":0,"database":{go_string(table.database)},"table":{go_string(table.name)},'
            f'"pkNames":[{keys}],"isDdl":false,')
    type_of = full_mysql_type if full_types else mysql_type
    types = ",".join(f"{q}:{go_string(type_of(c))}" for c, q in zip(columns, quoted, strict=True))
    sql_types = None if any(c.unsigned for c in columns) else \
        "{" + ",".join(f"{q}:{java_type(c, None)}" for c, q in zip(columns, quoted, strict=True)) + "}"
    return _Shape(table, columns, quoted, head, "{" + types + "}", [_writer(c) for c in columns], sql_types)
