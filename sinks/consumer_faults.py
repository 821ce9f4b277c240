"""Faults the framework commits itself, between the Kafka transport and the decoders: the message and
delivery kinds of sinkmatrix.model.faults, with their meaning, for a CDC with no fault hooks of its own.

The Kafka view (sinks.kafka_view) hands every record it fetched to `take()` before decoding it, and
decodes what comes back: nothing (`drop`: the record is consumed, never decoded; a record held
back), the record twice (`duplicate`), the record with its value bent (`corrupt`, `truncate`,
`bad-magic`, `bad-schema-id`), or a held record after the next change of its row (`reorder`).
`stall` holds every record of the fault's databases from its nth on until the fault is cleared;
`lag` lets each of them go `seconds` after it came (`due()`, asked on every turn of the consumer's
loop). A partition with a record held keeps its later records behind it: its order is kept.

Like the CDC-side faults, one counts (`seen`) the records of its databases it could bend and fires
on the nth, once; `stall` and `lag` hold from their nth on.
"""

from __future__ import annotations

import fnmatch
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import structlog

from sinkmatrix.model.faults import KINDS, FaultError, FaultSpec
from sinkmatrix.model.heartbeat import BEAT_DATABASE
from sinks import record_bending
from sinks.base import Record
from sinks.record_bending import AVRO_FORMATS, Lookup, Peek, SchemaOf

log = structlog.get_logger(__name__)

TP = tuple[str, int]
MESSAGE_KINDS = ("drop", "duplicate", "reorder", "corrupt", "truncate", "bad-magic", "bad-schema-id")
HOLDING_KINDS = ("stall", "lag")
CONSUMER_KINDS = MESSAGE_KINDS + HOLDING_KINDS
_CDC_ONLY = {
    "wrong-type": "the declared type travels in the CDC's own schema (a registry subject, a field of "
                  "the message): only the CDC can declare it wrongly",
    "omit-column": "a column left out must be left out of the CDC's schema too, which only the CDC writes",
    "crash": "it is the CDC's own lifecycle",
    "crash-lose": "it is the CDC's own lifecycle",
    "ddl-reorder": "the view orders a DDL by the barrier every partition of its topic reaches: held "
                   "back in the consumer, it holds back the rows behind it too and cannot show",
}


def refuses(spec: FaultSpec, wire_format: str) -> str | None:
    """Why the consumer cannot commit this fault on records of `wire_format`; None if it can."""
    if spec.kind in _CDC_ONLY:
        return f"the Kafka consumer cannot commit {spec.kind!r}: {_CDC_ONLY[spec.kind]}"
    kind = KINDS.get(spec.kind)
    if kind is not None and (why := kind.applies("kafka", _format_family(wire_format))) is not None:
        return why
    if spec.kind not in CONSUMER_KINDS:
        return f"the Kafka consumer commits only {', '.join(CONSUMER_KINDS)}"
    if spec.kind in ("bad-magic", "bad-schema-id") and wire_format not in AVRO_FORMATS:
        return f"it concerns Confluent-framed Avro only, not {wire_format}"
    if spec.kind == "corrupt" and wire_format not in ("canal-json", "debezium-json", *AVRO_FORMATS):
        return f"the consumer knows no value of {wire_format} records to bend"
    return None


def _format_family(wire_format: str) -> str:
    """The format names sinkmatrix.model.faults knows: "avro", "canal-json", "json"."""
    return "avro" if wire_format in AVRO_FORMATS else wire_format


@dataclass(frozen=True, slots=True)
class Passed:
    """What the consumer hands the decoders instead of a record."""

    records: list[Record]
    dropped: bool = False  # consumed without being decoded (the view counts its offset as done)


@dataclass(eq=False)
class _Armed:
    spec: FaultSpec
    seen: int = 0
    fired: bool = False  # stall, lag: holding from here
    held: tuple[TP, Record, Any] | None = None  # reorder: the record and its row, waiting for the next

    def covers(self, at: Peek) -> bool:
        return (at.row and at.database is not None and at.database != BEAT_DATABASE  # (the framework's own)
                and fnmatch.fnmatchcase(at.database, self.spec.databases))

    def hit(self) -> bool:
        self.seen += 1
        return self.seen >= self.spec.nth


