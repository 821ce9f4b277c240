"""What a killed run leaves behind is removed when the next stack starts."""

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from sinkmatrix.stack import leases

VICTIM = textwrap.dedent("""
    import subprocess, sys
    from sinkmatrix.stack import mariadb
    from sinkmatrix.stack.leases import Lease

    lease = Lease.acquire("victim")
    root = lease.scratch_dir("victim-")
    server = mariadb.start("victim", root=root, lease=lease, binlog=True, server_id=1)
    # a process that would outlive its owner: not tied to the owner's life like the stack's children
    orphan = subprocess.Popen(["sleep", "600"], start_new_session=True)
    lease.add_process(orphan.pid)
    print("VICTIM", server.child.process.pid, orphan.pid, root, flush=True)
    sys.stdin.read()  # hold everything until killed
""")


@pytest.fixture
def state_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("SINKMATRIX_STATE_DIR", str(tmp_path / "state"))
    return tmp_path / "state"


def test_a_killed_runs_processes_and_dirs_are_reaped_at_the_next_start(state_dir):
    victim = subprocess.Popen([sys.executable, "-c", VICTIM], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True, cwd=Path(__file__).resolve().parents[2], env=os.environ.copy())
    line = next(line for line in victim.stdout if line.startswith("VICTIM "))
    server_pid, orphan_pid, root = line.split()[1:]
    server_pid, orphan_pid, root = int(server_pid), int(orphan_pid), Path(root)
    assert leases.alive(orphan_pid, None) and root.is_dir()

    victim.send_signal(signal.SIGKILL)
    victim.wait()
    assert list((state_dir / "leases").glob("*.json")), "the killed run's lease is still on disk"

    reaped = leases.reap()

    assert len(reaped) == 1 and reaped[0].startswith("victim-")
    assert not leases.alive(orphan_pid, None)
    assert not leases.alive(server_pid, None)
    assert not root.exists()
    assert not list((state_dir / "leases").glob("*.json"))


def test_a_live_owners_lease_is_left_alone(state_dir, tmp_path):
    lease = leases.Lease.acquire("alive")
    directory = tmp_path / "kept"
    directory.mkdir()
    lease.add_directory(directory)
    try:
        assert leases.reap() == []
        assert directory.is_dir()
    finally:
        lease.release()
    assert not directory.exists()


def test_a_lease_used_as_a_context_releases_its_scratch_dir_and_processes_also_on_error(state_dir):
    with pytest.raises(RuntimeError, match="boom"), leases.Lease.acquire("scoped") as lease:
        root = lease.scratch_dir("scoped-")
        child = subprocess.Popen(["sleep", "600"], start_new_session=True)
        lease.add_process(child.pid)
        assert root.is_dir() and lease.path.exists()
        raise RuntimeError("boom")
    assert not root.exists() and not lease.path.exists()
    assert child.wait(timeout=10) == -signal.SIGKILL
