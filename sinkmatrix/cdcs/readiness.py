"""When a CDC that is a program is ready: a line in its output, a port that accepts connections, or
an HTTP URL that answers 2xx — each an object the plug-in names (`ready = Port(...)`), not an if/else.
A probe that never passes raises StackError with the program's last output."""

from __future__ import annotations

import socket
import threading
import time
import urllib.error
import urllib.request
from typing import Protocol

from sinkmatrix.stack.errors import StackError
from sinkmatrix.stack.supervised import Supervised

_LOOK_EVERY = 0.05  # seconds between probes of a port or a URL: the program says nothing when it is up


class Readiness(Protocol):
    """How to tell that a started program is ready."""

    marker: str | None  # a line of output to wait for (Child's ready marker), or None

    def wait(self, program: Supervised, timeout: float, fields: dict[str, str]) -> None:
        """Return once it is ready; StackError (with its output's tail) if it exits or time runs out.
        `fields`: the cell's settings, to fill placeholders ("{port}") in."""


class LogLine:
    """Ready once the program prints a line holding `text`."""

    def __init__(self, text: str) -> None:
        self.marker: str | None = text

    def wait(self, program: Supervised, timeout: float, fields: dict[str, str]) -> None:
        assert program.child is not None
        program.child.wait_ready(timeout)

    def __repr__(self) -> str:
        return f"LogLine({self.marker!r})"


class _Probe:
    marker: str | None = None

    def wait(self, program: Supervised, timeout: float, fields: dict[str, str]) -> None:
        deadline = time.monotonic() + timeout
        halt = threading.Event()
        while not self.passes(fields):
            if not program.running:
                raise StackError(f"{program.name} exited before {self!r} passed; {program.tail()}")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise StackError(f"{program.name} was not ready within {timeout:g}s ({self!r} never "
                                 f"passed); {program.tail()}")
            halt.wait(min(_LOOK_EVERY, remaining))

    def passes(self, fields: dict[str, str]) -> bool:
        raise NotImplementedError


class Port(_Probe):
    """Ready once 127.0.0.1:`port` accepts a connection; `port` may be a placeholder ("{port}")."""

    def __init__(self, port: int | str, host: str = "127.0.0.1") -> None:
        self.port, self.host = port, host

    def passes(self, fields: dict[str, str]) -> bool:
        try:
            with socket.create_connection((self.host, int(str(self.port).format_map(fields))), timeout=1):
                return True
        except OSError:
            return False

    def __repr__(self) -> str:
        return f"Port({self.port!r})"


class HttpUrl(_Probe):
    """Ready once a GET of `url` answers 2xx; `url` may hold placeholders ("http://127.0.0.1:{port}/")."""

    def __init__(self, url: str) -> None:
        self.url = url

    def passes(self, fields: dict[str, str]) -> bool:
        try:
            with urllib.request.urlopen(self.url.format_map(fields), timeout=2) as answer:
                return 200 <= int(answer.status) < 300
        except (OSError, urllib.error.URLError, ValueError):
            return False

    def __repr__(self) -> str:
        return f"HttpUrl({self.url!r})"
