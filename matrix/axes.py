"""The matrix axes, read from axes.toml: sinks (with protocols and variants) and version profiles."""

from __future__ import annotations

import tomllib
from collections.abc import Collection
from pathlib import Path
from typing import Any

from model import cdc as cdcs
from model.cdc import Cdc
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
        if not isinstance(spec.get("cdc"), str):
            raise AxesError(f"axes.toml: version {name!r} names no `cdc` (a registered CDC: "
                            f"{', '.join(sorted(cdcs.available()))})")
        components = {k: v for k, v in spec.items() if isinstance(v, str)}
        profiles[name] = VersionProfile(name, backends, spec["cdc"], components,
                                        tuple(spec.get("compose", ())), dict(spec.get("images", {})))
    return profiles


def cells(supported: dict[str, tuple[tuple[str, ...], tuple[str, ...]]],
          axes: dict[str, Any] | None = None, only_cdcs: Collection[str] | None = None,
          every_variant: bool = False) -> list[Cell]:
    """Every valid cell: a sink on a protocol it rides, in a variant it has, for each version profile
    whose CDC can emit that sink and variant, on each backend both the profile and the CDC allow.
    `supported`: sink -> (protocols it rides, variants it has), from the adapters. `only_cdcs`: the
    profiles of other CDCs are left out before their plug-ins load."""
    axes = axes or load()
    profiles = [p for p in versions(axes).values() if only_cdcs is None or p.cdc in only_cdcs]
    emitted = {p.name: _emits(p) for p in profiles}
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
            for variant in has if every_variant else spec.get("variants", [""]):
                if variant not in has:
                    raise AxesError(f"axes.toml names variant {variant!r} of sink {sink!r}; it has "
                                    f"{', '.join(repr(v) for v in has)}")
                for profile in profiles:
                    cdc, variants = emitted[profile.name]
                    if variant in variants.get(sink, ()):
                        found += [Cell(sink, protocol, profile.name, variant, backend, profile)
                                  for backend in profile.backends if backend in cdc.backends]
    return found


def _emits(profile: VersionProfile) -> tuple[Cdc, dict[str, tuple[str, ...]]]:
    try:
        cdc = cdcs.get(profile.cdc)
    except cdcs.UnknownCdc as exc:
        raise AxesError(f"axes.toml: version {profile.name!r}: {exc}") from None
    return cdc, cdc.emits(profile)


def cell(sink: str, protocol: str, version: str, variant: str = "", backend: str = DEFAULT_BACKEND) -> Cell:
    """The cell with these coordinates, its profile attached (a variant axes.toml does not expand is
    fine, if the adapter and the CDC have it); AxesError if it is no valid cell."""
    from sinks import registry

    wanted = Cell(sink, protocol, version, variant, backend)
    profile = versions().get(version)
    only = [profile.cdc] if profile else None
    for found in cells(registry.supported(), only_cdcs=only, every_variant=True):
        if found == wanted:
            return found
    raise AxesError(f"{wanted.id} is not a cell of the matrix (see matrix/axes.toml and the CDC's sinks)")
