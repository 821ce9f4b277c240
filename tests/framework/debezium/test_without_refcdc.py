"""Debezium cells need nothing of the reference CDC: with every import of `refcdc` refused (in the
run and in every process it starts), a Debezium cell runs a case end to end."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.framework

BLOCK = '''
import sys
class _NoRefcdc:
    def find_spec(self, name, path=None, target=None):
        if name == "sinkmatrix.refcdc" or name.startswith("sinkmatrix.refcdc."):
            raise ImportError(f"{name}: the reference CDC is blocked in this run")
        return None
sys.meta_path.insert(0, _NoRefcdc())
'''
CASE = '''
def test_rows_through_debezium(ctx):
    ctx.upstream.exec_driver_sql("create table t (id int primary key, v varchar(10), d decimal(8,2))")
    table = ctx.sql.table("t")
    table.insert({"id": 1, "v": "one", "d": "1.50"}).send().wait().check()
    table.update({"id": 1, "v": "uno"}).send().wait().check()
    table.delete({"id": 1}).send().wait().check()
    import sys
    assert not [m for m in sys.modules if m.startswith("sinkmatrix.refcdc")]
'''


def test_a_debezium_cell_runs_with_the_reference_cdc_blocked(tmp_path: Path) -> None:
    (tmp_path / "block").mkdir()
    (tmp_path / "block" / "sitecustomize.py").write_text(BLOCK)
    (tmp_path / "test_case.py").write_text(CASE)
    path = [str(tmp_path / "block"), os.environ.get("PYTHONPATH")]
    env = {**os.environ, "SINKMATRIX_REPORTS": str(tmp_path / "reports"),
           "PYTHONPATH": os.pathsep.join(filter(None, path))}
    probe = subprocess.run([sys.executable, "-c", "import sinkmatrix.refcdc"], env=env, capture_output=True,
                           text=True)
    assert probe.returncode != 0 and "blocked" in probe.stderr  # the block holds in child processes

    done = subprocess.run([sys.executable, "-m", "pytest", "test_case.py", "--cdc", "debezium",
                           "--sink", "debezium-json", "-p", "no:cacheprovider", "-q"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)

    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "2 passed" in done.stdout  # the plain and the schemaless JSON cell
