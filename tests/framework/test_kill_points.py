"""A run SIGKILLed at stack start, mid-case or teardown, on either backend, leaves nothing behind once
the next stack has started: no process, listening port, lease, temp dir, Kafka host or container.

Each variant runs a victim pytest run (tests/framework/kill_victim.py) on the local avro cell (MariaDB
both sides, the reference CDC, Kafka and the schema registry) and follows its progress on pipes:

- stack-start: embedded, the stack's lease got its first process (the upstream MariaDB); compose, the
  project's first container started (`docker events`). Either way the stack is not ready yet.
- mid-case: the case's first row went through the sink; it keeps writing rows.
- teardown: the stack's close has begun.

The victim's process group is SIGKILLed a random 0-200 ms after the point shows (seeded;
SINKMATRIX_KILL_SEED repeats a run). The test lists what the victim had started, starts the next stack
the way a new run does (its reaping comes first), and lists what is left: every list must be empty.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from matrix import axes
from sinkmatrix.stack import leases
from sinkmatrix.stack.compose import ComposeOptions, ComposeStack
from sinkmatrix.stack.compose_project import leftover_projects
from sinkmatrix.stack.embedded import EmbeddedStack
from tests.framework import docker_support, kill_victim
from tests.framework.kill_victim import Inventory, Lines, Victim

pytestmark = pytest.mark.framework

POINTS = ("stack-start", "mid-case", "teardown")
BACKENDS = [pytest.param("embedded"),
            pytest.param("compose", marks=[pytest.mark.compose, pytest.mark.xdist_group("compose")])]
VICTIM_SINK = "avro"  # the fullest local stack: Kafka host and schema registry besides MariaDB and the CDC
NEXT_CELL = {"embedded": axes.cell("mysql", "mysql", "local"),
             "compose": axes.cell("mysql", "mysql", "local", backend="compose")}
POINT_DEADLINE = {"embedded": 60.0, "compose": 240.0}  # compose: CI may build the local images first
MAX_EXTRA_DELAY = 0.2
SEED = int(os.environ.get("SINKMATRIX_KILL_SEED") or random.SystemRandom().randrange(2**32))


@pytest.fixture(scope="module")
def engine() -> None:
    """Docker with compose, or a skip saying why."""
    docker_support.need_engine()


@pytest.fixture
def victim_tmp() -> Iterator[Path]:
    """A short private TMPDIR for the victim (its stacks put Unix sockets in temp dirs)."""
    path = Path(tempfile.mkdtemp(prefix="smkill-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _is_point(point: str, backend: str) -> str:
    """The marker that shows the point has been reached."""
    if point == "stack-start" and backend == "compose":
        return "POINT container-start"
    return f"POINT {point}"


def _kill_at(victim: Victim, lines: Lines, marker: str, delay: float, deadline: float,
             docker: bool) -> tuple[str, Inventory]:
    """Wait for the point, let `delay` pass, take the victim's processes, kill its process group."""
    seen = lines.first(lambda line: marker in line, time.monotonic() + deadline)
    assert seen is not None, f"the victim never reached {marker!r}:\n{lines.tail()}"
    lines.drain(time.monotonic() + delay)
    finished = victim.process.poll() is not None
    inventory = kill_victim.before_kill(victim)
    kill_victim.kill_group(victim.process)
    kill_victim.after_kill(victim, inventory, docker)
    return ("the victim had exited by itself before the kill" if finished else "killed"), inventory


