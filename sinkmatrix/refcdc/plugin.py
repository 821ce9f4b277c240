"""The `refcdc` CDC plug-in: the reference CDC shipped here, for cells whose version profile names it.

It emits every built-in sink as TiCDC would (MySQL apply, Canal-JSON with or without the TiDB
extension, Avro in each of TiCDC's handling modes), runs on both backends, and takes every fault of
sinkmatrix.model.faults. Its progress is exact: it pushes the binlog position its sink holds everything
before.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import pymysql

from sinkmatrix.model.cdc import Cdc, CdcEnvironment, CdcOutput
from sinkmatrix.model.cells import VersionProfile
from sinkmatrix.model.changes import Position
from sinkmatrix.model.faults import KINDS, FaultSpec

if TYPE_CHECKING:
    from sinkmatrix.refcdc.client import RefCdc

TOPIC = "{schema}_{table}"  # a table's topic; DDL that names no table goes to "{schema}"


def sink_target(env: CdcEnvironment) -> dict[str, Any]:
    """The CDC's `sink` settings for the cell's sink and variant (see sinkmatrix.refcdc.config)."""
    cell, services = env.cell, env.services
    if cell.sink == "mysql":
        args = env.downstream.connect_args()
        return {"type": "mysql", "host": args["host"], "port": args["port"], "user": args["user"],
                "password": args["password"]}
    kafka = {"type": "kafka", "bootstrap": services["kafka"].bootstrap, "topic": TOPIC,
             "default_topic": "{schema}", "dispatch": "key"}
    if cell.sink == "canal-json":
        tidb = cell.variant == "tidb"
        return {**kafka, "format": "canal-json", "format_options": {
                    "enable_tidb_extension": tidb, "content_compatible": cell.variant == "compatible"},
                "watermark_interval": 1.0 if tidb else 0}
    if cell.sink == "avro":
        strings = cell.variant == "strings"
        return {**kafka, "format": "avro", "format_options": {
            "registry_url": services["schema-registry"].url,
            "decimal_mode": "string" if strings else "precise",
            "bigint_unsigned_mode": "string" if strings else "long",
            "enable_tidb_extension": cell.variant == "tidb"}}
    raise ValueError(f"the reference CDC does not emit {cell.sink!r}")


class RefCdcProgress:
    """The reference CDC's progress as the DSL's `Progress`: exact binlog positions, pushed."""

    exact = True

    def __init__(self, cdc: RefCdc, upstream: Any) -> None:
        self.cdc = cdc
        self._admin = pymysql.connect(**upstream.connect_args(), autocommit=True)
        self._lock = threading.Lock()

    def mark(self) -> Position:
        with self._lock, self._admin.cursor() as cur:
            cur.execute("SHOW MASTER STATUS")
            file, pos = cur.fetchone()[:2]
        return Position.of(file, pos)

    def wait_past(self, mark: Position, deadline: float) -> bool:
        return self.cdc.wait_past(mark, deadline)

    def current(self) -> int:
        return self.cdc.messages

    def wait_change(self, seen: int, deadline: float) -> int:
        return self.cdc.wait_progress(seen, deadline)

    def describe(self) -> str:
        return f"applied through {self.cdc.position}, state {self.cdc.state}"

    def failure(self) -> str | None:
        return self.cdc.error if self.cdc.state == "failed" else None

    def diagnose(self, mark: Position, since: float) -> str | None:
        cdc = self.cdc
        applied, received = cdc.position, cdc.received
        if applied >= mark:
            return None
        if received < mark and cdc.heard_at <= since:
            return (f"no progress: the CDC reported nothing for {time.monotonic() - since:.1f}s and has "
                    f"not taken in the changes (taken in through {received}, the upstream is at {mark}) "
                    f"though it says it is {cdc.state}: it is stalled")
        if received >= mark:
            return (f"the CDC took the changes in (through {received}) but its sink has applied only "
                    f"through {applied}: it lags behind")
        return (f"the CDC is behind: taken in through {received}, applied through {applied}, "
                f"upstream at {mark}")

    def downtime(self, since: float) -> float:
        return 0.0  # it is back within a fraction of a second: the wait's own budget covers it

    def restarts(self) -> list[float]:
        return list(self.cdc.restarts)

    def close(self) -> None:
        self._admin.close()


class RefCdcRun:
    """A running reference CDC as a stack's CDC (sinkmatrix.model.cdc.CdcRun). `client` is its handle."""

    def __init__(self, client: RefCdc, upstream: Any) -> None:
        self.client = client
        self.progress = RefCdcProgress(client, upstream)

    @property
    def state(self) -> str:
        return self.client.state

    def output(self) -> CdcOutput:
        return CdcOutput()  # a table's topic is <database>_<table>, as TiCDC names it

    def stop(self) -> None:
        self.client.stop()

    def close(self) -> None:
        self.client.stop()
        self.progress.close()

    def kill(self) -> None:
        self.client.kill()

    def restart(self) -> None:
        self.client.restart()

    def pause(self) -> None:
        self.client.pause()

    def resume(self) -> None:
        self.client.resume()

    def refuses(self, fault: FaultSpec) -> str | None:
        sink = self.client.config.sink
        return KINDS[fault.kind].applies(str(sink.get("type")), sink.get("format"))

    def faults(self) -> list[dict[str, Any]]:
        return self.client.faults() if self.client.state != "failed" else []

    def inject(self, fault: FaultSpec) -> None:
        from sinkmatrix.refcdc.control import ControlError
        from sinkmatrix.stack.errors import FaultRefused

        try:
            self.client.inject(fault)
        except ControlError as exc:
            raise FaultRefused(str(exc)) from exc

    def clear_faults(self, databases: str | None = None) -> None:
        self.client.clear_faults(databases)

    def logs(self) -> dict[str, Path]:
        return {"cdc": self.client.config.log_path, "cdc-output": self.client.root / "refcdc.out"}

    def describe(self) -> str:
        return self.progress.describe()


class ReferenceCdc(Cdc):
    """The plug-in."""

    name: ClassVar[str] = "refcdc"
    backends: ClassVar[tuple[str, ...]] = ("embedded", "compose")

    def emits(self, profile: VersionProfile) -> dict[str, tuple[str, ...]]:
        return {"mysql": ("",), "canal-json": ("", "tidb", "compatible"), "avro": ("", "tidb", "strings")}

    def start(self, env: CdcEnvironment) -> RefCdcRun:
        from sinkmatrix.refcdc.client import RefCdc

        client = RefCdc.start(upstream=env.upstream, sink=sink_target(env), databases=[env.databases],
                              root=env.root, lease=env.lease, changefeed_id=env.cell.id)
        return RefCdcRun(client, env.upstream)

    def compose_flavour(self) -> Any:
        from sinkmatrix.refcdc.compose_flavour import RefcdcFlavour

        return RefcdcFlavour()
