"""The embedded Kafka: Apache Kafka itself, one KRaft node that is broker and controller, from
Maven Central's jars (sinkmatrix.stack.maven), in a JVM of its own on 127.0.0.1.

Fast to start: its storage is formatted once per release into the cache and copied (a static
quorum, so the copy names no port) with a cluster id of its own; its classes come from a class-data
archive written by the first start of that release (≈0.9 s to a served request then, ≈1.8 s without).
Topics are as a user has them: created on first use with the broker's `num.partitions` (the
profile's `kafka_partitions`, default 1).

A broker can be killed (SIGKILL), started again on its data and ports, and paused (SIGSTOP) and
resumed, so tests can take the transport away under a running pipeline.
"""

from __future__ import annotations

import base64
import os
import shutil
import signal
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import structlog

from sinkmatrix.stack import jvm
from sinkmatrix.stack.errors import StackError
from sinkmatrix.stack.leases import Lease
from sinkmatrix.stack.maven import Component, resolve
from sinkmatrix.stack.ports import LOOPBACK, free_port
from sinkmatrix.stack.processes import Child

log = structlog.get_logger(__name__)

DEFAULT_RELEASE = "4.4.0"
RELEASES = ("3.9.1", "4.4.0")  # the version axis (matrix/axes.toml); any served release works
READY_MARKER = "Kafka Server started"
_READY_TIMEOUT = 60.0
_ARCHIVE_GRACE = 15.0  # a first start writes the class archive at a clean exit
JVM_OPTIONS = ("-Xms128m", "-Xmx512m", *jvm.OPTIONS,
               "-Dorg.slf4j.simpleLogger.log.org.apache.kafka=warn",
               "-Dorg.slf4j.simpleLogger.log.kafka=info",
               "-Dorg.slf4j.simpleLogger.log.kafka.server.KafkaConfig=warn",
               "-Dorg.slf4j.simpleLogger.log.kafka.log=warn")


def component(release: str) -> Component:
    """The broker's jars of a release (slf4j-simple gives every release the same logging)."""
    return Component(f"kafka-{release}", (f"org.apache.kafka:kafka_2.13:{release}",
                                          "org.slf4j:slf4j-simple:1.7.36"))


def _cluster_id() -> str:
    return base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")


def _properties(data: Path, port: int, controller: int, partitions: int) -> str:
    settings = {
        "process.roles": "broker,controller", "node.id": "1",
        "controller.quorum.voters": f"1@{LOOPBACK}:{controller}",
        "listeners": f"PLAINTEXT://{LOOPBACK}:{port},CONTROLLER://{LOOPBACK}:{controller}",
        "advertised.listeners": f"PLAINTEXT://{LOOPBACK}:{port}",
        "controller.listener.names": "CONTROLLER", "inter.broker.listener.name": "PLAINTEXT",
        "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "log.dirs": str(data), "num.partitions": str(partitions),
        "offsets.topic.replication.factor": "1", "offsets.topic.num.partitions": "1",
        "transaction.state.log.replication.factor": "1", "transaction.state.log.min.isr": "1",
        "transaction.state.log.num.partitions": "1",
        "share.coordinator.state.topic.replication.factor": "1",
        "share.coordinator.state.topic.min.isr": "1",
        "group.initial.rebalance.delay.ms": "0",
        # a broker killed and started again waits for its old session to expire (9 s by default)
        "broker.session.timeout.ms": "1500", "broker.heartbeat.interval.ms": "300",
    }
    return "".join(f"{key}={value}\n" for key, value in settings.items())


def _template(java: str, jars: Path, release: str) -> Path:
    """Storage formatted once per release (no ports in it: a static quorum), copied per broker."""
    root = jars.parent.parent / "kafka-storage"
    done = root / f"{release}-{jars.name}"
    if (done / "meta.properties").exists():
        return done
    root.mkdir(parents=True, exist_ok=True)
    work = root / f".{done.name}-{os.getpid()}-{threading.get_ident()}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    config = work.parent / f"{work.name}.properties"
    config.write_text(_properties(work, 9, 10, 1))  # never bound: format only
    try:
        formatted = subprocess.run(
            [java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", str(jars / "*"),
             "kafka.tools.StorageTool", "format", "-t", "A" * 22, "-c", str(config)],
            capture_output=True, text=True, timeout=_READY_TIMEOUT, stdin=subprocess.DEVNULL)
        if formatted.returncode != 0:
            raise StackError(f"Kafka {release} could not format its storage:\n  "
                             + "\n  ".join((formatted.stdout + formatted.stderr).splitlines()[-10:]))
        try:
            os.replace(work, done)
        except OSError:  # another process formatted it first
            shutil.rmtree(work, ignore_errors=True)
    finally:
        config.unlink(missing_ok=True)
    return done


