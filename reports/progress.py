"""Live progress of a run: cases and cells done out of total, and failures so far."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import pytest


class Progress:
    """Counts finished items (under xdist, on the controller) and prints a line now and then."""

    def __init__(self, config: pytest.Config, cell_ids: Sequence[str]) -> None:
        self.config = config
        self.cell_ids = sorted(cell_ids, key=len, reverse=True)
        self.total = 0
        self.per_cell: Counter[str] = Counter()
        self.done_per_cell: Counter[str] = Counter()
        self.done: set[str] = set()
        self.failures = 0
        self._printed_at = 0

    def cell_of(self, nodeid: str) -> str | None:
        params = nodeid.rpartition("[")[2].rstrip("]") if nodeid.endswith("]") else ""
        return next((c for c in self.cell_ids if params == c or params.endswith("-" + c)), None)

    def _collected(self, nodeids: Sequence[str]) -> None:
        if self.total:  # every xdist worker reports the same collection
            return
        self.total = len(nodeids)
        self.per_cell = Counter(c for c in map(self.cell_of, nodeids) if c)

    @pytest.hookimpl
    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self._collected([item.nodeid for item in session.items])

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node: Any, ids: Sequence[str]) -> None:
        self._collected(ids)

    @pytest.hookimpl
    def pytest_deselected(self, items: Sequence[pytest.Item]) -> None:
        if not self.total:
            return
        self.total -= len(items)
        for item in items:
            cell = self.cell_of(item.nodeid)
            if cell:
                self.per_cell[cell] -= 1

    @pytest.hookimpl
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.failed:
            self.failures += 1
        if report.when != "teardown" or report.nodeid in self.done:
            return
        self.done.add(report.nodeid)
        cell = self.cell_of(report.nodeid)
        if cell:
            self.done_per_cell[cell] += 1
            if self.done_per_cell[cell] == self.per_cell[cell]:
                self._say(f"cell {cell} done")
                return
        step = max(5, -(-self.total // 10))  # every tenth of the run, at least five cases apart
        if len(self.done) - self._printed_at >= step:
            self._say("progress")

    def _say(self, what: str) -> None:
        self._printed_at = len(self.done)
        cells_done = sum(1 for c, n in self.per_cell.items() if n and self.done_per_cell[c] >= n)
        reporter = self.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is None or not self.total:
            return
        line = (f"[sinkmatrix] {what}: cases {len(self.done)}/{self.total}, "
                f"cells {cells_done}/{len([c for c, n in self.per_cell.items() if n])}, "
                f"failures {self.failures}")
        reporter.ensure_newline()
        reporter.write_line(line)
