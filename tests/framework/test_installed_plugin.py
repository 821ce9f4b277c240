"""sinkmatrix installed into another repository: a wheel, a venv of its own, a case in a folder of its own."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

pytestmark = [pytest.mark.framework, pytest.mark.xdist_group("installed-plugin")]

REPO = Path(__file__).resolve().parents[2]
CASE = '''
from dsl import All


def test_my_cdc_copies_rows(ctx):
    ctx.upstream.exec_driver_sql("create table t (id int primary key, v varchar(10))")
    table = ctx.sql.table("t")
    table.insert({"id": 0, "v": "first"}).send().wait().check()
    All(ctx.sql, [table.insert({"id": i, "v": str(i)}).send() for i in range(1, 50)]).wait().check()
'''


def _uv() -> str:
    found = shutil.which("uv", path=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    if found is None:
        pytest.fail("uv is a test dependency (pip install -e .[test]); it is not installed here")
    return found


def _tree(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def test_an_installed_sinkmatrix_runs_a_case_of_another_repository(tmp_path: Path) -> None:
    uv, venv = _uv(), tmp_path / "venv"
    wheels = tmp_path / "wheels"
    subprocess.run([uv, "build", "--wheel", "--quiet", "--out-dir", str(wheels), str(REPO)], check=True,
                   capture_output=True, timeout=300)
    subprocess.run([uv, "venv", "--quiet", "--python", sys.executable, str(venv)], check=True, timeout=120)
    python = str(venv / "bin" / "python")
    subprocess.run([uv, "pip", "install", "--quiet", "--python", python, "--compile-bytecode",
                    *map(str, wheels.glob("*.whl"))], check=True, capture_output=True, timeout=600)
    site = Path(subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    assert site != Path(sysconfig.get_paths()["purelib"])
    before = _tree(site)
    mine = tmp_path / "my-cdc" / "integration"
    mine.mkdir(parents=True)
    (mine / "test_rows.py").write_text(CASE)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SINKMATRIX_", "PYTEST_", "VIRTUAL_ENV"))}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"

    done = subprocess.run([str(venv / "bin" / "pytest"), "--sink", "mysql", "-q", "-p", "no:cacheprovider"],
                          cwd=mine, env=env, capture_output=True, text=True, timeout=300)

    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    latest = mine / "reports" / "latest"
    summary = json.loads((latest / "summary.json").read_text())
    assert {n.split("::")[1]: t["outcome"] for n, t in summary["tests"].items()} == {
        "test_my_cdc_copies_rows[mysql-mysql-local]": "passed"}
    assert (latest / "index.html").is_file()
    assert str(latest.resolve().parent) == str(mine / "reports")
    assert sorted(_tree(site) - before) == []
