"""A wait does not count the time the CDC spends coming back from a crash: a row committed just
before Debezium's hand-off crashes arrives once it streams again, and a wait whose own budget is
shorter than that restart still sees it (sinkmatrix.model.progress.downtime)."""

from __future__ import annotations

import time

import pytest

from dsl.context import opened
from matrix import axes
from sinkmatrix.model.faults import FaultSpec

pytestmark = [pytest.mark.framework, pytest.mark.xdist_group("debezium-module")]


def test_a_wait_outlasts_a_restart_longer_than_its_timeout(debezium_stack) -> None:
    cell = axes.cell("debezium-json", "kafka", "debezium-3.6")
    progress = debezium_stack.progress
    restarts = len(progress.restarts())
    with opened(debezium_stack, cell, "recovery_time") as ctx:
        ctx.upstream.exec_driver_sql("create table t (id int primary key, v varchar(8))")
        table = ctx.sql.table("t")
        table.insert({"id": 1, "v": "before"}).send().wait().check()
        debezium_stack.inject_fault(FaultSpec.from_json({"kind": "crash", "databases": ctx.database}))
        began = time.monotonic()
        # produced, then the hand-off exits; the view may show the row before or after the restart
        table.insert({"id": 2, "v": "crashes"}).send().wait(timeout=1.0).check()
        took = [time.monotonic() - began]
        deadline = time.monotonic() + 30
        while len(progress.restarts()) == restarts and time.monotonic() < deadline:
            progress.wait_change(progress.current(), min(deadline, time.monotonic() + 0.2))
        assert len(progress.restarts()) == restarts + 1, "the crash never happened"
        started = time.monotonic()  # written while Debezium restarts, unless that is over already
        table.insert({"id": 3, "v": "after"}).send().wait(timeout=1.0).check()
        took.append(time.monotonic() - started)
    # a restart (a JVM start: seconds) fell inside one of the two waits, each with a 1 s budget
    assert max(took) > 1.0, f"the waits took {took}: the restart did not outlast a wait's budget"
    assert progress.downtime(began) > 1.0
