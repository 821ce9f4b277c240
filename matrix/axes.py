"""The matrix axes, read from axes.toml: sinks (with protocols and variants) and version profiles."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from model.cells import BACKENDS, DEFAULT_BACKEND, Cell, VersionProfile

AXES_FILE = Path(__file__).with_name("axes.toml")


class AxesError(ValueError):
    """axes.toml names something no adapter or backend provides."""


def load(path: Path = AXES_FILE) -> dict[str, Any]:
    return tomllib.loads(path.read_text())


def versions(axes: dict[str, Any] | None = None) -> dict[str, VersionProfile]:
    axes = axes or load()
    profiles = {}
    for name, spec in axes["versions"].items():
        backends = tuple(spec.get("backends", [DEFAULT_BACKEND]))
        unknown = [b for b in backends if b not in BACKENDS]
        if unknown:
            raise AxesError(f"axes.toml: version {name!r} names backend {unknown[0]!r}; "
                            f"backends: {', '.join(BACKENDS)}")
        if "compose" in backends and not spec.get("compose"):
            raise AxesError(f"axes.toml: version {name!r} can run on compose but lists no compose files")
        components = {k: v for k, v in spec.items() if isinstance(v, str)}
        profiles[name] = VersionProfile(name, backends, components, tuple(spec.get("compose", ())),
                                        dict(spec.get("images", {})))
    return profiles


def cells(supported: dict[str, tuple[tuple[str, ...], tuple[str, ...]]],
          axes: dict[str, Any] | None = None) -> list[Cell]:
    """Every valid cell. `supported`: sink -> (protocols it rides, variants it has), from the adapters."""
    axes = axes or load()
    profiles = versions(axes)
    found = []
    for sink, spec in sorted(axes["sinks"].items()):
        if sink not in supported:
            raise AxesError(f"axes.toml lists sink {sink!r}, but no adapter provides it; "
                            f"adapters: {', '.join(sorted(supported))}")
        rides, has = supported[sink]
        for protocol in spec.get("protocols", list(rides)):
            if protocol not in rides:
                raise AxesError(f"axes.toml puts sink {sink!r} on protocol {protocol!r}; it rides "
                                f"{', '.join(rides)}")
            for variant in spec.get("variants", [""]):
                if variant not in has:
                    raise AxesError(f"axes.toml names variant {variant!r} of sink {sink!r}; it has "
                                    f"{', '.join(repr(v) for v in has)}")
                found += [Cell(sink, protocol, p.name, variant, backend)
                          for p in profiles.values() for backend in p.backends]
    return found