@dataclass(eq=False)
class _Queued:
    record: Record
    came: float
    due: float | None  # None: until the stall is cleared
    owner: _Armed | None  # the fault that holds it (its clearing lets it go)


@dataclass(eq=False)
class ConsumerFaults:
    """The faults installed in one Kafka view. install/clear/listing come from the test's thread,
    take/due from the view's consumer thread."""

    wire_format: str
    database_of: Callable[[str], str | None]  # topic -> its test database
    lookup: Callable[[], Lookup] | None = None  # the upstream tables (made on the first `corrupt`)
    schema_of: SchemaOf | None = None  # Avro writer schemas by id
    clock: Callable[[], float] = time.monotonic
    _armed: list[_Armed] = field(default_factory=list)
    _queues: dict[TP, deque[_Queued]] = field(default_factory=dict)  # held, per partition
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _tables: Lookup | None = None
    busy: bool = False  # the consumer's fast path: nothing installed, nothing held

    # -- control (sinks.base.FrameworkFaults)

    def refuses(self, spec: FaultSpec) -> str | None:
        return refuses(spec, self.wire_format)

    def install(self, spec: FaultSpec) -> None:
        spec.validate()
        if why := refuses(spec, self.wire_format):
            raise FaultError(f"fault {spec.kind!r}: {why}")
        with self._lock:
            self._armed.append(_Armed(spec))
            self.busy = True
        log.warning("consumer-side fault installed", fault=str(spec))

    def clear(self, databases: str | None = None) -> int:
        """Remove the faults of `databases` (all when None); what they held goes on at the next `due()`."""
        with self._lock:
            gone = [a for a in self._armed if databases is None or a.spec.databases == databases]
            self._armed = [a for a in self._armed if a not in gone]
            now = self.clock()
            for armed in gone:
                if armed.held is not None:  # reorder: the record held back goes on after all
                    tp, record, _ = armed.held
                    self._queues.setdefault(tp, deque()).append(_Queued(record, now, now, None))
                for queue in self._queues.values():
                    for queued in queue:
                        if queued.owner is armed:
                            queued.due, queued.owner = now, None
            self.busy = bool(self._armed or self._queues)
        if gone:
            log.warning("consumer-side faults cleared", databases=databases or "*", removed=len(gone))
        return len(gone)

    def listing(self) -> list[dict[str, Any]]:
        with self._lock:
            return [{**a.spec.to_json(), "fired": a.fired, "seen": a.seen} for a in self._armed]

    def close(self) -> None:
        close = getattr(self._tables, "close", None)
        if close is not None:
            close()

    # -- the consumer's side

    def take(self, tp: TP, record: Record) -> Passed:
        """What the decoders get instead of a record just fetched from partition `tp`."""
        with self._lock:
            queue = self._queues.get(tp)
            if queue:  # behind a held record: the partition's order is kept
                last, now = queue[-1], self.clock()
                due = last.due
                if due is not None and last.owner is not None and last.owner.spec.kind == "lag":
                    due = max(due, now + last.owner.spec.seconds)  # as late as the lag makes it
                queue.append(_Queued(record, now, due, last.owner))
                return Passed([])
            at = record_bending.peek(record, self.wire_format, self.database_of)
            passed = self._message_faults(tp, record, at)
            return self._holding(tp, passed, at)

    def due(self) -> list[tuple[TP, Record]]:
        """Held records whose time has come (a lag's `seconds` passed, a stall cleared), in order."""
        if not self.busy:
            return []
        now = self.clock()
        out: list[tuple[TP, Record]] = []
        with self._lock:
            for tp, queue in list(self._queues.items()):
                while queue and queue[0].due is not None and queue[0].due <= now:
                    out.append((tp, queue.popleft().record))
                if not queue:
                    del self._queues[tp]
            self.busy = bool(self._armed or self._queues)
        return out

    def held_back(self, since: float) -> str | None:
        """The transport's state, as a wait's diagnosis: records of the faults' databases the brokers
        acknowledged and the view has not been handed (a stall: none since `since`; a lag: late)."""
        with self._lock:
            if not self._queues:
                return None
            tp, queue = min(self._queues.items(), key=lambda item: item[1][0].came)
            first, now = queue[0], self.clock()
            count = sum(len(q) for q in self._queues.values())
            where = f"{tp[0]}[{tp[1]}]@{first.record.offset}"
            if first.due is None:
                return (f"no progress: the transport has handed the view none of {count} record(s) the "
                        f"brokers acknowledged (from {where} on) for {now - first.came:.1f}s: it is stalled")
            return (f"the transport lags behind: {count} record(s) the brokers acknowledged (from {where} "
                    f"on) reach the view {first.due - first.came:g}s after they came")

    def _message_faults(self, tp: TP, record: Record, at: Peek) -> Passed:
        passed = Passed([record])
        for armed in self._armed:
            kind = armed.spec.kind
            if kind in HOLDING_KINDS or armed.fired or not armed.covers(at):
                continue
            if kind == "reorder":
                return self._reorder(armed, tp, record, at)
            bent = self._bent(kind, record, at, armed.spec)
            if bent is None or not armed.hit():
                continue
            armed.fired = True
            value, column = bent
            log.warning("consumer-side fault fired", fault=str(armed.spec), topic=record.topic,
                        partition=record.partition, offset=record.offset, column=column or None)
            if kind == "drop":
                return Passed([], dropped=True)
            if kind == "duplicate":
                return Passed([record, record])
            return Passed([replace(record, value=value)])
        return passed

    def _bent(self, kind: str, record: Record, at: Peek, spec: FaultSpec) -> tuple[bytes | None, str] | None:
        """The new value (and the column bent), or None when the fault cannot bend this record."""
        if kind in ("drop", "duplicate"):
            return record.value, ""
        if kind == "corrupt":
            if self.lookup is not None and self._tables is None:
                self._tables = self.lookup()
            if self._tables is None:
                return None
            return record_bending.corrupted(record, self.wire_format, str(spec.family), at, self._tables,
                                            self.schema_of)
        value = record_bending.rewritten(kind, record.value, self.wire_format)
        return None if value is None else (value, "")

    def _reorder(self, armed: _Armed, tp: TP, record: Record, at: Peek) -> Passed:
        """Hold the nth record that names its row; hand it over right after the row's next change."""
        if armed.held is None:
            if at.identity is not None and armed.hit():
                armed.held = (tp, record, at.identity)
                log.warning("consumer-side fault holding a record", fault=str(armed.spec),
                            topic=record.topic, partition=record.partition, offset=record.offset)
                return Passed([])
            return Passed([record])
        held_tp, held, identity = armed.held
        if (held_tp, identity) != (tp, at.identity):
            return Passed([record])
        armed.held, armed.fired = None, True
        log.warning("consumer-side fault fired", fault=str(armed.spec), topic=record.topic,
                    partition=record.partition, offsets=(record.offset, held.offset))
        return Passed([record, held])

    def _holding(self, tp: TP, passed: Passed, at: Peek) -> Passed:
        for armed in self._armed:
            if armed.spec.kind not in HOLDING_KINDS or not armed.covers(at):
                continue
            if not armed.fired and armed.hit():
                armed.fired = True
                log.warning("consumer-side fault holds from here", fault=str(armed.spec),
                            topic=tp[0], partition=tp[1])
            if armed.fired:
                now = self.clock()
                due = None if armed.spec.kind == "stall" else now + armed.spec.seconds
                if passed.records:
                    queue = self._queues.setdefault(tp, deque())
                    queue.extend(_Queued(r, now, due, armed) for r in passed.records)
                return Passed([], dropped=passed.dropped)
        return passed


def registry_schemas(url: str) -> SchemaOf:
    """Writer schemas by id from a Confluent-compatible registry, parsed for fastavro (cached)."""
    import json

    import fastavro
    from confluent_kafka.schema_registry import SchemaRegistryClient

    client = SchemaRegistryClient({"url": url})
    parsed: dict[int, Any] = {}

    def schema_of(schema_id: int) -> Any:
        if schema_id not in parsed:
            text = client.get_schema(schema_id).schema_str
            parsed[schema_id] = fastavro.parse_schema(json.loads(text or "null"))
        return parsed[schema_id]

    return schema_of
