"""Heartbeat progress: the progress waits block on when the CDC reports no position of its own.

A mark writes a new beat upstream (a counter in a beat table the CDC captures) after everything the
case wrote; the sink is past the mark once its view shows that beat value, decoded by the sink's own
decoder (or read from the downstream database), then a second beat written after the first showed,
and the view has settled around it (every partition applied through where it stood once the second
beat showed: see `HeartbeatProgress.wait_past`, and sinks.heartbeat for the guarantee this rests on
per topic layout). Nothing is asked of the CDC but that it carries the beat table like
any other: a user's CDC with no checkpoint to report still gets waits that end when the data is
there, not at their deadline.

This module holds the rule only; where beats are written and how a view shows them is the sink
side's business (sinks.heartbeat), reached through the two narrow protocols below.
"""

from __future__ import annotations

import threading
import time
from typing import Any, Protocol

BEAT_DATABASE = "sm__heartbeat"  # the stack's prefix "sm_" + "_...": captured, never a test's database
BEAT_TABLE = "beat"


class HeartbeatNotAttached(RuntimeError):
    """The heartbeat was asked before it had a view to read beats from: a stack wiring error."""


class Beats(Protocol):
    """The upstream side: writes beats."""

    def write(self) -> int:
        """Write the next beat upstream (committed) and return its value; values only grow."""

    def describe(self) -> str:
        """Where beats are written, for messages."""


class BeatView(Protocol):
    """The sink side: what the view shows of the beats, and how it settles."""

    def seen(self) -> int:
        """The highest beat value the view shows now (0: none yet)."""

    def settle(self, deadline: float) -> bool:
        """Called once the view shows a beat: block until every part of the view (each partition) has
        applied everything that stood before that beat in it; False at the deadline or on failure."""

    def current(self) -> int:
        """A counter that grows whenever the view changes (a batch applied, a downstream write)."""

    def wait_change(self, seen: int, deadline: float) -> int:
        """Block until `current()` moved past `seen` (or the deadline); return it."""

    def describe(self) -> str:
        """Where the view is, for messages."""

    def failure(self) -> str | None:
        """Why the view (or the CDC feeding it) stopped, if it did."""

    def lagging(self) -> str | None:
        """After a failed `settle`: which parts of the view had not caught up, or None."""


class HeartbeatProgress:
    """`Progress` (sinkmatrix.model.progress) from beats: exact as far as the guarantee `settle` rests on
    holds, so a wait that has seen its beat knows that looking again is pointless."""

    exact = True

    def __init__(self, beats: Beats, view: BeatView | None, run: Any = None) -> None:
        """`run`: the CDC run (sinkmatrix.model.cdc.CdcRun), for its failure and restarts, if given.
        `view` may come later (`bind`), where the stack opens the sink's view on this progress."""
        self.beats, self.run = beats, run
        self._view = view
        self._lock = threading.Lock()
        self._settled = 0  # the highest beat the view has shown and settled around
        self._seen_at = time.monotonic()  # when the view last showed a new beat
        self._last_seen = 0
        self._marked = 0

    @property
    def view(self) -> BeatView:
        if self._view is None:
            raise HeartbeatNotAttached("the heartbeat progress was used before the stack attached the "
                                       "sink's view to it (attach(view) once the view is open)")
        return self._view

    def bind(self, view: BeatView) -> None:
        """Read the beats through `view` from now on."""
        self._view = view

    def mark(self) -> int:
        with self._lock:
            self._marked = self.beats.write()
            return self._marked

    def wait_past(self, mark: int, deadline: float) -> bool:
        """Past `mark` once (1) the view shows beat `mark`, (2) it shows a beat written after that, and
        (3) the view settled around the second. The second beat is the CDC's word that nothing of
        before `mark` is still in flight: a CDC hands a change on after those it read before it, and
        one that finishes a batch (its acknowledgements in) before the next takes the second beat,
        written only once the first had come through the sink, in a later batch than everything
        before the first. Seen without it, the beat overtook rows of the same batch bound for other
        partitions (measured here, on the embedded Kafka under load)."""
        if self._settled >= mark:
            return True
        if not self._shown(mark, deadline):
            return False
        if not self._shown(self.mark(), deadline):  # written now: after `mark` showed
            return False
        if not self.view.settle(deadline):
            return False
        self._settled = max(self._settled, mark)
        return True

    def _shown(self, beat: int, deadline: float) -> bool:
        """Block until the view shows `beat`; False at the deadline or once the pipeline failed."""
        counter = self.view.current()
        while True:
            if self.failure():
                return False
            shown = self.view.seen()
            if shown > self._last_seen:
                self._last_seen, self._seen_at = shown, time.monotonic()
            if shown >= beat:
                return True
            if time.monotonic() >= deadline:
                return False
            counter = self.view.wait_change(counter, deadline)

    def current(self) -> int:
        return self.view.current()

    def wait_change(self, seen: int, deadline: float) -> int:
        return self.view.wait_change(seen, deadline)

    def describe(self) -> str:
        return (f"heartbeat: beat {self._last_seen} of {self._marked} written shows in the view "
                f"({self.beats.describe()}); "
                + (self._view.describe() if self._view is not None else "no view attached yet"))

    def failure(self) -> str | None:
        if self._view is not None and (failed := self._view.failure()):
            return failed
        if self.run is not None and getattr(self.run, "state", None) == "failed":
            return f"the CDC failed ({self.run.describe()})"
        return None

    def diagnose(self, mark: Any, since: float) -> str | None:
        if self._last_seen >= mark:
            lag = self.view.lagging()
            if lag:
                return f"the view shows beat {mark} but has not caught up around it: {lag}"
            return (f"the view shows beat {mark} but not yet the beat written after it showed "
                    f"({self._marked}): the CDC is slow to hand on what it reads")
        if self._seen_at <= since:
            return (f"no progress: no new beat showed in the view for {time.monotonic() - since:.1f}s "
                    f"(beat {self._last_seen} shows, {mark} was written): the CDC stalled, or does not "
                    f"carry {BEAT_DATABASE}.{BEAT_TABLE} (it must capture every database matching the "
                    f"stack's pattern)")
        return f"the sink is behind: beat {self._last_seen} shows, {mark} was written"

    def downtime(self, since: float) -> float:
        return 0.0  # no supervisor to say when a restart began or ended: the wait's budget covers it

    def restarts(self) -> list[float]:
        return run_restarts(self.run)

    def close(self) -> None:
        """Release what the beats' two sides hold (their connections)."""
        for side in (self.beats, self._view):
            if (closing := getattr(side, "close", None)) is not None:
                closing()


def run_restarts(run: Any) -> list[float]:
    """When a run restarted (time.time()), as it tells: `restarted_at` or `restarts` (a list or a
    method); none when it does not say."""
    told = getattr(run, "restarted_at", None)
    if told is None:
        told = getattr(run, "restarts", None)
    if callable(told):
        told = told()
    return list(told or ())
