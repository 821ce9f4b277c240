"""The matrix axes as data: which sinks exist, which protocols each rides, which versions exist."""

from __future__ import annotations

from matrix.cells import Cell, VersionProfile

VERSIONS: dict[str, VersionProfile] = {
    "local": VersionProfile(
        "local", "embedded",
        {"upstream": "MariaDB (Debian)", "cdc": "refcdc", "downstream": "MariaDB (Debian)"},
    ),
}


def cells(sinks: dict[str, tuple[str, ...]]) -> list[Cell]:
    """Every valid cell for sinks given as name -> protocols it rides."""
    return [
        Cell(sink, protocol, version.name, version.backend)
        for sink, protocols in sorted(sinks.items())
        for protocol in protocols
        for version in VERSIONS.values()
    ]
