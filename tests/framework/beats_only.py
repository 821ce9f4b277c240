"""A CDC that reports no position: the reference CDC with its exact progress hidden, so the stack gives
it the framework's default progress (sinks.heartbeat). Registered in-process under `NAME`."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, ClassVar

from matrix import axes
from sinkmatrix.model import cdc as cdcs
from sinkmatrix.model.cdc import CdcEnvironment
from sinkmatrix.model.cells import Cell
from sinkmatrix.refcdc.plugin import ReferenceCdc

NAME = "refcdc-beats"


class HiddenProgress:
    """The reference CDC's run, but for its progress: a CDC whose position nobody can read."""

    progress = None

    def __init__(self, run: Any) -> None:
        self.run = run

    def __getattr__(self, name: str) -> Any:
        return getattr(self.run, name)


class BeatsOnlyCdc(ReferenceCdc):
    name: ClassVar[str] = NAME

    def start(self, env: CdcEnvironment) -> Any:
        return HiddenProgress(super().start(env))


def cell(sink: str, protocol: str, variant: str = "", partitions: int = 4) -> Cell:
    """The reference CDC's local cell for `sink`, run by the CDC without progress; its topics have
    `partitions` partitions (the broker's num.partitions), so rows travel on partitions the beat
    does not."""
    cdcs._LOADED.setdefault(NAME, BeatsOnlyCdc())
    found = axes.cell(sink, protocol, "local", variant)
    assert found.profile is not None
    components = {**found.profile.components, "kafka_partitions": str(partitions)}
    return replace(found, profile=replace(found.profile, cdc=NAME, components=components))
