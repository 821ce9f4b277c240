"""The run summary: outcomes per cell and case in summary.json, and a closing line naming the report.

summary.json = {"run": id, "totals": {outcome: n}, "cells": {cell: {outcome: n}},
                "tests": {nodeid: {"case", "cell", "duration",
                                   "outcome" (passed|failed|error|skipped|xfailed: a known bug caught),
                                   and for failures "message", "longrepr", "phase", "when",
                                   "exception", "findings" [Finding as dict], "bundle" (dir under the run),
                                   "not_run" (true: an error because the cell's CDC had died, see
                                   sinkmatrix.stack.keeper)}}}
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reports import html, left_out
from sinkmatrix.stack.keeper import NOT_RUN

# failure details the plugin attaches to a report (see matrix.plugin._failure_details)
_DETAILS = ("phase", "when", "exception", "findings", "bundle")


class RunSummary:
    """Collects test reports (the controller sees every worker's) and writes summary.json."""

    def __init__(self, run_id: str, run_dir: Path,
                 store_durations: Callable[[dict[str, float]], None] | None = None) -> None:
        """`store_durations`: where the run's test durations go (--store-durations), if anywhere."""
        self.run_id, self.run_dir = run_id, run_dir
        self.store_durations = store_durations
        self.results: dict[str, dict[str, Any]] = {}

    @pytest.hookimpl
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        properties = dict(report.user_properties)
        entry = self.results.setdefault(report.nodeid, {
            "case": report.nodeid.split("[", 1)[0], "cell": properties.get("cell", "-"),
            "worker": _worker(report), "outcome": "passed", "duration": 0.0})
        entry["duration"] += report.duration
        for noted in ("left_out", "progress_misses"):  # kept whatever the outcome
            if noted in properties:
                entry[noted] = properties[noted]
        if report.failed and entry["outcome"] in ("passed", "skipped"):  # the first failure tells
            entry["outcome"] = "error" if report.when != "call" else "failed"
            entry["message"] = _headline(report)
            entry["longrepr"] = str(report.longrepr)
            entry.update({k: properties[k] for k in _DETAILS if k in properties})
            if NOT_RUN in entry["message"]:
                entry["not_run"] = True
        elif report.skipped and entry["outcome"] == "passed" and getattr(report, "wasxfail", ""):
            entry["outcome"] = "xfailed"  # a known bug caught with its diagnosis (matrix.known_bugs)
            entry["message"] = str(report.wasxfail)[:300]
        elif report.skipped and entry["outcome"] == "passed":
            entry["outcome"] = "skipped"
            entry["message"] = _headline(report)

    def write(self) -> dict[str, Any]:
        cells: dict[str, Counter[str]] = defaultdict(Counter)
        for entry in self.results.values():
            cells[entry["cell"]][entry["outcome"]] += 1
        summary = {
            "run": self.run_id,
            "totals": dict(Counter(e["outcome"] for e in self.results.values())),
            "cells": {cell: dict(counts) for cell, counts in sorted(cells.items())},
            "tests": self.results,
        }
        (self.run_dir / "summary.json").write_text(json.dumps(summary, indent=2))
        if self.store_durations is not None:
            self.store_durations({nodeid: e["duration"] for nodeid, e in self.results.items()})
        return summary

    @pytest.hookimpl(trylast=True)
    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        summary = self.write()
        page = html.render(self.run_dir)
        tr = terminalreporter
        tr.section("sinkmatrix report")
        not_run = Counter(e["cell"] for e in summary["tests"].values() if e.get("not_run"))
        for cell, counts in summary["cells"].items():
            name = "(no cell)" if cell == "-" else cell
            dead = f"  ({not_run[cell]} not run: the CDC died)" if not_run[cell] else ""
            tr.line(f"{name:32} " + "  ".join(f"{k} {v}" for k, v in sorted(counts.items())) + dead)
        if caught := summary["totals"].get("xfailed"):
            tr.line(f"expected failures: {caught} — known bugs and declared catches, each caught with the "
                    "diagnosis it names (tests/cases/known_bugs, a suite's catches; summary.json: xfailed)")
        if line := left_out.terminal_line(summary["tests"]):
            tr.line(line)
        if misses := sum(len(e.get("progress_misses", ())) for e in summary["tests"].values()):
            tr.line(f"{misses} wait(s) ended at their deadline, not by the sink's progress: a CDC progress "
                    "signal is broken or slow (summary.json: progress_misses; --strict-progress fails them)")
        tr.line(f"report: {page}  (summary.json, junit.xml, rerun.txt, logs/, failures/)")
        if summary["totals"].get("failed") or summary["totals"].get("error"):
            tr.line(f"triage: python -m reports.triage {self.run_dir}")


def _worker(report: pytest.TestReport) -> str:
    """The xdist worker that ran the test ('main' without xdist)."""
    gateway = getattr(getattr(report, "node", None), "gateway", None)
    return str(getattr(gateway, "id", "main"))


def _headline(report: pytest.TestReport) -> str:
    crash = getattr(report.longrepr, "reprcrash", None)
    text = crash.message if crash is not None else str(report.longrepr)
    return text.strip().splitlines()[0][:300] if text.strip() else ""
