"""Soak: the full default matrix N times in a row; every failure with its triage group.

    python -m matrix.soak [--runs 20] [--record SOAK.md] [-- pytest args]

Each run is a complete pytest run of tests/cases over the default cells (as `nox -s matrix` runs
them), in its own run directory `reports/<soak-id>/<i>`; the soak's summary (runs, cases, failures
grouped by triage signature across all runs, wall times) goes to `reports/<soak-id>/soak.md` and,
with --record, to a file kept with the project. Exit 1 if any run had a failure.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from matrix import command
from reports import rundir, triage


@dataclass(frozen=True)
class RunResult:
    index: int
    run_dir: Path
    seconds: float
    totals: dict[str, int]
    exit_code: int


def run_once(index: int, run_id: str, workers: str, extra: Sequence[str]) -> RunResult:
    """One full matrix run; its totals from its summary.json."""
    env = {**command.environment(), rundir.RUN_ID_ENV: run_id}
    argv = [sys.executable, "-m", "pytest", *command.CASE_DIRS, "-n", workers, *command.PYTEST_ARGS, "-q",
            *extra]
    began = time.monotonic()
    done = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, check=False)
    seconds = time.monotonic() - began
    run_dir = rundir.run_dir(run_id)
    (run_dir / "console.txt").write_text(done.stdout)
    try:
        totals = dict(triage.load_summary(run_dir).get("totals", {}))
    except (OSError, ValueError):
        totals = {}
    return RunResult(index, run_dir, seconds, totals, done.returncode)


def summary(soak_id: str, results: list[RunResult], workers: str) -> str:
    groups = triage.triage([r.run_dir for r in results])
    failed_runs = [r for r in results if r.exit_code != 0 or any(r.totals.get(k) for k in triage.FAILED)]
    cases = [sum(r.totals.values()) for r in results]
    times = [r.seconds for r in results]
    lines = [
        "# Soak: the full default matrix, run after run",
        "",
        f"Soak `{soak_id}` finished {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC: "
        f"**{len(results)} runs, {len(results) - len(failed_runs)} without a failure**; "
        f"{sum(cases)} cases in all ({min(cases, default=0)}–{max(cases, default=0)} per run), "
        f"pytest -n {workers}.",
        "",
        f"Wall time per run: median {statistics.median(times):.1f} s, "
        f"min {min(times):.1f} s, max {max(times):.1f} s; soak total {sum(times) / 60:.1f} min."
        if times else "",
        "",
        "| run | exit | passed | failed | error | skipped | seconds |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        t = r.totals
        lines.append(f"| {r.index} | {r.exit_code} | {t.get('passed', 0)} | {t.get('failed', 0)} | "
                     f"{t.get('error', 0)} | {t.get('skipped', 0)} | {r.seconds:.1f} |")
    lines += ["", "## Failures by triage group", ""]
    if not groups:
        lines.append("None.")
    for g in groups:
        lines += [f"- **{g.count}×** {g.signature} — cells: {', '.join(g.cells)}",
                  f"  first: `{g.example.nodeid}`"]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m matrix.soak", description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="how many full matrix runs (default 20)")
    parser.add_argument("--workers", default=os.environ.get("SINKMATRIX_WORKERS", "auto"),
                        help="pytest-xdist workers per run (default auto)")
    parser.add_argument("--record", type=Path, default=None, help="also write the summary here")
    parser.add_argument("pytest_args", nargs="*", help="after --: passed to every pytest run")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    soak_id = os.environ.get(rundir.RUN_ID_ENV) or rundir.new_run_id()
    results = []
    for index in range(1, args.runs + 1):
        result = run_once(index, f"{soak_id}/{index:02d}", args.workers, args.pytest_args)
        results.append(result)
        bad = sum(result.totals.get(k, 0) for k in triage.FAILED)
        print(f"[soak] run {index}/{args.runs}: exit {result.exit_code}, {result.totals}, "
              f"{result.seconds:.1f}s" + (f" — {bad} failing, see {result.run_dir}" if bad else ""),
              flush=True)
    text = summary(soak_id, results, args.workers)
    out = rundir.run_dir(soak_id) / "soak.md"
    out.write_text(text)
    if args.record is not None:
        args.record.write_text(text)
    print(text)
    print(f"soak summary: {out}" + (f" (and {args.record})" if args.record else ""))
    failed = any(r.exit_code != 0 for r in results)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
