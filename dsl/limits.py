"""Adapter limits, applied to the tables they concern.

An adapter declares what its protocol cannot carry (`SinkAdapter.limits`: name -> why). Where the
framework can tell which tables a limit concerns — a table without a key, a table renamed, truncated,
dropped or whose rows partition DDL moved — the whole-database check leaves just those tables out,
with the reason (the report names them), and still checks every other table of the case. Where a
limit concerns single values (a zero date a format cannot carry), just those values are excused, and
counted in the report the same way. Where it concerns columns — a format without DDL never carries an
ALTER run after a table's last row change (`stale_columns`) — just those columns are left out of the
table's comparison. A limit the framework cannot detect is declared by a workload's header comment
(dsl.workload) and skips it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from dsl import compare, ddl_effects
from model.schema import Column, TableSchema
from model.schema_journal import DdlStep

_SAID = {"renamed": "renamed", "truncated": "truncated", "dropped": "dropped",
         "partition-rows": "given or stripped of rows by partition DDL (no row events)",
         "exchanged": "swapped a partition with another table (one DDL about two tables)",
         "copied": "created LIKE another table (one DDL about two tables)"}


@dataclass(frozen=True)
class TableFacts:
    """What the framework knows of one table of a test's database."""

    name: str
    key: tuple[str, ...] | None  # the upstream's key now; None: the upstream has no such table now
    effects: frozenset[str] = field(default_factory=frozenset)  # dsl.ddl_effects: renamed, truncated, ...
    types: frozenset[str] = field(default_factory=frozenset)  # its columns' types (information_schema)


def _keyless(table: TableFacts) -> str | None:
    return "has no primary key and no NOT NULL unique key" if table.key == () else None


_SPATIAL = frozenset({"geometry", "point", "linestring", "polygon", "multipoint", "multilinestring",
                      "multipolygon", "geometrycollection"})


def _spatial(table: TableFacts) -> str | None:
    found = sorted(table.types & _SPATIAL)
    return f"has {', '.join(found).upper()} columns" if found else None


def _effects(which: Collection[str]) -> Callable[[TableFacts], str | None]:
    def detect(table: TableFacts) -> str | None:
        hit = sorted(table.effects & set(which))
        return f"was {' and '.join(_SAID[e] for e in hit)}" if hit else None
    return detect


def _zero_date_lost(column: Column, expected: Any, actual: Any) -> bool:
    """A zero or zero-in-date value the sink wrote as NULL or as the epoch (no calendar date to carry)."""
    if column.type not in ("date", "datetime", "timestamp"):
        return False
    try:
        if not compare.no_calendar_date(compare.canonical(column, expected)):
            return False
        got = compare.canonical(column, actual)
    except ValueError:
        return False
    return got is None or got in (_EPOCH, _EPOCH.date())


_EPOCH = datetime(1970, 1, 1)

# limit name -> whether one column value that differs is that limit's consequence
VALUE_RULES: dict[str, Callable[[Column, Any, Any], bool]] = {
    "zero-dates": _zero_date_lost,
}


def excused(limits: Mapping[str, str], column: Column, expected: Any, actual: Any) -> str | None:
    """The declared limit a differing value is the consequence of, or None."""
    return next((name for name, rule in VALUE_RULES.items()
                 if name in limits and rule(column, expected, actual)), None)


# limit name -> what makes a table concerned by it (a description of what was seen), or None
DETECTORS: dict[str, Callable[[TableFacts], str | None]] = {
    "keyless-tables": _keyless,
    "ddl": _effects(("renamed", "truncated", "dropped", "partition-rows")),
    "ddl-across-topics": _effects(("renamed", "exchanged", "copied")),
    "spatial-types": _spatial,
}


@dataclass(frozen=True)
class LeftOut:
    """A table left out of the comparison: which limit of which sink, and what made it concerned."""

    table: str
    sink: str
    limit: str
    seen: str  # what the framework saw of the table
    why: str  # the adapter's words for the limit

    def __str__(self) -> str:
        return f"{self.table} {self.seen}: {self.sink} limit {self.limit} ({self.why})"


