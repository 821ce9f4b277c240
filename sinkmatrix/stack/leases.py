"""Leases on what a run starts (processes, temp dirs), so a later run can reap what a killed one left.

Every process and directory a stack creates is recorded in a lease file under the state dir,
together with the owner (the pytest process) and its start time. `reap()` runs at every stack
start: a lease whose owner is gone has its processes killed and its directories removed (and so
has the temp file of a lease write the owner was killed in). Start times guard against pid reuse.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import structlog

log = structlog.get_logger(__name__)


def state_dir() -> Path:
    """Where leases live; one per user so parallel runs of one user see each other."""
    base = os.environ.get("SINKMATRIX_STATE_DIR") or os.path.join(
        tempfile.gettempdir(), f"sinkmatrix-{os.getuid()}"
    )
    path = Path(base)
    (path / "leases").mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def process_start_time(pid: int) -> int | None:
    """Kernel start time of a process (clock ticks since boot), None if it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    # the command name may hold spaces and parentheses: split after the last ')'
    fields = stat[stat.rindex(")") + 2 :].split()
    if fields[0] in ("Z", "X"):  # exited, waiting to be collected: gone for our purposes
        return None
    return int(fields[19])


def alive(pid: int, start_time: int | None) -> bool:
    current = process_start_time(pid)
    return current is not None and (start_time is None or current == start_time)


def kill_and_wait(pid: int, timeout: float = 10.0) -> None:
    """SIGKILL a process (not necessarily our child) and block until it has exited."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return
    try:
        signal.pidfd_send_signal(fd, signal.SIGKILL)
        select.select([fd], [], [], timeout)  # a pidfd turns readable when the process exits
    except ProcessLookupError:
        pass
    finally:
        os.close(fd)


@dataclass
class Lease:
    """What one owner started: processes to kill and directories to remove."""

    name: str
    owner_pid: int = field(default_factory=os.getpid)
    owner_start: int | None = None
    processes: list[tuple[int, int | None]] = field(default_factory=list)
    directories: list[str] = field(default_factory=list)
    # Services start side by side: one write at a time, or two would race for the one temp file.
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @classmethod
    def acquire(cls, name: str) -> Lease:
        lease = cls(name=f"{name}-{os.getpid()}-{os.urandom(3).hex()}")
        lease.owner_start = process_start_time(lease.owner_pid)
        with lease._lock:
            lease._write()
        return lease

    @staticmethod
    def token() -> str:
        """A short random suffix for names that must not collide across runs and workers."""
        return os.urandom(3).hex()

    @property
    def path(self) -> Path:
        return state_dir() / "leases" / f"{self.name}.json"

    def add_process(self, pid: int) -> None:
        with self._lock:
            self.processes.append((pid, process_start_time(pid)))
            self._write()

    def add_directory(self, path: Path) -> None:
        with self._lock:
            self.directories.append(str(path))
            self._write()

    def scratch_dir(self, prefix: str, where: Path | None = None) -> Path:
        """A new private directory (under `where`, or the temp dir) that goes with this lease."""
        path = Path(tempfile.mkdtemp(prefix=prefix, dir=where))
        self.add_directory(path)
        return path

    def __enter__(self) -> Lease:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def release(self) -> None:
        """Kill what is still running, remove the directories, drop the lease."""
        _clean(self.processes, self.directories)
        self.path.unlink(missing_ok=True)

    def forget(self) -> None:
        """Drop the lease but leave what it holds running and in place (kept for inspection)."""
        self.path.unlink(missing_ok=True)

    def _write(self) -> None:
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(
            json.dumps(
                {
                    "owner_pid": self.owner_pid,
                    "owner_start": self.owner_start,
                    "processes": self.processes,
                    "directories": self.directories,
                }
            )
        )
        os.replace(tmp, self.path)


def _clean(processes: list[tuple[int, int | None]], directories: list[str]) -> None:
    for pid, start in processes:
        if alive(pid, start):
            kill_and_wait(pid)
    for directory in directories:
        shutil.rmtree(directory, ignore_errors=True)


def _owner_from_name(stem: str) -> dict[str, Any]:
    """A lease named `<name>-<owner pid>-<token>` (how `acquire` names it), for a file without content."""
    pid = stem.rsplit("-", 2)[-2] if stem.count("-") >= 2 else ""
    return {"owner_pid": int(pid) if pid.isdigit() else None, "processes": [], "directories": []}


def _read(path: Path) -> dict[str, Any] | None:
    """A lease file's content; a temp file (a kill between its write and its rename) holds the newest
    entries, or when cut short only its name says whose it is. None for a broken lease file."""
    try:
        return dict(json.loads(path.read_text()))
    except (OSError, ValueError):
        return _owner_from_name(path.stem) if path.suffix == ".tmp" else None


def reap() -> list[str]:
    """Clean up after owners that died without releasing; returns the lease names reaped."""
    reaped = []
    leases = state_dir() / "leases"
    for path in sorted(leases.glob("*.json")) + sorted(leases.glob("*.tmp")):
        data = _read(path)
        if data is None:
            path.unlink(missing_ok=True)
            continue
        if data["owner_pid"] is None or alive(data["owner_pid"], data.get("owner_start")):
            continue
        _clean([tuple(p) for p in data["processes"]], data["directories"])
        path.unlink(missing_ok=True)
        if path.stem not in reaped:  # a lease and its temp file are one lease
            reaped.append(path.stem)
        log.info("reaped leftovers", lease=path.stem, processes=len(data["processes"]),
                 directories=len(data["directories"]))
    return reaped
