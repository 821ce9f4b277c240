"""How the view of a format without DDL (Avro, Debezium) follows its upstream table through versions.

Such a format never says when a table changed; its records only show the columns (and coarse types)
they were written with. The upstream's versions of a table are known (sinkmatrix.model.schema_journal,
recorded
before each DDL the framework runs, and the upstream's present one), so the view creates a table as
the version a record was written under, and when a record of a later version comes, steps the table
through every version in between, in order, under the lax sql_mode of sinks.apply_mysql: a lossy
MODIFY COLUMN (a VARCHAR shrunk, an INT made UNSIGNED) converts the rows the view holds as the
upstream's ALTER converted its own. A record's version is the newest that fits it (its column names,
and its types as far as the format tells them: a VARCHAR(10) and a VARCHAR(5) both travel as text);
the view never steps back for an older record, which then applies under the later version, as the
upstream's ALTER had converted it: where the steps between changed a column's type or name, its row
goes through those ALTERs itself first (`LateRows`). A column the upstream still has unchanged is
added as the upstream defines it now (a generated column then computes its values for the rows the
view holds).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from typing import Any

from dsl.identifiers import quote, quote_for_format
from sinkmatrix.model.changes import RowChange
from sinkmatrix.model.schema import Column, TableSchema

# Types a format cannot tell apart travel as one family (Avro: tidb_type INT is TINYINT..INT).
_FAMILIES = {
    **dict.fromkeys(("tinyint", "smallint", "mediumint", "int", "integer"), "int"),
    **dict.fromkeys(("double", "real"), "double"),
    **dict.fromkeys(("decimal", "numeric"), "decimal"),
    **dict.fromkeys(("char", "varchar", "tinytext", "text", "mediumtext", "longtext"), "text"),
    **dict.fromkeys(("binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob"), "blob"),
}


def _family(column: Column) -> tuple[str, bool]:
    return ("json" if column.is_json else _FAMILIES.get(column.type, column.type)), column.unsigned


def fits(record: TableSchema, version: TableSchema) -> bool:
    """Whether a record decoded as `record` may have been written under `version`."""
    if len(record.columns) != len(version.columns):
        return False
    for column in record.columns:
        other = version.by_name.get(column.name)
        if other is None or _family(column) != _family(other):
            return False
    return True


def newest_fitting(record: TableSchema, versions: Sequence[TableSchema]) -> int | None:
    """The index of the newest version the record fits, None if none does."""
    for index in range(len(versions) - 1, -1, -1):
        if fits(record, versions[index]):
            return index
    return None


def definition(column: Column) -> str:
    """A column definition from what information_schema said of it (no charset: the view's own)."""
    parts = [quote(column.name), column.column_type, "NULL" if column.nullable else "NOT NULL"]
    if column.default is not None and not (column.default.upper() == "NULL" and not column.nullable):
        parts += ["DEFAULT", column.default]
    return " ".join(parts)


def create_statement(version: TableSchema) -> str:
    """CREATE TABLE for a version the upstream no longer has (its present one comes from SHOW CREATE)."""
    parts = [definition(c) for c in version.columns]
    if version.key:
        parts.append(f"PRIMARY KEY ({', '.join(quote(k) for k in version.key)})")
    return f"CREATE TABLE {quote(version.database)}.{quote(version.name)} ({', '.join(parts)})"


def alterations(old: TableSchema, new: TableSchema, exact: dict[str, str] | None = None,
                present: TableSchema | None = None) -> list[str]:
    """The ALTER TABLE specifications that make a table of version `old` one of version `new`:
    columns added, dropped, modified and renamed (key columns are never dropped). `exact`: the
    upstream's own definitions of its present version's columns (SHOW CREATE TABLE: a generated
    column's expression, a collation, which information_schema's column type leaves out), used for
    each column of `new` that is still the same in `present` (the present version; None: `new` is it).

    Column names match case-insensitively, as MariaDB's do: a CHANGE that only changed a name's case
    is the same column, changed in place (an ENUM made INT converts each value to its index, where a
    DROP and an ADD would give every row the DEFAULT)."""
    exact = exact or {}

    def spelled(column: Column) -> str:
        same = column if present is None else present.by_name.get(column.name)
        if same is not None and same == column and same.default == column.default and column.name in exact:
            return exact[column.name]
        return definition(column)

    before = {c.name.lower(): c for c in old.columns}
    after = {c.name.lower() for c in new.columns}
    specs = [f"ADD COLUMN {spelled(c)}" for c in new.columns if c.name.lower() not in before]
    specs += [f"DROP COLUMN {quote(c.name)}" for c in old.columns
              if c.name.lower() not in after and c.name not in old.key]
    for column in new.columns:
        was = before.get(column.name.lower())
        if was is None:
            continue
        if was.name != column.name:
            specs.append(f"CHANGE COLUMN {quote(was.name)} {spelled(column)}")
        elif (was.column_type, was.nullable, was.default) != (column.column_type, column.nullable,
                                                               column.default):
            specs.append(f"MODIFY COLUMN {spelled(column)}")
    return specs


_SCRATCH = "_sinkmatrix_late_row"  # a temporary table: the converting session's own, never compared


@dataclass(frozen=True)
class LateRows:
    """Rows written under `path[0]`, an older version than the view's table (`path[-1]`) already is:
    a late record from another partition. Inserting its values into the later columns is not what the
    upstream's ALTER did to such a row (an ENUM made INT holds the member's index; 'b2b' inserted into
    an INT is 0), so each row is put in a temporary table of its version, altered through the same steps
    as the view's table was, and read back. `cursor()`: a cursor of a session on the view's server,
    under the lax sql_mode the view's ALTERs ran under."""

    path: tuple[TableSchema, ...]
    exact: dict[str, str]
    present: TableSchema | None
    cursor: Callable[[], AbstractContextManager[Any]]

    @staticmethod
    def needed(path: Sequence[TableSchema], exact: dict[str, str] | None,
               present: TableSchema | None) -> bool:
        """Whether a step along `path` changes a column in place (a type, a name)."""
        return any(spec.startswith(("MODIFY ", "CHANGE ")) for old, new in itertools.pairwise(path)
                   for spec in alterations(old, new, exact, present))

    def convert(self, change: RowChange) -> RowChange:
        return RowChange(change.kind, self.path[-1], self._row(change.before), self._row(change.after))

    def _row(self, image: dict[str, Any] | None) -> dict[str, Any] | None:
        if image is None:
            return None
        first, held = self.path[0], self.path[-1]
        scratch = replace(first, name=_SCRATCH, key=(), by_name={})
        target = f"{quote(first.database)}.{quote(_SCRATCH)}"
        names = [c.name for c in first.columns]
        with self.cursor() as cur:  # statements without arguments are sent as written (no %-format)
            cur.execute(f"DROP TEMPORARY TABLE IF EXISTS {target}")
            cur.execute(create_statement(scratch).replace("CREATE TABLE", "CREATE TEMPORARY TABLE", 1))
            cur.execute(f"INSERT INTO {quote_for_format(first.database)}.{quote_for_format(_SCRATCH)} "
                        f"({', '.join(quote_for_format(n) for n in names)}) "
                        f"VALUES ({', '.join(['%s'] * len(names))})", [image.get(n) for n in names])
            for old, new in itertools.pairwise(self.path):
                if specs := alterations(old, new, self.exact, self.present):
                    cur.execute(f"ALTER TABLE {target} {', '.join(specs)}")
            wanted = [c.name for c in held.columns]
            cur.execute(f"SELECT {', '.join(quote(n) for n in wanted)} FROM {target}")
            row = cur.fetchone()
            cur.execute(f"DROP TEMPORARY TABLE {target}")
        return dict(zip(wanted, row, strict=True))
