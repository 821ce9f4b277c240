"""A workload's whole-database check catches what the CDC loses: with a change dropped, the workload
fails naming the table and the key — on every cell, and through the command line's `--fault drop`."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from dsl import CheckFailed, workload

REPO = Path(__file__).resolve().parents[2]
LOST_ROW = "CREATE TABLE t (id INT PRIMARY KEY, v INT);\nINSERT INTO t VALUES (1, 1), (2, 2);\n"


@pytest.mark.fault("drop")
@pytest.mark.no_final_check  # the dropped change stays missing
def test_a_dropped_change_fails_the_workload_naming_table_and_key(ctx, tmp_path: Path) -> None:
    (tmp_path / "lost_row").mkdir()
    (tmp_path / "lost_row" / "workload.sql").write_text(LOST_ROW)
    [load] = workload.discover(tmp_path)
    with pytest.raises(CheckFailed) as failure:
        workload.run(ctx, load, timeout=15)
    message = str(failure.value)
    assert f"table {ctx.database}.t key (id=1): missing in the sink (expected {{id=1, v=1}})" in message
    assert "key (id=2)" not in message


def test_a_run_with_fault_drop_fails_a_workload_naming_table_and_key(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/workloads/key_combinations",
         "--sink", "mysql", "--fault", "drop", "-p", "no:cacheprovider", "-q"],
        cwd=REPO, capture_output=True, text=True, timeout=300, check=False,
        env={**os.environ, "SINKMATRIX_REPORTS": str(tmp_path / "reports")})
    out = run.stdout + run.stderr
    assert run.returncode == 1, out[-3000:]
    assert re.search(r"CheckFailed: database sm_test_workload\w+: 1 difference", out), out[-3000:]
    assert re.search(r"table sm_test_workload\w+\.\w+ key \([^)]+\): missing in the sink", out), out[-3000:]
