"""The Kafka sink: encode each transaction (Canal-JSON, Avro, ...), dispatch to partitions, await acks.

Settings (the config's "sink" object):

    {"type": "kafka", "bootstrap": "127.0.0.1:9092,...",
     "format": "canal-json" | "avro" | "module:Factory", "format_options": {...},
     "topic": "{schema}_{table}",        # per-table topic; characters Kafka rejects become "_"
     "default_topic": "{schema}",        # DDL that names no table (CREATE/DROP DATABASE)
     "dispatch": "table" | "key",        # a table's changes in one partition, or a key's
     "watermark_interval": 0,            # seconds between watermarks of every table seen; 0: none
     "delivery_timeout": 30,             # seconds a message may wait for its acknowledgement
     "max_message_bytes": 10485760, "producer_options": {librdkafka settings}}

Ordering: a partition receives messages in upstream commit order (the producer is idempotent, so
retries never reorder); DDL and watermarks are broadcast to every partition of their topic, after
everything before them. flush() returns only once the brokers acknowledged every message, so the
CDC never checkpoints past a message that may be lost; any delivery failure fails the CDC.
"""

from __future__ import annotations

import functools
import importlib
import re
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import structlog
from confluent_kafka import KafkaError, Message, Producer

from sinkmatrix.model.changes import Position, RowChange, Transaction
from sinkmatrix.model.tso import TsoClock
from sinkmatrix.refcdc.encoders import Encoded, Encoder
from sinkmatrix.refcdc.errors import RefCdcError
from sinkmatrix.refcdc.faults import Faults

log = structlog.get_logger(__name__)

# Wire format -> "module:Class"; imported on use, so Avro's dependencies are not needed by Canal-JSON.
ENCODERS: dict[str, str] = {
    "canal-json": "sinkmatrix.refcdc.encode_canal:CanalJsonEncoder",
    "avro": "sinkmatrix.refcdc.encode_avro:AvroEncoder",
}
_METADATA_TIMEOUT = 30.0  # a topic created on first use must show its partitions within this
_TOPIC_CHARS = re.compile(r"[^A-Za-z0-9._-]")
_TOPIC_MAX = 249
_NOWHERE = Position(0, 0, "binlog.000000")  # a part's position until its transaction's end is read


class KafkaSettingsError(RefCdcError):
    def __init__(self, field_name: str, why: str) -> None:
        self.field = field_name
        super().__init__(f"kafka sink setting {field_name!r}: {why}; fix the CDC's sink settings "
                         "(see sinkmatrix.refcdc.apply_kafka)")


class DeliveryError(RefCdcError):
    """Kafka did not acknowledge a message of the batch; the checkpoint stays before the batch."""

    def __init__(self, position: Position | None, topic: str, partition: int | None, why: str,
                 bootstrap: str) -> None:
        self.position, self.topic, self.partition, self.why = position, topic, partition, why
        where = f"{topic}[{partition}]" if partition is not None else topic
        batch = f"the batch ending at {position}" if position else "a batch"
        super().__init__(f"Kafka did not acknowledge {batch}: {where}: {why}; check that the "
                         f"brokers at {bootstrap} are up and accept the topic, then restart the CDC "
                         "(it resumes from its checkpoint, before the unacknowledged messages)")


