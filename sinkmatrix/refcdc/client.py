"""Test-side handle on a reference CDC process: start it, follow its status feed, wait on position.

Waiting is pushed, not polled: a daemon thread reads the status socket and notifies a Condition
on every message, so `wait_past` returns as soon as the CDC reports the commit that passed.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import structlog

from sinkmatrix.model.changes import Position
from sinkmatrix.model.faults import FaultSpec
from sinkmatrix.model.servers import DatabaseServer
from sinkmatrix.refcdc import control
from sinkmatrix.refcdc.config import Config, Endpoint
from sinkmatrix.refcdc.faults import CRASH_EXIT
from sinkmatrix.refcdc.status import READY_LINE, Status
from sinkmatrix.stack.errors import StackError
from sinkmatrix.stack.leases import Lease
from sinkmatrix.stack.processes import Child
from sinkmatrix.stack.supervised import Supervised

log = structlog.get_logger(__name__)

_SOCKET_PATH_MAX = 100  # sockaddr_un holds 108 bytes
_READY_TIMEOUT = 30.0
_STOP_GRACE = 10.0
_FINAL = ("failed", "stopped")  # states after which no more progress comes
_CRASH_RESTARTS = 5  # deliberate crashes (fault injection) the supervisor restarts, per handle


def master_position(server: DatabaseServer) -> Position:
    """The upstream's current binlog end (SHOW MASTER STATUS)."""
    rows = server.query("SHOW MASTER STATUS")
    if not rows:
        raise StackError(f"{server!r} has no binlog; start it with binlog=True to capture from it")
    file, pos = rows[0][:2]
    return Position.of(str(file), int(pos))


def mysql_sink(server: DatabaseServer) -> dict[str, Any]:
    """The `sink` settings that make the CDC apply to `server`."""
    args = server.connect_args()
    return {"type": "mysql", "host": args["host"], "port": args["port"], "user": args["user"],
            "password": args["password"]}


class CdcRunner(Protocol):
    """Runs the CDC process somewhere else than as our child (a container, say)."""

    def launch(self, timeout: float) -> None:
        """Start the process; return once its status socket accepts connections."""

    def stop(self, grace: float) -> None:
        """Stop it: SIGTERM, SIGKILL after `grace` seconds (0: kill at once, like a crash)."""

    def wait(self) -> int | None:
        """Block until the process has exited; its exit code."""

    def where(self) -> str:
        """Where to look: its logs, for error messages."""


