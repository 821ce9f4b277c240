"""Real sharded runs: shards 1/3..3/3 run every item once, and their merge equals an unsharded run."""

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CASES = ["tests/cases/test_simple.py", "tests/cases/test_update.py", "tests/cases/test_delete.py",
         "tests/cases/test_composite_key.py", "tests/cases/test_handle_key.py"]


def run(reports: Path, run_id: str, *extra: str) -> dict:
    env = {**os.environ, "SINKMATRIX_REPORTS": str(reports), "SINKMATRIX_RUN_ID": run_id}
    done = subprocess.run([sys.executable, "-m", "pytest", *CASES, "-q", "-p", "no:cacheprovider",
                           "--sink", "mysql", "--sink", "canal-json+tidb", *extra],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:]
    return json.loads((reports / run_id / "summary.json").read_text())


def outcomes(summary: dict) -> dict[str, str]:
    return {nodeid: entry["outcome"] for nodeid, entry in summary["tests"].items()}


def test_shards_run_every_item_once_and_merge_to_the_unsharded_result(tmp_path):
    whole = outcomes(run(tmp_path, "whole"))
    parts = [outcomes(run(tmp_path, f"shard-{i}", "--shard", f"{i}/3")) for i in (1, 2, 3)]

    ran = [nodeid for part in parts for nodeid in part]
    assert sorted(ran) == sorted(whole)  # every item, exactly once
    assert all(parts), "a shard ran nothing"

    from reports.merge import merge
    merge([tmp_path / f"shard-{i}" for i in (1, 2, 3)], tmp_path / "merged")
    merged = json.loads((tmp_path / "merged" / "summary.json").read_text())
    assert outcomes(merged) == whole


def test_each_cell_runs_whole_on_one_worker(tmp_path):
    summary = run(tmp_path, "workers", "-n", "2", "--dist", "loadgroup")
    workers: dict[str, set[str]] = {}
    for entry in summary["tests"].values():
        workers.setdefault(entry["cell"], set()).add(entry["worker"])
    assert sorted(workers) == ["canal-json+tidb-kafka-local", "mysql-mysql-local"]
    assert all(len(ran) == 1 for ran in workers.values()), workers  # its stack started once
    assert set().union(*workers.values()) == {"gw0", "gw1"}  # and the two cells went to both


def test_cases_run_without_xdist_loaded(tmp_path):
    """The cell grouping marks only where xdist is loaded (its marker is unknown otherwise)."""
    summary = run(tmp_path, "no-xdist", "-p", "no:xdist", "-k", "test_simple")
    assert summary["totals"] == {"passed": 2}
