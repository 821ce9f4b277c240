"""Cells of the matrix: one (sink, variant, protocol, version) combination, with a stable readable id."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class VersionProfile:
    """Component versions of a stack, and the backend that can serve them."""

    name: str
    backend: str  # embedded | compose
    components: dict[str, str] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True, order=True)
class Cell:
    sink: str
    protocol: str
    version: str
    variant: str = ""  # a wire-format variant of the sink ("tidb": Canal-JSON with the TiDB extension)
    backend: str = field(default="embedded", compare=False)

    @property
    def id(self) -> str:
        sink = f"{self.sink}+{self.variant}" if self.variant else self.sink
        return f"{sink}-{self.protocol}-{self.version}"

    def __str__(self) -> str:
        return self.id
