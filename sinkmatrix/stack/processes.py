"""Child processes of a stack: started under a lease, tied to the owner's life, watched for readiness."""

from __future__ import annotations

import ctypes
import os
import select
import signal
import subprocess
import threading
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sinkmatrix.stack.errors import StackError
from sinkmatrix.stack.leases import Lease

_PR_SET_PDEATHSIG = 1
# PR_SET_PDEATHSIG fires when the *thread* that forked a child exits, not the process: so every
# child is forked by this one long-lived thread, whichever thread asked for it.
_SPAWNER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="spawner")


def _die_with_parent() -> None:
    # If the owner is SIGKILLed the kernel kills the child too; leases cover the rest.
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    os.setpgrp()


class Child:
    """A started program whose output goes to a log file, with a wait for a readiness line."""

    def __init__(
        self,
        name: str,
        argv: Sequence[str],
        *,
        lease: Lease,
        log_path: Path,
        ready_marker: str | None = None,
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
        on_line: Callable[[str], None] | None = None,
        on_exit: Callable[[int | None], None] | None = None,
        stdin_pipe: bool = False,
    ) -> None:
        """`on_line` gets every line of output as it comes (a status feed, say); `on_exit` the exit
        code once the output has ended (both on the thread that copies the output). `stdin_pipe`:
        the program reads what `send()` writes (a go-ahead, say)."""
        self.name = name
        self._on_line, self._on_exit = on_line, on_exit
        self.log_path = log_path
        self._ready = threading.Event()
        self._marker = ready_marker
        self._tail: deque[str] = deque(maxlen=40)
        self._marker_seen = False
        self.process = _SPAWNER.submit(
            subprocess.Popen,
            list(argv),
            stdin=subprocess.PIPE if stdin_pipe else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent,
            env=env,
            cwd=cwd,
        ).result()
        lease.add_process(self.process.pid)
        self._pump = threading.Thread(target=self._copy_output, name=f"{name}-log", daemon=True)
        self._pump.start()

    def _copy_output(self) -> None:
        assert self.process.stdout is not None
        with self.log_path.open("ab") as sink:
            for raw in self.process.stdout:
                sink.write(raw)
                sink.flush()
                line = raw.decode(errors="replace").rstrip()
                self._tail.append(line)
                if self._marker and self._marker in line:
                    self._marker_seen = True
                    self._ready.set()
                if self._on_line is not None:
                    self._on_line(line)
        self._ready.set()  # output closed: wake the waiter, who finds no marker
        if self._on_exit is not None:
            self._on_exit(self.process.wait())

    def wait_ready(self, timeout: float) -> None:
        """Block until the readiness line appears; raise with the output's tail if it exits or stalls."""
        if not self._ready.wait(timeout) or not self._marker_seen or self.process.poll() is not None:
            if self.process.poll() is not None:
                self._pump.join(timeout=2)  # the whole tail, not a part of it
            state = "exited" if self.process.poll() is not None else "did not get ready"
            tail = "\n  ".join(self._tail)
            raise StackError(f"{self.name} {state} (log {self.log_path}):\n  {tail}")

    def send(self, line: str) -> None:
        """Write a line to the program's stdin (started with stdin_pipe=True)."""
        assert self.process.stdin is not None
        self.process.stdin.write(line.encode() + b"\n")
        self.process.stdin.flush()

    def tail(self) -> list[str]:
        return list(self._tail)

    def stop(self, grace: float = 0.0) -> None:
        """Stop the program: SIGTERM with a grace period when asked, SIGKILL otherwise or after it."""
        if self.process.poll() is None:
            if grace > 0:
                self.process.terminate()
                if not exited(self.process, grace):
                    self.process.kill()
            else:
                self.process.kill()
        self.process.wait()
        self._pump.join(timeout=2)


def exited(process: subprocess.Popen[bytes], timeout: float) -> bool:
    """Wait up to `timeout` for the process to end; whether it did. Woken by the exit itself (a
    pidfd), where Popen.wait(timeout) polls in sleeps of up to 50 ms."""
    if process.poll() is not None:
        return True
    try:
        handle = os.pidfd_open(process.pid)
    except (AttributeError, OSError):  # no pidfds on this system: poll
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            return False
        return True
    try:
        readable, _, _ = select.select([handle], [], [], timeout)
    finally:
        os.close(handle)
    return bool(readable) and process.poll() is not None
