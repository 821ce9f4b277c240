"""The hand-off process: Debezium's embedded engine in a JVM, its records produced to Kafka as they are.

    python -m sinkmatrix.cdcs.debezium CONFIG.json

Debezium's own converters make every byte of every key and value (its JSON converter, or Confluent's
Avro converter against a schema registry); this process only produces them with confluent-kafka to
the topic Debezium named, partitioned as Kafka Connect's producer would (murmur2 of the key bytes).
A batch is handed back to the engine, which then commits its offsets, only after the brokers
acknowledged every record of it: the offsets never pass a record that may be lost (at-least-once,
as under Kafka Connect).

Status goes to stdout, a line per batch: `sinkmatrix-status {json}`. "position" is the restart
position of the last record produced — everything before it in the binlog is in Kafka; "clock" the
binlog clock (file, position, row: its `source`) of the last record produced that has one — every
record at or before it is in Kafka (a consumer orders topics by it: sinks.clock_order); "taken"
how far records were taken from the engine; a connector failure ends the feed with Debezium's own
message. Faults (sinkmatrix.cdcs.debezium.faults) are read from the file the client names, again on SIGUSR1.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

from confluent_kafka import KafkaError, Message, Producer

from sinkmatrix.cdcs.debezium.faults import CRASH_EXIT, MessageFaults, Outgoing
from sinkmatrix.cdcs.debezium.feed import BEAT, READY, STATUS, WARM

_DELIVERY_TIMEOUT = 30.0


def _root_cause(error: Any) -> str:
    """The innermost cause of a Java exception that says something, as '<class>: <message>': the
    engine wraps what stopped the connector (a ParsingException, say) in ConnectExceptions whose
    messages say only that it stopped, and ANTLR's InputMismatchException under a ParsingException has
    no message at all (the ParsingException names the statement). Two lines at most: a parser's
    message goes on with every token it expected. (debezium/debezium,
    io/debezium/text/MultipleParsingExceptions.java: the parser's errors are in getErrors().)"""
    said = None
    for _ in range(32):  # Java's getCause() is never the exception itself, but a chain may loop
        if str(error.getMessage() or "").strip():
            said = error
        if (cause := error.getCause()) is None:
            break
        error = cause
    error = said if said is not None else error
    if hasattr(error, "getErrors") and not error.getErrors().isEmpty():  # MultipleParsingExceptions:
        error = error.getErrors().iterator().next()  # its message is only "Multiple parsing errors"
    lines = str(error.getMessage() or "").strip().splitlines()
    return f"{error.getClass().getName()}: {' '.join(lines[:2])[:600]}"


class Handoff:
    """Produces each batch the engine hands over, then reports where the sink holds everything."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config
        kafka = config["kafka"]
        self.producer = Producer({
            "bootstrap.servers": kafka["bootstrap"],
            "partitioner": "murmur2_random",  # what Kafka's Java producer does with a key (Connect's)
            "enable.idempotence": True,  # retries never reorder a partition
            "linger.ms": 0,
            "message.max.bytes": 10 * 1024 * 1024,
            # the transport's compression, not the records': Debezium's bytes arrive as they were
            # converted; JSON envelopes shrink ~10x, so a 50k-row transaction fits the embedded log
            "compression.type": "lz4",
            **kafka.get("producer", {}),
        })
        properties = config["properties"]
        self.faults = MessageFaults(Path(config["faults_file"]), config["format"], _Tables(properties),
                                    properties, _writer_schemas(properties))
        self._lose_then_exit = False
        self._late = 0  # batches in the lag line, not yet delivered
        self._delayed: queue.Queue[tuple[float, list[Outgoing], Any, int]] = queue.Queue()
        threading.Thread(target=self._late_line, name="lagged-batches", daemon=True).start()
        self._lock = threading.Lock()
        self.position: tuple[str, int] | None = None  # restart position of the last record produced
        self.clock: tuple[str, int, int] | None = None  # binlog clock of the last one produced with one
        self.taken: tuple[str, int] | None = None
        self.records = 0
        self.batches = 0
        self.state = "starting"
        self.error: str | None = None
        self._failed: list[str] = []
        self.done = threading.Event()  # the engine finished, or the supervisor asked to stop

    # -- the engine's side

    def handle(self, records: Any) -> None:
        """Called by the engine's thread with a batch (java.util.List of change events). Returning
        hands the batch back as done: the engine then commits its offsets."""
        if self._lose_then_exit:  # crash-lose: the previous batch was handed back unproduced
            os._exit(CRASH_EXIT)
        batch: list[Outgoing] = []
        items = list(records)
        for record in items:
            value, key = record.value(), record.key()
            # the restart position only where it is read, the batch's end: asking Java for every
            # record's offset map costs more than carrying the record
            position = _position(record) if record is items[-1] else None
            batch.append(Outgoing(str(record.destination()), None if key is None else bytes(key),
                                  None if value is None else bytes(value), position))
        self.faults.before_taking(batch, self.report)  # an injected stall holds the engine here
        with self._lock:
            if batch:
                self.taken = batch[-1].position
        self.report()
        delay = self.faults.lag_for(batch)
        outgoing = self.faults.apply(batch)
        if self.faults.exit_after == "crash-lose":
            # handed back as done, never produced: the engine commits past it. Say nothing of it, and
            # die at the next batch, which a beat of our own brings at once
            self._lose_then_exit = True
            self.faults.tables.nudge()
            return
        end = batch[-1].position if batch else None  # (only the last record carries it)
        clock = _last_clock(items)
        with self._lock:
            late = delay > 0 or self._late > 0
            if late:
                self._late += 1
        if late:  # an injected lag: the batch goes out `delay` late, in order; the engine goes on
            self._delayed.put((time.monotonic() + delay, outgoing, (end, clock), len(batch)))
            self.report()  # what it took in, and the fault's count
            return
        self._deliver(outgoing, (end, clock), len(batch))
        if self.faults.exit_after == "crash":
            os._exit(CRASH_EXIT)  # produced, not yet handed back: the engine will send it again

    def _deliver(self, outgoing: list[Outgoing],
                 ends: tuple[tuple[str, int] | None, tuple[str, int, int] | None], count: int) -> None:
        end, clock = ends
        for n, message in enumerate(outgoing, 1):
            self.producer.produce(message.topic, message.value, message.key, on_delivery=self._delivered)
            if n % 512 == 0:  # serve acknowledgements now and then; flush() serves the rest
                self.producer.poll(0)
        left = self.producer.flush(_DELIVERY_TIMEOUT)
        if left or self._failed:
            why = self._failed[0] if self._failed else \
                f"{left} messages unacknowledged after {_DELIVERY_TIMEOUT:g}s"
            raise RuntimeError(f"Kafka did not acknowledge a batch: {why}")  # the engine stops
        with self._lock:
            if end is not None:
                self.position = end
            if clock is not None:
                self.clock = clock
            self.records += count
            self.batches += 1
            if self.state == "starting":
                self.state = "streaming"
        self.report()

    def _late_line(self) -> None:
        """The thread that delivers lagged batches when they are due."""
        while True:
            due, outgoing, ends, count = self._delayed.get()
            while (left := due - time.monotonic()) > 0 and self.faults.lagging():
                self.faults.wait(left)
            try:
                self._deliver(outgoing, ends, count)
            except RuntimeError as exc:
                self.finished(False, str(exc), None)
            with self._lock:
                self._late -= 1

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
                cause = f" ({_root_cause(error)})" if error is not None else ""
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
                    "armed": self.faults.states(),
                    "position": list(self.position) if self.position else None,
                    "clock": list(self.clock) if self.clock else None,
                    "taken": list(self.taken) if self.taken else None}
        sys.stdout.write(STATUS + json.dumps(line) + "\n")
        sys.stdout.flush()


def run(config_path: Path) -> int:
    config = json.loads(config_path.read_text())
    handoff = Handoff(config)
    from sinkmatrix.cdcs.debezium.engine import build  # starts the JVM: after the config is known to be sound

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
    """`python -m sinkmatrix.cdcs.debezium CONFIG.json`, or `--warm FORMAT CONFIG.json`: start the JVM and
    load
    the engine's classes first, then wait for a line on stdin saying CONFIG.json is written."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) == 3 and args[0] == "--warm":
        from sinkmatrix.cdcs.debezium.engine import warm

        os.chdir(Path(args[2]).resolve().parent)
        warm(args[1])
        print(WARM, flush=True)
        if not sys.stdin.readline():  # the supervisor went away before the servers were up
            sys.exit(0)
        args = args[2:]
    if len(args) != 1:
        sys.exit("usage: python -m sinkmatrix.cdcs.debezium [--warm json|avro] CONFIG.json")
    os.chdir(Path(args[0]).resolve().parent)  # the engine writes logs/ under the working directory
    sys.exit(run(Path(args[0]).resolve()))


def _last_clock(items: list[Any]) -> tuple[str, int, int] | None:
    """The `source` clock (file, pos, row) of the last record that has one (a heartbeat has none)."""
    for record in reversed(items):
        value = record.sourceRecord().value()
        schema = value.schema() if value is not None and hasattr(value, "schema") else None
        if schema is None or schema.field("source") is None:
            continue
        source = value.getStruct("source")
        row = source.getInt32("row") if source.schema().field("row") is not None else None
        return str(source.getString("file")), int(source.getInt64("pos")), int(row or 0)
    return None


def _position(record: Any) -> tuple[str, int]:
    source = record.sourceRecord().sourceOffset()
    return str(source.get("file")), int(str(source.get("pos")))


class _Tables:
    """The upstream's tables as the fault layer needs them (to find a column of a family), asked on
    first use and again when a record's columns differ (an ALTER)."""

    def __init__(self, properties: dict[str, Any]) -> None:
        self.properties = properties
        self._conn: Any = None
        self._known: dict[tuple[str, str], Any] = {}

    def __call__(self, database: str, table: str) -> Any:
        from dsl.schema import introspect

        found = self._known.get((database, table))
        if found is None:
            found = self._known[(database, table)] = introspect(self._connection(), database, table)
        return found

    def nudge(self) -> None:
        """A write the connector captures (the beat table), so that a batch follows."""
        with self._connection().cursor() as cur:
            cur.execute(BEAT)

    def _connection(self) -> Any:
        if self._conn is None:
            import pymysql

            p = self.properties
            self._conn = pymysql.connect(host=p["database.hostname"], port=int(p["database.port"]),
                                         user=p["database.user"], password=p["database.password"],
                                         autocommit=True, ssl_disabled=True)
        return self._conn


def _writer_schemas(properties: dict[str, Any]) -> Any:
    """Avro writer schemas by id from the converter's registry (None for JSON)."""
    url = properties.get("converter.schema.registry.url")
    if not url:
        return None
    import urllib.request

    import fastavro

    cache: dict[int, Any] = {}

    def get(schema_id: int) -> Any:
        if schema_id not in cache:
            with urllib.request.urlopen(f"{url}/schemas/ids/{schema_id}", timeout=10) as answer:
                cache[schema_id] = fastavro.parse_schema(json.loads(json.loads(answer.read())["schema"]))
        return cache[schema_id]

    return get
