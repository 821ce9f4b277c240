"""A failure's bundle keeps every difference, where the message shows the first few."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.framework

CASE = '''
def test_many_rows_lost_in_the_sink(ctx):
    ctx.upstream.exec_driver_sql("create table t (id int primary key, v int)")
    table = ctx.sql.table("t")
    table.insert_many({"id": i, "v": i} for i in range(40)).wait().check()
    ctx.downstream.exec_driver_sql("delete from t where id < 25")  # 25 rows lost after the check
    ctx.sql.sync()
'''


def test_every_difference_is_in_the_bundle_though_the_message_shows_ten(tmp_path: Path) -> None:
    (tmp_path / "test_lost.py").write_text(CASE)
    env = {**os.environ, "SINKMATRIX_REPORTS": str(tmp_path / "reports")}
    done = subprocess.run([sys.executable, "-m", "pytest", "test_lost.py", "--sink", "mysql", "-q",
                           "-p", "no:cacheprovider"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=180)
    assert "… and 15 more" in done.stdout, done.stdout[-3000:]
    summary = json.loads((tmp_path / "reports" / "latest" / "summary.json").read_text())
    [entry] = summary["tests"].values()
    assert entry["outcome"] == "failed"
    bundle = tmp_path / "reports" / "latest" / entry["bundle"]
    lines = (bundle / "differences.txt").read_text().splitlines()
    assert len(lines) == 25, lines
    assert all("missing in the sink" in line for line in lines)
    assert {line.split("key (id=")[1].split(")")[0] for line in lines} == {str(i) for i in range(25)}
