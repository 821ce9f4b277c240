"""The Debezium release axis: `--cdc debezium` lists every release's cells, those left out of the
default matrix too; the default matrix stays on the newest."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _collected(*args: str, tmp: Path) -> set[str]:
    argv = [sys.executable, "-m", "pytest", "tests/cases/test_simple.py", "--collect-only", "-q",
            "-p", "no:cacheprovider", *args]
    done = subprocess.run(argv, cwd=REPO, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "SINKMATRIX_REPORTS": str(tmp)})
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return set(re.findall(r"\[(.+?)\]", done.stdout))


def test_cdc_debezium_lists_every_release_and_the_default_matrix_only_the_newest(tmp_path: Path) -> None:
    every = _collected("--cdc", "debezium", tmp=tmp_path / "a")
    releases = {re.sub(r".*-kafka-", "", cell) for cell in every}
    assert {f"debezium-{r}" for r in ("3.0.8", "3.1.1", "3.4.1", "3.6.0", "3.6.1")} <= releases
    default = _collected(tmp=tmp_path / "b")
    assert not any(re.search(r"debezium-3\.\d\.\d\]?$", cell) for cell in default), sorted(default)
    assert any(cell.endswith("debezium-3.6") for cell in default)
