"""Typed errors of the reference CDC; each names where it happened and says what to do."""

from __future__ import annotations

from pathlib import Path

from sinkmatrix.model.changes import Position


class RefCdcError(Exception):
    """Base class: the reference CDC cannot go on."""


class ConfigError(RefCdcError):
    def __init__(self, path: Path, field: str, why: str) -> None:
        self.path, self.field = path, field
        super().__init__(f"refcdc config {path}: {field}: {why}; fix the file (see sinkmatrix.refcdc.config)")


class UnknownSink(RefCdcError):
    def __init__(self, kind: str, known: list[str]) -> None:
        self.kind = kind
        super().__init__(
            f"no refcdc applier for sink type {kind!r}; known types: {', '.join(sorted(known))}"
        )


class UpstreamError(RefCdcError):
    """The binlog stream broke or carried something the reader cannot decode."""

    def __init__(self, position: Position | None, why: str) -> None:
        self.position = position
        where = f" at {position}" if position else ""
        super().__init__(f"upstream binlog{where}: {why}")
