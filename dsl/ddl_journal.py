"""Recording table versions before DDL the framework runs upstream (see sinkmatrix.model.schema_journal).

`watch(engine, journal, database)` makes every statement of an SQLAlchemy engine's connections that
is DDL record the versions of the database's tables first, and a fingerprint of the rows of the table
it is about (CHECKSUM TABLE) right before and right after it; `before(dbapi_connection, sql, ...)` and
`after(...)` are the same for a raw DB-API session (a workload's). Reading information_schema inside the
writer's session costs a few milliseconds per DDL and never ends the writer's transaction (a DDL
statement ends it anyway).
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import event

from dsl import ddl_effects
from dsl.errors import UnknownTable
from dsl.identifiers import quote
from dsl.schema import introspect
from dsl.verify import DATABASE_ERRORS
from sinkmatrix.model.schema_journal import DdlStep, SchemaJournal

# A statement that may change a table's columns or key: after leading comments and blanks.
_DDL = re.compile(r"^(?:\s+|/\*.*?\*/|--[^\n]*\n|#[^\n]*\n)*(alter|create|drop|rename|truncate)\b",
                  re.IGNORECASE | re.DOTALL)
_BASE_TABLES = ("SELECT TABLE_NAME FROM information_schema.TABLES "
                "WHERE TABLE_SCHEMA = %s AND TABLE_TYPE = 'BASE TABLE'")


def is_ddl(sql: str) -> bool:
    return _DDL.match(sql) is not None


def before(dbapi_connection: Any, sql: str, journal: SchemaJournal, database: str) -> None:
    """If `sql` is DDL: record the versions the database's tables have now, before it runs."""
    if not is_ddl(sql):
        return
    journal.note_ddl(database, sql)
    with dbapi_connection.cursor() as cursor:
        cursor.execute(_BASE_TABLES, (database,))
        names = [r[0].decode() if isinstance(r[0], bytes) else r[0] for r in cursor.fetchall()]
    subject = ddl_effects.subject(sql, database)
    version = None
    for name in names:
        try:
            schema = introspect(dbapi_connection, database, name)
        except UnknownTable:  # dropped by another session in between: nothing to keep
            continue
        journal.record(schema)
        if name == subject:
            version = schema
    if subject is not None:
        rows = _rows(dbapi_connection, database, subject) if version is not None else None
        journal.note_step(database, subject, DdlStep(sql, version, rows))


def after(dbapi_connection: Any, sql: str, journal: SchemaJournal, database: str) -> None:
    """If `sql` is DDL, which has just run: record the fingerprint of its table's rows now."""
    if not is_ddl(sql):
        return
    subject = ddl_effects.subject(sql, database)
    if subject is not None:
        journal.finish_step(database, subject, _rows(dbapi_connection, database, subject))


def _rows(dbapi_connection: Any, database: str, table: str) -> str | None:
    """A fingerprint of a table's rows (CHECKSUM TABLE: over every row and column), None if unknown."""
    try:
        with dbapi_connection.cursor() as cursor:
            cursor.execute(f"CHECKSUM TABLE {quote(database)}.{quote(table)}")  # no arguments: no %-format
            row = cursor.fetchone()
    except DATABASE_ERRORS:  # (a table gone meanwhile): unknown, never the writer's problem
        return None
    return None if row is None or row[1] is None else str(row[1])


def watch(engine: Any, journal: SchemaJournal, database: str) -> None:
    """Record versions before every DDL statement run on `engine`'s connections."""

    @event.listens_for(engine, "before_cursor_execute")
    def _record(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any,
                executemany: bool) -> None:
        if not executemany:
            before(conn.connection.dbapi_connection, statement, journal, database)

    @event.listens_for(engine, "after_cursor_execute")
    def _recorded(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any,
                  executemany: bool) -> None:
        if not executemany:
            after(conn.connection.dbapi_connection, statement, journal, database)
