"""The sink adapter protocol: one module plus one registration adds a sink to the matrix."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from sqlalchemy.engine import URL

from dsl.progress import Progress


@dataclass
class SinkEnvironment:
    """What a stack offers an adapter: servers by role and their connection details."""

    servers: dict[str, Any] = field(default_factory=dict)  # role -> server (e.g. "downstream")
    settings: dict[str, Any] = field(default_factory=dict)  # e.g. kafka bootstrap, registry URL


class SinkView(Protocol):
    """Where the DSL reads what the sink materialized, and how far it has caught up."""

    progress: Progress

    def url(self, database: str) -> URL:
        """SQLAlchemy URL of the view of one test database (the downstream, or a materialization)."""

    def database(self, database: str) -> str:
        """Name of the view's database for the upstream database `database`."""

    def close(self) -> None:
        """Stop consumers and release what the view holds."""


class SinkAdapter(Protocol):
    """A sink: the transports it rides, what the CDC must be told, and the view it materializes."""

    name: ClassVar[str]
    protocols: ClassVar[tuple[str, ...]]
    limits: ClassVar[dict[str, str]]  # known limits of the protocol: what it cannot carry, and why

    def cdc_target(self, env: SinkEnvironment) -> dict[str, Any]:
        """The reference CDC's sink settings for this adapter (type, addresses, protocol options)."""

    def open_view(self, env: SinkEnvironment, cdc_progress: Progress) -> SinkView:
        """Start reading what the CDC emits; return the view the DSL waits on and checks."""
