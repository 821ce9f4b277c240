"""The versions an upstream table had, recorded by the writers right before each DDL they run.

A strict decoder checks a message against the table's version the change was written under. Asking
the upstream when the message arrives is too late after a fast DDL sequence (an INSERT, then an
ALTER, both done before the CDC's first message is read): the version the INSERT saw is gone. So
whoever runs DDL upstream through the framework (a case's `ctx.upstream`, a workload) records the
versions of the affected database's tables just before the statement, here, and the decoders'
lookup (sinks.upstream_schema) takes them as versions the upstream had.

The journal also keeps the DDL statements themselves, per database: what they did to which tables
decides which tables a sink's declared limit concerns (dsl.limits).

One journal per upstream server (its port on 127.0.0.1), shared by the writers and the views of one
process; versions are kept in the order they were seen.
"""

from __future__ import annotations

import threading

from model.schema import TableSchema

_MAX_VERSIONS = 64  # per table: a workload's DDL sequence, not a migration history


class SchemaJournal:
    """Versions per (database, table), oldest first; a version seen again moves to the end."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._versions: dict[tuple[str, str], list[TableSchema]] = {}
        self._ddl: dict[str, list[str]] = {}  # per database: the DDL statements run, in order

    def record(self, schema: TableSchema) -> None:
        with self._lock:
            versions = self._versions.setdefault((schema.database, schema.name), [])
            if versions and versions[-1] == schema:  # DDLs on the database's other tables
                return
            if schema in versions:
                versions.remove(schema)
            versions.append(schema)
            del versions[:-_MAX_VERSIONS]

    def versions(self, database: str, table: str) -> tuple[TableSchema, ...]:
        with self._lock:
            return tuple(self._versions.get((database, table), ()))

    def note_ddl(self, database: str, statement: str) -> None:
        """Keep a DDL statement run in `database` (what it did to which tables: dsl.ddl_effects)."""
        with self._lock:
            self._ddl.setdefault(database, []).append(statement)

    def ddl(self, database: str) -> tuple[str, ...]:
        with self._lock:
            return tuple(self._ddl.get(database, ()))

    def forget(self, database: str) -> None:
        """Drop a database's versions and DDL (it was dropped, or its test is over)."""
        with self._lock:
            self._ddl.pop(database, None)
            for key in [k for k in self._versions if k[0] == database]:
                del self._versions[key]


_JOURNALS: dict[int, SchemaJournal] = {}
_JOURNALS_LOCK = threading.Lock()


def journal(port: int) -> SchemaJournal:
    """The journal of the upstream server listening on `port`."""
    with _JOURNALS_LOCK:
        return _JOURNALS.setdefault(port, SchemaJournal())
