"""The whole-database check (`ctx.sql.sync()`): once the sink has caught up with everything written
upstream, through any connection, every table of the test's database must be in the sink with the
same columns and the same rows.

Rows are compared in the servers first: a checksum (row count, XOR and sum of each row's CRC32) of a
whole table on both sides at once; where they differ, a table keyed by a single integer column is
cut into key ranges, each range's checksums compared again, down to ranges small enough to fetch and
diff row by row with the type-aware comparator (other keys: the table is fetched in key order). A
table without a key is compared as a multiset of rows. The failure names table, key and columns:
missing, extra or different rows, missing or extra columns, a table the sink never got.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import structlog

from dsl import compare, diffs, limits, statements
from dsl.errors import CheckFailed, PipelineFailed, SinkProtocolError
from dsl.identifiers import quote_for_format
from dsl.limits import LeftOut
from dsl.schema import introspect
from dsl.verify import DATABASE_ERRORS, identity
from sinkmatrix.model.schema import TableSchema
from sinkmatrix.model.schema_journal import journal

if TYPE_CHECKING:
    from dsl.helper import SQLHelper

log = structlog.get_logger("sinkmatrix.sync")
_SHOW = 10  # problems listed before "… and N more"
_FETCH_ROWS = 2000  # a key range this small is fetched and diffed row by row
_FANOUT = 16  # key ranges a differing range is cut into
_PAIRS = 1_000_000  # missing x extra rows tried for a pairing a declared limit explains
_QUIET = 1.0  # seconds without progress that stand for "caught up" where progress is not exact
_TABLES = ("SELECT table_name FROM information_schema.tables WHERE table_schema = %s "
           "AND table_type = 'BASE TABLE' ORDER BY table_name")


@dataclass
class Comparison:
    """What one comparison of the databases found."""

    tables: int = 0
    rows: int = 0  # upstream rows covered
    fetched: int = 0  # rows read to diff, where checksums differed
    problems: list[str] = field(default_factory=list)
    keys: list[tuple[str, str, tuple[Any, ...]]] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)  # tables (and values) a declared limit concerns
    excused: Counter[tuple[str, str, str]] = field(default_factory=Counter)  # (table, column, limit): n


def sync(helper: SQLHelper, timeout: float) -> Comparison:
    """Wait until the sink has caught up, then compare the whole database; CheckFailed if it differs.

    Event-driven: the wait blocks on the sink's progress; where progress is exact, one comparison
    after catching up decides. Where it is not, the sink counts as caught up after `_QUIET` seconds
    without progress, and a difference is looked at again after each further progress until the
    deadline."""
    progress = helper.progress
    started = time.monotonic()
    deadline = started + timeout
    caught_up = progress.wait_past(progress.mark(), deadline)
    if not progress.exact:
        caught_up = _quiet(progress, deadline) and caught_up
    while True:
        if failure := progress.failure():
            raise _failed(helper, failure)
        seen = progress.current()
        found = compare_database(helper)  # also decides which tables a limit leaves out
        if findings := helper.findings():
            raise SinkProtocolError(findings)
        if not found.problems:
            if not caught_up:
                helper.progress_missed("the whole-database check", time.monotonic() - started)
            log.debug("sync done", tables=found.tables, rows=found.rows, fetched=found.fetched,
                      ms=round((time.monotonic() - started) * 1000, 2))
            return found
        if (progress.exact and caught_up) or time.monotonic() >= deadline:
            break
        progress.wait_change(seen, deadline)  # not exact: what came since may settle it
        caught_up = _quiet(progress, deadline)
    raise CheckFailed(_message(helper, found, caught_up, timeout), found.keys, details=found.problems)


def _failed(helper: SQLHelper, failure: str) -> Exception:
    """The pipeline's failure; or, where a declared limit whose consequence stops the CDC explains it
    (dsl.limits.stopped_by: the registry refused a table the upstream's DDL gave such a schema), that
    limit met; or the embedded transport's capacity met (dsl.limits.overflowed)."""
    overflow = limits.overflowed(failure, helper.database, helper.sink_name)
    if overflow is not None:
        log.warning("the embedded Kafka dropped records", reason=str(overflow))
        return limits.LimitMet(overflow, failure)
    if any(name in helper.limits for name in limits.STOPS):
        history = journal(helper.upstream.engine.url.port)
        tables = limits.version_facts(helper.verifier.upstream, helper.database, history,
                                      _tables(helper.verifier.upstream, helper.database))
        met = limits.stopped_by(failure, tables, helper.sink_name, helper.limits)
        if met is not None:
            log.info("the CDC stopped as a declared limit says", reason=str(met))
            return limits.LimitMet(met, failure)
    return PipelineFailed(f"the CDC pipeline failed: {failure}")


def _quiet(progress: Any, deadline: float) -> bool:
    """Block until the sink made no progress for _QUIET seconds; False at the deadline."""
    seen = progress.current()
    while True:
        began = time.monotonic()
        if began >= deadline:
            return False
        now = progress.wait_change(seen, min(deadline, began + _QUIET))
        if now == seen and time.monotonic() - began >= _QUIET:
            return True
        seen = now


def _message(helper: SQLHelper, found: Comparison, caught_up: bool, timeout: float) -> str:
    progress = helper.progress
    if caught_up:
        how = ("the sink had applied everything written upstream" if progress.exact else
               f"the sink had made no progress for {_QUIET:g}s (its progress is not exact: quiet "
               "stands for caught up)")
    else:
        how = f"the sink had not caught up within {timeout:g}s ({progress.describe()})"
    head = (f"database {helper.database}: {len(found.problems)} difference(s) between the upstream and "
            f"the sink over {found.tables} table(s), {found.rows} row(s); {how}:")
    shown = [f"  {line}" for p in found.problems[:_SHOW] for line in p.splitlines()]
    more = [f"  … and {len(found.problems) - _SHOW} more"] if len(found.problems) > _SHOW else []
    left = [f"  left out: {t}" for t in found.left_out]
    return "\n".join([head, *shown, *more, *left])


# -- the comparison ---------------------------------------------------------------------------------


def compare_database(helper: SQLHelper) -> Comparison:
    """Upstream against the sink, table by table (no wait)."""
    verifier = helper.verifier
    up, sink = verifier.upstream, verifier.sink
    found = Comparison()
    ours = _tables(up, helper.database)
    theirs = set(_tables(sink, verifier.sink_database))
    schemas = {name: introspect(up, helper.database, name) for name in ours}
    left = _left_out(helper, schemas, theirs)
    found.left_out = list(left.values())
    for name in sorted(theirs - set(ours) - set(left)):
        found.problems.append(f"table {helper.database}.{name} is in the sink but not upstream")
    for name in ours:
        if name in left:
            continue
        found.tables += 1
        schema = schemas[name]
        if name not in theirs:
            # _fetch always formats: a % in a name is doubled
            target = f"{quote_for_format(helper.database)}.{quote_for_format(name)}"
            count = _scalar(up, f"SELECT COUNT(*) FROM {target}")
            found.rows += count
            if count == 0 and not helper.carries_ddl:
                continue  # the protocol carries no DDL: an empty table has nothing to send
            found.problems.append(f"table {schema.qualified} never reached the sink "
                                  f"({count} row(s) upstream)")
            continue
        _compare_table(helper, schema, found)
    columns = found.left_out[len(left):]  # columns a limit left out of their tables (`_stale`)
    values = limits.values_left_out(found.excused, helper.sink_name, helper.limits)
    helper.excused = [*columns, *values]  # what the report names besides the tables left out
    found.left_out += values
    return found


def _left_out(helper: SQLHelper, schemas: dict[str, TableSchema], theirs: set[str]) -> dict[str, LeftOut]:
    """The tables a limit the sink's adapter declares concerns (dsl.limits), logged when first seen;
    the helper keeps them, so findings about them do not fail the case either."""
    detected = limits.detected(helper.limits)
    if not detected:
        return {}
    tables = limits.facts(helper.database, {n: s.key for n, s in schemas.items()}, theirs, helper.ddl(),
                          {n: {c.type for c in s.columns} for n, s in schemas.items()},
                          {n: {c.charset for c in s.columns if c.charset} for n, s in schemas.items()})
    left = limits.left_out(tables, helper.sink_name, helper.limits)
    for name in left.keys() - helper.left_out.keys():
        log.info("table left out of the check", table=name, reason=str(left[name]))
    helper.left_out = left
    return left


def _compare_table(helper: SQLHelper, schema: TableSchema, found: Comparison) -> None:
    verifier = helper.verifier
    sink_db = verifier.sink_database
    theirs = introspect(verifier.sink, sink_db, schema.name)
    stale = _stale(helper, schema, theirs, found)
    mine = [c.name for c in schema.columns]
    there = {c.name for c in theirs.columns}
    for name in mine:
        if name not in there and name not in stale:
            found.problems.append(f"table {schema.qualified}: column {name} is missing in the sink")
    for c in theirs.columns:
        if c.name not in set(mine) and c.name not in stale:
            found.problems.append(f"table {schema.qualified}: the sink has a column {c.name} "
                                  "the upstream has not")
    columns = tuple(n for n in mine if n in there and n not in stale)
    if schema.key and not set(schema.key) <= set(columns):
        return  # no key to locate rows by: the column problems say it all
    table = Table(helper, schema, columns)
    same, count = table.same()
    found.rows += count
    if same:
        return
    if not schema.key:
        table.diff_multiset(found)
    elif len(schema.key) == 1 and schema.column(schema.key[0]).bits is not None \
            and schema.column(schema.key[0]).type != "bit":
        table.bisect(found)
    else:
        table.diff_all(found)


def _stale(helper: SQLHelper, schema: TableSchema, theirs: TableSchema, found: Comparison) -> dict[str, str]:
    """The columns DDL after the table's last row change changed, where the sink's format carries no DDL
    and its adapter declares so (dsl.limits.stale_columns): left out of the table's comparison."""
    if helper.carries_ddl or "ddl" not in helper.limits:
        return {}
    steps = journal(helper.upstream.engine.url.port).steps(schema.database, schema.name)
    target = f"{quote_for_format(schema.database)}.{quote_for_format(schema.name)}"

    def rows_now() -> str | None:
        checksum = _fetch(helper.verifier.upstream, f"CHECKSUM TABLE {target}", ())[0][1]
        return None if checksum is None else str(checksum)

    stale = limits.stale_columns(steps, schema, rows_now, theirs)
    found.left_out += limits.stale_left_out(schema.name, stale, steps, helper.sink_name, helper.limits)
    return stale


class Table:
    """One table on both sides, over the columns both have."""

    def __init__(self, helper: SQLHelper, schema: TableSchema, columns: tuple[str, ...]) -> None:
        self.helper, self.schema, self.columns = helper, schema, columns
        verifier = helper.verifier
        self.up, self.sink, self.pool = verifier.upstream, verifier.sink, verifier.pool
        self.up_db, self.sink_db = schema.database, verifier.sink_database
        self.names = ", ".join(quote_for_format(c) for c in columns)
        self.order = ", ".join(quote_for_format(k) for k in schema.key) or "1"

    def _both(self, sql: Callable[[str], str], args: Sequence[Any] = ()) -> tuple[Any, Any]:
        """The same query, on each side in its own database, at once (the sink's in the verifier's
        thread)."""
        theirs = self.pool.submit(_fetch, self.sink, sql(self.sink_db), args)
        return _fetch(self.up, sql(self.up_db), args), theirs.result()

    def _from(self, database: str) -> str:
        return f"{quote_for_format(database)}.{quote_for_format(self.schema.name)}"

    def same(self, where: str = "1=1", args: Sequence[Any] = ()) -> tuple[bool, int]:
        """Whether both sides' checksums agree over `where`; the upstream's row count."""
        ours, theirs = self._both(lambda db: statements.checksum(self.schema, db, self.columns, where), args)
        return ours == theirs, int(ours[0][0] or 0)

    def bisect(self, found: Comparison) -> None:
        key = quote_for_format(self.schema.key[0])
        ours, theirs = self._both(lambda db: f"SELECT MIN({key}), MAX({key}) FROM {self._from(db)}")
        lows = [r[0][0] for r in (ours, theirs) if r[0][0] is not None]
        highs = [r[0][1] for r in (ours, theirs) if r[0][1] is not None]
        if lows:
            self._range(int(min(lows)), int(max(highs)), found)

    def _range(self, low: int, high: int, found: Comparison) -> None:
        where = f"{quote_for_format(self.schema.key[0])} BETWEEN %s AND %s"
        if high - low + 1 <= _FETCH_ROWS:
            self._diff(where, (low, high), found)
            return
        step = -(-(high - low + 1) // _FANOUT)
        for start in range(low, high + 1, step):
            end = min(high, start + step - 1)
            same, count = self.same(where, (start, end))
            if same:
                continue
            if count <= _FETCH_ROWS or end - start + 1 <= _FETCH_ROWS:
                self._diff(where, (start, end), found)
            else:
                self._range(start, end, found)

    def diff_all(self, found: Comparison) -> None:
        self._diff("1=1", (), found)

    def _rows(self, where: str, args: Sequence[Any]) -> tuple[Any, Any]:
        return self._both(lambda db: f"SELECT {self.names} FROM {self._from(db)} WHERE {where} "
                                     f"ORDER BY {self.order}", args)

    def _diff(self, where: str, args: Sequence[Any], found: Comparison) -> None:
        ours, theirs = self._rows(where, args)
        found.fetched += len(ours) + len(theirs)
        schema, ident = self.schema, identity(self.schema)
        positions = [self.columns.index(k) for k in schema.key]

        def keyed(rows: Sequence[Sequence[Any]]) -> dict[Any, dict[str, Any]]:
            return {ident([r[p] for p in positions]): dict(zip(self.columns, r, strict=True)) for r in rows}

        mine, there = keyed(ours), keyed(theirs)
        # a key column holding a value a declared limit lets the sink change (a zero date) moves the row
        missing = [mine[k] for k in mine if k not in there]
        extra = [there[k] for k in there if k not in mine]
        paired = {id(r) for pair in self._excused_pairs(missing, extra, found) for r in pair}
        for kid in [*mine, *(k for k in there if k not in mine)]:
            row, got = mine.get(kid), there.get(kid)
            some = row if row is not None else got
            assert some is not None
            key = {k: some[k] for k in schema.key}
            if id(some) in paired:
                continue
            if got is None:
                found.problems.append(f"table {schema.qualified} key ({_key_text(schema, key)}): missing in "
                                      f"the sink (expected {_row_text(schema, some)})")
            elif row is None:
                found.problems.append(f"table {schema.qualified} key ({_key_text(schema, key)}): in the sink "
                                      f"but not upstream ({_row_text(schema, got)})")
            else:
                changed = self._unexcused(compare.diff_row(schema, row, got), found)
                if not changed:
                    continue
                notes = _explained(self.helper, schema, changed)
                found.problems.append(diffs.format_mismatch(schema, key, changed) + notes)
            found.keys.append((schema.database, schema.name, tuple(key.values())))

    def _unexcused(self, changed: list[compare.ColumnDiff], found: Comparison) -> list[compare.ColumnDiff]:
        """The differing values no declared limit of the sink explains (the others are counted)."""
        kept = []
        for diff, limit in zip(changed, self._limits_of(changed), strict=True):
            if limit is None:
                kept.append(diff)
            else:
                found.excused[(self.schema.name, diff.column, limit)] += 1
        return kept

    def _limits_of(self, changed: list[compare.ColumnDiff]) -> list[str | None]:
        """The declared limit each differing value is the consequence of, or None."""
        out: list[str | None] = []
        explain, excusable = self.helper.explain, self.helper.excusable
        for diff in changed:
            column = compare.column_of(self.schema, diff.column)
            limit = limits.excused(self.helper.limits, column, diff.expected, diff.actual)
            if limit is None and explain is not None and excusable:  # a behaviour the sink lives with
                note = explain(self.schema.database, self.schema.name, diff.column, diff.expected,
                               diff.actual)
                limit = next((n for n, text in self.helper.limits.items()
                              if note in excusable and text == note), None)
            out.append(limit)
        return out

    def _excused_pairs(self, ours: list[dict[str, Any]], theirs: list[dict[str, Any]],
                       found: Comparison) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        """Upstream rows the sink lacks, each paired with a sink row the upstream lacks whose every
        difference a declared limit explains (a zero date written as the epoch, in a key or in a table
        without one): those differences are counted, the rows are no problem."""
        pairs: list[tuple[dict[str, Any], dict[str, Any]]] = []
        left = list(theirs)
        if not self.helper.limits or len(ours) * len(left) > _PAIRS:
            return pairs  # (beyond _PAIRS candidates the rows stand as they differ)
        for row in ours:
            for got in left:
                changed = compare.diff_row(self.schema, row, got)
                if changed and None not in self._limits_of(changed):
                    self._unexcused(changed, found)
                    pairs.append((row, got))
                    left.remove(got)
                    break
        return pairs

    def diff_multiset(self, found: Comparison) -> None:
        """A table without a key: rows as a multiset (each row's canonical values, counted)."""
        ours, theirs = self._rows("1=1", ())
        found.fetched += len(ours) + len(theirs)
        columns = [self.schema.column(c) for c in self.columns]
        samples: dict[tuple[Any, ...], Sequence[Any]] = {}

        def counted(rows: Sequence[Sequence[Any]]) -> Counter[tuple[Any, ...]]:
            out: Counter[tuple[Any, ...]] = Counter()
            for r in rows:
                row = tuple(compare.canonical(c, v) for c, v in zip(columns, r, strict=True))
                samples.setdefault(row, r)
                out[row] += 1
            return out

        mine, there = counted(ours), counted(theirs)
        named = {row: dict(zip(self.columns, samples[row], strict=True)) for row in samples}
        surplus = [named[r] for r in sorted(mine, key=repr) for _ in range(mine[r] - there[r])]
        lacking = [named[r] for r in sorted(there, key=repr) for _ in range(there[r] - mine[r])]
        for ours_row, their_row in self._excused_pairs(surplus, lacking, found):
            for side, picked in ((mine, ours_row), (there, their_row)):
                side[next(r for r in side if named[r] is picked)] -= 1
        for row in sorted(set(mine) | set(there), key=repr):
            if mine[row] != there[row]:
                text = _row_text(self.schema, dict(zip(self.columns, samples[row], strict=True)))
                found.problems.append(f"table {self.schema.qualified} (no key): the row {text} is upstream "
                                      f"{mine[row]}×, in the sink {there[row]}×")


def _explained(helper: SQLHelper, schema: TableSchema, changed: Sequence[Any]) -> str:
    """The documented CDC behaviours the sink's view says these differences show (its `explain`)."""
    explain = getattr(helper, "explain", None)
    if explain is None:
        return ""
    notes: dict[str, list[str]] = {}
    for d in changed:
        if note := explain(schema.database, schema.name, d.column, d.expected, d.actual):
            notes.setdefault(note, []).append(d.column)
    return "".join(f"\n    {', '.join(columns)}: {note}" for note, columns in notes.items())


def _fetch(conn: Any, sql: str, args: Sequence[Any]) -> list[tuple[Any, ...]]:
    cur = conn.cursor()
    try:
        cur.execute(sql, tuple(args))  # always: the SQL's %% are format-escaped
        return list(cur.fetchall())
    finally:
        cur.close()


def _tables(conn: Any, database: str) -> list[str]:
    return [r[0].decode() if isinstance(r[0], bytes) else r[0] for r in _fetch(conn, _TABLES, (database,))]


def _scalar(conn: Any, sql: str) -> int:
    try:
        return int(_fetch(conn, sql, ())[0][0])
    except DATABASE_ERRORS:
        return 0


def _key_text(schema: TableSchema, key: dict[str, Any]) -> str:
    return ", ".join(f"{k}={diffs.render(compare.column_of(schema, k), v)}" for k, v in key.items())


def _row_text(schema: TableSchema, row: dict[str, Any]) -> str:
    items = list(row.items())[:8]
    shown = ", ".join(f"{k}={diffs.render(compare.column_of(schema, k), v)}" for k, v in items)
    return "{" + shown + (", …" if len(row) > 8 else "") + "}"
