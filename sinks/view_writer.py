"""Materializes decoded changes into a view database: one downstream commit per batch of records.

Rows go through the reference CDC's MySQL applier (safe mode: replace by key), so the view
holds what a correct sink would show. A record whose changes the view cannot apply becomes a
Finding on its own, located exactly; the rest of its batch still applies.

Formats without DDL (Avro, Debezium) never say when a table appears or changes: the view then
creates a table as the upstream's version the first change was written under, and steps it through
the later versions in order as changes of those versions come (sinks.view_versions); the upstream's
present version comes from its SHOW CREATE TABLE, older ones from the schema journal. Where no known
version fits a change, the view falls back to the upstream's present definition: it adds the
change's new columns (as the upstream defines them) and drops the columns the upstream no longer has.
Rows and DDL apply under a lax sql_mode (sinks.apply_mysql): what the upstream stored fits.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import MySQLdb
import pymysql
import structlog

from dsl import ddl_effects
from dsl.errors import UnknownTable
from dsl.identifiers import quote
from dsl.schema import introspect
from sinkmatrix.formats import ddl
from sinkmatrix.model.changes import DdlChange, Position, RowChange, Transaction
from sinkmatrix.model.schema import TableSchema
from sinkmatrix.model.schema_journal import journal
from sinks.apply_mysql import _ALREADY_DONE, ROW_SQL_MODE, ApplyError, MysqlApplier
from sinks.base import Finding, Record
from sinks.refused_values import refused_value
from sinks.view_versions import LateRows, alterations, create_statement, definition, newest_fitting

if TYPE_CHECKING:
    from sinkmatrix.model.servers import DatabaseServer

log = structlog.get_logger(__name__)

_SYNTAX = 1064
_ANSI_DDL_MODE = "ANSI_QUOTES,NO_AUTO_VALUE_ON_ZERO"
# Lost connections (server gone, connection dropped): the view itself broke, not a record.
_CONNECTION_LOST = frozenset({2002, 2003, 2006, 2013})
_COLUMN_LINE = re.compile(r"^\s*(`(?:[^`]|``)+`)\s")


class ViewBroken(RuntimeError):
    """The view database cannot be written at all; the view stops and reports it."""


@dataclass(frozen=True, slots=True)
class Item:
    """A record with the changes to apply for it (none when it only repeats a broadcast DDL)."""

    record: Record
    changes: Sequence[RowChange | DdlChange]


def _code(exc: ApplyError) -> int | None:
    cause = exc.cause
    return cause.args[0] if isinstance(cause, MySQLdb.MySQLError) and cause.args else None


def _unquote(ident: str) -> str:
    return ident[1:-1].replace("``", "`")


class ViewWriter:
    """Applies items to the view server; its `write` runs on one thread, `ensure_database` on any."""

    def __init__(self, view_server: DatabaseServer, upstream: DatabaseServer, *, carries_ddl: bool) -> None:
        self.carries_ddl = carries_ddl
        # whether the CDC has restarted: a DDL delivered again after a restart (at-least-once) finds
        # itself applied already (its owner sets it: sinks.kafka_view)
        self.restarted: Callable[[], bool] = lambda: False
        args = view_server.connect_args()
        self._settings = {"host": args["host"], "port": args["port"], "user": args["user"],
                          "password": args["password"]}
        self._applier = MysqlApplier(self._settings)
        self._upstream_args = upstream.connect_args()
        self._admin = self._connect(view_server.connect_args())
        self._admin_lock = threading.Lock()
        self._databases: set[str] = set()  # known to exist in the view
        self._dropped: set[str] = set()  # dropped upstream: later changes to them are moot
        self._interned: dict[TableSchema, TableSchema] = {}
        self._by_id: dict[int, tuple[TableSchema, TableSchema]] = {}  # id -> (that object, its interned)
        # interned schemas whose columns the view table has -> the columns to apply (None: all), or
        # how to convert a late row of an older version
        self._shaped: dict[int, TableSchema | LateRows | None] = {}
        self._run: list[tuple[Record, tuple[RowChange, ...]]] = []
        self._findings: list[Finding] = []
        self._journal = journal(int(self._upstream_args["port"]))
        self._generation = self._journal.generation
        self._at: dict[tuple[str, str], TableSchema] = {}  # the version each view table is at

    # -- public

    def ensure_database(self, name: str) -> None:
        """Create the view's database if it is not there yet (formats without DDL never say so)."""
        if name in self._databases:
            return
        with self._admin_lock, self._admin.cursor() as cur:
            cur.execute(f"CREATE DATABASE IF NOT EXISTS {quote(name)}")
            self._databases.add(name)
            self._dropped.discard(name)

    def write(self, items: Sequence[Item]) -> list[Finding]:
        """Apply the items in order and commit; returns the findings of records that did not apply."""
        self._findings = []
        if not self.carries_ddl and self._journal.generation != self._generation:
            # a DDL ran upstream: the tables shaped so far may have a later version to step to
            self._generation = self._journal.generation
            self._shaped.clear()
        for item in items:
            for change in item.changes:
                if isinstance(change, DdlChange):
                    self._settle()
                    self._ddl(item.record, change)
                else:
                    row = self._prepare(change)
                    if row is not None:
                        if self._run and self._run[-1][0] is item.record:
                            self._run[-1] = (item.record, (*self._run[-1][1], row))
                        else:
                            self._run.append((item.record, (row,)))
        self._settle()
        return self._findings

    def close(self) -> None:
        self._applier.close()
        self._admin.close()

    # -- rows

    def _prepare(self, change: RowChange) -> RowChange | None:
        schema = change.table.database
        if schema in self._dropped:
            return None
        # One schema object per distinct table shape: the applier caches statements per object.
        # Decoders mostly hand out the same object again: look it up by identity first.
        pinned = self._by_id.get(id(change.table))
        if pinned is None or pinned[0] is not change.table:
            if len(self._by_id) > 4096:  # a decoder that makes a new object per record
                self._by_id.clear()
            pinned = self._by_id[id(change.table)] = (
                change.table, self._interned.setdefault(change.table, change.table))
        table = pinned[1]
        if table is not change.table:  # (dataclasses.replace costs several times this)
            change = RowChange(change.kind, table, change.before, change.after)
        self.ensure_database(schema)
        if not self.carries_ddl:
            if id(table) not in self._shaped:
                self._settle()
                self._shaped[id(table)] = self._shape(table)
            projected = self._shaped[id(table)]
            if isinstance(projected, LateRows):
                change = projected.convert(change)
            elif projected is not None:
                change = RowChange(change.kind, projected, _only(change.before, projected),
                                   _only(change.after, projected))
        return change

    def _settle(self) -> None:
        """Apply and commit the pending rows; on failure, find the records that do not apply."""
        run, self._run = self._run, []
        if not run:
            return
        try:
            self._applier.apply_part(tuple(row for _, rows in run for row in rows))
            self._applier.flush()
            return
        except ApplyError as exc:
            self._reopen(exc)
        for record, rows in run:  # again, one record per commit, to locate the failure
            try:
                self._applier.apply_part(rows)
                self._applier.flush()
            except ApplyError as exc:
                self._reopen(exc)
                self._failed(record, rows[0], exc)

    def _reopen(self, exc: ApplyError) -> None:
        if _code(exc) in _CONNECTION_LOST:
            raise ViewBroken(f"the view database connection broke: {exc.cause}") from exc
        self._applier.close()  # rolls back what the failed batch had done so far
        self._applier = MysqlApplier(self._settings)

    def _failed(self, record: Record, change: RowChange | DdlChange, exc: ApplyError) -> None:
        database, table, key = change_location(change)
        told = (refused_value(change, exc.cause, self._upstream_args) if isinstance(change, RowChange)
                else None)
        if told is not None:  # a value the upstream row cannot hold: a wrong value, not an SQL error
            self._findings.append(Finding(
                kind="wrong-value", topic=record.topic, partition=record.partition, offset=record.offset,
                field=told[0], why=told[1], database=database, table=table, key=key))
            return
        self._findings.append(Finding(
            kind="apply-failed", topic=record.topic, partition=record.partition,
            offset=record.offset, field=None,
            why=f"the view could not apply this record's changes ({exc.cause}); the record "
                "disagrees with what came before it on this table (missing DDL, or a wrong column "
                "set or value)", database=database, table=table, key=key))

    # -- DDL

    def _ddl(self, record: Record, change: DdlChange) -> None:
        if ddl_effects.about_a_view(change.query):
            # a view holds no rows of its own, and the check compares base tables: its DDL would only
            # race the DDL of the tables it reads, which arrives on their topics in no common order
            log.info("view DDL not materialized", database=change.schema, query=change.query[:120])
            return
        statement = ddl.classify(change.query)
        if statement.database_level and statement.database:
            name = statement.database
            if statement.kind == "CREATE":
                # the DSL may have had it created already (to connect before the first change),
                # as may rows that arrived first on another topic
                self.ensure_database(name)
                return
            if statement.kind == "DROP":
                self._databases.discard(name)
                self._dropped.add(name)
        elif change.schema:
            if change.schema in self._dropped:
                return
            self.ensure_database(change.schema)
        self._shaped.clear()
        where = Position(0, record.offset, f"{record.topic}[{record.partition}]")
        try:
            self._execute_ddl(change, where)
        except ApplyError as exc:
            self._reopen(exc)
            if _code(exc) in _ALREADY_DONE and self.restarted():
                log.warning("ddl applied already: delivered again after the CDC's restart",
                            database=change.schema, query=change.query[:120])
                return
            if not (_code(exc) == _SYNTAX and change.sql_mode is None and '"' in change.query):
                self._failed(record, change, exc)
                return
            # The message carries no sql_mode, and a statement quoting names in "..." parses only
            # under ANSI_QUOTES, which the upstream session had (it accepted the statement)
            try:
                self._execute_ddl(replace(change, sql_mode=_ANSI_DDL_MODE), where)
            except ApplyError as again:
                self._reopen(again)
                self._failed(record, change, exc)

    def _execute_ddl(self, change: DdlChange, where: Position) -> None:
        self._applier.apply(Transaction(changes=(change,), end=where, commit_time=0))
        self._applier.flush()
        if change.kind in ("CREATE", "ALTER") and change.schema:
            self._relax_unique(change.schema)

    def _relax_unique(self, database: str) -> None:
        """Keep one unique key per view table — its row identity — and make the others plain indexes.
        The view applies a topic's partitions in no common order: one row's UPDATE that takes a
        unique value may land before another's that gives it up (the upstream saw them the other
        way), which a unique index in the view would refuse though both changes are right."""
        with self._admin_lock, self._admin.cursor() as cur:
            cur.execute(_UNIQUE_INDEXES, (database,))
            found: dict[str, list[tuple[str, str, bool]]] = {}
            for table, index, columns, nullable in cur.fetchall():
                found.setdefault(table, []).append((index, columns, bool(nullable)))
            for table, indexes in found.items():
                identity = next((i for i in indexes if i[0] == "PRIMARY"), None) or next(
                    (i for i in indexes if not i[2]), None)
                demoted = [f"DROP INDEX {quote(i)}, ADD INDEX {quote(i)} ({c})"
                           for i, c, _ in indexes if i != (identity and identity[0])]
                if demoted:
                    cur.execute(f"ALTER TABLE {quote(database)}.{quote(table)} {', '.join(demoted)}")

    def _shape(self, table: TableSchema) -> TableSchema | LateRows | None:
        """Make the view's table fit the change (formats without DDL): created as the version the
        change was written under, stepped through the later versions up to it. A change of an older
        version than the view's (the partitions of a topic are applied in no common order) applies
        under the view's, without the columns dropped since (the returned table: the columns to
        apply), so a late old change never brings them back."""
        view_types = self._view_columns(table)
        upstream = self._upstream_definitions(table)
        present = upstream[2] if upstream else None
        versions = list(self._journal.versions(table.database, table.name))
        if present is not None and (not versions or versions[-1] != present):
            versions.append(present)
        index = newest_fitting(table, versions)
        slot = (table.database, table.name)
        held = self._at.get(slot)
        if index is None or (view_types and held not in versions):
            self._at.pop(slot, None)
            return self._shape_by_names(table, view_types, upstream)
        name = f"{quote(table.database)}.{quote(table.name)}"
        if not view_types:
            version = versions[index]
            as_present = upstream is not None and version == present
            self._schema_ddl(table, upstream[1] if upstream and as_present else create_statement(version),
                             "CREATE")
            log.info("view table created", database=table.database, table=table.name,
                     version=f"{index + 1} of {len(versions)}")
            held = self._at[slot] = version
        else:
            assert held is not None
            at = versions.index(held)
            for step in range(at + 1, index + 1):
                specs = alterations(versions[step - 1], versions[step], upstream[0] if upstream else None,
                                    present)
                if specs:
                    self._schema_ddl(table, f"ALTER TABLE {name} {', '.join(specs)}", "ALTER")
                    log.info("view table altered", database=table.database, table=table.name, changes=specs)
            if index > at:
                held = self._at[slot] = versions[index]
                self._shaped.clear()  # the versions shaped before may not fit the table any more
            elif index < at and LateRows.needed(versions[index:at + 1], upstream[0] if upstream else None,
                                                present):
                return LateRows(tuple(versions[index:at + 1]), upstream[0] if upstream else {}, present,
                                self._lax_cursor)
        gone = {c.name for c in table.columns if c.name not in held.by_name and c.name not in table.key}
        if not gone:
            return None
        return replace(table, columns=tuple(c for c in table.columns if c.name not in gone), by_name={})

    def _shape_by_names(self, table: TableSchema, view_types: dict[str, str],
                        upstream: tuple[dict[str, str], str, TableSchema | None] | None
                        ) -> TableSchema | None:
        """`_shape` where no known version fits the change: the view follows the upstream's present
        definition, by column names."""
        have = list(view_types)
        want = [c.name for c in table.columns]
        retyped = [c.name for c in table.columns if c.name in view_types and view_types[c.name] != c.type]
        if have and set(have) == set(want) and not retyped:
            return None
        projected = None
        if upstream is not None:
            gone = {c for c in want if c not in have and c not in upstream[0] and c not in table.key}
            if gone:
                projected = replace(table, columns=tuple(c for c in table.columns if c.name not in gone),
                                    by_name={})
                table, want = projected, [c for c in want if c not in gone]
                retyped = [c for c in retyped if c not in gone]
        name = f"{quote(table.database)}.{quote(table.name)}"
        if not have:
            self._schema_ddl(table, upstream[1] if upstream else create_statement(table), "CREATE")
            log.info("view table created", database=table.database, table=table.name,
                     source="upstream" if upstream else "decoded schema")
            if upstream is None:
                return projected
            have = list(self._view_columns(table))
        definitions = upstream[0] if upstream else {}
        alters = [f"ADD COLUMN {definitions.get(c.name) or definition(c)}"
                  for c in table.columns if c.name not in have]
        alters += [f"DROP COLUMN {quote(c)}" for c in have
                   if c not in want and upstream and c not in definitions]
        alters += [f"MODIFY COLUMN {definitions[c]}" for c in retyped if c in definitions]
        if alters:
            self._schema_ddl(table, f"ALTER TABLE {name} {', '.join(alters)}", "ALTER")
            log.info("view table altered", database=table.database, table=table.name, changes=alters)
            self._shaped.clear()  # the versions shaped before may not fit the table any more
        return projected

    def _schema_ddl(self, table: TableSchema, query: str, kind: str) -> None:
        self._execute_ddl(DdlChange(schema=table.database, query=query, kind=kind),
                          Position(0, 0, f"view {table.qualified}"))

    @contextlib.contextmanager
    def _lax_cursor(self) -> Iterator[Any]:
        """A cursor of the view's own session, under the rows' lax sql_mode (sinks.apply_mysql)."""
        with self._admin_lock, self._admin.cursor() as cur:
            cur.execute("SET SESSION sql_mode = %s", (ROW_SQL_MODE,))
            yield cur

    def _view_columns(self, table: TableSchema) -> dict[str, str]:
        """The view table's columns and their DATA_TYPE, in table order (empty: no such table)."""
        with self._admin_lock, self._admin.cursor() as cur:
            cur.execute("SELECT COLUMN_NAME, DATA_TYPE FROM information_schema.COLUMNS "
                        "WHERE TABLE_SCHEMA = %s AND TABLE_NAME = %s ORDER BY ORDINAL_POSITION",
                        (table.database, table.name))
            return {row[0]: str(row[1]).lower() for row in cur.fetchall()}

    def _upstream_definitions(self, table: TableSchema
                              ) -> tuple[dict[str, str], str, TableSchema | None] | None:
        """The upstream's column definitions, CREATE TABLE statement and present version (None if
        information_schema lost it meanwhile); None if it has no such table."""
        conn = self._connect(self._upstream_args)
        try:
            with conn.cursor() as cur:
                cur.execute(f"SHOW CREATE TABLE {quote(table.database)}.{quote(table.name)}")
                create = str(cur.fetchone()[1])
            try:
                present: TableSchema | None = introspect(conn, table.database, table.name)
            except UnknownTable:  # dropped in between
                present = None
        except pymysql.MySQLError:
            return None
        finally:
            conn.close()
        columns = {}
        for line in create.splitlines()[1:]:
            if m := _COLUMN_LINE.match(line):
                columns[_unquote(m.group(1))] = line.strip().rstrip(",")
        return columns, create, present

    @staticmethod
    def _connect(args: dict[str, Any]) -> pymysql.Connection:
        return pymysql.connect(host=args["host"], port=args["port"], user=args["user"],
                               password=args["password"], autocommit=True, charset="utf8mb4",
                               ssl_disabled=args.get("ssl_disabled", False))


