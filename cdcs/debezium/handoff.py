"""The hand-off process: Debezium's embedded engine in a JVM, its records produced to Kafka as they are.

    python -m cdcs.debezium CONFIG.json

Debezium's own converters make every byte of every key and value (its JSON converter, or Confluent's
Avro converter against a schema registry); this process only produces them with confluent-kafka to
the topic Debezium named, partitioned as Kafka Connect's producer would (murmur2 of the key bytes).
A batch is handed back to the engine, which then commits its offsets, only after the brokers
acknowledged every record of it: the offsets never pass a record that may be lost (at-least-once,
as under Kafka Connect).

Status goes to stdout, a line per batch: `sinkmatrix-status {json}`. "file"/"pos" is the restart
position of the last record produced — everything before it in the binlog is in Kafka; "taken"
how far records were taken from the engine; a connector failure ends the feed with Debezium's own
message. Faults (cdcs.debezium.faults) are read from the file the client names, again on SIGUSR1.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

from confluent_kafka import KafkaError, Message, Producer

from cdcs.debezium.faults import MessageFaults, Outgoing
from cdcs.debezium.feed import READY, STATUS

_DELIVERY_TIMEOUT = 30.0


class Handoff:
    """Produces each batch the engine hands over, then reports where the sink holds everything."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config
        kafka = config["kafka"]
        self.producer = Producer({
            "bootstrap.servers": kafka["bootstrap"],
            "partitioner": "murmur2_random",  # what Kafka's Java producer does with a key (Connect's)
            "enable.idempotence": True,  # retries never reorder a partition
            "linger.ms": 2,
            "message.max.bytes": 10 * 1024 * 1024,
            **kafka.get("producer", {}),
        })
        self.faults = MessageFaults(Path(config["faults_file"]), config["format"])
        self._lock = threading.Lock()
        self.position: tuple[str, int] | None = None  # restart position of the last record produced
        self.taken: tuple[str, int] | None = None
        self.records = 0
        self.batches = 0
        self.state = "starting"
        self.error: str | None = None
        self._failed: list[str] = []
        self.done = threading.Event()  # the engine finished, or the supervisor asked to stop

    # -- the engine's side

    def handle(self, records: Any) -> None:
        """Called by the engine's thread with a batch (java.util.List of change events)."""
        taken: tuple[str, int] | None = None
        batch: list[Outgoing] = []
        for record in records:
            value, key = record.value(), record.key()
            source = record.sourceRecord().sourceOffset()
            taken = (str(source.get("file")), int(str(source.get("pos"))))
            batch.append(Outgoing(str(record.destination()), None if key is None else bytes(key),
                                  None if value is None else bytes(value), taken))
        with self._lock:
            if taken is not None:
                self.taken = taken
        self.report()
        self.faults.hold()  # a stall or a lag (injected) holds the batch here
        for message in self.faults.apply(batch):
            self.producer.produce(message.topic, message.value, message.key, on_delivery=self._delivered)
            self.producer.poll(0)
        left = self.producer.flush(_DELIVERY_TIMEOUT)
        if left or self._failed:
            why = self._failed[0] if self._failed else \
                f"{left} messages unacknowledged after {_DELIVERY_TIMEOUT:g}s"
            raise RuntimeError(f"Kafka did not acknowledge a batch: {why}")  # the engine stops
        with self._lock:
            if batch:
                self.position = batch[-1].position
            self.records += len(batch)
            self.batches += 1
            if self.state == "starting":
                self.state = "streaming"
        self.report()

    def _delivered(self, error: KafkaError | None, message: Message) -> None:
        if error is not None:
            self._failed.append(f"{message.topic()}[{message.partition()}]: {error.str()}")

    def finished(self, success: bool, message: str, error: Any) -> None:
        """The engine stopped: on its own after a failure (Debezium's message), or as asked."""
        with self._lock:
            if success:
                self.state = "stopped"
            else:
                self.state = "failed"
                cause = f" ({error.getClass().getName()}: {error.getMessage()})" if error is not None else ""
                self.error = f"Debezium stopped: {message}{cause}"
        self.report()
        self.done.set()

    # -- the supervisor's side

    def rearm(self) -> None:
        """SIGUSR1: the client changed the faults file."""
        self.faults.reload()
        self.report()

    def report(self) -> None:
        with self._lock:
            line = {"state": self.state, "error": self.error, "records": self.records,
                    "batches": self.batches, "faults": self.faults.version, "at": time.time(),
                    "position": list(self.position) if self.position else None,
                    "taken": list(self.taken) if self.taken else None}
        sys.stdout.write(STATUS + json.dumps(line) + "\n")
        sys.stdout.flush()


def run(config_path: Path) -> int:
    config = json.loads(config_path.read_text())
    handoff = Handoff(config)
    from cdcs.debezium.engine import build  # starts the JVM: after the config is known to be sound

    engine = build(config, handoff)
    signal.signal(signal.SIGTERM, lambda *_: handoff.done.set())
    signal.signal(signal.SIGUSR1, lambda *_: handoff.rearm())
    runner = threading.Thread(target=engine.run, name="debezium-engine", daemon=True)
    runner.start()
    print(READY, flush=True)
    handoff.done.wait()  # the main thread takes the signals meanwhile
    engine.close()
    runner.join(timeout=30)
    handoff.report()
    return 1 if handoff.state == "failed" else 0


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        sys.exit("usage: python -m cdcs.debezium CONFIG.json")
    os.chdir(Path(args[0]).resolve().parent)  # the engine writes logs/ under the working directory
    sys.exit(run(Path(args[0]).resolve()))
