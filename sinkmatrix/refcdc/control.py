"""The CDC's control socket: install and clear faults in a running process.

A Unix socket next to the status socket. A client connects, writes one JSON request line and reads
one JSON reply line:

    {"op": "inject", "fault": {"kind": "drop", "databases": "sm_x", "nth": 1}}
        -> {"ok": true, "faults": [...]}
    {"op": "clear", "databases": "sm_x"}  (null: every fault)  -> {"ok": true, "removed": 1}
    {"op": "list"}                                             -> {"ok": true, "faults": [...]}

A refused request answers {"ok": false, "error": "..."} and changes nothing.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import threading
from pathlib import Path
from typing import Any

import structlog

from sinkmatrix.model.faults import FaultError, FaultSpec
from sinkmatrix.refcdc.errors import RefCdcError
from sinkmatrix.refcdc.faults import Faults

log = structlog.get_logger(__name__)

_TIMEOUT = 5.0
_MAX_REQUEST = 64 * 1024


def socket_path(status_socket: Path) -> Path:
    """Where a CDC with this status socket listens for control requests."""
    return status_socket.with_name("control.sock")


class ControlError(RefCdcError):
    """A control request was refused, or the CDC could not be reached."""


class ControlServer:
    def __init__(self, path: Path, faults: Faults) -> None:
        self.path, self.faults = path, faults
        with contextlib.suppress(FileNotFoundError):
            path.unlink()  # left by a killed predecessor
        self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._listener.bind(str(path))
        os.chmod(path, 0o600)
        self._listener.listen(4)
        threading.Thread(target=self._serve, name="control", daemon=True).start()

    def close(self) -> None:
        self._listener.close()
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return  # closed
            with conn:
                conn.settimeout(_TIMEOUT)
                try:
                    reply = self._answer(_read_line(conn))
                except (OSError, ValueError) as exc:
                    reply = {"ok": False, "error": f"bad request: {exc}"}
                with contextlib.suppress(OSError):
                    conn.sendall((json.dumps(reply) + "\n").encode())

    def _answer(self, request: dict[str, Any]) -> dict[str, Any]:
        op = request.get("op")
        try:
            if op == "inject":
                self.faults.install(FaultSpec.from_json(dict(request.get("fault") or {})))
                return {"ok": True, "faults": self.faults.listing()}
            if op == "clear":
                return {"ok": True, "removed": self.faults.clear(request.get("databases"))}
            if op == "list":
                return {"ok": True, "faults": self.faults.listing()}
        except FaultError as exc:
            return {"ok": False, "error": str(exc)}
        return {"ok": False, "error": f"unknown op {op!r}; ops: inject, clear, list"}


def request(path: Path, payload: dict[str, Any]) -> dict[str, Any]:
    """Send one request to the CDC listening at `path`; its reply, or ControlError."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(_TIMEOUT)
            conn.connect(str(path))
            conn.sendall((json.dumps(payload) + "\n").encode())
            reply = _read_line(conn)
    except (OSError, ValueError) as exc:
        raise ControlError(f"the CDC's control socket {path} did not answer ({exc}); is the CDC "
                           "running?") from exc
    if not reply.get("ok"):
        raise ControlError(str(reply.get("error", "refused")))
    return reply


def _read_line(conn: socket.socket) -> dict[str, Any]:
    data = b""
    while not data.endswith(b"\n"):
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
        if len(data) > _MAX_REQUEST:
            raise ValueError("request too large")
    parsed = json.loads(data)
    if not isinstance(parsed, dict):
        raise ValueError("not a JSON object")
    return parsed
