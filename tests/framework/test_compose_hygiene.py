"""A compose run killed mid-way (SIGKILL of pytest) leaves nothing behind after the next start."""

import os
import selectors
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from stack import docker_engine, leases
from stack.compose_project import leftover_projects, reap_projects

pytestmark = [pytest.mark.framework, pytest.mark.xdist_group("compose")]
REPO = Path(__file__).resolve().parents[2]
START_DEADLINE = 240.0

VICTIM = textwrap.dedent('''
    import os


    def test_blocks_mid_case(ctx, stack):
        ctx.upstream.exec_driver_sql("create table t (id int primary key, v varchar(20))")
        table = ctx.sql.table("t")
        table.insert({"id": 1, "v": "written"}).send().wait().check()
        print("MIDWAY", stack.project.name, stack.root, flush=True)
        with open(os.environ["VICTIM_FIFO"]) as hold:  # blocks until the test is killed
            hold.read()
''')


@pytest.fixture(scope="module")
def engine():
    reason = docker_engine.engine_status()
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the compose backend: {reason}")
        pytest.skip(reason)


def _read_marker(victim: subprocess.Popen, deadline: float) -> tuple[str, Path]:
    seen = []
    with selectors.DefaultSelector() as selector:
        selector.register(victim.stdout, selectors.EVENT_READ)
        while time.monotonic() < deadline:
            if not selector.select(timeout=deadline - time.monotonic()):
                break
            line = victim.stdout.readline()
            if not line:
                break
            seen.append(line)
            if "MIDWAY" in line:
                _, project, root = line.split()[-3:]
                return project, Path(root)
    raise AssertionError("the victim run never got mid-way:\n" + "".join(seen[-40:]))


def test_sigkilled_compose_run_is_reaped_at_next_start(engine, tmp_path):
    case = tmp_path / "test_victim.py"
    case.write_text(VICTIM)
    fifo = tmp_path / "hold"
    os.mkfifo(fifo)
    state = tmp_path / "state"
    env = {**os.environ, "VICTIM_FIFO": str(fifo), "SINKMATRIX_STATE_DIR": str(state),
           "SINKMATRIX_REPORTS": str(tmp_path / "reports")}
    victim = subprocess.Popen(
        [sys.executable, "-m", "pytest", str(case), "-p", "matrix.plugin", "--backend=compose",
         "--sink=mysql", "-s", "-q", "-p", "no:cacheprovider", "--rootdir", str(tmp_path)],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True)
    try:
        project, root = _read_marker(victim, time.monotonic() + START_DEADLINE)
        assert project in leftover_projects()
        os.killpg(victim.pid, signal.SIGKILL)
        victim.wait(30)
        assert project in leftover_projects(), "containers outlive a SIGKILLed runner"
        assert root.exists() and list((state / "leases").glob("*.json"))
        # the next start: what every stack start runs first
        os.environ["SINKMATRIX_STATE_DIR"] = str(state)
        try:
            leases.reap()
            reap_projects()  # (another compose start on this machine may have reaped it already)
        finally:
            os.environ.pop("SINKMATRIX_STATE_DIR")
        assert project not in leftover_projects()
        assert not root.exists()
        assert not list((state / "leases").glob("*.json"))
        label = f"label=com.docker.compose.project={project}"
        left = subprocess.run(["docker", "ps", "-a", "--filter", label, "-q"],
                              capture_output=True, text=True, check=True).stdout.split()
        networks = subprocess.run(["docker", "network", "ls", "--filter", label, "-q"],
                                  capture_output=True, text=True, check=True).stdout.split()
        assert (left, networks) == ([], [])
    finally:
        if victim.poll() is None:
            os.killpg(victim.pid, signal.SIGKILL)
            victim.wait(30)
