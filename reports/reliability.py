"""The detection table: which injected CDC fault each sink's checks catch, how, and how fast.

The detection suite (tests/framework/test_detection.py) records one entry per (fault, cell) — and
per clean run of each scenario — as JSON lines under `<run>/reliability/`; at the end of the run the
table is written to `<run>/reliability.md` (and a section of the HTML report), and to a file of the
user's choice (`--reliability-md RELIABILITY.md`).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from html import escape
from pathlib import Path
from typing import Any

import pytest

from dsl.errors import CheckFailed, SinkProtocolError, WaitTimeout
from sinkmatrix.model.faults import KINDS

DIR = "reliability"
MARKDOWN = "reliability.md"


@dataclass(frozen=True)
class Outcome:
    """How a run ended, in the suite's categories: what a user reading the failure would conclude."""

    category: str  # passed, missing row, extra row, duplicate, out-of-order, value mismatch,
    #                protocol violation, lag (timeout naming keys), stall (no progress), CDC failure,
    #                other
    detail: str


def classify(error: BaseException | None) -> Outcome:
    """The category of a scenario's failure (None: it passed)."""
    if error is None:
        return Outcome("passed", "")
    message = str(error)
    if isinstance(error, SinkProtocolError):
        first = error.findings[0]
        kind = getattr(first, "kind", "?")
        category = kind if kind in ("duplicate", "out-of-order") else "protocol violation"
        return Outcome(category, str(first))
    if isinstance(error, CheckFailed):
        columns = re.findall(r"^\s*(\S+): expected", message, re.M)
        return Outcome("value mismatch", f"column {', '.join(dict.fromkeys(columns)) or '?'}")
    if isinstance(error, WaitTimeout):
        keys = re.findall(r"key \(([^)]*)\)", message)
        named = f"keys ({'), ('.join(keys[:3])})" if keys else "no key named"
        if message.startswith("the CDC pipeline failed"):
            return Outcome("CDC failure", message.split(": ", 1)[1][:160])
        if "no progress" in message:
            return Outcome("stall (no progress)", named)
        if "lags behind" in message:
            return Outcome("lag (timeout naming keys)", named)
        if "still present in the sink" in message:
            return Outcome("extra row", named)
        if "missing in the sink" in message:
            return Outcome("missing row", named)
        return Outcome("timeout", named)
    return Outcome("other", f"{type(error).__name__}: {message[:160]}")


@dataclass(frozen=True)
class Entry:
    fault: str  # "drop", "corrupt:family=json", ... ; "(none)" for a clean run
    scenario: str
    cell: str
    expected: str  # the category the suite demands; "n/a" when the fault does not apply
    category: str
    detail: str
    seconds: float | None  # from the scenario's first write to the failure (or the pass)
    note: str = ""  # why n/a; what a tolerated fault did (restarts, replays)
    hooks: str = "cdc"  # "cdc": the CDC's own fault hooks where it offers the fault; "none": a CDC
    #                     with no fault hooks, the framework commits the fault (consumer or sink side)

    @property
    def ok(self) -> bool:
        return self.expected == "n/a" or self.category == self.expected


def record(run_dir: Path, worker: str, entry: Entry) -> None:
    """Append one entry for this worker (every xdist worker writes its own file)."""
    folder = run_dir / DIR
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / f"{worker}.jsonl").open("a") as out:
        out.write(json.dumps(asdict(entry)) + "\n")


def load(run_dirs: Iterable[Path]) -> list[Entry]:
    entries = []
    for run_dir in run_dirs:
        for path in sorted((run_dir / DIR).glob("*.jsonl")):
            entries += [Entry(**json.loads(line)) for line in path.read_text().splitlines() if line]
    return entries


def _order(entry: Entry) -> tuple[int, str, str]:
    kinds = list(KINDS)
    kind = entry.fault.split(":", 1)[0]
    return (kinds.index(kind) if kind in kinds else len(kinds), entry.fault, entry.cell)


