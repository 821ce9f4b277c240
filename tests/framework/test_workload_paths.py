"""`--workloads PATH` runs workload folders from anywhere (a CDC's own repository, a peer's suite) over the
matrix like tests/workloads: found at any depth, one case per folder and cell, named by its path."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from dsl import workload

pytestmark = pytest.mark.framework


def _pytest(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *args],
                          cwd=cwd, capture_output=True, text=True, timeout=300, check=False,
                          env={**os.environ, "SINKMATRIX_REPORTS": str(cwd / "reports")})


def _suite(root: Path) -> Path:
    suite = root / "peer-suite"
    for name, sql in {"basic/rows": "CREATE TABLE t (id INT PRIMARY KEY, v INT);\n"
                                    "INSERT INTO t VALUES (1, 1);\n",
                      "ddl/add_column": "CREATE TABLE u (id INT PRIMARY KEY);\nINSERT INTO u VALUES (1);\n"
                                        "ALTER TABLE u ADD COLUMN w INT NOT NULL DEFAULT 7;\n"}.items():
        (suite / name).mkdir(parents=True)
        (suite / name / "workload.sql").write_text(f"-- {name}: from a peer project's suite\n{sql}")
    return suite


def test_workloads_from_a_folder_outside_the_repository_run_on_the_cells(tmp_path: Path) -> None:
    suite = _suite(tmp_path / "elsewhere")
    (tmp_path / "run").mkdir()
    listed = _pytest(tmp_path / "run", "--workloads", str(suite), "--sink", "mysql", "--collect-only")
    out = listed.stdout + listed.stderr
    assert listed.returncode == 0, out[-3000:]
    assert "basic/rows/workload.sql::test_workload[mysql-mysql-local]" in out, out[-3000:]
    assert "ddl/add_column/workload.sql::test_workload[mysql-mysql-local]" in out, out[-3000:]
    ran = _pytest(tmp_path / "run", "--workloads", str(suite), "--sink", "mysql", "-k", "add_column")
    out = ran.stdout + ran.stderr
    assert ran.returncode == 0, out[-3000:]
    assert "1 passed" in out, out[-3000:]


def test_a_workloads_path_without_workloads_says_what_a_workload_is(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    ran = _pytest(tmp_path, "--workloads", str(tmp_path / "empty"), "--sink", "mysql")
    assert ran.returncode == 4, ran.stdout + ran.stderr
    assert "no workload.sql under it; a workload is a folder holding workload.sql" in ran.stderr
    missing = _pytest(tmp_path, "--workloads", str(tmp_path / "nowhere"), "--sink", "mysql")
    assert missing.returncode == 4 and "no such file or directory" in missing.stderr


@pytest.mark.sinks("mysql")
def test_what_a_workload_sets_stays_in_its_own_session(ctx, tmp_path: Path):
    (tmp_path / "w").mkdir()
    (tmp_path / "w" / "workload.sql").write_text(
        "SET time_zone = '+06:00';\nCREATE TABLE t (id INT PRIMARY KEY, at TIMESTAMP NULL);\n"
        "INSERT INTO t VALUES (1, '2023-11-16 12:34:56');\n")
    [load] = workload.discover(tmp_path)
    assert workload.run(ctx, load, timeout=30).problems == []  # both sides read in one time zone
    zone = ctx.upstream.exec_driver_sql("SELECT @@session.time_zone").scalar()
    assert zone != "+06:00"


LOSES_ROW_1 = "CREATE TABLE t (id INT PRIMARY KEY, v INT);\nINSERT INTO t VALUES (1, 1), (2, 2);\n"


def _caught(tmp_path: Path, header: str, *args: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "suite" / "lost").mkdir(parents=True)
    (tmp_path / "suite" / "lost" / "workload.sql").write_text(header + LOSES_ROW_1)
    return _pytest(tmp_path, "--workloads", str(tmp_path / "suite"), "--sink", "mysql", "-rxXf", *args)


def test_a_declared_catch_is_an_expected_failure_naming_it(tmp_path: Path) -> None:
    header = '-- sinkmatrix: catches mysql-* "missing in the sink" a CDC that loses the first row\n'
    done = _caught(tmp_path, header, "--fault", "drop")
    out = done.stdout + done.stderr
    assert done.returncode == 0, out[-3000:]
    assert "1 xfailed" in out and "catch: a CDC that loses the first row" in out, out[-3000:]


def test_a_declared_catch_that_does_not_happen_fails_the_case(tmp_path: Path) -> None:
    header = '-- sinkmatrix: catches mysql-* "missing in the sink" a CDC that loses the first row\n'
    done = _caught(tmp_path, header)
    out = done.stdout + done.stderr
    assert done.returncode == 1, out[-3000:]
    assert "the catch declared for mysql-mysql-local did not happen" in out, out[-3000:]


def test_another_failure_than_the_declared_catch_stands(tmp_path: Path) -> None:
    header = '-- sinkmatrix: catches mysql-* "ParsingException" a parser that stops\n'
    done = _caught(tmp_path, header, "--fault", "drop")
    out = done.stdout + done.stderr
    assert done.returncode == 1 and "missing in the sink" in out and "xfailed" not in out, out[-3000:]


def test_a_malformed_catch_says_how_to_declare_one(tmp_path: Path) -> None:
    done = _caught(tmp_path, "-- sinkmatrix: catches mysql-* without quotes\n")
    assert done.returncode != 0
    expected = '-- sinkmatrix: catches <cell glob> "<text the failure contains>" <why>'
    assert expected in done.stdout + done.stderr
