"""The sink registry: the adapters of the `sinkmatrix.sinks` entry-point group, ours as anyone's."""

from __future__ import annotations

from difflib import get_close_matches
from importlib import import_module
from importlib.metadata import entry_points

from sinks.base import SinkAdapter

ENTRY_POINT_GROUP = "sinkmatrix.sinks"


class UnknownSink(LookupError):
    def __init__(self, name: str, known: list[str]) -> None:
        close = get_close_matches(name, known, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        super().__init__(f"unknown sink {name!r}{hint}; known sinks: {', '.join(known)}")


def _load(target: str) -> type[SinkAdapter]:
    module, _, attr = target.partition(":")
    return getattr(import_module(module), attr)


def available() -> dict[str, str]:
    """Sink name -> 'module:Class', from the installed packages' entry points (the first of a name)."""
    found: dict[str, str] = {}
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        found.setdefault(ep.name, ep.value)
    return found


def get(name: str) -> type[SinkAdapter]:
    known = available()
    if name not in known:
        raise UnknownSink(name, sorted(known))
    return _load(known[name])


def supported() -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """Sink name -> (protocols it rides, variants it has), for generating the matrix's valid cells."""
    return {name: (get(name).protocols, get(name).variants) for name in available()}
