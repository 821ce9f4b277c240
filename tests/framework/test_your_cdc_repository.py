"""A CDC engineer's own repository, as the README's "Test your own CDC" has it: sinkmatrix installed from
its wheel (not editable) into the repository's own venv; a plug-in for their CDC — here the reference CDC
run as an outside program through its console script `refcdc` and a config file, importing nothing of
sinkmatrix.refcdc — registered by the repository's pyproject.toml, with a profile of its own there; the
default cases run against it with `pytest --cdc`, and a lost change the framework commits on the sink's
side (the plug-in has no fault hooks) is caught. Nothing under site-packages is edited."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = [pytest.mark.framework, pytest.mark.xdist_group("installed-plugin")]

REPO = Path(__file__).resolve().parents[2]
PLUGIN = REPO / "tests" / "framework" / "plugins" / "refcdc_program.py"
PYPROJECT = '''\
[project]
name = "my-cdc-tests"
version = "0.1.0"

[project.entry-points."sinkmatrix.cdcs"]
refcdc-program = "my_cdc_plugin:RefcdcProgram"

[tool.sinkmatrix.versions.mine]
cdc = "refcdc-program"
backends = ["embedded"]

[build-system]
requires = ["hatchling>=1.21"]
build-backend = "hatchling.build"

[tool.hatch.build.targets.wheel]
packages = ["my_cdc_plugin"]
'''


def _uv() -> str:
    found = shutil.which("uv", path=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    if found is None:
        pytest.fail("uv is a test dependency (pip install -e .[test]); it is not installed here")
    return found


def _tree(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}


def _git_status() -> str:
    return subprocess.run(["git", "status", "--porcelain", "--ignored", "--", "build", "dist", "*.egg-info"],
                          cwd=REPO, capture_output=True, text=True, check=False).stdout


def _summary(repo: Path) -> dict[str, dict[str, str]]:
    return json.loads((repo / "reports" / "latest" / "summary.json").read_text())["tests"]


def test_a_users_repository_runs_the_cases_and_the_detection_on_its_own_cdc(tmp_path: Path) -> None:
    uv, venv, wheels = _uv(), tmp_path / "venv", tmp_path / "wheels"
    status = _git_status()
    subprocess.run([uv, "build", "--wheel", "--quiet", "--out-dir", str(wheels), str(REPO)], check=True,
                   capture_output=True, timeout=300)
    assert _git_status() == status  # a build leaves the checkout as it was (no build/, no *.egg-info)
    [wheel] = wheels.glob("*.whl")
    with zipfile.ZipFile(wheel) as built:
        tops = {n.split("/")[0] for n in built.namelist() if not n.split("/")[0].endswith(".dist-info")}
    assert tops == {"sinkmatrix", "dsl", "matrix", "sinks", "reports", "compose"}, tops
    subprocess.run([uv, "venv", "--quiet", "--python", sys.executable, str(venv)], check=True, timeout=120)
    python = str(venv / "bin" / "python")
    subprocess.run([uv, "pip", "install", "--quiet", "--python", python, *map(str, wheels.glob("*.whl"))],
                   check=True, capture_output=True, timeout=600)

    mine = tmp_path / "my-cdc"
    (mine / "my_cdc_plugin").mkdir(parents=True)
    (mine / "pyproject.toml").write_text(PYPROJECT)
    (mine / "my_cdc_plugin" / "__init__.py").write_text(PLUGIN.read_text())
    shutil.copytree(REPO / "tests" / "cases", mine / "cases")  # the default cases, as a user takes them
    installed = subprocess.run([uv, "pip", "install", "--quiet", "--python", python, str(mine)],
                               capture_output=True, text=True, timeout=600)
    assert installed.returncode == 0, installed.stderr[-2000:]
    site = Path(subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    before = _tree(site)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SINKMATRIX_", "PYTEST_", "VIRTUAL_ENV"))}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    pytest_ = [str(venv / "bin" / "pytest"), "cases", "--cdc", "refcdc-program", "--profile", "mine",
               "-p", "no:cacheprovider", "-q"]

    doctor = subprocess.run([str(venv / "bin" / "sinkmatrix"), "doctor"], cwd=mine, env=env,
                            capture_output=True, text=True, timeout=120)
    assert "refcdc-program (my_cdc_plugin:RefcdcProgram)" in doctor.stdout, doctor.stdout + doctor.stderr

    # the broker-fault cases test the transport, not the user's CDC: they run in the framework's matrix
    cases = subprocess.run([*pytest_, "--sink", "canal-json", "--sink", "mysql", "-k", "not broker"],
                           cwd=mine, env=env,
                           capture_output=True, text=True, timeout=900)
    assert cases.returncode == 0, cases.stdout[-4000:] + cases.stderr[-2000:]
    outcomes = {name.split("::", 1)[1]: test["outcome"] for name, test in _summary(mine).items()}
    assert outcomes["test_simple[canal-json-kafka-mine]"] == "passed", outcomes
    assert outcomes["test_simple[mysql-mysql-mine]"] == "passed", outcomes
    failed = {n: o for n, o in outcomes.items() if o not in ("passed", "skipped")}
    assert failed == {}, failed
    restart = [o for n, o in outcomes.items() if n.startswith("test_cdc_restart")]
    assert restart and set(restart) == {"passed"}, outcomes  # the program restarts by signal

    caught = subprocess.run([*pytest_, "--sink", "canal-json", "-k", "test_simple", "--fault", "drop"],
                            cwd=mine, env=env, capture_output=True, text=True, timeout=600)
    assert caught.returncode == 1, caught.stdout[-4000:] + caught.stderr[-2000:]
    [(_name, test)] = _summary(mine).items()
    assert test["outcome"] == "failed", test  # the lost row is named, not waited out
    assert "did not reflect 1 of 1 keys though it has applied everything" in test["message"], test
    for kind in ("duplicate", "corrupt:family=number", "truncate"):  # other message faults Canal-JSON meets
        caught = subprocess.run([*pytest_, "--sink", "canal-json", "-k", "test_simple", "--fault", kind],
                                cwd=mine, env=env, capture_output=True, text=True, timeout=600)
        outcomes = {test["outcome"] for test in _summary(mine).values()}
        assert caught.returncode == 1 and outcomes == {"failed"}, (kind, caught.stdout[-3000:])

    assert _tree(site) == before  # nothing installed was edited (or added) by either run
