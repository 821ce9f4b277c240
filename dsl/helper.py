"""`ctx.sql`: the SQL helper that owns a test's connections, its tables and what is awaited."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

import structlog
from sqlalchemy import event
from sqlalchemy.engine import Connection

from dsl.errors import DslError, ForeignTargetError, ProgressNeverMoved
from dsl.limits import LeftOut
from dsl.requests import Awaitable
from dsl.schema import introspect
from dsl.sync import Comparison, sync
from dsl.table import Table
from dsl.verify import Expected, KeyId, Verifier, identity
from dsl.waiting import check_now
from sinkmatrix.model.progress import Progress
from sinkmatrix.model.schema import TableSchema

log = structlog.get_logger("sinkmatrix.dsl")
_READS = ("SELECT", "SHOW", "DESC", "DESCRIBE", "EXPLAIN", "SET", "USE", "WITH", "HELP")
_DDL = ("CREATE", "ALTER", "DROP", "RENAME", "TRUNCATE")


class SQLHelper:
    """Writes through the test's upstream connection and verifies through its sink connection."""

    def __init__(self, upstream: Connection, sink: Connection, *, database: str, sink_database: str,
                 progress: Progress, request_timeout: float = 15.0, batch_timeout: float = 120.0,
                 findings: Callable[[], Sequence[Any]] = tuple, carries_ddl: bool = True,
                 sink_name: str = "", limits: Mapping[str, str] | None = None,
                 ddl: Callable[[], Sequence[str]] = tuple, strict_progress: bool = False,
                 explain: Callable[[str, str, str, Any, Any], str | None] | None = None,
                 excusable: Collection[str] = (),
                 history: Callable[[str, str, tuple[Any, ...]], list[dict[str, Any]]] | None = None) -> None:
        self.upstream = upstream
        self.carries_ddl = carries_ddl  # False: a table only reaches the sink with its first row
        self.database = database
        self.progress = progress
        self._findings = findings  # the sink's protocol violations for this database, so far
        self.sink_name, self.limits = sink_name, dict(limits or {})  # its adapter's limits (dsl.limits)
        self.ddl = ddl  # the DDL statements run in the test's database so far
        self.left_out: dict[str, LeftOut] = {}  # tables a detected limit concerns (the last sync's)
        self.excused: list[LeftOut] = []  # values a declared limit explains (the last sync's)
        self.strict_progress = strict_progress  # a wait ended by its deadline fails the case
        self.progress_misses: list[str] = []  # waits that ended at their deadline, not by progress
        # the view's optional explain(database, table, column, upstream value, sink value): the documented
        # CDC behaviour a difference shows, if it knows one
        self.explain = explain
        self.excusable = frozenset(excusable)  # explanations the sink lives with: counted, not failed
        # the view's optional history(database, table, key): what the sink delivered for a key (the
        # value a record carried, where the view's column could not hold it)
        self.history = history
        self.request_timeout = request_timeout
        self.batch_timeout = batch_timeout
        self.schema_epoch = 0
        raw: Any = upstream.connection.dbapi_connection
        self.cursor: Any = raw.cursor()
        self.cursor.max_stmt_length = 1 << 26  # one multi-row chunk is one statement
        self.verifier = Verifier(raw, sink.connection.dbapi_connection, database, sink_database)
        self._tables: dict[tuple[str, str], Table] = {}
        self._live: dict[str, dict[KeyId, Expected]] = {}  # sent, not yet waited for
        self._latest: dict[str, dict[KeyId, Expected]] = {}  # every key written, its last request
        self._synced = False  # the last whole-database check passed, and nothing was written since
        event.listen(upstream, "before_cursor_execute", self._before_sql)

    def progress_missed(self, what: str, seconds: float) -> None:
        """`what` ended at its deadline, not because the sink's progress passed its mark, though the
        rows were right: reported with the case (a broken progress signal passes slowly), and under
        --strict-progress a failure."""
        line = (f"{what} ended at its deadline after {seconds:.1f}s, not by the sink's progress "
                f"({self.progress.describe()}); the rows were right")
        self.progress_misses.append(line)
        log.warning("wait ended at its deadline, not by progress", what=what, seconds=round(seconds, 3))
        if self.strict_progress:
            raise ProgressNeverMoved(f"{line}: the CDC's progress signal never passed the mark "
                                     "(--strict-progress)")

    def findings(self) -> list[Any]:
        """The sink's protocol violations for the test's database, but those about a table a
        declared limit leaves out (they are that limit's consequence, and the report names it)."""
        found = list(self._findings())
        if not self.left_out:
            return found
        return [f for f in found if getattr(f, "table", None) not in self.left_out
                or getattr(f, "database", None) not in (self.database, None)]

    def table(self, name: str, *, allow_foreign: bool = False) -> Table:
        """The table `name` of the test's database, its columns and key learned from information_schema.

        `db.name` may qualify it; a database other than the test's own raises ForeignTargetError
        unless `allow_foreign=True` (then wait()/check() read the same-named database in the sink,
        which the CDC must capture).
        """
        database, table_name = self._qualified(name)
        if database != self.database and not allow_foreign:
            raise ForeignTargetError(database, table_name, self.database)
        table = self._tables.get((database, table_name))
        if table is None:
            table = self._tables[(database, table_name)] = Table(self, table_name, database=database)
        return table

    def _qualified(self, name: str) -> tuple[str, str]:
        parts = [p[1:-1].replace("``", "`") if p[:1] == p[-1:] == "`" and len(p) > 1 else p
                 for p in _split_identifier(name)]
        if len(parts) == 1:
            return self.database, parts[0]
        if len(parts) == 2 and all(parts):
            return parts[0], parts[1]
        raise DslError(f"table name {name!r}: give `table` or `database.table`")

    def learn(self, name: str, database: str | None = None) -> TableSchema:
        return introspect(self.upstream, database or self.database, name)

    # -- bookkeeping of live expectations ----------------------------------------------------
    def sent(self, schema: TableSchema, keys: list[tuple[Any, ...]], ids: list[KeyId], what: str,
             batch: bool) -> Awaitable:
        expected = Expected(schema, keys, ids)
        self._synced = False
        pending = dict.fromkeys(ids, expected)
        self._live.setdefault(schema.qualified, {}).update(pending)
        self._latest.setdefault(schema.qualified, {}).update(pending)
        return Awaitable(self, [expected], what, batch=batch)

    # -- checking ----------------------------------------------------------------------------
    def check(self, expectations: Sequence[Expected]) -> None:
        """Verify the sink now for these expectations' keys; a key a later request wrote belongs
        to that request's own wait and check."""
        check_now(self, self._current(expectations), self.request_timeout)

    def _current(self, expectations: Sequence[Expected]) -> list[Expected]:
        kept = []
        for exp in expectations:
            latest = self._latest.get(exp.schema.qualified, {})
            if all(latest.get(kid) is exp for kid in exp.ids):
                kept.append(exp)
                continue
            pairs = [(key, kid) for key, kid in zip(exp.keys, exp.ids, strict=True) if latest.get(kid) is exp]
            if pairs:
                frozen = None if exp.frozen is None else {kid: exp.frozen.get(kid) for _, kid in pairs}
                kept.append(Expected(exp.schema, [k for k, _ in pairs], [kid for _, kid in pairs], frozen))
        return kept

    def final_check(self) -> None:
        """At a case's end, one check: the whole-database check of the test's database (unless the
        case ended with one and wrote nothing since), and every key the case wrote through the DSL
        in another database (`allow_foreign`) must show in the sink what the upstream holds now."""
        if not self._synced:
            self.sync()
        expectations = []
        for latest in self._latest.values():
            schema = next(iter(latest.values())).schema
            if schema.database == self.database:
                continue  # the whole-database check covered it
            try:
                now = self.learn(schema.name, schema.database)
            except DslError:
                log.info("final check skips a table dropped upstream", table=schema.qualified)
                continue
            if now.key != schema.key:
                log.info("final check skips a table whose key changed", table=schema.qualified)
                continue
            keys = [key for exp in {id(e): e for e in latest.values()}.values()
                    for key, kid in zip(exp.keys, exp.ids, strict=True) if latest.get(kid) is exp]
            ident = identity(now)
            expectations.append(Expected(now, keys, [ident(k) for k in keys]))
        if expectations:
            check_now(self, expectations, self.batch_timeout,
                      f"final check of the {sum(len(e.keys) for e in expectations)} keys the case wrote "
                      "in other databases")

    def sync(self, timeout: float | None = None) -> Comparison:
        """The whole-database check: wait until the sink has caught up with everything written
        upstream so far (through any connection), then compare every table of the test's database
        with the sink's: table set, columns, rows (dsl.sync). CheckFailed names what differs."""
        found = sync(self, self.batch_timeout if timeout is None else timeout)
        self._synced = True
        return found

    def before_write(self, schema: TableSchema, ids: list[KeyId]) -> None:
        """Freeze expectations on keys this write is about to change (their sent state is read back)."""
        self.verifier.wrote()
        live = self._live.get(schema.qualified)
        if not live:
            return
        hit = {id(e): e for kid in ids if (e := live.get(kid)) is not None}
        if hit:
            self._freeze(list(hit.values()))

    def settle(self, expectations: list[Expected]) -> None:
        """Waited-for expectations need no freezing any more."""
        for exp in expectations:
            live = self._live.get(exp.schema.qualified)
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
            rows = self.verifier.read(self.verifier.upstream, exp.schema, exp.schema.database, exp.keys)
            exp.frozen = {kid: rows.get(kid) for kid in exp.ids}
        self.settle(expectations)
        log.debug("expectations read back", requests=len(expectations))

    def _before_sql(self, conn: Any, cursor: Any, statement: str, parameters: Any, context: Any,
                    executemany: bool) -> None:
        verb = statement.lstrip().split(None, 1)[0].upper() if statement.strip() else ""
        if verb in _READS:
            return
        self.freeze_all()  # a write through ctx.upstream may change rows we still expect
        self.verifier.wrote()
        self._synced = False
        if verb in _DDL:
            self.schema_epoch += 1

    def close(self) -> None:
        event.remove(self.upstream, "before_cursor_execute", self._before_sql)
        self.verifier.close()
        self.cursor.close()


def _split_identifier(name: str) -> list[str]:
    """`a.b` → [a, b]; dots inside `back-quoted` parts do not split."""
    parts, current, quoted = [], "", False
    for char in name:
        if char == "`":
            quoted = not quoted  # a doubled `` flips twice: still inside
        if char == "." and not quoted:
            parts.append(current)
            current = ""
        else:
            current += char
    return [*parts, current]
