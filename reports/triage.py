"""Triage: group a run's failures (across cells, and across shards) by what went wrong, largest first.

A failure's signature is its exception type, its message with run-specific noise taken out (test
database names, numbers, hex ids, addresses, paths, timestamps, binlog positions), the phase it
failed in and the kinds of sink findings. Failures with one signature are most likely one bug, so
"five failures in one group" reads as one bug in five cells.

Cases not run because their cell's CDC died in an earlier case and no new stack could be started
(sinkmatrix.stack.keeper.CellDead) are no bugs of their own: they group by the death and are listed after
the failures, naming the case whose failure to look at.

    python -m reports.triage [RUN_DIR ...]     # default: reports/latest; exit 1 if anything failed
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import textwrap
from collections import defaultdict, deque
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from reports import rundir
from reports.blame import Blame, blame
from sinkmatrix.stack.keeper import NOT_RUN

FAILED = ("failed", "error")
LOG_CONTEXT = 20  # records kept per example: enough to see the steps and waits before the failure
Record = dict[str, Any]  # one structlog JSON record
_MESSAGE_LINES = 6  # a signature looks at the start of the message; a long diff repeats its shape

# Order matters: specific shapes first, bare numbers last.
_NOISE: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bsm_\w+_[0-9a-f]{4,}\b"), "<db>"),  # a test's own database, per run
    (re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.I), "<uuid>"),
    (re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?"), "<time>"),
    (re.compile(r"\b[\w-]*bin(?:log)?\.\d+:\d+\b"), "<binlog-pos>"),
    (re.compile(r"(?<![\w.:/])/(?:[\w.+@-]+/)+[\w.+@-]*"), "<path>"),
    (re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?\b|\blocalhost:\d+\b"), "<addr>"),
    (re.compile(r"\b0x[0-9a-f]+\b|\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{6,}\b", re.I), "<hex>"),
    (re.compile(r"(?<![\w.])-?\d+(?:\.\d+)*(ms|us|s|m|h)?(?!\w)"), r"<n>\1"),  # 120s → <n>s
)


def normalise(text: str) -> str:
    """The message as it would read in any run and cell: noise replaced by placeholders."""
    for pattern, placeholder in _NOISE:
        text = pattern.sub(placeholder, text)
    return re.sub(r"[ \t]+", " ", text).strip()


@dataclass(frozen=True, order=True)
class Signature:
    """What makes two failures the same failure."""

    exception: str
    message: str
    phase: str
    finding_kinds: tuple[str, ...] = ()

    def __str__(self) -> str:
        where = f" in {self.phase!r}" if self.phase else ""
        kinds = f" [findings: {', '.join(self.finding_kinds)}]" if self.finding_kinds else ""
        return f"{self.exception}{where}{kinds}: {self.message.replace(chr(10), ' | ')}"


@dataclass(frozen=True)
class Failure:
    """One failed or errored test of one run, as summary.json tells it."""

    run_dir: Path
    nodeid: str
    case: str
    cell: str
    outcome: str
    exception: str
    message: str  # the exception's full text when the traceback has it, else the headline
    phase: str
    finding_kinds: tuple[str, ...]
    bundle: Path | None

    @property
    def signature(self) -> Signature:
        lines = dict.fromkeys(normalise(line) for line in self.message.splitlines() if line.strip())
        return Signature(self.exception, "\n".join(list(lines)[:_MESSAGE_LINES]),
                         normalise(self.phase), self.finding_kinds)

    @property
    def not_run(self) -> bool:
        """Not run: its cell's CDC died in an earlier case and no new stack could be started."""
        return self.message.startswith(NOT_RUN)


@dataclass(frozen=True)
class Example:
    """The first failure of a group, with its last log records before it failed."""

    run_dir: Path
    nodeid: str
    cell: str
    message: str
    bundle: Path | None
    log: tuple[Record, ...]


@dataclass(frozen=True)
class Group:
    """Failures sharing a signature: most likely one bug, seen in these cells and cases."""

    signature: Signature
    count: int
    cells: tuple[str, ...]
    cases: tuple[str, ...]
    example: Example
    nodeids: tuple[str, ...]
    not_run: bool = False  # cases not run after their cell's CDC died (the death's case failed)

    @property
    def blame(self) -> Blame:
        """Whose fault the group's failures are (reports.blame)."""
        return blame(self.signature.exception, self.example.message, self.signature.finding_kinds)


