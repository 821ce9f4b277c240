"""One program a CDC run starts again and again (restarts) under the stack's lease: each start is a
generation, and what an older generation prints or how it ends no longer counts. Stopping, killing,
freezing and thawing go by signal. The lifecycle the CDC runs share (sinkmatrix.cdcs.external, the
Debezium hand-off)."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from sinkmatrix.stack.leases import Lease
from sinkmatrix.stack.processes import Child


class Supervised:
    """`on_line(line, generation)` gets each line of output, `on_exit(code, generation)` the exit
    code; a caller compares the generation with `generation` to ignore a former process."""

    def __init__(self, name: str, *, lease: Lease, log_path: Path, env: dict[str, str] | None = None,
                 cwd: Path | None = None, on_line: Callable[[str, int], None] | None = None,
                 on_exit: Callable[[int | None, int], None] | None = None) -> None:
        self.name, self.lease, self.log_path, self.env, self.cwd = name, lease, log_path, env, cwd
        self._on_line, self._on_exit = on_line, on_exit
        self._lock = threading.Lock()
        self.generation = 0
        self.child: Child | None = None
        self.starts = 0

    def spawn(self, argv: Sequence[str], *, ready_marker: str | None = None,
              stdin_pipe: bool = False) -> int:
        """Start the program (a new generation); return the generation. Its readiness is the
        caller's to wait for (`self.child.wait_ready`, or another probe)."""
        generation = self._next()
        on_line, on_exit = self._on_line, self._on_exit
        self.child = Child(self.name, argv, lease=self.lease, log_path=self.log_path,
                           ready_marker=ready_marker, env=self.env, cwd=self.cwd, stdin_pipe=stdin_pipe,
                           on_line=(lambda line: on_line(line, generation)) if on_line else None,
                           on_exit=(lambda code: on_exit(code, generation)) if on_exit else None)
        self.starts += 1
        return generation

    def adopt(self, child: Child) -> int:
        """Take over a process started earlier (a warm start); its callbacks are its own."""
        generation = self._next()
        self.child = child
        self.starts += 1
        return generation

    def retire(self) -> None:
        """What the current process still says, or how it ends, no longer counts (it is ending)."""
        self._next()

    def halt(self, grace: float) -> None:
        """End the current generation: SIGTERM and `grace` seconds before SIGKILL (0: SIGKILL at once,
        as a crash). A frozen process is thawed first, or it could not take the SIGTERM."""
        self._next()
        child = self.child
        if child is not None:
            if child.process.poll() is None:
                child.process.send_signal(signal.SIGCONT)
            child.stop(grace)

    def pause(self) -> None:
        """SIGSTOP: it takes nothing in until `resume()`."""
        self._signal(signal.SIGSTOP)

    def resume(self) -> None:
        self._signal(signal.SIGCONT)

    def signal(self, signum: int) -> None:
        """Any other signal the program understands (SIGUSR1: reload, say)."""
        self._signal(signum)

    @property
    def running(self) -> bool:
        return self.child is not None and self.child.process.poll() is None

    @property
    def pid(self) -> int | None:
        return self.child.process.pid if self.child is not None else None

    def tail(self) -> str:
        """The last lines of its output, for an error message."""
        lines = "\n  ".join(self.child.tail()) if self.child is not None else ""
        return f"log {self.log_path}:\n  {lines}"

    def _signal(self, signum: int) -> None:
        if self.running:
            assert self.child is not None
            self.child.process.send_signal(signum)

    def _next(self) -> int:
        with self._lock:
            self.generation += 1
            return self.generation
