"""How far a sink has caught up: the signal `wait()` blocks on instead of sleeping."""

from __future__ import annotations

from typing import Any, Protocol


class Progress(Protocol):
    """A sink's progress relative to the upstream.

    `exact` sinks (the reference CDC) report the upstream position they have applied through, so a
    wait knows when looking again is pointless. Sinks without such a signal report `exact = False`;
    their `wait_change` returns on a short poll interval instead.
    """

    exact: bool

    def mark(self) -> Any:
        """The upstream point that everything written so far lies before (e.g. the binlog position)."""

    def wait_past(self, mark: Any, deadline: float) -> bool:
        """Block until the sink has applied everything up to `mark`; False at the deadline."""

    def current(self) -> int:
        """A counter that grows with every progress report."""

    def wait_change(self, seen: int, deadline: float) -> int:
        """Block until the sink made progress after counter `seen`; returns the new counter."""

    def describe(self) -> str:
        """Where the sink is now, for messages ('applied through binlog.000001:4711')."""

    def failure(self) -> str | None:
        """Why the pipeline stopped, if it did; waits fail at once with it."""

    def diagnose(self, mark: Any, since: float) -> str | None:
        """Why the sink has not reached `mark`, when the pipeline can tell: a stall ("no progress"
        since `since`, a time.monotonic() value: the wait's start) or a lag; None if it cannot."""

    def downtime(self, since: float) -> float:
        """Seconds since `since` (a time.monotonic() value) the CDC spent coming back from a crash
        it is supervised through (not streaming, not failed): a wait does not count them against
        its timeout. The CDC's own start deadline bounds them: a restart that never streams fails."""

    def restarts(self) -> list[float]:
        """Wall-clock times (time.time()) at which the CDC resumed from its checkpoint after a
        crash or a restart: an at-least-once sink may deliver again what followed that checkpoint."""
