"""Merge shard runs into one run dir: one summary.json, one junit.xml, every bundle and log, one report.

Each shard's failure bundles go to failures/<shard>/ and its worker logs to logs/<shard>/, so
nothing collides and triage still finds each test's log records.

    python -m reports.merge [--latest] OUT SHARD_DIR...
"""

from __future__ import annotations

import shutil
import sys
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reports import html, rundir, triage
from reports.summary import RunSummary

# when one node id ran in two shards, the report shows the worse outcome (a failure is never hidden)
_SEVERITY = {"error": 3, "failed": 2, "passed": 1, "xfailed": 1, "skipped": 0}


class MergeError(Exception):
    """The shards cannot be merged as given; the message says which directory and why."""


def shard_names(shard_dirs: Sequence[Path]) -> list[str]:
    """A distinct folder name per shard: its run id, numbered when two shards share one."""
    names: list[str] = []
    for index, shard in enumerate(shard_dirs, 1):
        name = str(triage.load_summary(shard).get("run") or shard.resolve().name)
        names.append(f"{name}-{index}" if name in names else name)
    return names


def merge_tests(shards: Sequence[tuple[str, dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    """All shards' test entries, each bundle path rebased under failures/<shard>/."""
    merged: dict[str, dict[str, Any]] = {}
    for name, summary in shards:
        for nodeid, entry in summary.get("tests", {}).items():
            entry = dict(entry)
            if entry.get("bundle"):
                entry["bundle"] = str(Path("failures", name, _under_failures(entry["bundle"])))
            known = merged.get(nodeid)
            if known is None or _SEVERITY.get(entry.get("outcome", ""), 0) > _SEVERITY.get(
                    known.get("outcome", ""), 0):
                merged[nodeid] = entry
    return merged


def _under_failures(bundle: str) -> Path:
    parts = Path(bundle).parts
    return Path(*parts[1:]) if len(parts) > 1 and parts[0] == "failures" else Path(bundle)


def merge_junit(paths: Sequence[Path], out: Path) -> None:
    """One <testsuites> holding every shard's suites, with totals over all of them."""
    root = ET.Element("testsuites", name="sinkmatrix merged shards")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    time = 0.0
    for path in paths:
        parsed = ET.parse(path).getroot()
        for suite in [parsed] if parsed.tag == "testsuite" else list(parsed.iter("testsuite")):
            root.append(suite)
            for key in totals:
                totals[key] += int(suite.get(key, "0") or 0)
            time += float(suite.get("time", "0") or 0)
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("time", f"{time:.3f}")  # summed: test time, not wall time (the report shows that)
    ET.ElementTree(root).write(out, encoding="utf-8", xml_declaration=True)


def merge(shard_dirs: list[Path], out_dir: Path) -> Path:
    """Combine the shard runs into out_dir and render its report; returns the index.html path."""
    if not shard_dirs:
        raise MergeError("no shard directories given")
    out_dir = out_dir.resolve()
    for shard in shard_dirs:
        if shard.resolve() == out_dir:
            raise MergeError(f"{shard} is both a shard and the output; merge into a new directory")
    names = shard_names(shard_dirs)
    summaries = [(name, triage.load_summary(shard)) for name, shard in zip(names, shard_dirs, strict=True)]
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, shard in zip(names, shard_dirs, strict=True):
        for part in ("failures", "logs"):
            if (shard / part).is_dir():
                shutil.copytree(shard / part, out_dir / part / name, dirs_exist_ok=True)
    junits = [shard / "junit.xml" for shard in shard_dirs if (shard / "junit.xml").is_file()]
    if junits:
        merge_junit(junits, out_dir / "junit.xml")
    combined = RunSummary(out_dir.name, out_dir)  # the same writer as a run's, so the same format
    combined.results = merge_tests(summaries)
    combined.write()
    return html.render(out_dir)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    latest = "--latest" in args  # make reports/latest name the merged run
    args = [a for a in args if a != "--latest"]
    if len(args) < 2 or args[0] in ("-h", "--help"):
        print(__doc__.strip().splitlines()[-1].strip())
        return 0 if args[:1] in (["-h"], ["--help"]) else 2
    try:
        page = merge([Path(a) for a in args[1:]], Path(args[0]))
    except (MergeError, FileNotFoundError, ET.ParseError) as exc:
        print(f"merge: {exc}", file=sys.stderr)
        return 2
    if latest:
        out = Path(args[0]).resolve()
        if out.parent == rundir.reports_root().resolve():
            rundir.point_latest(out.name)
    print(page)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