# Each unique index of a database's tables: its columns as an index definition, whether any is nullable.
_UNIQUE_INDEXES = (
    "SELECT TABLE_NAME, INDEX_NAME, GROUP_CONCAT(CONCAT('`', REPLACE(COLUMN_NAME, '`', '``'), '`', "
    "IF(SUB_PART IS NULL, '', CONCAT('(', SUB_PART, ')'))) ORDER BY SEQ_IN_INDEX SEPARATOR ', '), "
    "MAX(NULLABLE = 'YES') FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = %s AND NON_UNIQUE = 0 "
    "GROUP BY TABLE_NAME, INDEX_NAME ORDER BY TABLE_NAME, INDEX_NAME = 'PRIMARY' DESC, INDEX_NAME"
)


def _only(row: dict[str, Any] | None, table: TableSchema) -> dict[str, Any] | None:
    return None if row is None else {c.name: row[c.name] for c in table.columns if c.name in row}


def change_location(change: RowChange | DdlChange) -> tuple[str, str | None, tuple[Any, ...] | None]:
    """The database, table and row key a change is about, for findings."""
    if isinstance(change, DdlChange):  # the table a table-level statement is about
        return change.schema, ddl_effects.subject(change.query, change.schema), None
    image = change.after if change.after is not None else change.before
    key = change.key_of(image) if image is not None and change.table.key else None
    return change.table.database, change.table.name, key
