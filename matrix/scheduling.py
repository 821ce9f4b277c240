"""How xdist hands the matrix's cells to its workers: whole cells, heaviest first, one at a time.

A cell is one xdist group (its stack is started once per worker and reused by its cases). xdist's
loadgroup scheduler was made for small groups: it gives a worker its next group while that worker
still has three tests queued, and takes groups in collection order. With a dozen tests a group and
few groups, a fast first cell let one worker collect three cells while the other ran one (measured
on the default matrix at -n 2: 15.2 s of cases on one worker, 6.0 s on the other).

xdist learns a test's group from an '@group' suffix its workers append to the test's id; pytest
9.2 computes ids afresh, so the suffix no longer arrives and every test became a group of its own
(each worker started every cell's stack). The group is read here from the test id's parameters:
the cell id, one of the run's cells, is one of them.

Here a worker gets its next cell only when its last queued test is about to run (xdist runs a test
once it knows the next one, so that is the latest moment that leaves no gap), and the heaviest
cell left goes first - longest processing time first, by durations recorded in earlier runs
(matrix/durations.json), a test without a record weighing the median of those with one.
"""

from __future__ import annotations

import statistics
from typing import Any

import pytest
from xdist.scheduler import LoadGroupScheduling

from matrix import shards


class CellScheduling(LoadGroupScheduling):
    """LoadGroupScheduling with cell-sized groups in mind (see the module's docstring)."""

    def __init__(self, config: pytest.Config, log: Any = None, *, cells: list[str],
                 durations: dict[str, float] | None = None) -> None:
        super().__init__(config, log)
        self.cells = sorted(cells, key=len, reverse=True)  # the longest id that fits wins
        self._cell_set = set(cells)
        self._ordered = False
        self.durations = shards.load_durations() if durations is None else durations
        known = list(self.durations.values())
        self._default = statistics.median(known) if known else 1.0

    def _split_scope(self, nodeid: str) -> str:
        """The test's cell id; a test of no cell is a unit of its own, as in xdist's loadgroup."""
        if _plain(nodeid) != nodeid:
            return nodeid.rsplit("@", 1)[1]  # a pytest that keeps xdist's suffix
        params = nodeid.rpartition("[")[2].rstrip("]") if nodeid.endswith("]") else ""
        for cell in self.cells:
            if f"-{cell}-" in f"-{params}-":
                return cell
        return super()._split_scope(nodeid)

    def weight(self, scope: str) -> float:
        """The recorded seconds of a group's tests (xdist appends '@group' to a test's id)."""
        return sum(self.durations.get(_plain(nodeid), self._default) for nodeid in self.workqueue[scope])

    def _reschedule(self, node: Any) -> None:
        if node.shutting_down:
            return
        if not self.workqueue:
            node.shutdown()
            return
        assigned = self.assigned_work[node]
        in_cell = any(scope in self._cell_set and not all(done.values()) for scope, done in assigned.items())
        # a cell: the next one only as this one runs dry; single tests: xdist's prefetch of two, so
        # that a worker never waits for the controller between tests
        if self._pending_of(assigned) > (1 if in_cell else 2):
            return
        self._assign_work_unit(node)

    def _assign_work_unit(self, node: Any) -> None:
        if not self._ordered:  # the queue is complete by the first assignment: order it once
            self._ordered = True
            for scope in sorted(self.workqueue, key=lambda s: (-self.weight(s), s)):
                self.workqueue.move_to_end(scope)
        super()._assign_work_unit(node)


def _plain(nodeid: str) -> str:
    """A test id without xdist's '@group' suffix."""
    return nodeid.rsplit("@", 1)[0] if nodeid.rfind("@") > nodeid.rfind("]") else nodeid
