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

import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from dsl import compare, ddl_effects
from dsl.errors import UnknownTable
from dsl.schema import introspect
from sinkmatrix.model.schema import Column, TableSchema
from sinkmatrix.model.schema_journal import DdlStep, SchemaJournal

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
    charsets: frozenset[str] = field(default_factory=frozenset)  # its text columns' character sets
    # before each DDL about it, then now (sinkmatrix.model.schema_journal)
    versions: tuple[TableSchema, ...] = ()


def _keyless(table: TableFacts) -> str | None:
    return "has no primary key and no NOT NULL unique key" if table.key == () else None


_SPATIAL = frozenset({"geometry", "point", "linestring", "polygon", "multipoint", "multilinestring",
                      "multipolygon", "geometrycollection"})


def _spatial(table: TableFacts) -> str | None:
    found = sorted(table.types & _SPATIAL)
    return f"has {', '.join(found).upper()} columns" if found else None


# the character sets TiDB has (pingcap/tidb pkg/parser/charset: utf8, utf8mb4, ascii, latin1, binary, gbk)
_TIDB_CHARSETS = frozenset({"utf8", "utf8mb3", "utf8mb4", "ascii", "latin1", "binary", "gbk"})


def _other_charsets(table: TableFacts) -> str | None:
    found = sorted(table.charsets - _TIDB_CHARSETS)
    return f"has text columns in {', '.join(found)}" if found else None


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
    "tidb-charsets": _other_charsets,
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
          statements: Iterable[str], types: Mapping[str, Collection[str]] | None = None,
          charsets: Mapping[str, Collection[str]] | None = None) -> list[TableFacts]:
    """Facts of the tables the upstream has now (`keys`: name -> key; `types`, `charsets`: name -> its
    columns' types and character sets), of `also` (tables the sink has) and of the tables the DDL
    `statements` run in `database` touched."""
    effects: dict[str, set[str]] = {}
    for sql in statements:
        for touched in ddl_effects.effects(sql, database):
            if touched.database != database:
                continue  # a limit only leaves out tables of the test's own database
            effects.setdefault(touched.table, set()).add(touched.effect)
    names = sorted({*keys, *also, *effects})
    return [TableFacts(n, keys.get(n), frozenset(effects.get(n, ())), frozenset((types or {}).get(n, ())),
                       frozenset((charsets or {}).get(n, ()))) for n in names]


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
    it (the adapter's `ddl` limit). Told from the table's DDL steps (sinkmatrix.model.schema_journal): the
    rows
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


# -- limits that stop the CDC as a whole ------------------------------------------------------------

# The Avro type TiCDC gives a column (tiflow pkg/sink/codec/avro/avro.go columnToAvroSchema; DECIMAL is
# bytes, or string in its string mode: either way neither reads as a number), and the promotions Avro's
# schema resolution allows a reader (Apache Avro 1.11 specification, "Schema Resolution").
_AVRO = {**dict.fromkeys(("tinyint", "smallint", "mediumint", "year"), "int"), "int": "int",
         "integer": "int", "bigint": "long", "float": "float", "double": "double", "real": "double",
         **dict.fromkeys(("decimal", "numeric", "bit", "binary", "varbinary", "tinyblob", "blob",
                          "mediumblob", "longblob"), "bytes"),
         **dict.fromkeys(("char", "varchar", "tinytext", "text", "mediumtext", "longtext", "enum", "set",
                          "json", "date", "datetime", "timestamp", "time"), "string")}
_READS = {"int": {"long", "float", "double"}, "long": {"float", "double"}, "float": {"double"},
          "string": {"bytes"}, "bytes": {"string"}}


def _avro(column: Column) -> str | None:
    kind = "string" if column.is_json else _AVRO.get(column.type)
    return "long" if kind == "int" and column.unsigned and column.type in ("int", "integer") else kind


def _unreadable(writer: TableSchema, reader: TableSchema) -> str | None:
    """What makes the schema of `reader` unable to read records written with `writer`'s (BACKWARD)."""
    was = {c.name.lower(): c for c in writer.columns}
    for column in reader.columns:
        old = was.get(column.name.lower())
        if old is None:
            # a NOT NULL column's field defaults to its DEFAULT: none, or one no field can hold
            default = column.default
            if not column.nullable and (default is None or _avro(column) == "bytes" or "(" in default
                                        or default.upper().startswith("CURR")):
                return f"had a NOT NULL column {column.name} without a DEFAULT added"
            continue
        before, after = _avro(old), _avro(column)
        if before and after and before != after and after not in _READS.get(before, ()):
            return f"had its column {column.name} changed from {old.column_type} to {column.column_type}"
        if old.nullable and not column.nullable:
            return f"had its column {column.name} made NOT NULL"
    if writer.key and reader.key and {k.lower() for k in reader.key} - {k.lower() for k in writer.key}:
        return f"had its key changed from ({', '.join(writer.key)}) to ({', '.join(reader.key)})"
    return None


def refused_evolution(table: TableFacts) -> str | None:
    """What DDL did to the table that a schema registry's BACKWARD compatibility refuses for TiCDC's
    Avro (a new schema must read every record written with the latest registered one, value and key),
    or None. Registered are only the versions rows were written under, so every pair of its versions
    counts: this says the registry may refuse it, and `stopped_by` takes it only with the refusal."""
    versions = table.versions
    for i, writer in enumerate(versions):
        for reader in versions[i + 1:]:
            if why := _unreadable(writer, reader):
                return why
    return None


# limit name -> what makes a table concerned by it, where its consequence stops the CDC as a whole
# (nothing after that point is carried: the case cannot be checked on, and ends as the limit met)
STOPS: dict[str, Callable[[TableFacts], str | None]] = {
    "schema-evolution": refused_evolution,
}

# The refusal a Confluent schema registry answers with HTTP 409 (and so does schemareg), which a CDC
# passes on when it stops: it names the subject, `<topic>-value` or `<topic>-key`
_REFUSED = re.compile(r"incompatible with an earlier schema for subject ['\"]([^'\"]+)['\"]")
_NOT_NAME = re.compile(r"[^0-9a-z]+")


# The embedded backend's Kafka (librdkafka's mock cluster) keeps ≈5 MB a partition: records a view
# reads later than that are gone, which the Kafka view reports as "embedded Kafka dropped messages on
# <topic>[<partition>]" (sinks.kafka_view). Nothing past it can be judged, and it is no CDC's doing.
TRANSPORT_CAPACITY = ("the embedded backend's Kafka (librdkafka's mock cluster) keeps ≈5 MB per partition: "
                      "records the CDC wrote further ahead of the view were dropped by the transport, so "
                      "the case cannot be judged here; run it on the compose backend (a real broker)")
_OVERFLOW = re.compile(r"embedded Kafka dropped messages on (\S+)\[(\d+)\]")


def overflowed(failure: str, database: str, sink: str) -> LeftOut | None:
    """The embedded transport's capacity met (the table whose partition overflowed), or None."""
    found = _OVERFLOW.search(failure)
    if found is None:
        return None
    topic, partition = found.groups()
    table = topic.removeprefix(f"{database}_") if topic.startswith(f"{database}_") else \
        topic.split(f".{database}.", 1)[1] if f".{database}." in topic else topic  # (Debezium's naming)
    return LeftOut(table, sink, "transport-capacity", f"overflowed partition {partition} of {topic}",
                   TRANSPORT_CAPACITY)


# A CDC's own words for a declared limit it met where it stopped (sinkmatrix.formats.debezium_behaviours
# labels a Debezium stop so: "declared limit mariadb-as-mysql: <what it met> (<the limit's text>)"), and
# the statement it stopped at (a DDL parser's ParsingException quotes it)
_DECLARED = re.compile(r"declared limit ([a-z0-9-]+): (.+?) \(")
_STATEMENT = re.compile(r"with the statement '(.+?)'(?: |$)", re.DOTALL)


def declared_stop(failure: str, database: str, sink: str, limits: Mapping[str, str]) -> LeftOut | None:
    """A limit the sink declares that the CDC's stop names itself, at the table of the statement it
    stopped at (or of no table); None if the failure names none of the sink's limits."""
    found = _DECLARED.search(failure)
    if found is None or found.group(1) not in limits or found.group(1) in STOPS:
        return None  # (a limit of STOPS is met only where the table's DDL shows it: stopped_by)
    statement = _STATEMENT.search(failure)
    table = ddl_effects.subject(statement.group(1), database) if statement else None
    return LeftOut(table or "(the statement it stopped at)", sink, found.group(1), found.group(2),
                   limits[found.group(1)])


def stopped_by(failure: str, tables: Iterable[TableFacts], sink: str,
               limits: Mapping[str, str]) -> LeftOut | None:
    """The declared limit a CDC's stop is the consequence of: the registry refused the subject of a
    table the limit concerns (`STOPS`); None if the stop is not that (then it is a failure)."""
    if "schema-evolution" not in limits:
        return None
    refused = _REFUSED.search(failure)
    if refused is None:
        return None
    topic = _NOT_NAME.sub("_", refused.group(1).rsplit("-", 1)[0].lower())
    for table in tables:
        name = _NOT_NAME.sub("_", table.name.lower())
        if topic != name and not topic.endswith(f"_{name}"):
            continue
        if seen := refused_evolution(table):
            return LeftOut(table.name, sink, "schema-evolution", seen, limits["schema-evolution"])
    return None


def version_facts(conn: Any, database: str, history: SchemaJournal,
                  present: Iterable[str]) -> list[TableFacts]:
    """Facts of the tables `present` upstream now and of those DDL was about (`history`), each with its
    versions: before each DDL about it (sinkmatrix.model.schema_journal), then its present one."""
    tables = []
    for name in sorted({*present, *history.stepped(database)}):
        try:
            now: TableSchema | None = introspect(conn, database, name)
        except UnknownTable:
            now = None
        versions = [s.before for s in history.steps(database, name) if s.before is not None]
        tables.append(TableFacts(name, now.key if now else None,
                                 versions=(*versions, *([now] if now else []))))
    return tables


class LimitMet(Exception):
    """The CDC stopped as a declared limit of its sink says it does, at a table the framework tells the
    limit concerns: the case cannot be checked past it, and is that limit met, not a failure."""

    def __init__(self, left_out: LeftOut, failure: str) -> None:
        self.left_out, self.failure = left_out, failure
        super().__init__(f"{left_out}; the CDC stopped: {failure}")