def load_summary(run_dir: Path) -> dict[str, Any]:
    path = run_dir / "summary.json"
    if not path.is_file():
        raise FileNotFoundError(f"{path} does not exist: is {run_dir} a finished run's directory?")
    summary: dict[str, Any] = json.loads(path.read_text())
    return summary


def exception_text(entry: dict[str, Any], exception: str) -> str:
    """The raised exception's message: the last block of pytest's `E` lines, without the type prefix."""
    blocks: list[list[str]] = []
    previous_was_e = False
    for line in str(entry.get("longrepr") or "").splitlines():
        is_e = line.startswith("E ") or line == "E"
        if is_e:
            if not previous_was_e:
                blocks.append([])
            blocks[-1].append(re.sub(r"^E {0,7}", "", line))
        previous_was_e = is_e
    # the E lines keep the source's indentation: take it off, or the type prefix below is not found
    text = textwrap.dedent("\n".join(blocks[-1])) if blocks else str(entry.get("message") or "")
    if exception:  # "dsl.errors.CheckFailed: ..." → "..."; the type is part of the signature already
        text = re.sub(rf"^(?:[\w.]+\.)?{re.escape(exception)}: ?", "", text)
    return text.strip()


def exception_type(entry: dict[str, Any]) -> str:
    """The type name from pytest's last traceback line ("path.py:63: CheckFailed") or the headline."""
    lines = str(entry.get("longrepr") or "").strip().splitlines()
    last = re.fullmatch(r"\S+:\d+: (\w+)", lines[-1].strip()) if lines else None
    if last:
        return last.group(1)
    head = re.match(r"(?:[\w]+\.)*(\w+):", str(entry.get("message") or ""))
    return head.group(1) if head else "unknown"


def failures(run_dir: Path) -> list[Failure]:
    """The run's failed and errored tests, in the order summary.json lists them."""
    found = []
    for nodeid, entry in load_summary(run_dir).get("tests", {}).items():
        if entry.get("outcome") not in FAILED:
            continue
        bundle = entry.get("bundle")
        exception = entry.get("exception") or exception_type(entry)
        found.append(Failure(
            run_dir=run_dir, nodeid=nodeid, case=entry.get("case", nodeid.split("[", 1)[0]),
            cell=entry.get("cell", "-"), outcome=entry["outcome"],
            exception=exception, message=exception_text(entry, exception), phase=entry.get("phase") or "",
            finding_kinds=tuple(sorted({str(f.get("kind")) for f in entry.get("findings") or []})),
            bundle=run_dir / bundle if bundle else None))
    return found


def log_records(run_dir: Path, nodeids: Collection[str], last: int = LOG_CONTEXT) -> dict[str, list[Record]]:
    """Each test's last `last` records from the run's worker logs (logs/**/*.jsonl), oldest first."""
    wanted = set(nodeids)
    kept: dict[str, deque[Record]] = defaultdict(lambda: deque(maxlen=last))
    for path in sorted((run_dir / "logs").rglob("*.jsonl")) if wanted else ():
        with path.open(errors="replace") as handle:
            for line in handle:
                if '"test": ' not in line:  # cheap: most records belong to no test
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError:
                    continue
                if record.get("test") in wanted:
                    kept[record["test"]].append(record)
    return {nodeid: sorted(rs, key=lambda r: str(r.get("timestamp", ""))) for nodeid, rs in kept.items()}


def bundle_records(bundle: Path | None, last: int = LOG_CONTEXT) -> list[Record]:
    """The test's own records as its failure bundle saved them (when the worker logs are gone)."""
    path = bundle / "test-log.jsonl" if bundle else None
    if path is None or not path.is_file():
        return []
    records = []
    for line in path.read_text(errors="replace").splitlines():
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return records[-last:]


