"""The matrix axes: sinks (with protocols and variants) and version profiles.

The packaged defaults (axes.toml beside this module) merged with the user's own, from their
repository: `[tool.sinkmatrix]` in its pyproject.toml, or a sinkmatrix.toml beside it, or a file
given with `--axes FILE`. A user's `[versions.<name>]` adds a profile or replaces the packaged one of
that name; a user's `[sinks.<name>]` replaces that sink's protocols and variants. A CDC plug-in may
declare a default profile of its own (`default_profile()`), used when no file names that profile.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

from sinkmatrix.model import cdc as cdcs
from sinkmatrix.model.cdc import Cdc
from sinkmatrix.model.cells import BACKENDS, DEFAULT_BACKEND, Cell, VersionProfile

AXES_FILE = Path(__file__).with_name("axes.toml")
USER_FILES_ENV = "SINKMATRIX_AXES"  # the user's axes files, os.pathsep-separated (set by the plugin)
_SECTIONS = ("sinks", "versions")


class AxesError(ValueError):
    """The axes name something no adapter, CDC or backend provides, or a file is not one."""


def user_files(root: Path, given: Sequence[str] = ()) -> list[Path]:
    """The user's axes files: those given (--axes), else sinkmatrix.toml or the pyproject.toml with a
    [tool.sinkmatrix] table in `root` (the user's repository)."""
    if given:
        paths = [Path(g).expanduser() for g in given]
        for path in paths:
            if not path.is_file():
                raise AxesError(f"--axes {path}: no such file")
        return paths
    own = root / "sinkmatrix.toml"
    if own.is_file():
        return [own]
    pyproject = root / "pyproject.toml"
    if pyproject.is_file() and "sinkmatrix" in _read(pyproject).get("tool", {}):
        return [pyproject]
    return []


def use(files: Sequence[Path]) -> None:
    """Make `load()` merge these user files (for this process and the ones it starts)."""
    if files:
        os.environ[USER_FILES_ENV] = os.pathsep.join(str(f.resolve()) for f in files)
    else:
        os.environ.pop(USER_FILES_ENV, None)


def load(path: Path = AXES_FILE) -> dict[str, Any]:
    """The axes: `path` (the packaged defaults) merged with the user's files (`use`)."""
    axes = _read(path)
    for name in filter(None, os.environ.get(USER_FILES_ENV, "").split(os.pathsep)):
        merge(axes, user_axes(Path(name)))
    return axes


def user_axes(path: Path) -> dict[str, Any]:
    """The axes a user's file holds (a pyproject.toml's [tool.sinkmatrix] table, or the whole file)."""
    data = _read(path)
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("sinkmatrix", {})
    unknown = sorted(set(data) - set(_SECTIONS))
    if unknown:
        raise AxesError(f"{path}: unknown table {unknown[0]!r} under the sinkmatrix settings; known: "
                        f"{', '.join(_SECTIONS)} (e.g. [versions.mycdc] with cdc = \"mycdc\")")
    return data


def merge(axes: dict[str, Any], user: dict[str, Any]) -> None:
    """Put the user's sinks and profiles over the defaults, each by name."""
    for section in _SECTIONS:
        axes.setdefault(section, {}).update(user.get(section, {}))


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise AxesError(f"{path}: not valid TOML ({exc})") from None


def versions(axes: dict[str, Any] | None = None) -> dict[str, VersionProfile]:
    axes = axes or load()
    profiles = {}
    specs = dict(axes["versions"])
    named = {spec.get("cdc") for spec in specs.values()}
    for name, spec in _plugin_profiles(named).items():  # a plug-in's own, for a CDC no file names
        specs.setdefault(name, spec)
    for name, spec in specs.items():
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
                                        tuple(spec.get("compose", ())), dict(spec.get("images", {})),
                                        tuple(spec.get("protocols", ())), bool(spec.get("default", True)))
    return profiles


def _plugin_profiles(named: Collection[Any]) -> dict[str, dict[str, Any]]:
    """The default profiles of registered CDCs no profile names (`Cdc.default_profile()`), by profile
    name; only those plug-ins load for it (every packaged CDC has a profile)."""
    found = {}
    for name in sorted(set(cdcs.available()) - set(named)):
        try:
            declare = getattr(cdcs.get(name), "default_profile", None)
        except Exception as exc:  # a plug-in that cannot load: say so where its cells are asked for
            raise AxesError(f"CDC plug-in {name!r} ({cdcs.available()[name]}) does not load: "
                            f"{type(exc).__name__}: {exc}") from None
        spec = declare() if declare is not None else None
        if spec:
            rest = {k: v for k, v in spec.items() if k != "name"}
            found[str(spec.get("name", name))] = {"cdc": name, **rest}
    return found


def profile_hint(cdc: str) -> str:
    """What a user writes to give a registered CDC a profile (its cells come from profiles)."""
    return (f"no version profile names CDC {cdc!r}; add one to your repository's pyproject.toml:\n"
            f"    [tool.sinkmatrix.versions.{cdc}]\n    cdc = \"{cdc}\"\n    backends = [\"embedded\"]\n"
            f"or to a sinkmatrix.toml beside it (without the tool.sinkmatrix. prefix), or let the plug-in "
            f"declare default_profile()")


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
                    if profile.protocols and protocol not in profile.protocols:
                        continue
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
