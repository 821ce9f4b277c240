"""The embedded Kafka: librdkafka's mock cluster in a child process, reachable on 127.0.0.1.

The mock keeps only about 5 MB per partition and silently drops older messages; readers must
treat a truncated log as transport overflow (see sinks.kafka_view), not as lost changes.
AdminClient CreateTopics times out against it; topics are created on first use with 4 partitions.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import structlog

from sinkmatrix.stack.errors import StackError
from sinkmatrix.stack.kafka_host import READY_PREFIX
from sinkmatrix.stack.leases import Lease
from sinkmatrix.stack.ports import LOOPBACK
from sinkmatrix.stack.processes import Child

log = structlog.get_logger(__name__)

_READY_TIMEOUT = 30.0
_STOP_GRACE = 5.0
# Partitions of an auto-created topic on the mock cluster (librdkafka's default, not configurable
# through the host); producers learn it from metadata, this is for documentation and tests.
MOCK_PARTITIONS = 4


@dataclass
class KafkaHost:
    """A running mock Kafka cluster; `bootstrap` is the `host:port,...` list for any Kafka client."""

    bootstrap: str
    brokers: int
    child: Child

    @classmethod
    def start(cls, root: Path, lease: Lease, brokers: int = 3) -> KafkaHost:
        """Start a cluster of `brokers` mock brokers under `lease`; its log goes to root/kafka.log."""
        root.mkdir(parents=True, exist_ok=True)
        package_root = str(Path(__file__).resolve().parents[2])
        path = os.environ.get("PYTHONPATH")
        env = {**os.environ, "PYTHONPATH": package_root + (os.pathsep + path if path else "")}
        argv = [sys.executable, "-m", "sinkmatrix.stack.kafka_host", "--brokers", str(brokers)]
        child = Child("kafka", argv,
                      lease=lease, log_path=root / "kafka.log", ready_marker=READY_PREFIX, env=env)
        try:
            child.wait_ready(_READY_TIMEOUT)
            bootstrap = _bootstrap_from(child.tail())
        except BaseException:
            child.stop()
            raise
        log.debug("kafka ready", bootstrap=bootstrap, brokers=brokers)
        return cls(bootstrap=bootstrap, brokers=brokers, child=child)

    @property
    def pid(self) -> int:
        return self.child.process.pid

    def stop(self) -> None:
        """Stop the cluster (SIGTERM, then SIGKILL after a grace period); its data is gone."""
        self.child.stop(grace=_STOP_GRACE)

    def __repr__(self) -> str:
        return f"KafkaHost(bootstrap={self.bootstrap!r}, brokers={self.brokers})"


def _bootstrap_from(lines: list[str]) -> str:
    for line in reversed(lines):
        if READY_PREFIX in line:
            bootstrap = line.split(READY_PREFIX, 1)[1].strip()
            hosts = {address.rpartition(":")[0] for address in bootstrap.split(",")}
            if not bootstrap or hosts != {LOOPBACK}:
                raise StackError(f"kafka host announced {bootstrap!r}; expected brokers on {LOOPBACK} only")
            return bootstrap
    raise StackError("kafka host got ready without announcing its bootstrap servers:\n  "
                     + "\n  ".join(lines))
