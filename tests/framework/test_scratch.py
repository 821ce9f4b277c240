"""Where embedded stacks keep their data: an explicit choice, else a roomy tmpfs, else the temp dir."""

import shutil
import tempfile
from pathlib import Path

import pytest

from matrix import axes
from sinkmatrix.stack import scratch
from sinkmatrix.stack.embedded import EmbeddedStack


@pytest.fixture
def shm(tmp_path, monkeypatch):
    """A stand-in for /dev/shm and the mount table that describes it."""
    path = tmp_path / "shm"
    path.mkdir()
    monkeypatch.setattr(scratch, "SHM", path)
    monkeypatch.delenv(scratch.RUNTIME_ENV, raising=False)
    monkeypatch.delenv("TMPDIR", raising=False)

    def mounted(fstype: str) -> Path:
        mounts = tmp_path / "mounts"
        mounts.write_text(f"/dev/vda / ext4 rw 0 0\nshm {path} {fstype} rw,nosuid 0 0\n")
        return mounts

    return path, mounted


def test_a_roomy_tmpfs_is_chosen(shm, monkeypatch):
    path, mounted = shm
    monkeypatch.setattr(scratch, "MIN_FREE", 1)
    assert scratch.runtime_dir(mounted("tmpfs")) == path


def test_a_small_tmpfs_or_a_disk_is_not(shm, monkeypatch):
    _, mounted = shm
    monkeypatch.setattr(scratch, "MIN_FREE", 1 << 60)
    assert scratch.runtime_dir(mounted("tmpfs")) == Path(tempfile.gettempdir())
    monkeypatch.setattr(scratch, "MIN_FREE", 1)
    assert scratch.runtime_dir(mounted("ext4")) == Path(tempfile.gettempdir())


def test_an_explicit_choice_wins(shm, monkeypatch, tmp_path):
    _, mounted = shm
    monkeypatch.setattr(scratch, "MIN_FREE", 1)
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    assert scratch.runtime_dir(mounted("tmpfs")) == tmp_path / "tmp"
    monkeypatch.setenv(scratch.RUNTIME_ENV, str(tmp_path / "mine"))
    assert scratch.runtime_dir(mounted("tmpfs")) == tmp_path / "mine"


def test_a_stack_lives_in_the_runtime_dir_and_leaves_nothing_there(monkeypatch):
    where = Path(tempfile.mkdtemp(prefix="smrt-"))  # short: the servers' Unix sockets live there
    try:
        monkeypatch.setenv(scratch.RUNTIME_ENV, str(where))
        stack = EmbeddedStack.start(axes.cell("mysql", "mysql", "local"))
        try:
            assert stack.root.parent == where
            assert (stack.root / "upstream").is_dir()
        finally:
            stack.close()
        assert not list(where.iterdir())
    finally:
        shutil.rmtree(where, ignore_errors=True)
