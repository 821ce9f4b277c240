"""Which cells a run covers: every valid cell, narrowed by --sink/--protocol/--profile/--backend."""

from __future__ import annotations

from difflib import get_close_matches

import pytest

from matrix import axes
from sinkmatrix.model import cdc as cdcs
from sinkmatrix.model.cells import BACKENDS, DEFAULT_BACKEND, Cell
from sinks import registry


def _names(values: list[str]) -> list[str]:
    return [n.strip() for v in values for n in v.split(",") if n.strip()]


def _check(kind: str, wanted: list[str], valid: set[str]) -> None:
    for name in wanted:
        if name not in valid:
            close = get_close_matches(name, sorted(valid), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise pytest.UsageError(f"unknown {kind} {name!r}{hint}; valid: {', '.join(sorted(valid))}")


def select(config: pytest.Config) -> list[Cell]:
    """Cells for this run; --sink names a sink with all its variants, or one as `sink+variant`;
    --cdc keeps every profile of the named CDCs, those left out of the default matrix too (the
    others' plug-ins never load)."""
    only = _names(config.getoption("cdc"))
    try:
        if only:
            _check_cdcs(only, {p.cdc for p in axes.versions().values()})
        cells = axes.cells(registry.supported(), only_cdcs=only or None)
    except axes.AxesError as exc:
        raise pytest.UsageError(str(exc)) from None
    wanted = {
        "sink": _names(config.getoption("sink")),
        "protocol": _names(config.getoption("protocol")),
        "version": _names(config.getoption("sm_version")),
        "backend": _backends(_names(config.getoption("backend"))),
    }
    sinks = wanted.pop("sink")
    _check("sink", sinks, {c.sink for c in cells} | {_sink_variant(c) for c in cells})
    if sinks:
        cells = [c for c in cells if c.sink in sinks or _sink_variant(c) in sinks]
    for kind, names in wanted.items():
        _check(kind, names, set(BACKENDS) if kind == "backend" else {getattr(c, kind) for c in cells})
        if names:
            cells = [c for c in cells if getattr(c, kind) in names]
    # profiles marked `default = false` run when named: by --profile, or by --cdc (every release of it)
    if not wanted["version"] and not only:
        cells = [c for c in cells if c.profile is None or c.profile.in_default]
    return cells


def _check_cdcs(wanted: list[str], profiled: set[str]) -> None:
    """A CDC --cdc names must be registered, and a profile must name it (its cells come from those)."""
    registered = cdcs.available()
    for name in wanted:
        if name not in registered:
            raise pytest.UsageError(str(cdcs.UnknownCdc(name, sorted(registered))))
        if name not in profiled:
            raise pytest.UsageError(axes.profile_hint(name))


def _sink_variant(cell: Cell) -> str:
    return f"{cell.sink}+{cell.variant}" if cell.variant else cell.sink


def _backends(names: list[str]) -> list[str]:
    """--backend: the default backend unless named; `all` means every backend."""
    if not names:
        return [DEFAULT_BACKEND]
    return list(BACKENDS) if "all" in names else names
