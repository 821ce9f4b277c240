"""What a newcomer waits for: `./run matrix` on a fresh copy (no .venv, no .nox) and again warm, each
next to the time its pytest runs took (what pytest itself reports), in one run.

The package caches (pip's, uv's, apt's) are the machine's: the cold figure is the setup cost of a new
checkout on a machine that has fetched the packages before, not a download benchmark.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sinkmatrix.bench.measure import Result

REPO = Path(__file__).resolve().parents[2]
_PYTEST_DONE = re.compile(r"^=+ .*\b(?:passed|failed)\b.* in ([\d.]+)s")


def fresh_copy(target: Path, repo: Path = REPO) -> Path:
    """The working tree as a clone of it would be: tracked and new files, nothing git ignores."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=repo, capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = repo / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def outside_environment() -> dict[str, str]:
    """The environment a user's shell would have: none of this process's venv or run settings."""
    here = str(Path(sys.executable).parent)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SINKMATRIX_", "VIRTUAL_ENV", "NOX"))}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p != here)
    return env


def run_matrix(checkout: Path) -> tuple[float, float]:
    """(wall seconds of `./run matrix`, seconds its pytest runs reported, summed)."""
    began = time.perf_counter()
    done = subprocess.run(["./run", "matrix"], cwd=checkout, env=outside_environment(),
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - began
    if done.returncode != 0:
        raise RuntimeError(f"./run matrix failed in {checkout}:\n{done.stdout[-3000:]}\n"
                           f"{done.stderr[-2000:]}")
    pytest_seconds = sum(float(m.group(1)) for line in done.stdout.splitlines()
                         if (m := _PYTEST_DONE.match(line)))
    return wall, pytest_seconds


def run_matrix_cold_and_warm(rounds: int = 2) -> list[Result]:
    """Each round: a fresh copy, `./run matrix` (cold), then `./run matrix` again there (warm)."""
    cold: list[tuple[float, float]] = []
    warm: list[tuple[float, float]] = []
    for _ in range(rounds):
        with tempfile.TemporaryDirectory(prefix="sm-bench-checkout-") as where:
            checkout = fresh_copy(Path(where) / "sinkmatrix")
            cold.append(run_matrix(checkout))
            warm.append(run_matrix(checkout))
    (c_wall, c_pytest), (w_wall, w_pytest) = _medians(cold), _medians(warm)
    return [
        Result("./run matrix, cold (fresh copy: no .venv, no .nox)", c_wall, "s", c_pytest, c_wall / c_pytest,
               "<= 45 s", c_wall <= 45.0,
               note=f"median of {rounds}; baseline: the pytest time of the same run (pytest's own totals, "
                    "summed over the sinks' sessions); the machine's package caches are warm"),
        Result("./run matrix, warm (the same copy again)", w_wall, "s", w_pytest, w_wall / w_pytest,
               "<= 1.5x pytest", w_wall / w_pytest <= 1.5,
               note=f"median of {rounds}; right after the cold run in the same copy; baseline as above"),
    ]


def _medians(pairs: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)
