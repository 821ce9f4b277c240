"""The end of a run: the plugin freezes what is left alive, after one last collection."""

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

CASE = '''
class Leaky:
    def __init__(self):
        self.me = self

    def __del__(self):
        raise RuntimeError("finalizer of a collected cycle")


def test_leaves_a_cycle():
    Leaky()
'''


def test_a_cycle_left_by_a_test_is_still_finalized_and_reported(tmp_path):
    (tmp_path / "test_leaky.py").write_text(CASE)
    env = {**os.environ, "PYTHONPATH": str(REPO), "SINKMATRIX_REPORTS": str(tmp_path / "reports")}
    done = subprocess.run([sys.executable, "-m", "pytest", "test_leaky.py",
                           "-p", "no:cacheprovider", "-q"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-2000:]
    output = done.stdout + done.stderr  # pytest warns after its summary, on stderr
    assert "PytestUnraisableExceptionWarning" in output
    assert "finalizer of a collected cycle" in output
