"""The heartbeat's rules without a stack: which partitions a beat still waits for, and when a mark counts
as passed (sinkmatrix.model.heartbeat, sinks.heartbeat)."""

from __future__ import annotations

import time
from typing import Any

import pytest

from sinkmatrix.model.heartbeat import HeartbeatNotAttached, HeartbeatProgress
from sinks.heartbeat import PartitionedBeats, lagging

pytestmark = pytest.mark.framework


def test_a_partition_is_waited_for_until_applied_through_its_end_when_the_beat_showed() -> None:
    ends = {("sm_x_a", 0): 10, ("sm_x_a", 1): 4, ("sm__heartbeat_beat", 2): 7}
    applied = {("sm_x_a", 0): 10, ("sm_x_a", 1): 3, ("sm__heartbeat_beat", 2): 7}
    assert lagging(ends, applied) == [(("sm_x_a", 1), 3, 4)]
    assert lagging(ends, {**applied, ("sm_x_a", 1): 4}) == []


def test_a_partition_the_view_has_not_assigned_yet_counts_as_applied_through_nothing() -> None:
    assert lagging({("sm_x_b", 3): 1, ("sm_x_b", 0): 0}, {}) == [(("sm_x_b", 3), 0, 1)]


def test_a_partition_that_appeared_after_the_beat_showed_is_not_waited_for() -> None:
    assert lagging({("sm_x_a", 0): 2}, {("sm_x_a", 0): 2, ("sm_x_new", 0): 0}) == []


class FakeKafkaView:
    """A Kafka view's surface the heartbeat uses: end offsets, applied offsets, batches."""

    def __init__(self, ends: dict[tuple[str, int], int], applied: dict[tuple[str, int], int]) -> None:
        self.ends, self.applied, self.batches, self.failure = ends, applied, 0, None
        self.later: list[dict[tuple[str, int], int]] = []  # applied offsets the next batches bring

    def url(self, database: str) -> Any:
        raise AssertionError("not read here")

    def high_watermarks(self, deadline: float | None = None) -> dict[tuple[str, int], int]:
        return dict(self.ends)

    def applied_offsets(self) -> dict[tuple[str, int], int]:
        return dict(self.applied)

    def wait_batch(self, seen: int, deadline: float, failure: Any) -> int:
        if self.later:
            self.applied.update(self.later.pop(0))
            self.batches += 1
        return self.batches


def partitioned(view: FakeKafkaView) -> PartitionedBeats:
    beats = PartitionedBeats.__new__(PartitionedBeats)  # no view database to read beats from here
    beats.view, beats._lag = view, None
    return beats


def test_settling_waits_for_every_partition_behind_and_names_them_at_the_deadline() -> None:
    view = FakeKafkaView({("t", 0): 5, ("t", 1): 5}, {("t", 0): 5, ("t", 1): 2})
    view.later = [{("t", 1): 4}, {("t", 1): 5}]
    beats = partitioned(view)
    assert beats.settle(time.monotonic() + 5) and beats.lagging() is None and view.batches == 2

    stuck = partitioned(FakeKafkaView({("t", 0): 5, ("t", 1): 5}, {("t", 0): 5, ("t", 1): 2}))
    assert not stuck.settle(time.monotonic())
    assert stuck.lagging() == "1 partition(s) behind: t[1] applied through 2 of 5"


class Beats:
    def __init__(self) -> None:
        self.n = 0

    def write(self) -> int:
        self.n += 1
        return self.n

    def describe(self) -> str:
        return "beats"


class View:
    """A view whose beat shows `delay` changes after it was written; settles as told."""

    def __init__(self, beats: Beats, delay: int = 1, settles: bool = True, up_to: int = 10**9) -> None:
        self.beats, self.delay, self.settles, self.up_to = beats, delay, settles, up_to
        self.changes, self.settled = 0, 0
        self.shown = 0

    def seen(self) -> int:
        return self.shown

    def settle(self, deadline: float) -> bool:
        self.settled += 1
        return self.settles

    def current(self) -> int:
        return self.changes

    def wait_change(self, seen: int, deadline: float) -> int:
        self.changes += 1
        if self.changes >= self.delay:
            self.shown = min(self.beats.n, self.up_to)
        return self.changes

    def describe(self) -> str:
        return "view"

    def failure(self) -> str | None:
        return None

    def lagging(self) -> str | None:
        return None if self.settles else "t[1] behind"


def test_a_mark_is_passed_once_its_beat_and_a_later_one_show_and_the_view_settled() -> None:
    beats = Beats()
    view = View(beats, delay=3)
    progress = HeartbeatProgress(beats, view)
    mark = progress.mark()
    assert progress.wait_past(mark, time.monotonic() + 5)
    assert beats.n == 2 and view.changes == 4 and view.settled == 1  # the second beat came one change later
    assert progress.wait_past(mark, time.monotonic())  # known passed: no more beats, no second settling
    assert beats.n == 2 and view.settled == 1


def test_a_beat_whose_follower_never_shows_is_not_past() -> None:
    beats = Beats()
    view = View(beats, up_to=1)  # the CDC took beat 1 in, then stopped handing anything on
    progress = HeartbeatProgress(beats, view)
    mark = progress.mark()
    assert not progress.wait_past(mark, time.monotonic() + 0.05)
    assert view.settled == 0
    why = progress.diagnose(mark, time.monotonic())
    assert why == ("the view shows beat 1 but not yet the beat written after it showed (2): the CDC is "
                   "slow to hand on what it reads")


def test_a_beat_that_never_shows_ends_the_wait_at_its_deadline_and_says_why() -> None:
    beats = Beats()
    view = View(beats, delay=10**9)
    progress = HeartbeatProgress(beats, view)
    began = time.monotonic()
    mark = progress.mark()
    assert not progress.wait_past(mark, began + 0.05)
    why = progress.diagnose(mark, began)
    assert why is not None and why.startswith("no progress: no new beat showed") and "sm__heartbeat" in why


def test_a_view_that_shows_the_beat_but_does_not_settle_is_not_past() -> None:
    beats = Beats()
    progress = HeartbeatProgress(beats, View(beats, settles=False))
    mark = progress.mark()
    assert not progress.wait_past(mark, time.monotonic() + 5)
    assert progress.diagnose(mark, time.monotonic()) == (
        "the view shows beat 1 but has not caught up around it: t[1] behind")


class FailedRun:
    state = "failed"

    def describe(self) -> str:
        return "exited with code 3"


def test_a_failed_run_fails_the_wait_at_once() -> None:
    beats = Beats()
    progress = HeartbeatProgress(beats, View(beats), FailedRun())  # its beat would show
    assert not progress.wait_past(progress.mark(), time.monotonic() + 60)
    assert progress.failure() == "the CDC failed (exited with code 3)"


def test_a_heartbeat_asked_before_its_view_is_attached_says_so() -> None:
    progress = HeartbeatProgress(Beats(), None)
    assert progress.failure() is None and "no view attached yet" in progress.describe()
    with pytest.raises(HeartbeatNotAttached, match="before the stack attached the sink's view"):
        progress.wait_past(progress.mark(), time.monotonic() + 1)
