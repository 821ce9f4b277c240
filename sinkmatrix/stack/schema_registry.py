"""The embedded schema registry (the `schemareg` package) as a child process of a stack: started
under a lease, stopped with it."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from sinkmatrix.schemareg import READY_MARKER
from sinkmatrix.stack.errors import StackError
from sinkmatrix.stack.leases import Lease
from sinkmatrix.stack.ports import LOOPBACK
from sinkmatrix.stack.processes import Child

_READY_TIMEOUT = 30.0
_STOP_GRACE = 5.0


class RegistryProcess:
    """A running registry: its base URL, store file and log; `stop()` ends it."""

    def __init__(self, child: Child, url: str, store: Path) -> None:
        self.child = child
        self.url = url
        self.store = store

    @property
    def log_path(self) -> Path:
        return self.child.log_path

    def stop(self, grace: float = _STOP_GRACE) -> None:
        """SIGTERM, then SIGKILL if it has not exited within `grace` seconds."""
        self.child.stop(grace=grace)

    def __repr__(self) -> str:
        return f"RegistryProcess({self.url}, store={self.store})"


def start(root: Path, lease: Lease, *, store: Path | None = None, name: str = "schemareg") -> RegistryProcess:
    """Start a registry on a free loopback port, its log and (by default) store under `root`.

    Starting again with the same store file gives back the same subjects, versions and ids.
    """
    root.mkdir(parents=True, exist_ok=True)
    store = store if store is not None else root / "registry.json"
    argv = [sys.executable, "-m", "sinkmatrix.schemareg", "--host", LOOPBACK, "--port", "0",
            "--store", str(store), "--log-level", "debug"]
    path = os.environ.get("PYTHONPATH")
    env = {**os.environ, "PYTHONPATH": _source_root() + (os.pathsep + path if path else "")}
    child = Child(name, argv, lease=lease, log_path=root / f"{name}.log", ready_marker=READY_MARKER,
                  env=env)
    try:
        child.wait_ready(_READY_TIMEOUT)
        return RegistryProcess(child, _announced_url(child), store)
    except BaseException:
        child.stop()
        raise


def _source_root() -> str:
    """The directory holding the `schemareg` package, so the child imports this very copy."""

    return str(Path(__file__).resolve().parents[2])


def _announced_url(child: Child) -> str:
    for line in reversed(child.tail()):
        if line.startswith(READY_MARKER):
            return line[len(READY_MARKER):].strip()
    raise StackError(f"{child.name} got ready without announcing its URL (log {child.log_path})")
