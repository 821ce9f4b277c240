"""A progress signal that never moves does not pass slowly in silence: each wait that ended at its
deadline instead of by progress is reported with the case, and fails it under --strict-progress."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from dsl import ProgressNeverMoved

pytestmark = [pytest.mark.framework, pytest.mark.sinks("mysql")]


class NeverMoves:
    """A sink's progress whose signal is broken: it never passes a mark (the rows still arrive)."""

    def __init__(self, real: Any) -> None:
        self.real, self.exact = real, real.exact

    def wait_past(self, mark: Any, deadline: float) -> bool:
        threading.Event().wait(max(0.0, deadline - time.monotonic()))  # what a dead signal costs
        return False

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


def _broken(ctx: Any) -> Any:
    ctx.upstream.exec_driver_sql("create table t (id int primary key, v int)")
    ctx.sql.progress = NeverMoves(ctx.sql.progress)
    return ctx.sql.table("t")


@pytest.mark.no_final_check
def test_a_wait_that_ended_at_its_deadline_is_reported(ctx):
    _broken(ctx).insert({"id": 1, "v": 1}).send().wait(timeout=0.5).check()
    [miss] = ctx.sql.progress_misses
    assert miss.startswith("a wait for 1 key(s) ended at its deadline after 0.")
    assert "not by the sink's progress" in miss and miss.endswith("the rows were right")


@pytest.mark.no_final_check
def test_under_strict_progress_it_fails_the_case(ctx):
    ctx.sql.strict_progress = True
    table = _broken(ctx)
    with pytest.raises(ProgressNeverMoved, match="progress signal never passed the mark"):
        table.insert({"id": 1, "v": 1}).send().wait(timeout=0.5)