def markdown(entries: list[Entry], run_id: str) -> str:
    """The detection table: faults down, cells across (and a column for a CDC with no fault hooks);
    the same for a CDC with no fault hooks; then each entry in full."""
    entries = sorted(entries, key=_order)
    everything = [e for e in entries if e.fault != "(none)"]
    faulty = [e for e in everything if e.hooks != "none"]
    hookless = [e for e in everything if e.hooks == "none"]
    clean = [e for e in entries if e.fault == "(none)"]
    cells = sorted({e.cell for e in entries})
    faults = list(dict.fromkeys(e.fault for e in everything))
    by = {(e.fault, e.cell): e for e in faulty}
    applied = [e for e in faulty if e.expected != "n/a"]
    caught = sum(1 for e in applied if e.ok)
    bare = [e for e in hookless if e.expected != "n/a"]
    false_alarms = [e for e in clean if e.category != "passed"]
    day = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")
    lines = [
        "# Reliability: injected CDC faults and what the checks make of them",
        "",
        f"Run `{run_id}` on {day} (`nox -s reliability`). Each cell: the category the failure fell in "
        "and the time from the case's first write to the failure; ✅ the expected category, "
        "❌ anything else, — the fault does not apply to that sink (reason below).",
        "",
        f"**{caught} of {len(applied)} fault × sink runs ended as expected; clean runs: "
        f"{len(clean) - len(false_alarms)} of {len(clean)} passed (false alarms: {len(false_alarms)}).**"
        + (f" **A CDC with no fault hooks: {sum(1 for e in bare if e.ok)} of {len(bare)} fault × sink "
           "runs the framework committed itself ended as expected.**" if hookless else ""),
        "",
        "| fault | " + " | ".join(cells) + (" | no fault hooks |" if hookless else " |"),
        "|---|" + "---|" * (len(cells) + bool(hookless)),
    ]
    for fault in faults:
        row = []
        for cell in cells:
            entry = by.get((fault, cell))
            row.append("" if entry is None else _cell_text(entry))
        if hookless:
            row.append(_summary([e for e in hookless if e.fault == fault]))
        lines.append(f"| `{fault}` | " + " | ".join(row) + " |")
    if hookless:
        lines += hookless_section(hookless, cells, faults)
    lines += ["", "## Clean runs (no fault)", "", "| scenario | " + " | ".join(cells) + " |",
              "|---|" + "---|" * len(cells)]
    clean_by = {(e.scenario, e.cell): e for e in clean}
    for scenario in dict.fromkeys(e.scenario for e in clean):
        row = [_cell_text(clean_by[(scenario, cell)]) if (scenario, cell) in clean_by else ""
               for cell in cells]
        lines.append(f"| {scenario} | " + " | ".join(row) + " |")
    lines += ["", "## Details", "", "| fault | cell | scenario | expected | got | detail |",
              "|---|---|---|---|---|---|"]
    for e in faulty + hookless:
        got = e.category if e.expected != "n/a" else "—"
        detail = e.detail if e.expected != "n/a" else e.note
        if e.note and e.expected != "n/a":
            detail = f"{detail} ({e.note})" if detail else e.note
        cell = e.cell if e.hooks != "none" else f"{e.cell} (no fault hooks)"
        lines.append(f"| `{e.fault}` | {cell} | {e.scenario} | {e.expected} | {got} | "
                     f"{_table_text(detail)} |")
    return "\n".join(lines) + "\n"


def hookless_section(hookless: list[Entry], cells: list[str], faults: list[str]) -> list[str]:
    """The table of a CDC with no fault hooks: each fault as the framework committed it itself."""
    by = {(e.fault, e.cell): e for e in hookless}
    lines = ["", "## A CDC with no fault hooks (faults the framework commits itself)", "",
             "The CDC under test stripped of every fault hook (it has no `refuses`, `inject`, `faults`): "
             "the Kafka view bends the records between the transport and the decoders "
             "(`sinks/consumer_faults.py`), the framework tampers with a MySQL sink's rows after the "
             "CDC applied them (`sinks/sink_tamper.py`). — : the framework cannot commit that fault "
             "there (reason in the details).", "",
             "| fault | " + " | ".join(cells) + " |", "|---|" + "---|" * len(cells)]
    for fault in faults:
        if not any((fault, cell) in by for cell in cells):
            continue  # a fault not about the CDC's hooks (the broker's): it has no row here
        row = [_cell_text(by[(fault, cell)]) if (fault, cell) in by else "" for cell in cells]
        lines.append(f"| `{fault}` | " + " | ".join(row) + " |")
    return lines


