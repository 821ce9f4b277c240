"""Recording table versions before DDL the framework runs upstream (see model.schema_journal).

`watch(engine, journal, database)` makes every statement of an SQLAlchemy engine's connections that
is DDL record the versions of the database's tables first; `before(dbapi_connection, sql, ...)` is
the same for a raw DB-API session (a workload's). Reading information_schema inside the writer's
session costs a few milliseconds per DDL and never ends the writer's transaction.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import event

from dsl.errors import UnknownTable
from dsl.schema import introspect
from model.schema_journal import SchemaJournal

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
    for name in names:
        try:
            journal.record(introspect(dbapi_connection, database, name))
        except UnknownTable:  # dropped by another session in between: nothing to keep
            continue


def watch(engine: Any, journal: SchemaJournal, database: str) -> None:
    """Record versions before every DDL statement run on `engine`'s connections."""

    @event.listens_for(engine, "before_cursor_execute")
    def _record(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any,
                executemany: bool) -> None:
        if not executemany:
            before(conn.connection.dbapi_connection, statement, journal, database)