@dataclass(frozen=True)
class KafkaSettings:
    """The Kafka sink's settings, validated."""

    bootstrap: str
    format: str
    format_options: dict[str, Any] = field(default_factory=dict)
    topic: str = "{schema}_{table}"
    default_topic: str = "{schema}"
    dispatch: str = "table"
    watermark_interval: float = 0.0
    delivery_timeout: float = 30.0
    max_message_bytes: int = 10 * 1024 * 1024
    producer_options: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, settings: dict[str, Any]) -> KafkaSettings:
        for required in ("bootstrap", "format"):
            if not settings.get(required):
                raise KafkaSettingsError(required, "missing")
        known = set(cls.__dataclass_fields__) | {"type"}
        unknown = sorted(set(settings) - known)
        if unknown:
            raise KafkaSettingsError(unknown[0], f"unknown; known settings: {', '.join(sorted(known))}")
        values = {k: v for k, v in settings.items() if k != "type"}
        made = cls(**values)
        if made.dispatch not in ("table", "key"):
            raise KafkaSettingsError("dispatch", f"{made.dispatch!r} is neither 'table' nor 'key'")
        for name, template in (("topic", made.topic), ("default_topic", made.default_topic)):
            try:
                template.format(schema="s", table="t")
            except (KeyError, IndexError, ValueError) as exc:
                raise KafkaSettingsError(name, f"{template!r} is not a template of {{schema}} and "
                                               f"{{table}} ({exc})") from exc
        if made.format not in ENCODERS and ":" not in made.format:
            raise KafkaSettingsError("format", f"{made.format!r} is unknown; known: "
                                               f"{', '.join(sorted(ENCODERS))}, or 'module:Factory'")
        return made

    def topic_of(self, schema: str, table: str | None) -> str:
        """The topic of a table's messages (of a schema's, for DDL that names no table)."""
        return _topic_name(self.topic, self.default_topic, schema, table)


@functools.lru_cache(maxsize=4096)  # asked for every row message
def _topic_name(topic: str, default_topic: str, schema: str, table: str | None) -> str:
    name = (topic.format(schema=schema, table=table) if table is not None
            else default_topic.format(schema=schema, table=""))
    return _TOPIC_CHARS.sub("_", name)[:_TOPIC_MAX]


# -- encoders: one factory per format turns the settings into an encoder

def _canal_json(cls: Callable[..., Encoder], settings: KafkaSettings) -> Encoder:
    options = settings.format_options
    return cls(enable_tidb_extension=bool(options.get("enable_tidb_extension", False)))


def _avro(cls: Callable[..., Encoder], settings: KafkaSettings) -> Encoder:
    from confluent_kafka.schema_registry import SchemaRegistryClient

    options = settings.format_options
    if not options.get("registry_url"):
        raise KafkaSettingsError("format_options.registry_url", "Avro needs a schema registry URL")
    return cls(SchemaRegistryClient({"url": str(options["registry_url"])}),
               decimal_mode=str(options.get("decimal_mode", "precise")),
               bigint_unsigned_mode=str(options.get("bigint_unsigned_mode", "long")),
               enable_tidb_extension=bool(options.get("enable_tidb_extension", False)),
               topic_of=settings.topic_of)


def _keywords(cls: Callable[..., Encoder], settings: KafkaSettings) -> Encoder:
    return cls(**settings.format_options)


_FACTORIES: dict[str, Callable[[Callable[..., Encoder], KafkaSettings], Encoder]] = {
    "canal-json": _canal_json,
    "avro": _avro,
}


def open_encoder(settings: KafkaSettings) -> Encoder:
    """The encoder of the settings' format; a 'module:Factory' format gets format_options as keywords."""
    target = ENCODERS.get(settings.format, settings.format)
    module, _, name = target.partition(":")
    try:
        cls = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as exc:
        raise KafkaSettingsError("format", f"cannot load encoder {target!r} ({exc})") from exc
    return _FACTORIES.get(settings.format, _keywords)(cls, settings)


def stable_hash(*parts: object) -> int:
    """A hash that is the same in every process (Python's hash() of str is salted per process)."""
    return zlib.crc32("\x1f".join(repr(p) for p in parts).encode())


