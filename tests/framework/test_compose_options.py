"""Compose options: the CDC from a local build (--cdc-build) and a failed stack kept for inspection."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from sinkmatrix.stack.compose_build import override_for
from sinkmatrix.stack.compose_project import leftover_projects
from sinkmatrix.stack.errors import StackError
from tests.framework import docker_support

pytestmark = [pytest.mark.framework]
REPO = Path(__file__).resolve().parents[2]


def test_a_binary_replaces_the_cdc_entrypoint(tmp_path):
    binary = tmp_path / "cdc"
    binary.write_text("#!/bin/sh\n")
    binary.chmod(0o755)
    text, build = override_for(binary, service="cdc")
    spec = json.loads(text)["services"]["cdc"]
    assert not build
    assert spec["volumes"] == [f"{binary}:/usr/local/bin/sut-cdc:ro"]
    assert spec["entrypoint"] == ["/usr/local/bin/sut-cdc"]


def test_a_ticdc_binary_is_mounted_over_the_images_own():
    text, _ = override_for(Path("/bin/true"), service="ticdc")
    spec = json.loads(text)["services"]["ticdc"]
    assert spec["volumes"] == ["/usr/bin/true:/cdc:ro"] or spec["volumes"] == ["/bin/true:/cdc:ro"]
    assert "entrypoint" not in spec  # TiCDC's command line already runs /cdc


def test_a_build_context_is_built_by_compose(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM sinkmatrix/refcdc:local\n")
    text, build = override_for(tmp_path, service="cdc")
    assert build and json.loads(text)["services"]["cdc"]["build"] == {"context": str(tmp_path)}


def test_a_source_tree_is_mounted_on_the_python_path():
    text, build = override_for(REPO, service="cdc")
    spec = json.loads(text)["services"]["cdc"]
    assert not build and spec["environment"] == {"PYTHONPATH": "/opt/sut"}


def test_anything_else_is_refused_with_what_is_expected(tmp_path):
    with pytest.raises(StackError, match="expected an executable CDC binary"):
        override_for(tmp_path / "missing", service="cdc")


FAILING = textwrap.dedent('''
    def test_fails_on_purpose(ctx, stack):
        ctx.upstream.exec_driver_sql("create table t (id int primary key)")
        ctx.sql.table("t").insert({"id": 1}).send().wait().check()
        print("PROJECT", stack.project.name, flush=True)
        assert False, "deliberate failure"
''')


@pytest.mark.compose
@pytest.mark.xdist_group("compose")
def test_keep_on_failure_leaves_the_stack_up_and_says_how_to_attach(tmp_path):
    docker_support.need_engine()
    case = tmp_path / "test_fails.py"
    case.write_text(FAILING)
    # the user's own state dir: a kept project is listed there, so every reaper leaves it alone
    env = {**os.environ, "SINKMATRIX_REPORTS": str(tmp_path / "reports")}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", str(case), "--backend=compose",
         "--sink=mysql", "--profile=local", "--keep-on-failure", "-s", "-q", "-p", "no:cacheprovider",
         "--rootdir", str(tmp_path)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    named = [line.split()[1] for line in run.stdout.splitlines() if line.startswith("PROJECT")]
    assert named, f"the case never ran:\n{run.stdout[-3000:]}\n{run.stderr[-2000:]}"
    project = named[0]
    try:
        assert run.returncode == 1, run.stdout[-3000:]
        assert "kept mysql-mysql-local@compose up" in run.stdout
        assert f"docker compose -p {project} --env-file" in run.stdout
        assert project in leftover_projects(), "the failed stack was taken down"
    finally:
        subprocess.run([sys.executable, "-m", "sinkmatrix.stack.compose_project", "down", project], cwd=REPO,
                       env=env, check=True, capture_output=True)
    assert project not in leftover_projects()
