"""`ctx.sql`: the SQL helper that owns a test's connections, its tables and what is awaited."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import structlog
from sqlalchemy import event
from sqlalchemy.engine import Connection

from dsl.progress import Progress
from dsl.requests import Awaitable
from dsl.schema import TableSchema, introspect
from dsl.table import Table
from dsl.verify import Expected, KeyId, Verifier

log = structlog.get_logger("sinkmatrix.dsl")
_READS = ("SELECT", "SHOW", "DESC", "DESCRIBE", "EXPLAIN", "SET", "USE", "WITH", "HELP")
_DDL = ("CREATE", "ALTER", "DROP", "RENAME", "TRUNCATE")


class SQLHelper:
    """Writes through the test's upstream connection and verifies through its sink connection."""

    def __init__(self, upstream: Connection, sink: Connection, *, database: str, sink_database: str,
                 progress: Progress, request_timeout: float = 15.0, batch_timeout: float = 120.0,
                 findings: Callable[[], Sequence[object]] = tuple) -> None:
        self.upstream = upstream
        self.database = database
        self.progress = progress
        self.findings = findings  # the sink's protocol violations for this database, so far
        self.request_timeout = request_timeout
        self.batch_timeout = batch_timeout
        self.schema_epoch = 0
        raw: Any = upstream.connection.dbapi_connection
        self.cursor: Any = raw.cursor()
        self.cursor.max_stmt_length = 1 << 26  # one multi-row chunk is one statement
        self.verifier = Verifier(raw, sink.connection.dbapi_connection, database, sink_database)
        self._tables: dict[str, Table] = {}
        self._live: dict[str, dict[KeyId, Expected]] = {}
        event.listen(upstream, "before_cursor_execute", self._before_sql)

    def table(self, name: str) -> Table:
        """The table `name` of the test's database, its columns and key learned from information_schema."""
        table = self._tables.get(name)
        if table is None:
            table = self._tables[name] = Table(self, name)
        return table

    def learn(self, name: str) -> TableSchema:
        return introspect(self.upstream, self.database, name)

    # -- bookkeeping of live expectations ----------------------------------------------------
    def sent(self, schema: TableSchema, keys: list[tuple[Any, ...]], ids: list[KeyId], what: str,
             batch: bool) -> Awaitable:
        expected = Expected(schema, keys, ids)
        live = self._live.setdefault(schema.name, {})
        for kid in ids:
            live[kid] = expected
        return Awaitable(self, [expected], what, batch=batch)

    def before_write(self, schema: TableSchema, ids: list[KeyId]) -> None:
        """Freeze expectations on keys this write is about to change (their sent state is read back)."""
        live = self._live.get(schema.name)
        if not live:
            return
        hit = {id(e): e for kid in ids if (e := live.get(kid)) is not None}
        if hit:
            self._freeze(list(hit.values()))

    def settle(self, expectations: list[Expected]) -> None:
        """Waited-for expectations need no freezing any more."""
        for exp in expectations:
            live = self._live.get(exp.schema.name)
            if live:
                for kid in exp.ids:
                    if live.get(kid) is exp:
                        del live[kid]

    def freeze_all(self) -> None:
        pending = {id(e): e for live in self._live.values() for e in live.values()}
        if pending:
            self._freeze(list(pending.values()))

    def _freeze(self, expectations: list[Expected]) -> None:
        for exp in expectations:
            rows = self.verifier.read(self.verifier.upstream, exp.schema, self.database, exp.keys)
            exp.frozen = {kid: rows.get(kid) for kid in exp.ids}
        self.settle(expectations)
        log.debug("expectations read back", requests=len(expectations))

    def _before_sql(self, conn: Any, cursor: Any, statement: str, parameters: Any, context: Any,
                    executemany: bool) -> None:
        verb = statement.lstrip().split(None, 1)[0].upper() if statement.strip() else ""
        if verb in _READS:
            return
        self.freeze_all()  # a write through ctx.upstream may change rows we still expect
        if verb in _DDL:
            self.schema_epoch += 1

    def close(self) -> None:
        event.remove(self.upstream, "before_cursor_execute", self._before_sql)
        self.verifier.close()
        self.cursor.close()
