"""One table of the whole-database check on both sides (dsl.sync): its checksums compared in the
servers, a differing table bisected by key range down to ranges fetched and diffed row by row, a table
without a key compared as a multiset of rows; each difference written as the failure says it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from dsl import compare, diffs, limits, statements
from dsl.arrived import arrived
from dsl.identifiers import quote_for_format
from dsl.verify import DATABASE_ERRORS, identity
from sinkmatrix.model.schema import TableSchema

if TYPE_CHECKING:
    from dsl.helper import SQLHelper
    from dsl.sync import Comparison

_FETCH_ROWS = 2000  # a key range this small is fetched and diffed row by row
_FANOUT = 16  # key ranges a differing range is cut into
_PAIRS = 1_000_000  # missing x extra rows tried for a pairing a declared limit explains


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
        theirs = self.pool.submit(fetch, self.sink, sql(self.sink_db), args)
        return fetch(self.up, sql(self.up_db), args), theirs.result()

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
                notes = _explained(self.helper, schema, changed) + arrived(self.helper, schema, key, changed)
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


def fetch(conn: Any, sql: str, args: Sequence[Any]) -> list[tuple[Any, ...]]:
    cur = conn.cursor()
    try:
        cur.execute(sql, tuple(args))  # always: the SQL's %% are format-escaped
        return list(cur.fetchall())
    finally:
        cur.close()


def scalar(conn: Any, sql: str) -> int:
    try:
        return int(fetch(conn, sql, ())[0][0])
    except DATABASE_ERRORS:
        return 0


def _key_text(schema: TableSchema, key: dict[str, Any]) -> str:
    return ", ".join(f"{k}={diffs.render(compare.column_of(schema, k), v)}" for k, v in key.items())


def _row_text(schema: TableSchema, row: dict[str, Any]) -> str:
    items = list(row.items())[:8]
    shown = ", ".join(f"{k}={diffs.render(compare.column_of(schema, k), v)}" for k, v in items)
    return "{" + shown + (", …" if len(row) > 8 else "") + "}"