def values_left_out(counts: Mapping[tuple[str, str, str], int], sink: str,
                    limits: Mapping[str, str]) -> list[LeftOut]:
    """Lines for the values a limit excused: `counts` by (table, column, limit)."""
    return [LeftOut(f"{table}.{column}", sink, limit, f"had {n} value(s) the sink could not carry",
                    limits[limit]) for (table, column, limit), n in sorted(counts.items())]


def detected(limits: Mapping[str, str]) -> list[str]:
    """The limits of an adapter the framework applies per table by itself."""
    return [name for name in limits if name in DETECTORS]


def facts(database: str, keys: Mapping[str, tuple[str, ...]], also: Iterable[str],
          statements: Iterable[str], types: Mapping[str, Collection[str]] | None = None) -> list[TableFacts]:
    """Facts of the tables the upstream has now (`keys`: name -> key; `types`: name -> its columns'
    types), of `also` (tables the sink has) and of the tables the DDL `statements` run in `database`
    touched."""
    effects: dict[str, set[str]] = {}
    for sql in statements:
        for touched in ddl_effects.effects(sql, database):
            if touched.database != database:
                continue  # a limit only leaves out tables of the test's own database
            effects.setdefault(touched.table, set()).add(touched.effect)
    names = sorted({*keys, *also, *effects})
    return [TableFacts(n, keys.get(n), frozenset(effects.get(n, ())), frozenset((types or {}).get(n, ())))
            for n in names]


def left_out(tables: Iterable[TableFacts], sink: str, limits: Mapping[str, str]) -> dict[str, LeftOut]:
    """The tables a detected limit of `sink` concerns, each with the first limit that does."""
    out: dict[str, LeftOut] = {}
    for table in tables:
        for name in detected(limits):
            seen = DETECTORS[name](table)
            if seen:
                out[table.name] = LeftOut(table.name, sink, name, seen, limits[name])
                break
    return out


def _shape(columns: Iterable[Column]) -> frozenset[tuple[str, str, bool]]:
    return frozenset((c.name.lower(), c.column_type.lower(), c.nullable) for c in columns)


def stale_columns(steps: Sequence[DdlStep], present: TableSchema, present_rows: Callable[[], str | None],
                  sink: TableSchema) -> dict[str, str]:
    """The columns of a table that DDL run after its last row change changed (name -> what it did:
    added, dropped, changed), where the sink's table is the version the table had before that DDL: a
    format without DDL carries a schema change only with the table's next row, so the sink cannot have
    it (the adapter's `ddl` limit). Told from the table's DDL steps (model.schema_journal): the rows
    are the same right after its last DDL as now (`present_rows`), and the same between every two of
    the DDL statements from the one the sink's version preceded on (`present_rows()`: asked only where
    the sink's table is not the present version); otherwise a row was written under
    a later version, and the sink holding an earlier one is a real loss ({})."""
    held = _shape(sink.columns)
    if not steps or held == _shape(present.columns) or steps[-1].rows_after is None \
            or steps[-1].rows_after != present_rows():
        return {}
    for k in range(len(steps) - 1, -1, -1):
        step = steps[k]
        if step.before is None or step.rows_before is None:
            return {}
        if _shape(step.before.columns) == held:
            return _changed(step.before, present)
        if k == 0 or steps[k - 1].rows_after != step.rows_before:
            return {}  # rows were written under step.before: the sink should hold it or a later one
    return {}


def _changed(old: TableSchema, new: TableSchema) -> dict[str, str]:
    was = {c.name.lower(): c for c in old.columns}
    now = {c.name.lower(): c for c in new.columns}
    found = {c.name: "dropped" for key, c in was.items() if key not in now}
    for key, column in now.items():
        before = was.get(key)
        if before is None:
            found[column.name] = "added"
        elif (before.name, before.column_type.lower(), before.nullable) != (
                column.name, column.column_type.lower(), column.nullable):
            found[column.name] = "changed"
    return found


def stale_left_out(table: str, changed: Mapping[str, str], steps: Sequence[DdlStep], sink: str,
                   limits: Mapping[str, str]) -> list[LeftOut]:
    """Report lines for the columns `stale_columns` found."""
    last = " ".join(steps[-1].statement.split())[:80] if steps else ""
    return [LeftOut(f"{table}.{column}", sink, "ddl",
                    f"was {what} by DDL after the table's last row change (last: {last})", limits["ddl"])
            for column, what in sorted(changed.items())]