@dataclass
class KafkaBroker:
    """A running Apache Kafka node; `bootstrap` is `127.0.0.1:PORT` for any Kafka client."""

    release: str
    root: Path
    lease: Lease
    argv: list[str]
    port: int
    child: Child
    archiving: Path | None = None  # the class archive this broker writes when it exits cleanly
    paused: bool = False
    starts: int = 1
    interruptions: list[float] = field(default_factory=list)  # time.time() of each restart and resume
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def start(cls, root: Path, lease: Lease, release: str = DEFAULT_RELEASE,
              partitions: int = 1) -> KafkaBroker:
        """Start a broker of `release` whose data and log live under `root`."""
        java = jvm.java()
        jars = resolve(component(release))
        template = _template(java, jars, release)
        root.mkdir(parents=True, exist_ok=True)
        data = root / "data"
        shutil.copytree(template, data)
        for path in data.rglob("*"):
            path.chmod(0o700 if path.is_dir() else 0o600)
        meta = data / "meta.properties"
        meta.write_text("".join(f"cluster.id={_cluster_id()}\n" if line.startswith("cluster.id=") else line
                                for line in meta.read_text().splitlines(keepends=True)))
        port, controller = free_port(), free_port()
        config = root / "server.properties"
        config.write_text(_properties(data, port, controller, partitions))
        share, archiving = jvm.class_archive("kafka", [jars], JVM_OPTIONS)
        argv = [java, *JVM_OPTIONS, share, *jvm.QUIET_CDS,
                "-cp", str(jars / "*"), "kafka.Kafka", str(config)]
        child = _launch(argv, root, lease)
        broker = cls(release, root, lease, argv, port, child, archiving)
        log.debug("kafka ready", bootstrap=broker.bootstrap, release=release)
        return broker

    @property
    def bootstrap(self) -> str:
        return f"{LOOPBACK}:{self.port}"

    @property
    def pid(self) -> int:
        return self.child.process.pid

    def alive(self) -> bool:
        return self.child.process.poll() is None

    def kill(self) -> None:
        """SIGKILL: the broker vanishes mid-request, its data stays for a restart."""
        with self._lock:
            self.paused = False
            self.child.stop()

    def restart(self) -> None:
        """Start the broker again on its data and ports (after kill(), or stopping a live one)."""
        with self._lock:
            self.paused = False
            self.child.stop()
            self.archiving = None
            self.child = _launch(self.argv, self.root, self.lease)
            self.starts += 1
            self.interruptions.append(time.time())

    def pause(self) -> None:
        """SIGSTOP: the broker holds every connection open and answers nothing."""
        with self._lock:
            os.kill(self.pid, signal.SIGSTOP)
            self.paused = True

    def resume(self) -> None:
        with self._lock:
            if self.paused:
                os.kill(self.pid, signal.SIGCONT)
                self.paused = False
                self.interruptions.append(time.time())

    def stop(self) -> None:
        """Stop the broker; its data is gone with the stack. A first start of a release exits
        cleanly so its class archive is written; any later one is killed (nothing is kept)."""
        with self._lock:
            if self.paused:
                os.kill(self.pid, signal.SIGCONT)
            self.child.stop(grace=_ARCHIVE_GRACE if self.archiving is not None else 0.0)

    def __repr__(self) -> str:
        return f"KafkaBroker(bootstrap={self.bootstrap!r}, release={self.release!r})"


def _launch(argv: list[str], root: Path, lease: Lease) -> Child:
    child = Child("kafka", argv, lease=lease, log_path=root / "kafka.log", ready_marker=READY_MARKER,
                  cwd=root)
    try:
        child.wait_ready(_READY_TIMEOUT)
    except BaseException:
        child.stop()
        raise
    return child