def _next_start(backend: str, state: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> float:
    """Start (and close) a stack as a new run would, sharing the victim's state dir; its seconds."""
    monkeypatch.setenv("SINKMATRIX_STATE_DIR", str(state))
    began = time.perf_counter()
    cell = NEXT_CELL[backend]
    if backend == "compose":
        options = ComposeOptions(logs_dir=tmp_path / "next-logs", run="killnext")
        ComposeStack.start_compose(cell, options).close()
    else:
        EmbeddedStack.start(cell).close()
    return time.perf_counter() - began


def _check_something_was_left(backend: str, point: str, inventory: Inventory, where: str) -> None:
    """Before the next start: the kill did leave things (so the test shows they get removed)."""
    if point == "teardown":
        return  # the close may have been through before the kill landed
    description = kill_victim.describe(inventory)
    assert inventory.lease_files and inventory.directories, f"{where}: no lease left\n  {description}"
    assert any(os.path.isdir(d) for d in inventory.directories), f"{where}: no directory left"
    if backend == "embedded":
        assert len(inventory.processes) > 1, f"{where}: no stack process seen\n  {description}"
    else:
        projects = inventory.docker.projects
        assert projects and projects <= leftover_projects().keys(), \
            f"{where}: containers outlive a SIGKILLed runner\n  {description}"


@pytest.mark.parametrize("point", POINTS)
@pytest.mark.parametrize("backend", BACKENDS)
def test_a_run_killed_at_a_point_leaves_nothing_after_the_next_start(
        backend: str, point: str, request: pytest.FixtureRequest, tmp_path: Path, victim_tmp: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Kill at the point, take the inventory, start the next stack, list what is left."""
    if backend == "compose":
        request.getfixturevalue("engine")
    delay = random.Random(f"{SEED}:{backend}:{point}").uniform(0.0, MAX_EXTRA_DELAY)
    where = (f"{backend}, killed {delay * 1000:.0f} ms after {point} "
             f"(seed {SEED}: SINKMATRIX_KILL_SEED={SEED} repeats it)")
    victim = kill_victim.launch(tmp_path, victim_tmp, backend=backend, point=point, sink=VICTIM_SINK)
    with kill_victim.watched(victim, docker_events=backend == "compose") as lines:
        how, inventory = _kill_at(victim, lines, _is_point(point, backend), delay, POINT_DEADLINE[backend],
                                  docker=backend == "compose")
        where = f"{where}; {how}"
        _check_something_was_left(backend, point, inventory, where)
        seconds = _next_start(backend, victim.state, tmp_path, monkeypatch)
    left = kill_victim.leftovers(victim, inventory, docker=backend == "compose")
    listing = "\n".join(f"  {kind}: {', '.join(items)}" for kind, items in left.items() if items)
    assert not listing, (f"{where}: left after the next start ({seconds:.1f} s):\n{listing}\n"
                         f"the victim had started:\n  {kill_victim.describe(inventory)}\n"
                         f"its last output:\n{lines.tail(15)}")
    if backend == "compose":
        assert not inventory.docker.projects & leftover_projects().keys()


CAUGHT_IN_A_LEASE_WRITE = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    from sinkmatrix.stack.leases import Lease

    lease = Lease.acquire("caught")
    os.replace = lambda *_: os.kill(os.getpid(), signal.SIGKILL)  # killed between write and rename
    lease.add_directory(Path(sys.argv[1]))
""")


def test_a_run_killed_inside_a_lease_write_is_reaped_at_the_next_start(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The narrowest point: the lease's new content is in its temp file, not yet renamed over it."""
    state, made = tmp_path / "state", tmp_path / "made-just-now"
    made.mkdir()
    monkeypatch.setenv("SINKMATRIX_STATE_DIR", str(state))
    victim = subprocess.run([sys.executable, "-c", CAUGHT_IN_A_LEASE_WRITE, str(made)], cwd=kill_victim.REPO,
                            capture_output=True, text=True, check=False)
    assert victim.returncode == -signal.SIGKILL, victim.stderr
    written = sorted(p.name for p in (state / "leases").iterdir())
    assert [name.rpartition(".")[2] for name in written] == ["json", "tmp"], written

    leases.reap()

    left = sorted(p.name for p in (state / "leases").iterdir())
    assert (left, made.exists()) == ([], False), f"left after the next start: {left}, {made} exists"