class KafkaApplier:
    """Produces each transaction's messages in order; one flush() = every message acknowledged."""

    def __init__(self, settings: dict[str, Any], *, resumed: dict[str, Any] | None = None,
                 faults: Faults | None = None) -> None:
        self.settings = KafkaSettings.from_dict(settings)
        # Replayed messages repeat, byte for byte in their commit timestamps, what the previous
        # process sent after the checkpoint: the clock resumes where it stood there.
        self.resumed = resumed is not None
        self._faults = faults
        self._encoder = open_encoder(self.settings)
        self._clock = TsoClock(int((resumed or {}).get("tso", 0)))
        self._producer = Producer({
            "bootstrap.servers": self.settings.bootstrap,
            "client.id": "refcdc",
            "enable.idempotence": True,  # retries keep order and never duplicate
            "acks": "all",
            "linger.ms": 2,
            "message.timeout.ms": int(self.settings.delivery_timeout * 1000),
            # a broker that answers nothing for 5 s is asked again (on a new connection), until the
            # message's own timeout: a paused broker costs a retry, not the batch
            "request.timeout.ms": 5000,
            "message.max.bytes": self.settings.max_message_bytes,
            # the transport's compression (TiCDC's sink URI `compression`), not the messages': the
            # bytes a consumer reads are unchanged, and a wide bulk load fits the embedded Kafka
            "compression.type": "lz4",
            "error_cb": self._on_error,
            **self.settings.producer_options,
        })
        self._partitions: dict[str, int] = {}
        self._part_ts: int | None = None  # the commit timestamp of a transaction sent in parts
        self._position: Position | None = None
        self._tables: set[tuple[str, str]] = set()  # tables seen, for watermarks
        self._failure: DeliveryError | None = None
        self._callback_lock = threading.Lock()
        # Held while a batch is being produced, so a timer watermark never lands inside it.
        self._batch_lock = threading.Lock()
        self._in_batch = False
        self._unmarked = False  # transactions sent since the last watermark
        self._watermarked_at = time.monotonic()
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None
        if self.settings.watermark_interval > 0:
            self._ticker = threading.Thread(target=self._tick, name="watermarks", daemon=True)
            self._ticker.start()

    # -- Applier protocol

    def apply(self, txn: Transaction) -> None:
        with self._batch_lock:
            self._in_batch = True
            self._position = txn.end
            # a transaction sent in parts keeps the timestamp its first part was stamped with
            commit_ts = self._part_ts if self._part_ts is not None else \
                self._clock.next(txn.commit_time)
            self._part_ts = None
            for message in self._bent(self._encoder.encode(txn, commit_ts)):
                self._send(message)
            self._unmarked = True

    def apply_part(self, changes: tuple[RowChange, ...], started_at: int = 0) -> None:
        # Sent at once, so Kafka and the consumers work while the rest is read; the whole
        # transaction is stamped with one commit timestamp, fixed by its first part.
        with self._batch_lock:
            self._in_batch = True
            if self._part_ts is None:
                self._part_ts = self._clock.next(started_at)
            part = Transaction(changes=changes, end=self._position or _NOWHERE, commit_time=started_at)
            for message in self._bent(self._encoder.encode(part, self._part_ts)):
                self._send(message)

    def flush(self) -> None:
        with self._batch_lock:
            if self._watermark_due():
                self._send_watermarks()
            self._in_batch = False
        self._await_acks()

    def state(self) -> dict[str, Any]:
        return {"tso": self._clock.last}

    def close(self) -> None:
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join(timeout=5)
        # An unflushed batch is dropped: the CDC replays it from its checkpoint.
        self._producer.purge(in_queue=True, in_flight=False)
        self._producer.poll(0)

    # -- dispatch

    def _bent(self, messages: list[Encoded]) -> list[Encoded]:
        faults = self._faults
        return faults.messages(messages) if faults is not None and faults.any else messages

    def _send(self, message: Encoded) -> None:
        topic = self.settings.topic_of(message.schema, message.table)
        count = self._partition_count(topic)
        if message.table is not None:
            self._tables.add((message.schema, message.table))
        if message.broadcast:
            targets: range | tuple[int] = range(count)
        elif self.settings.dispatch == "key" and (message.handle is not None or message.key is not None):
            key = message.handle if message.handle is not None else message.key
            targets = (stable_hash(message.schema, message.table, key) % count,)
        else:
            targets = (stable_hash(message.schema, message.table) % count,)
        for partition in targets:
            self._produce(topic, partition, message.key, message.value)

    def _produce(self, topic: str, partition: int, key: bytes | None, value: bytes | None) -> None:
        deadline = time.monotonic() + self.settings.delivery_timeout
        while True:
            try:
                self._producer.produce(topic, value, key, partition=partition,
                                       on_delivery=self._on_delivery)
                return
            except BufferError:
                # The local queue is full: serving delivery reports is what frees it.
                if time.monotonic() >= deadline:
                    raise self._error(topic, partition, "the producer's queue stayed full") from None
                self._producer.poll(0.05)
            except Exception as exc:  # KafkaException: e.g. a message larger than max_message_bytes
                raise self._error(topic, partition, str(exc)) from exc

    def _partition_count(self, topic: str) -> int:
        count = self._partitions.get(topic)
        if count is not None:
            return count
        # Asking for a topic's metadata creates it on brokers that auto-create topics.
        deadline = time.monotonic() + _METADATA_TIMEOUT
        why = "no metadata"
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise self._error(topic, None, f"its partitions did not show within "
                                               f"{_METADATA_TIMEOUT:g}s ({why}); create the topic or "
                                               "let the brokers auto-create topics")
            try:
                found = self._producer.list_topics(topic, timeout=remaining).topics.get(topic)
            except Exception as exc:  # KafkaException: the brokers did not answer in time
                why = str(exc)
                continue
            if found is not None and found.error is None and found.partitions:
                self._partitions[topic] = count = len(found.partitions)
                log.info("topic ready", topic=topic, partitions=count)
                return count
            why = str(found.error) if found is not None and found.error is not None else "no partitions"
            self._producer.poll(min(0.1, max(remaining, 0)))  # a topic being created: ask again shortly

    # -- acknowledgements

    def _await_acks(self) -> None:
        deadline = time.monotonic() + self.settings.delivery_timeout + 5.0
        while True:
            # Each message gets a delivery report within delivery_timeout (acked or failed).
            left = self._producer.flush(max(0.0, min(1.0, deadline - time.monotonic())))
            if self._failure is not None:
                raise self._failure
            if left == 0:
                return
            if time.monotonic() >= deadline:
                raise self._error("(batch)", None, f"{left} messages still unacknowledged after "
                                                   f"{self.settings.delivery_timeout:g}s")

    def _on_delivery(self, err: KafkaError | None, msg: Message) -> None:
        if err is None:
            return
        with self._callback_lock:
            if self._failure is None:
                self._failure = self._error(str(msg.topic()), msg.partition(), err.str())

    def _on_error(self, err: KafkaError) -> None:
        # Fatal errors (idempotence broken) end the producer; others are retried by librdkafka.
        if err.fatal():
            with self._callback_lock:
                if self._failure is None:
                    self._failure = self._error("(producer)", None, f"fatal: {err.str()}")
        else:
            log.warning("kafka client error", error=err.str())

    def _error(self, topic: str, partition: int | None, why: str) -> DeliveryError:
        return DeliveryError(self._position, topic, partition, why, self.settings.bootstrap)

    # -- watermarks

    def _watermark_due(self) -> bool:
        interval = self.settings.watermark_interval
        return (interval > 0 and self._unmarked
                and time.monotonic() - self._watermarked_at >= interval)

    def _send_watermarks(self) -> None:
        ts = self._clock.last  # every transaction up to it was produced before these
        for schema, table in sorted(self._tables):
            for message in self._encoder.watermark(schema, table, ts):
                self._send(message)
        self._unmarked = False
        self._watermarked_at = time.monotonic()

    def _tick(self) -> None:
        # Transactions flushed before the interval was up still get their watermark when idle.
        interval = self.settings.watermark_interval
        while not self._stop.wait(interval / 4):
            with self._batch_lock:
                if self._in_batch or not self._watermark_due():
                    continue
                try:
                    self._send_watermarks()
                except DeliveryError as exc:
                    with self._callback_lock:
                        self._failure = self._failure or exc
