"""A case ends with the final check, the whole-database check: the sink must hold what the upstream
holds, rows written through the DSL or with plain SQL."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.framework

CASES = '''
import pytest


def _corrupt_after_the_last_check(ctx):
    ctx.upstream.exec_driver_sql("create table t (id int primary key, v int, w varchar(8))")
    table = ctx.sql.table("t")
    table.insert({"id": 1, "v": 1, "w": "a"}).send().wait().check()
    table.insert({"id": 2, "v": 2, "w": "b"}).send().wait().check()
    ctx.downstream.exec_driver_sql("update t set w = 'late' where id = 2")  # a late wrong write


def test_corrupted_after_its_last_check(ctx):
    _corrupt_after_the_last_check(ctx)


@pytest.mark.no_final_check
def test_opted_out(ctx):
    _corrupt_after_the_last_check(ctx)


def test_rows_changed_with_plain_sql_after_the_dsl(ctx):
    ctx.upstream.exec_driver_sql("create table t (id int primary key, v int)")
    table = ctx.sql.table("t")
    table.insert({"id": 1, "v": 1}).send().wait().check()
    ctx.upstream.exec_driver_sql("update t set v = 5 where id = 1")  # the sink catches up before the check
'''


def test_the_final_check_fails_a_case_whose_row_went_wrong_after_its_last_check(tmp_path: Path) -> None:
    (tmp_path / "test_late.py").write_text(CASES)
    env = {**os.environ, "SINKMATRIX_REPORTS": str(tmp_path / "reports")}
    done = subprocess.run([sys.executable, "-m", "pytest", "test_late.py", "--sink", "mysql", "-q",
                           "-p", "no:cacheprovider"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=180)
    summary = json.loads((tmp_path / "reports" / "latest" / "summary.json").read_text())
    outcomes = {nodeid.split("::")[1]: test["outcome"] for nodeid, test in summary["tests"].items()}
    assert outcomes == {"test_corrupted_after_its_last_check[mysql-mysql-local]": "failed",
                        "test_opted_out[mysql-mysql-local]": "passed",
                        "test_rows_changed_with_plain_sql_after_the_dsl[mysql-mysql-local]": "passed"}, \
        done.stdout[-3000:]
    assert "1 difference(s) between the upstream and the sink over 1 table(s), 2 row(s)" in done.stdout
    assert "key (id=2)" in done.stdout and "w: expected 'b', actual 'late'" in done.stdout
