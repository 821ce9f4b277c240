"""Cells of the matrix: one (sink, variant, protocol, version, backend) combination, with a stable id."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

DEFAULT_BACKEND = "embedded"
BACKENDS = ("embedded", "compose")


def image_override_variable(name: str) -> str:
    """The environment variable that overrides a profile's image `name` (e.g. SINKMATRIX_IMAGE_TICDC)."""
    return "SINKMATRIX_IMAGE_" + name.upper().replace("-", "_")


@dataclass(frozen=True)
class VersionProfile:
    """Component versions of a stack, the backends that can serve them and, for compose, its files
    (under compose/) and images."""

    name: str
    backends: tuple[str, ...]
    cdc: str = "refcdc"  # the CDC plug-in that runs it (sinkmatrix.model.cdc)
    components: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    compose_files: tuple[str, ...] = field(default=(), compare=False)
    declared_images: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    protocols: tuple[str, ...] = field(default=(), compare=False)  # only cells on these; () for all
    in_default: bool = field(default=True, compare=False)  # False: its cells run only when --profile names it

    def images(self) -> dict[str, str]:
        """The profile's images by name, each overridable by its SINKMATRIX_IMAGE_<NAME> variable."""
        return {name: os.environ.get(image_override_variable(name)) or image
                for name, image in self.declared_images.items()}


@dataclass(frozen=True, order=True)
class Cell:
    sink: str
    protocol: str
    version: str
    variant: str = ""  # a wire-format variant of the sink ("tidb": Canal-JSON with the TiDB extension)
    backend: str = DEFAULT_BACKEND
    # the version profile the cell runs (its CDC, images, compose files): matrix.axes attaches it
    profile: VersionProfile | None = field(default=None, compare=False, hash=False, repr=False)

    @property
    def id(self) -> str:
        sink = f"{self.sink}+{self.variant}" if self.variant else self.sink
        where = "" if self.backend == DEFAULT_BACKEND else f"@{self.backend}"
        return f"{sink}-{self.protocol}-{self.version}{where}"

    def __str__(self) -> str:
        return self.id
