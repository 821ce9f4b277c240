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
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import structlog

from dsl import limits
from dsl.errors import CheckFailed, PipelineFailed, SinkProtocolError
from dsl.identifiers import quote_for_format
from dsl.limits import LeftOut
from dsl.schema import introspect
from dsl.table_diff import Table, fetch, scalar
from sinkmatrix.model.schema import TableSchema
from sinkmatrix.model.schema_journal import journal

if TYPE_CHECKING:
    from dsl.helper import SQLHelper

log = structlog.get_logger("sinkmatrix.sync")
_SHOW = 10  # problems listed before "… and N more"
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
    declared = limits.declared_stop(failure, helper.database, helper.sink_name, helper.limits)
    if declared is not None:
        log.info("the CDC stopped at a declared limit it named", reason=str(declared))
        return limits.LimitMet(declared, failure)
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
            # fetch always formats: a % in a name is doubled
            target = f"{quote_for_format(helper.database)}.{quote_for_format(name)}"
            count = scalar(up, f"SELECT COUNT(*) FROM {target}")
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
        checksum = fetch(helper.verifier.upstream, f"CHECKSUM TABLE {target}", ())[0][1]
        return None if checksum is None else str(checksum)

    stale = limits.stale_columns(steps, schema, rows_now, theirs)
    found.left_out += limits.stale_left_out(schema.name, stale, steps, helper.sink_name, helper.limits)
    return stale


def _tables(conn: Any, database: str) -> list[str]:
    return [r[0].decode() if isinstance(r[0], bytes) else r[0] for r in fetch(conn, _TABLES, (database,))]