def group(found: Sequence[Failure]) -> list[Group]:
    """Failures grouped by signature; biggest group first, then the one spanning most cells."""
    by_signature: dict[Signature, list[Failure]] = defaultdict(list)
    for failure in found:
        by_signature[failure.signature].append(failure)
    groups = []
    for signature, members in by_signature.items():
        first = members[0]
        groups.append(Group(
            signature=signature, count=len(members),
            cells=tuple(sorted({m.cell for m in members})), cases=tuple(sorted({m.case for m in members})),
            example=Example(first.run_dir, first.nodeid, first.cell, first.message, first.bundle, ()),
            nodeids=tuple(m.nodeid for m in members), not_run=first.not_run))
    return sorted(groups, key=lambda g: (g.not_run, -g.count, -len(g.cells), g.signature))


def triage(run_dirs: list[Path]) -> list[Group]:
    """Group the failures of these runs (one run, or the shards of one) and attach example logs."""
    found = [failure for run_dir in run_dirs for failure in failures(run_dir)]
    groups = group(found)
    by_run: dict[Path, set[str]] = defaultdict(set)
    for g in groups:
        by_run[g.example.run_dir].add(g.example.nodeid)
    records = {run_dir: log_records(run_dir, nodeids) for run_dir, nodeids in by_run.items()}
    return [_with_log(g, records[g.example.run_dir].get(g.example.nodeid) or bundle_records(g.example.bundle))
            for g in groups]


def _with_log(g: Group, log: Iterable[Record]) -> Group:
    return replace(g, example=replace(g.example, log=tuple(log)))


_BOUND = {"event", "level", "logger", "timestamp", "run", "worker", "test", "cell", "database", "phase"}


def own_fields(record: Record) -> str:
    """A record's fields beyond the context every record of a test carries."""
    return " ".join(f"{k}={v}" for k, v in record.items() if k not in _BOUND)


def format_record(record: Record) -> str:
    """One log record on one line: time, level, logger, event, then its own fields."""
    stamp = str(record.get("timestamp", ""))
    clock = stamp[11:23] if len(stamp) >= 23 else stamp
    level, logger, event = record.get("level", ""), record.get("logger", ""), record.get("event", "")
    return f"{clock} {level:5} {logger}: {event} {own_fields(record)}".rstrip()


def counted(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def report(groups: Sequence[Group], width: int = 120, log_lines: int = 4) -> str:
    """One screen: how many failures in how many groups, then each group with an example."""
    total = sum(g.count for g in groups)
    if not total:
        return "no failures"
    not_run = sum(g.count for g in groups if g.not_run)
    after = f" ({not_run} of them not run: their cell's CDC had died)" if not_run else ""
    out = [f"{counted(total, 'failure')} in {counted(len(groups), 'group')}{after}", ""]
    for rank, g in enumerate(groups, 1):
        cells = ", ".join("(no cell)" if c == "-" else c for c in g.cells)
        what = "not run in" if g.not_run else "in"
        out.append(f"#{rank}  {g.count}x  {what} {counted(len(g.cells), 'cell')}: {cells}")
        out.append(f"    {g.signature}")
        out.append(f"    whose fault: {g.blame}")
        cases = ", ".join(c.rsplit("::", 1)[-1] for c in g.cases)
        out.append(f"    cases: {cases}")
        out.append(f"    e.g. {g.example.nodeid}")
        out.extend(f"      {line}" for line in g.example.message.splitlines()[:3])
        out.extend(f"      | {format_record(r)}" for r in g.example.log[-log_lines:])
        if g.example.bundle is not None:
            out.append(f"    bundle: {g.example.bundle}")
        out.append("")
    return "\n".join(line if len(line) <= width else line[: width - 1] + "…" for line in out).rstrip()


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if any(a in ("-h", "--help") for a in args):
        print(__doc__.strip().splitlines()[-1].strip())
        return 0
    run_dirs = [Path(a) for a in args] or [rundir.reports_root() / "latest"]
    try:
        groups = triage(run_dirs)
    except FileNotFoundError as exc:
        print(f"triage: {exc}", file=sys.stderr)
        return 2
    print(report(groups, width=max(80, shutil.get_terminal_size((120, 40)).columns)))
    return 1 if groups else 0


if __name__ == "__main__":
    raise SystemExit(main())
