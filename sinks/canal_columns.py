"""The columns of a Canal-JSON row message: its `mysqlType` checked against the upstream table, the
table it is a change of, and its images' value texts read back to values.

Most messages of a table look alike: what a message's shape (its names, types and key) resolves to
is worked out once, with its findings, and replayed for every message of that shape; only the
values are read per message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sinkmatrix.formats.canal_json import full_mysql_type, java_type, mysql_type
from sinkmatrix.formats.releases import Release
from sinkmatrix.model.schema import Column, TableSchema
from sinks.canal_frame import Check, describe
from sinks.canal_values import Reader, column_from_type, reader

# what a shape resolves to: its columns, its table, the findings it always has, the upstream it was
# resolved under
Resolved = tuple[list[Column], TableSchema, list[tuple[str, str | None, str]], Any]


class ColumnReading:
    """Resolves and reads the columns of one decoder's messages (TiCDC `release`'s rules; with
    `content_compatible`, full column types; `old_style`: a release whose every sqlType is fixed)."""

    def __init__(self, release: Release, content_compatible: bool, old_style: bool) -> None:
        self.release, self.content_compatible, self._old_style = release, content_compatible, old_style
        self._schemas: dict[tuple[Any, ...], TableSchema] = {}
        self._shapes: dict[tuple[Any, ...], Resolved] = {}
        # per shape's column list: its value readers and, unless a column's sqlType depends on
        # the value (unsigned integers), the sqlType TiCDC writes for every row of that shape
        self._readers: dict[int, tuple[list[Column], list[Reader], dict[str, int] | None]] = {}

    def resolve(self, msg: dict[str, Any], data: dict[str, Any], upstream: TableSchema | None,
                 check: Check) -> tuple[list[Column], TableSchema]:
        """Columns and table of a message, checked against the upstream; memoised per message shape
        (most messages of a table look alike), with the shape's findings replayed each time."""
        types = msg["mysqlType"]
        pk = msg["pkNames"] or []
        shape = (msg["database"], msg["table"], tuple(data), tuple(types.items()), tuple(pk), id(upstream))
        hit = self._shapes.get(shape)
        if hit is None or hit[3] is not upstream:
            notes: list[tuple[str, str | None, str]] = []

            def note(kind: str, field: str | None, why: str) -> None:
                notes.append((kind, field, why))

            columns = [self.column(n, types[n], upstream, note) for n in data]
            for column in upstream.columns if upstream is not None else ():
                if column.name not in data:
                    note("type-mismatch", "mysqlType", f"the upstream column {column.name} is missing")
            table = self._schema(msg["database"], msg["table"], columns, pk, upstream)
            if len(self._shapes) > 4096:
                self._shapes.clear()
            hit = self._shapes[shape] = (columns, table, notes, upstream)
        for kind, field, why in hit[2]:
            check(kind, field, why)
        return hit[0], hit[1]

    def column(self, name: str, text: str, upstream: TableSchema | None,
                check: Callable[[str, str | None, str], None]) -> Column:
        column = column_from_type(name, text, self.release)
        if column is None:
            if text.startswith("vector"):
                check("unsupported-type", f"mysqlType.{name}", f"{text!r}: a TiDB VECTOR column (TiCDC v8.4 "
                      "on); this adapter lacks VECTOR columns: leave the column out of the changefeed (a "
                      "column filter) to test the rest")
            else:
                check("bad-value", f"mysqlType.{name}", f"{text!r} is not a type TiCDC {self.release} writes")
            return Column(name, "text", text)
        if upstream is None:
            return column
        mine = upstream.by_name.get(name)
        written = full_mysql_type(mine) if mine is not None and self.content_compatible else None
        if mine is None:
            check("type-mismatch", f"mysqlType.{name}", "the upstream table has no such column")
        elif mysql_type(mine, self.release) != mysql_type(column, self.release):
            check("type-mismatch", f"mysqlType.{name}", f"{text!r}, but the upstream "
                  f"{mine.column_type} is {mysql_type(mine, self.release)!r} in TiCDC's mapping")
        elif written is not None and text != written:
            check("type-mismatch", f"mysqlType.{name}", f"{text!r}, but with content-compatible=true "
                  f"TiCDC writes the upstream {mine.column_type} as {written!r}")
        else:
            return mine  # it knows widths, fsp and members
        return column

    def values(self, columns: list[Column], image: dict[str, Any], name: str, check: Check,
                partial: bool = False) -> tuple[dict[str, Any], dict[str, int] | None]:
        """The image's values (`partial`: of the columns it holds), and the sqlType every row of
        these columns has (None: it depends on the values)."""
        values: dict[str, Any] = {}
        readers, fixed = self.readers(columns)
        for column, read in zip(columns, readers, strict=True):
            if partial and column.name not in image:
                continue
            raw = image[column.name]
            values[column.name] = None
            if raw is None:
                if not column.nullable:
                    check("bad-value", f"{name}[0].{column.name}", "NULL in a NOT NULL column")
            elif type(raw) is not str:
                check("wrong-type", f"{name}[0].{column.name}", f"{describe(raw)}, expected a string or null")
            else:
                try:
                    values[column.name], spelled = read(raw)
                except (ValueError, ArithmeticError, RecursionError) as exc:
                    check("bad-value", f"{name}[0].{column.name}",
                          f"{raw[:80]!r} is not a {mysql_type(column)}: {exc}")
                    continue
                if spelled is not None:
                    check("bad-spelling", f"{name}[0].{column.name}",
                          f"{raw[:80]!r}: the value is right, but TiCDC spells it {spelled[:80]!r}")
        return values, fixed

    def readers(self, columns: list[Column]) -> tuple[list[Reader], dict[str, int] | None]:
        """The value readers of a shape's columns, and the sqlType of all its rows (None: it depends
        on the values)."""
        found = self._readers.get(id(columns))
        if found is None or found[0] is not columns:
            fixed = None if any(c.unsigned for c in columns) and not self._old_style else \
                {c.name: java_type(c, None, self.release) for c in columns}
            found = self._readers[id(columns)] = (columns, [reader(c) for c in columns], fixed)
        return found[1], found[2]

    def _schema(self, database: str, name: str, columns: list[Column], pk: list[str],
                upstream: TableSchema | None) -> TableSchema:
        key: tuple[str, ...] = tuple(pk)
        names = {c.name for c in columns}
        if upstream is not None and upstream.key and set(upstream.key) <= names and (
                not pk or set(upstream.key) == set(pk)):
            key = upstream.key  # index order, and the NOT NULL unique key pkNames leaves out
        cache_key = (database, name, tuple(columns), key)
        if cache_key not in self._schemas:
            self._schemas[cache_key] = TableSchema(database, name, tuple(columns), key)
        return self._schemas[cache_key]
