"""The `ticdc` CDC plug-in: TiCDC from its public images, with TiDB (PD, TiKV, TiDB) upstream, on the
compose backend only (no image registry is reachable offline: its cells skip there with the reason)."""

from __future__ import annotations

from typing import Any, ClassVar

from sinkmatrix.model.cdc import Cdc, CdcEnvironment, CdcRun
from sinkmatrix.model.cells import VersionProfile


class TiCdc(Cdc):
    name: ClassVar[str] = "ticdc"
    backends: ClassVar[tuple[str, ...]] = ("compose",)

    def emits(self, profile: VersionProfile) -> dict[str, tuple[str, ...]]:
        from sinkmatrix.cdcs.ticdc.commands import emitted

        return emitted(profile)

    def start(self, env: CdcEnvironment) -> CdcRun:
        raise NotImplementedError("TiCDC runs on the compose backend only (its upstream is TiDB)")

    def compose_flavour(self) -> Any:
        from sinkmatrix.cdcs.ticdc.compose import TicdcFlavour

        return TicdcFlavour()
