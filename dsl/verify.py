"""Set-based verification: does the sink show, for a set of keys, what the upstream stored?

Each chunk of keys is first compared in the servers (count + CRC folds on both sides, run
concurrently); only chunks whose checksums differ are fetched and diffed column by column with
the type-aware comparator. Expectations are either *live* (the upstream still holds the sent
state, so the upstream itself is the expectation) or *frozen* (read back into memory because
something was about to change the upstream).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import MySQLdb
import pymysql
import structlog

from dsl import compare, statements
from dsl.identifiers import quote
from sinkmatrix.model.schema import TableSchema

log = structlog.get_logger("sinkmatrix.verify")
DATABASE_ERRORS = (MySQLdb.Error, pymysql.Error)

Row = dict[str, Any]
KeyId = tuple[Any, ...]
Cursor = Any  # a DBAPI cursor (MySQLdb)
_ChunkId = tuple[str, tuple[str, ...], tuple[tuple[Any, ...], ...]]  # table, columns, keys
_PARALLEL_MIN_KEYS = 512  # below this a second thread costs more than it saves
_NO_SUCH_TABLE = 1146  # ER_NO_SUCH_TABLE


@dataclass(eq=False)
class Expected:
    """The keys one request (or batch) changed in one table, and what they should hold."""

    schema: TableSchema
    keys: list[tuple[Any, ...]]  # key values, in key column order
    ids: list[KeyId]  # canonical identities of those keys
    frozen: dict[KeyId, Row | None] | None = None  # None while live; row None = absent

    @property
    def live(self) -> bool:
        return self.frozen is None


@dataclass(frozen=True, slots=True)
class KeyOutcome:
    """A key the sink does not (yet) show right."""

    schema: TableSchema
    key: tuple[Any, ...]
    state: str  # missing | unexpected | different
    expected: Row | None
    actual: Row | None
    diffs: tuple[compare.ColumnDiff, ...] = ()

    def key_text(self) -> str:
        return ", ".join(f"{c}={v!r}" for c, v in zip(self.schema.key, self.key, strict=True))


@dataclass
class Verdict:
    """What one look at the sink found: keys that match and those that do not."""

    checked: int = 0
    fetched: int = 0  # keys whose rows had to be fetched and diffed (their checksums differed)
    bad: list[KeyOutcome] = field(default_factory=list)

    @property
    def missing(self) -> list[KeyOutcome]:
        return [o for o in self.bad if o.state != "different"]

    @property
    def different(self) -> list[KeyOutcome]:
        return [o for o in self.bad if o.state == "different"]


def identity(schema: TableSchema) -> Callable[[Sequence[Any]], KeyId]:
    """A function turning key values (from a user or a driver) into a hashable canonical id."""
    columns = [schema.column(c) for c in schema.key]
    if all(c.bits is not None and c.type != "bit" for c in columns):
        def ints(values: Sequence[Any]) -> KeyId:
            return tuple(v if type(v) is int else int(v) for v in values)
        return ints
    return lambda values: tuple(compare.canonical(c, v) for c, v in zip(columns, values, strict=True))


class Verifier:
    """Compares expectations with the sink through two DBAPI connections (upstream and sink)."""

    def __init__(self, upstream: Any, sink: Any, database: str, sink_database: str) -> None:
        self.upstream, self.sink = upstream, sink
        self.database, self.sink_database = database, sink_database
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="verify")
        # Upstream checksums of live chunks, kept until the next write upstream (`wrote()`): a check
        # right after its wait then reads only the sink again.
        self._upstream_sums: dict[_ChunkId, tuple[Any, ...]] = {}

    @property
    def pool(self) -> ThreadPoolExecutor:
        """The thread that reads the sink while the caller reads the upstream."""
        return self._pool

    def wrote(self) -> None:
        """Something is about to change the upstream: checksums taken of it before are stale."""
        self._upstream_sums.clear()

    def close(self) -> None:
        self._pool.shutdown(wait=False)

    def _sink_of(self, schema: TableSchema) -> str:
        """The sink's database for a table: the test's view, or the same name for an allowed foreign one."""
        return self.sink_database if schema.database == self.database else schema.database

    # -- reading -----------------------------------------------------------------------------
    def read(self, conn: Any, schema: TableSchema, database: str, keys: Sequence[tuple[Any, ...]],
             columns: tuple[str, ...] | None = None) -> dict[KeyId, Row]:
        """Rows for `keys` as stored on one side, keyed by canonical id."""
        columns = columns or tuple(c.name for c in schema.columns)
        ident = identity(schema)
        key_pos = [columns.index(k) for k in schema.key]
        rows: dict[KeyId, Row] = {}
        for chunk in statements.key_chunks(keys):
            where, args = statements.key_predicate(schema.key, chunk)
            cur = conn.cursor()
            try:
                cur.execute(statements.select_rows(schema, database, columns, where), args)
                for values in cur.fetchall():
                    rows[ident([values[p] for p in key_pos])] = dict(zip(columns, values, strict=True))
            finally:
                cur.close()
        return rows

    def _checksum(self, conn: Any, schema: TableSchema, database: str, columns: tuple[str, ...],
                  chunk: Sequence[tuple[Any, ...]]) -> tuple[Any, ...] | None:
        where, args = statements.key_predicate(schema.key, chunk)
        cur = conn.cursor()
        try:
            cur.execute(statements.checksum(schema, database, columns, where), args)
            return tuple(cur.fetchone())
        except DATABASE_ERRORS as exc:  # e.g. the sink lacks a column: the row diff will say which
            log.debug("checksum failed; comparing rows", table=schema.name, error=str(exc))
            return None
        finally:
            cur.close()

    # -- comparing ---------------------------------------------------------------------------
    def verify(self, expectations: Iterable[Expected], *, reuse_upstream: bool = False) -> Verdict:
        """One look at the sink. `reuse_upstream`: take the upstream's side of a live chunk from an
        earlier look when nothing was written upstream since (only the sink is read again)."""
        verdict = Verdict()
        for schema, live, frozen in _group(expectations):
            if live:
                self._verify_live(schema, live, verdict, reuse_upstream)
            if frozen:
                self._verify_frozen(schema, frozen, verdict)
        return verdict

    def _verify_live(self, schema: TableSchema, keys: dict[KeyId, tuple[Any, ...]],
                     verdict: Verdict, reuse_upstream: bool) -> None:
        columns = tuple(c.name for c in schema.columns)
        for chunk in statements.key_chunks(list(keys.values())):
            verdict.checked += len(chunk)
            memo = (schema.qualified, columns, tuple(chunk))
            ours = self._upstream_sums.get(memo) if reuse_upstream else None
            if ours is not None:
                same = ours == self._checksum(self.sink, schema, self._sink_of(schema), columns, chunk)
            elif len(chunk) >= _PARALLEL_MIN_KEYS:
                theirs = self._pool.submit(self._checksum, self.sink, schema, self._sink_of(schema),
                                           columns, chunk)
                ours = self._checksum(self.upstream, schema, schema.database, columns, chunk)
                same = ours is not None and ours == theirs.result()
            else:
                ours = self._checksum(self.upstream, schema, schema.database, columns, chunk)
                same = ours is not None and ours == self._checksum(
                    self.sink, schema, self._sink_of(schema), columns, chunk)
            if ours is not None:
                self._upstream_sums[memo] = ours
            if not same:
                expected = self.read(self.upstream, schema, schema.database, chunk, columns)
                self._diff(schema, chunk, expected, verdict)

    def _verify_frozen(self, schema: TableSchema, frozen: dict[KeyId, tuple[tuple[Any, ...], Row | None]],
                       verdict: Verdict) -> None:
        keys = [key for key, _ in frozen.values()]
        verdict.checked += len(keys)
        expected = {kid: row for kid, (_, row) in frozen.items() if row is not None}
        self._diff(schema, keys, expected, verdict)

    def _diff(self, schema: TableSchema, keys: Sequence[tuple[Any, ...]],
              expected: dict[KeyId, Row], verdict: Verdict) -> None:
        columns = _columns_of(schema, expected)
        try:
            actual = self.read(self.sink, schema, self._sink_of(schema), keys, columns)
        except DATABASE_ERRORS:
            actual = self._read_any_columns(schema, keys)
        verdict.fetched += len(keys)
        ident = identity(schema)
        for key in keys:
            kid = ident(key)
            want, got = expected.get(kid), actual.get(kid)
            if want is None and got is None:
                continue
            if want is None:
                verdict.bad.append(KeyOutcome(schema, key, "unexpected", None, got))
            elif got is None:
                verdict.bad.append(KeyOutcome(schema, key, "missing", want, None))
            else:
                diffs = compare.diff_row(schema, want, got)
                if diffs:
                    verdict.bad.append(KeyOutcome(schema, key, "different", want, got, tuple(diffs)))

    def _read_any_columns(self, schema: TableSchema, keys: Sequence[tuple[Any, ...]]) -> dict[KeyId, Row]:
        """Sink rows with whatever columns the sink's table has (it may lack some of ours)."""
        cur = self.sink.cursor()
        try:
            cur.execute(f"SELECT * FROM {quote(self._sink_of(schema))}."
                        f"{quote(schema.name)} LIMIT 0")
            columns = tuple(d[0] for d in cur.description)
        except DATABASE_ERRORS as exc:
            if exc.args and exc.args[0] == _NO_SUCH_TABLE:
                return {}  # nothing of the table reached the sink: every key is missing
            raise
        finally:
            cur.close()
        if not set(schema.key) <= set(columns):
            return {}
        return self.read(self.sink, schema, self._sink_of(schema), keys, columns)


def _columns_of(schema: TableSchema, expected: dict[KeyId, Row]) -> tuple[str, ...]:
    for row in expected.values():
        return tuple(row)
    return tuple(c.name for c in schema.columns)


def _group(expectations: Iterable[Expected]) -> list[tuple[TableSchema, dict, dict]]:
    """Per table: live keys and frozen rows, each key once; the last expectation of a key wins."""
    tables: dict[tuple[str, str], tuple[TableSchema, dict, dict]] = {}
    for exp in expectations:
        entry = tables.get((exp.schema.database, exp.schema.name))
        if entry is None or entry[0] is not exp.schema:
            live_keys, frozen_rows = ({}, {}) if entry is None else (entry[1], entry[2])
            entry = tables[(exp.schema.database, exp.schema.name)] = (exp.schema, live_keys, frozen_rows)
        _, live_keys, frozen_rows = entry
        if exp.frozen is None:
            for key, kid in zip(exp.keys, exp.ids, strict=True):
                frozen_rows.pop(kid, None)
                live_keys[kid] = key
        else:
            for key, kid in zip(exp.keys, exp.ids, strict=True):
                live_keys.pop(kid, None)
                frozen_rows[kid] = (key, exp.frozen.get(kid))
    return list(tables.values())
