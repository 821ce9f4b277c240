"""A hung case fails at its deadline with a stack dump and diagnostics; the run goes on."""

import json
import os
import shutil
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CASES = textwrap.dedent("""
    import threading

    def test_hangs(ctx):
        ctx.step("When the test waits on something that never happens")
        threading.Event().wait()

    def test_after_the_hung_one(ctx):
        ctx.upstream.exec_driver_sql("create table t (id int primary key)")
        ctx.sql.table("t").insert({"id": 1}).send().wait().check()
""")


@pytest.fixture
def case_dir():
    # under the repository, so its conftest loads the plugin; a dot-dir is never collected by default
    path = REPO / "tests" / f".deadline-{uuid.uuid4().hex[:8]}"
    path.mkdir()
    (path / "test_deadline_cases.py").write_text(CASES)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_a_hung_case_fails_at_its_deadline_with_stacks_and_diagnostics(case_dir, tmp_path):
    env = {**os.environ, "SINKMATRIX_REPORTS": str(tmp_path), "SINKMATRIX_RUN_ID": "deadline"}
    env.pop("PYTEST_XDIST_WORKER", None)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", str(case_dir), "-p", "no:cacheprovider", "--timeout", "3", "-q",
         "--sink", "mysql"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    assert "Timeout (>3.0s)" in out and "Stack of" in out, out  # every thread's stack, in the report
    assert "1 failed, 1 passed" in out, out

    summary = json.loads((tmp_path / "deadline" / "summary.json").read_text())
    hung = next(e for nodeid, e in summary["tests"].items() if "test_hangs" in nodeid)
    assert hung["outcome"] == "failed"
    assert hung["phase"] == "When the test waits on something that never happens"
    context = json.loads((tmp_path / "deadline" / hung["bundle"] / "context.json").read_text())
    assert context["diagnostics"]["cdc_state"] == "streaming"
