"""The versions an upstream table had, recorded by the writers right before each DDL they run.

A strict decoder checks a message against the table's version the change was written under. Asking
the upstream when the message arrives is too late after a fast DDL sequence (an INSERT, then an
ALTER, both done before the CDC's first message is read): the version the INSERT saw is gone. So
whoever runs DDL upstream through the framework (a case's `ctx.upstream`, a workload) records the
versions of the affected database's tables just before the statement, here, and the decoders'
lookup (sinks.upstream_schema) takes them as versions the upstream had.

The journal also keeps the DDL statements themselves, per database: what they did to which tables
decides which tables a sink's declared limit concerns (dsl.limits). And per table, each DDL statement
about it with the version it had before and a fingerprint of its rows right before and right after
(`DdlStep`): whether any row changed after a DDL tells whether a format without DDL could have carried
that DDL's change at all (it carries a schema change only with the table's next row).

One journal per upstream server (its port on 127.0.0.1), shared by the writers and the views of one
process; versions are kept in the order they were seen.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace

from sinkmatrix.model.schema import TableSchema

_MAX_VERSIONS = 64  # per table: a workload's DDL sequence, not a migration history


@dataclass(frozen=True, slots=True)
class DdlStep:
    """One DDL statement run on a table: the table's version before it (None: it did not exist), and a
    fingerprint of its rows right before and right after it (None: unknown)."""

    statement: str
    before: TableSchema | None
    rows_before: str | None
    rows_after: str | None = None


class SchemaJournal:
    """Versions per (database, table), oldest first; a version seen again moves to the end."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._versions: dict[tuple[str, str], list[TableSchema]] = {}
        self._ddl: dict[str, list[str]] = {}  # per database: the DDL statements run, in order
        self._steps: dict[tuple[str, str], list[DdlStep]] = {}  # per table: its DDL, in order
        self.generation = 0  # moves on with every version recorded: a reader's cue to look again

    def record(self, schema: TableSchema) -> None:
        with self._lock:
            versions = self._versions.setdefault((schema.database, schema.name), [])
            if versions and versions[-1] == schema:  # DDLs on the database's other tables
                return
            if schema in versions:
                versions.remove(schema)
            versions.append(schema)
            del versions[:-_MAX_VERSIONS]
            self.generation += 1

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

    def note_step(self, database: str, table: str, step: DdlStep) -> None:
        """Keep a DDL statement about `table`, before it runs."""
        with self._lock:
            steps = self._steps.setdefault((database, table), [])
            steps.append(step)
            del steps[:-_MAX_VERSIONS]

    def finish_step(self, database: str, table: str, rows_after: str | None) -> None:
        """The fingerprint of the table's rows right after its last DDL statement ran."""
        with self._lock:
            steps = self._steps.get((database, table))
            if steps:
                steps[-1] = replace(steps[-1], rows_after=rows_after)

    def steps(self, database: str, table: str) -> tuple[DdlStep, ...]:
        with self._lock:
            return tuple(self._steps.get((database, table), ()))

    def stepped(self, database: str) -> list[str]:
        """The tables of `database` DDL statements were about."""
        with self._lock:
            return sorted(t for d, t in self._steps if d == database)

    def forget(self, database: str) -> None:
        """Drop a database's versions and DDL (it was dropped, or its test is over)."""
        with self._lock:
            self._ddl.pop(database, None)
            for key in [k for k in self._versions if k[0] == database]:
                del self._versions[key]
            for key in [k for k in self._steps if k[0] == database]:
                del self._steps[key]


_JOURNALS: dict[int, SchemaJournal] = {}
_JOURNALS_LOCK = threading.Lock()


def journal(port: int) -> SchemaJournal:
    """The journal of the upstream server listening on `port`."""
    with _JOURNALS_LOCK:
        return _JOURNALS.setdefault(port, SchemaJournal())
