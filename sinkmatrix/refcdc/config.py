"""The reference CDC's configuration: a JSON file the client writes (0600; it holds passwords)."""

from __future__ import annotations

import fnmatch
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from sinkmatrix.model.changes import Position
from sinkmatrix.refcdc.errors import ConfigError

# The downstream has its own system schemas; copying them would break it.
SYSTEM_DATABASES = frozenset({"mysql", "information_schema", "performance_schema", "sys"})


@dataclass(frozen=True, slots=True)
class Endpoint:
    """A MySQL-protocol server to connect to; the password never shows in repr or logs."""

    host: str
    port: int
    user: str
    password: str = field(repr=False)

    def connect_args(self) -> dict[str, Any]:
        """Keyword arguments for PyMySQL-style clients (python-mysql-replication too). Without TLS:
        the servers are the test stack's own, on loopback or a private network, and PyMySQL 2
        would otherwise build a certificate store for every connection (≈30 ms each)."""
        return {"host": self.host, "port": self.port, "user": self.user, "password": self.password,
                "ssl_disabled": True}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Endpoint:
        return cls(str(data["host"]), int(data["port"]), str(data["user"]), str(data["password"]))


@dataclass(frozen=True)
class Config:
    upstream: Endpoint
    sink: dict[str, Any] = field(repr=False)  # {"type": ..., settings}; the applier reads the rest
    databases: tuple[str, ...]
    start: Position
    checkpoint_path: Path
    status_socket: Path
    log_path: Path
    server_id: int
    changefeed_id: str

    def captures(self, database: str) -> bool:
        """Whether changes in `database` are carried to the sink."""
        return _matches(self.databases, database)

    @property
    def sink_type(self) -> str:
        return str(self.sink.get("type", ""))

    @classmethod
    def load(cls, path: Path) -> Config:
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError) as exc:
            raise ConfigError(path, "(file)", f"cannot read it as JSON ({exc})") from exc
        try:
            return cls(
                upstream=Endpoint.from_json(data["upstream"]),
                sink=dict(data["sink"]),
                databases=tuple(str(p) for p in data["databases"]),
                start=Position.from_json(data["start"]),
                checkpoint_path=Path(data["checkpoint_path"]),
                status_socket=Path(data["status_socket"]),
                log_path=Path(data["log_path"]),
                server_id=int(data["server_id"]),
                changefeed_id=str(data.get("changefeed_id", "cf")),
            )
        except KeyError as exc:
            raise ConfigError(path, str(exc.args[0]), "missing") from exc
        except (TypeError, ValueError, IndexError) as exc:
            raise ConfigError(path, "(value)", str(exc)) from exc

    def to_json(self) -> dict[str, Any]:
        up = self.upstream
        return {
            "upstream": {"host": up.host, "port": up.port, "user": up.user, "password": up.password},
            "sink": self.sink,
            "databases": list(self.databases),
            "start": self.start.to_json(),
            "checkpoint_path": str(self.checkpoint_path),
            "status_socket": str(self.status_socket),
            "log_path": str(self.log_path),
            "server_id": self.server_id,
            "changefeed_id": self.changefeed_id,
        }


@lru_cache(maxsize=4096)
def _matches(patterns: tuple[str, ...], database: str) -> bool:
    if not database or database in SYSTEM_DATABASES:
        return False
    return any(fnmatch.fnmatchcase(database, p) for p in patterns)