class RefCdc:
    """A running reference CDC. Its state mirrors the last status message it published."""

    def __init__(self, *, name: str, config: Config, config_path: Path, root: Path,
                 lease: Lease) -> None:
        self.name = name
        self.config = config
        self.config_path = config_path
        self.root = root
        self.lease = lease
        self.program = Supervised(self.name, lease=lease, log_path=root / "refcdc.out")
        self.runner: CdcRunner | None = None  # set: the process runs elsewhere (a container)
        self._cond = threading.Condition()
        self._status = Status("starting", config.start)
        self._state: str = "starting"
        self._messages = 0
        self._generation = 0
        self._follower: threading.Thread | None = None
        self.restarts: list[float] = []  # wall-clock times (time.time()) of each start after the first
        self.heard_at = time.monotonic()  # when the last status message arrived

    # -- lifecycle

    @classmethod
    def start(cls, *, upstream: DatabaseServer, sink: dict[str, Any], databases: list[str], root: Path,
              lease: Lease, start: Position | None = None, changefeed_id: str = "cf",
              runner: Callable[[RefCdc], CdcRunner] | None = None) -> RefCdc:
        """Start capturing `databases` (fnmatch patterns) from `start`, or from now when None.

        By default the CDC runs as a child process; `runner` makes one that runs it elsewhere,
        given the CDC's config (written to `root`/refcdc.json, which that process must see)."""
        root.mkdir(parents=True, exist_ok=True)
        socket_path = root / "status.sock"
        if len(str(socket_path)) > _SOCKET_PATH_MAX:
            short = Path(tempfile.mkdtemp(prefix="refcdc-"))
            lease.add_directory(short)
            socket_path = short / "status.sock"
        args = upstream.connect_args()
        config = Config(
            upstream=Endpoint(str(args["host"]), int(args["port"]),
                              str(args["user"]), str(args["password"])),
            sink=dict(sink),
            databases=tuple(databases),
            start=start if start is not None else master_position(upstream),
            checkpoint_path=root / "checkpoint.json",
            status_socket=socket_path,
            log_path=root / "refcdc.log",
            # Replication clients of one server need distinct ids, or the server drops the older.
            server_id=1000 + secrets.randbelow(2**30),
            changefeed_id=changefeed_id,
        )
        config_path = root / "refcdc.json"
        fd = os.open(config_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            json.dump(config.to_json(), out)
        cdc = cls(name=f"refcdc-{changefeed_id}", config=config, config_path=config_path,
                  root=root, lease=lease)
        if runner is not None:
            cdc.runner = runner(cdc)
        cdc._spawn()
        return cdc

    def kill(self) -> None:
        """SIGKILL, like a crash: what it delivered after its last checkpoint comes again at a restart."""
        self._halt(grace=0.0)
        with self._cond:
            self._state = "stopped"
            self._cond.notify_all()

    @property
    def child(self) -> Child | None:
        """The process, when it runs as our child."""
        return self.program.child

    def pause(self) -> None:
        """Freeze the process (SIGSTOP); it takes nothing in until `resume()`."""
        self.program.pause()

    def resume(self) -> None:
        self.program.resume()

    def restart(self) -> None:
        """Kill the process without warning (like a crash) and start it again from its checkpoint."""
        self._halt(grace=0.0)
        self.restarts.append(time.time())
        self._spawn()

    # -- fault injection (sinkmatrix.refcdc.faults)

    def inject(self, fault: FaultSpec) -> None:
        """Install a fault in the running process (gone after a restart); ControlError if refused."""
        control.request(self._control_path, {"op": "inject", "fault": fault.to_json()})
        log.warning("fault injected", cdc=self.name, fault=str(fault))

    def clear_faults(self, databases: str | None = None) -> int:
        """Remove the faults installed for `databases` (every fault when None); how many."""
        if self._state in _FINAL:
            return 0
        return int(control.request(self._control_path, {"op": "clear", "databases": databases})["removed"])

    def faults(self) -> list[dict[str, Any]]:
        return list(control.request(self._control_path, {"op": "list"})["faults"])

    @property
    def _control_path(self) -> Path:
        return control.socket_path(self.config.status_socket)

    def stop(self) -> None:
        """Stop the process (SIGTERM, then SIGKILL after a grace period); state becomes 'stopped'."""
        self._halt(grace=_STOP_GRACE)
        with self._cond:
            self._state = "stopped"
            self._cond.notify_all()

    # -- what the CDC reported

    @property
    def position(self) -> Position:
        """The binlog position up to which the sink holds everything (last reported)."""
        return self._status.position

    @property
    def state(self) -> str:
        """'starting', 'streaming' or 'failed' as reported; 'stopped' after stop()."""
        return self._state

    @property
    def error(self) -> str | None:
        return self._status.error

    @property
    def rows(self) -> int:
        """Row changes applied by the current process (restarts count from zero)."""
        return self._status.rows

    @property
    def received(self) -> Position:
        """How far the CDC has taken changes in (ahead of `position` while a batch is on its way)."""
        return self._status.taken_in

    @property
    def committed_at(self) -> float | None:
        """Wall-clock time (time.time()) at which the sink acknowledged the last applied batch."""
        return self._status.applied_at

    @property
    def messages(self) -> int:
        """Status messages received so far, over all restarts."""
        return self._messages

    def wait_past(self, target: Position, deadline: float) -> bool:
        """Block until the position reaches `target`, the CDC fails or stops, or `deadline`
        (a time.monotonic() value) passes; return whether the position reached it."""
        with self._cond:
            while self._status.position < target and self._state not in _FINAL:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(remaining)
            return self._status.position >= target

    def wait_progress(self, seen: int, deadline: float) -> int:
        """Block until more than `seen` status messages arrived (or failure, stop, deadline);
        return the message count."""
        with self._cond:
            while self._messages <= seen and self._state not in _FINAL:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(remaining)
            return self._messages

    def __repr__(self) -> str:
        return f"RefCdc(name={self.name!r}, state={self._state!r}, position={self.position})"

    # -- process and feed

    def _spawn(self) -> None:
        with self._cond:
            self._generation += 1
            generation = self._generation
            self._state = "starting"
        if self.runner is not None:
            self.runner.launch(_READY_TIMEOUT)
            exited, where = self.runner.wait, self.runner.where
        else:
            child = self._spawn_child()
            exited, where = child.process.wait, lambda: self._child_tail(child)
        feed = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            feed.connect(str(self.config.status_socket))
        except OSError as exc:
            # The server removes its socket on the way out: it is exiting, so report why.
            feed.close()
            self._halt(grace=_STOP_GRACE)
            raise StackError(f"{self.name} exited or refused its status socket ({exc}); {where()}") from exc
        self._follower = threading.Thread(
            target=self._follow, args=(feed, exited, generation),
            name=f"{self.name}-status", daemon=True,
        )
        self._follower.start()
        log.debug("refcdc started", name=self.name, position=str(self.position))

    def _spawn_child(self) -> Child:
        package_root = str(Path(__file__).resolve().parents[2])
        path = os.environ.get("PYTHONPATH")
        env = {**os.environ, "PYTHONPATH": package_root + (os.pathsep + path if path else "")}
        self.program.env = env
        self.program.spawn([sys.executable, "-m", "sinkmatrix.refcdc", str(self.config_path)],
                           ready_marker=READY_LINE)
        assert self.program.child is not None
        self.program.child.wait_ready(_READY_TIMEOUT)
        return self.program.child

    @staticmethod
    def _child_tail(child: Child) -> str:
        tail = "\n  ".join(child.tail())
        return f"log {child.log_path}:\n  {tail}"

    def _halt(self, grace: float) -> None:
        with self._cond:
            self._generation += 1  # the old follower's last words no longer count
        if self.runner is not None:
            self.runner.stop(grace)
        else:
            self.program.halt(grace)  # a paused process is thawed first, or it could not take a SIGTERM
        if self._follower is not None:
            self._follower.join(timeout=5)

    def _follow(self, feed: socket.socket, exited: Callable[[], int | None], generation: int) -> None:
        with feed, feed.makefile("rb") as lines:
            for raw in lines:
                if not raw.endswith(b"\n"):
                    break  # cut off by the process dying mid-line
                status = Status.from_json(json.loads(raw))
                with self._cond:
                    if generation != self._generation:
                        return
                    self._status, self._state = status, status.state
                    self._messages += 1
                    self.heard_at = time.monotonic()
                    self._cond.notify_all()
        code = exited()  # the feed ends when the process does
        if code == CRASH_EXIT and self._supervise(generation):
            return
        with self._cond:
            if generation == self._generation and self._state != "failed":
                self._status = Status("failed", self._status.position, self._status.txns,
                                      self._status.rows,
                                      f"refcdc exited with code {code}; see {self.config.log_path} "
                                      f"and {self.root / 'refcdc.out'}")
                self._state = "failed"
                self._messages += 1
                self._cond.notify_all()

    def _supervise(self, generation: int) -> bool:
        """After a deliberate crash (fault injection), start again from the checkpoint, as a
        supervisor would; False when this follower is stale or the restarts are used up."""
        with self._cond:
            if generation != self._generation or self._state in _FINAL \
                    or len(self.restarts) >= _CRASH_RESTARTS:
                return False
            self.restarts.append(time.time())
        log.warning("refcdc crashed on purpose; restarting it from its checkpoint", name=self.name,
                    position=str(self.position))
        try:
            self._spawn()
        except StackError as exc:
            with self._cond:
                self._status = Status("failed", self._status.position, error=f"restart after a "
                                      f"deliberate crash failed: {exc}")
                self._state = "failed"
                self._messages += 1
                self._cond.notify_all()
        return True
