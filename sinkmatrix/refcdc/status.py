"""The CDC's status feed: a Unix socket where each subscriber gets the state now, then every change.

One JSON line per message: {"state", "file", "pos", "txns", "rows", "error", "applied_at", "received"}.
Messages are pushed as they happen so a waiter learns about a commit at once, without polling.
`file`/`pos` is how far the sink holds everything; `received` ({"file", "pos"}) how far the CDC has
taken changes in — ahead of it while a batch is on its way (a lagging sink), level with it otherwise.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import socket
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import structlog

from sinkmatrix.model.changes import Position

log = structlog.get_logger(__name__)

State = Literal["starting", "streaming", "failed"]
# Printed on stdout once the binlog stream delivered its first event; spawners wait for it.
READY_LINE = "refcdc streaming"
# A subscriber that cannot take a line for this long is dropped instead of stalling the CDC.
_SEND_TIMEOUT = 2.0


@dataclass(frozen=True, slots=True)
class Status:
    state: State
    position: Position
    txns: int = 0
    rows: int = 0
    error: str | None = None
    applied_at: float | None = None  # wall-clock time the sink acknowledged the last applied batch
    received: Position | None = None  # how far changes were taken in; None: level with `position`

    @property
    def taken_in(self) -> Position:
        return self.received if self.received is not None and self.received > self.position \
            else self.position

    def to_json(self) -> dict[str, Any]:
        received = self.received.to_json() if self.received is not None else None
        return {"state": self.state, "file": self.position.file, "pos": self.position.pos,
                "txns": self.txns, "rows": self.rows, "error": self.error, "applied_at": self.applied_at,
                "received": received}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Status:
        received = data.get("received")
        return cls(state=data["state"], position=Position.of(data["file"], data["pos"]),
                   txns=int(data["txns"]), rows=int(data["rows"]), error=data.get("error"),
                   applied_at=data.get("applied_at"),
                   received=Position.from_json(received) if received else None)

    def line(self) -> bytes:
        return (json.dumps(self.to_json()) + "\n").encode()


class StatusServer:
    """Serves the feed on `path` from a daemon thread; publish() may be called from any thread."""

    def __init__(self, path: Path, initial: Status) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._status = initial
        self._line = initial.line()
        self._subscribers: list[socket.socket] = []
        with contextlib.suppress(FileNotFoundError):
            path.unlink()  # left by a killed predecessor
        self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._listener.bind(str(path))
        os.chmod(path, 0o600)
        self._listener.listen(16)
        self._thread = threading.Thread(target=self._accept, name="status", daemon=True)
        self._thread.start()

    @property
    def status(self) -> Status:
        return self._status

    def publish(self, **changes: Any) -> Status:
        """Change some fields and push the new state to every subscriber."""
        with self._lock:
            self._status = dataclasses.replace(self._status, **changes)
            self._line = self._status.line()
            for sub in list(self._subscribers):
                self._send(sub, self._line)
            return self._status

    def close(self) -> None:
        with self._lock:
            for sub in self._subscribers:
                sub.close()
            self._subscribers.clear()
        self._listener.close()
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()

    def _accept(self) -> None:
        while True:
            try:
                sub, _ = self._listener.accept()
            except OSError:
                return  # closed
            sub.settimeout(_SEND_TIMEOUT)
            with self._lock:
                if self._send(sub, self._line):
                    self._subscribers.append(sub)

    def _send(self, sub: socket.socket, line: bytes) -> bool:
        try:
            sub.sendall(line)
            return True
        except OSError as exc:
            log.info("status subscriber dropped", why=str(exc))
            with contextlib.suppress(ValueError):
                self._subscribers.remove(sub)
            sub.close()
            return False
