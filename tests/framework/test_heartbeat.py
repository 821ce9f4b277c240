"""A CDC with no progress of its own gets the heartbeat: waits end by beats seen in the sink's view, in
about the time the data takes (not at their deadline), on a Kafka sink whose tables spread over
several partitions and on the MySQL sink; a row the CDC drops still fails at once, naming its key."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
import structlog

from dsl import All, WaitTimeout
from dsl.context import opened
from sinkmatrix.model.faults import FaultSpec
from sinkmatrix.model.heartbeat import BEAT_DATABASE, HeartbeatProgress
from sinkmatrix.stack.embedded import EmbeddedStack
from tests.framework import beats_only

pytestmark = pytest.mark.framework
log = structlog.get_logger("sinkmatrix.test")

CELLS = [("canal-json", "kafka"), ("avro", "kafka"), ("mysql", "mysql")]
TIMEOUT = 20.0  # a broken heartbeat would make each wait sit this out, and be reported as a miss


@pytest.fixture(scope="module", params=CELLS, ids=lambda c: c[0])
def stack(request: pytest.FixtureRequest) -> Iterator[EmbeddedStack]:
    started = EmbeddedStack.start(beats_only.cell(*request.param))
    try:
        yield started
    finally:
        started.close()


def _timed(what: str, timings: dict[str, float], step: Any) -> Any:
    began = time.monotonic()
    result = step()
    timings[what] = round((time.monotonic() - began) * 1000, 1)
    return result


def test_waits_end_by_the_heartbeat_when_the_cdc_reports_no_progress(stack, capsys) -> None:
    assert getattr(stack.cdc.run, "progress", "missing") is None  # the run's own (the contract's handle
    assert not stack.cdc.supports("progress")  # carries the heartbeat the stack made for it)
    assert isinstance(stack.progress, HeartbeatProgress)
    # the view's waits go through it: a Kafka view's progress wraps it, the downstream's is it (or the
    # sink-side faults' wrapper around it, sinks.sink_tamper)
    wrapped = (getattr(stack.view.progress, name, None) for name in ("cdc", "_progress"))
    assert stack.progress in (stack.view.progress, *wrapped)
    timings: dict[str, float] = {}
    with opened(stack, stack.cell, "heartbeat", request_timeout=TIMEOUT, batch_timeout=TIMEOUT) as ctx:
        for name in ("a", "b"):
            ctx.upstream.exec_driver_sql(f"create table {name} (id int primary key, v varchar(32))")
        a, b = ctx.sql.table("a"), ctx.sql.table("b")
        _timed("one row", timings, lambda: a.insert({"id": 0, "v": "first"}).send().wait().check())
        sends = [t.insert_many([{"id": i, "v": f"{t.name}{i}"} for i in range(n * 500, (n + 1) * 500)])
                 for n in range(1, 9) for t in (a, b)]
        _timed("8000 rows, 2 tables", timings, lambda: All(ctx.sql, sends).wait().check())
        _timed("update", timings, lambda: b.update({"id": 501, "v": "changed"}).send().wait().check())
        _timed("delete", timings, lambda: a.delete({"id": 502}).send().wait().check())
        comparison = _timed("whole-database check", timings, ctx.sql.sync)
        assert comparison.tables == 2  # the beat table is no table of the test's database
        assert ctx.sql.progress_misses == []  # every wait ended by a beat, none at its deadline
    partitions = {p for topic, p in getattr(stack.view, "applied_offsets", dict)() if topic.endswith("_a")}
    log.info("heartbeat waits", cell=stack.cell.id, ms=timings, partitions_of_a=len(partitions))
    with capsys.disabled():
        print(f"\nheartbeat waits on {stack.cell.id} (ms): {timings}")
    if stack.cell.protocol == "kafka":
        assert len(partitions) > 1  # the rows spread over partitions the beat never travels on


def test_a_dropped_row_fails_at_once_though_beats_pass(stack) -> None:
    with opened(stack, stack.cell, "heartbeat_drop", request_timeout=TIMEOUT) as ctx:
        ctx.upstream.exec_driver_sql("create table t (id int primary key, v int)")
        table = ctx.sql.table("t")
        table.insert({"id": 1, "v": 1}).send().wait().check()
        stack.inject_fault(FaultSpec("drop", databases=ctx.database, nth=1))
        try:
            with pytest.raises(WaitTimeout, match="applied everything written before the wait") as failed:
                table.insert({"id": 2, "v": 2}).send().wait()
            assert "id=2" in str(failed.value)  # ended by the beat (above), not by the deadline
        finally:
            stack.clear_faults(ctx.database)


def test_the_beat_table_lives_outside_every_test_database(stack) -> None:
    with opened(stack, stack.cell, "heartbeat_tables") as ctx:
        ctx.upstream.exec_driver_sql("create table t (id int primary key)")
        ctx.sql.table("t").insert({"id": 1}).send().wait().check()
        shown = ctx.downstream.exec_driver_sql(f"select n from `{BEAT_DATABASE}`.beat").scalar()
        assert shown >= 1  # the sink carried beats...
        assert ctx.sql.sync().tables == 1  # ...and the test's check sees only its own table


def test_a_downstream_view_changes_with_what_the_cdc_applies_not_with_looks(stack) -> None:
    if stack.cell.sink != "mysql":
        pytest.skip("the downstream's own counters stand in for a push only on the MySQL sink")
    shown = stack.progress.view
    looks = [shown.current() for _ in range(4)]
    assert len(set(looks)) < 4  # a look itself moves nothing (the CDC's own bookkeeping may, now and then)
    before = looks[-1]
    mark = stack.progress.mark()
    after = shown.wait_change(before, time.monotonic() + TIMEOUT)
    assert after != before and stack.progress.wait_past(mark, time.monotonic() + TIMEOUT)


def test_a_large_transaction_over_every_partition_is_waited_for_whole(stack) -> None:
    """A beat of the same CDC batch may reach the view before rows bound for other partitions: what it
    proves is waited for by a second beat (sinkmatrix.model.heartbeat)."""
    with opened(stack, stack.cell, "heartbeat_large", request_timeout=TIMEOUT, batch_timeout=TIMEOUT) as ctx:
        ctx.upstream.exec_driver_sql("create table t (id int primary key, v int)")
        table = ctx.sql.table("t")
        for n in range(20):
            table.insert_many([{"id": n * 1000 + i, "v": n} for i in range(1000)]).wait().check()
        assert ctx.sql.progress_misses == []
