"""The `ticdc` CDC plug-in: TiCDC from its public images, with TiDB (PD, TiKV, TiDB) upstream, on the
compose backend only (no image registry is reachable offline: its cells skip there with the reason)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from model.cdc import CdcEnvironment, CdcRun
from model.cells import Cell, VersionProfile


class TiCdc:
    name: ClassVar[str] = "ticdc"
    backends: ClassVar[tuple[str, ...]] = ("compose",)

    def emits(self, profile: VersionProfile) -> dict[str, tuple[str, ...]]:
        from cdcs.ticdc.commands import emitted

        return emitted(profile)

    def unavailable(self, cell: Cell) -> str | None:
        return None

    def upstream_options(self, cell: Cell) -> tuple[str, ...]:
        return ()

    def warm_up(self, cell: Cell, root: Path, lease: Any) -> None:
        return None

    def start(self, env: CdcEnvironment) -> CdcRun:
        raise NotImplementedError("TiCDC runs on the compose backend only (its upstream is TiDB)")

    def compose_flavour(self) -> Any:
        from cdcs.ticdc.compose import TicdcFlavour

        return TicdcFlavour()