def _summary(entries: list[Entry]) -> str:
    """A fault's runs on a CDC with no fault hooks, in one cell of the main table."""
    applied = [e for e in entries if e.expected != "n/a"]
    if not applied:
        return "—"
    caught = sum(1 for e in applied if e.ok)
    return f"{'✅' if caught == len(applied) else '❌'} {caught} of {len(applied)} sinks"


def _cell_text(entry: Entry) -> str:
    if entry.expected == "n/a":
        return "—"
    mark = "✅" if entry.ok else "❌"
    took = f" {entry.seconds:.2f}s" if entry.seconds is not None else ""
    return f"{mark} {entry.category}{took}"


def _table_text(text: str) -> str:
    """Text that stays inside one Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")[:240]


def write(run_dir: Path, run_id: str, also: Path | None = None) -> Path | None:
    """Write the run's table (and a copy to `also`); None when the run recorded no entries."""
    entries = load([run_dir])
    if not entries:
        return None
    text = markdown(entries, run_id)
    out = run_dir / MARKDOWN
    out.write_text(text)
    if also is not None:
        also.write_text(text)
    return out


class ReliabilityTable:
    """pytest plugin (controller only): writes the table once every worker has finished."""

    def __init__(self, run_id: str, run_dir: Path, also: str | None) -> None:
        self.run_id, self.run_dir = run_id, run_dir
        self.also = Path(also) if also else None

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        written = write(self.run_dir, self.run_id, self.also)
        if written is not None:
            reporter = session.config.pluginmanager.get_plugin("terminalreporter")
            if reporter is not None:
                reporter.write_line(f"reliability table: {written}"
                                    + (f" (and {self.also})" if self.also else ""))


def html_section(run_dir: Path) -> str:
    """The table as a section of the run's HTML report ('' without one)."""
    entries = sorted(load([run_dir]), key=_order)
    if not entries:
        return ""
    cells = sorted({e.cell for e in entries})
    rows = []
    for fault, hooks in dict.fromkeys((e.fault, e.hooks) for e in entries):
        by = {e.cell: e for e in entries if (e.fault, e.hooks) == (fault, hooks)}
        tds = "".join(_td(by.get(c)) for c in cells)
        name = fault if hooks != "none" else f"{fault} (no fault hooks)"
        rows.append(f"<tr><th>{escape(name)}</th>{tds}</tr>")
    head = "".join(f"<th>{escape(c)}</th>" for c in cells)
    return (f'<section id="reliability"><h2>Fault detection</h2><table class="grid"><tr><th>fault</th>'
            f"{head}</tr>{''.join(rows)}</table>"
            f'<p><a href="{MARKDOWN}">{MARKDOWN}</a></p></section>')


def _td(entry: Entry | None) -> str:
    if entry is None:
        return "<td></td>"
    title = escape(entry.detail or entry.note)
    return f'<td class="{_css(entry)}" title="{title}">{escape(_cell_text(entry))}</td>'


def _css(entry: Entry | None) -> str:
    if entry is None or entry.expected == "n/a":
        return "skipped"
    return "passed" if entry.ok else "failed"


def fault_text(fault: dict[str, Any] | None) -> str:
    """How a fault is named in the table: kind plus its distinguishing settings."""
    if not fault:
        return "(none)"
    extra = [f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in fault.items()
             if k in ("family", "seconds", "nth") and v is not None
             and not (k == "seconds" and fault.get("kind") != "lag") and not (k == "nth" and v == 1)]
    return fault["kind"] + (":" + ",".join(extra) if extra else "")
