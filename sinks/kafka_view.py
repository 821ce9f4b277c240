"""The view of a Kafka sink: read every partition of the CDC's topics, decode, materialize, follow.

A consumer thread assigns every partition of every topic named with the view's prefix (found on
each wait and every second), reads each from offset 0 — manual assignment, no consumer group —
runs each partition's records through a decoder of its own (decoders keep per-partition state)
and applies the decoded changes to the view database (see sinks.view_writer).

DDL is broadcast to every partition of a topic, so each partition holds a copy. A partition that
reaches a DDL waits there until every partition of the topic has: the DDL is applied once, after
the rows before it in every partition and before the rows after it in any. A format whose records
carry their exact upstream position, with the DDL on a topic of its own (Debezium), is ordered
across topics by that position instead (sinks.clock_order).

Progress: a wait first waits for the CDC to checkpoint past the mark (it checkpoints only after
the brokers acknowledged), then snapshots the high watermarks and waits for the consumer to have
applied up to them. A truncated log (the embedded Kafka keeps ≈5 MB per partition) is reported as
transport overflow — a Finding, and the reason every wait fails — never as changes the CDC lost.
"""

from __future__ import annotations

import os
import queue
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import structlog
from confluent_kafka import Consumer, KafkaError, KafkaException, Message, TopicPartition
from confluent_kafka.admin import AdminClient, OffsetSpec

from sinkmatrix.model.changes import DdlChange
from sinkmatrix.model.heartbeat import BEAT_DATABASE
from sinkmatrix.model.progress import Progress
from sinks import gc_pace
from sinks.base import Decoded, Decoder, Finding, Record
from sinks.clock_order import ClockedDecoded, ClockOrder, settle
from sinks.consumer_faults import ConsumerFaults, registry_schemas
from sinks.deliveries import Deliveries
from sinks.kafka_transport import CLIENT_LOG, RETRY_BACKOFF, Outage, TransportDown, transient
from sinks.view_writer import Item, ViewBroken, ViewWriter

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

    from sinkmatrix.model.servers import DatabaseServer

log = structlog.get_logger(__name__)

_DISCOVER_EVERY = 0.25  # seconds between looks for new topics (a new table's rows wait for it)
_BATCH = 1000
_APPLY_QUEUE = 4  # batches decoded ahead of the writer
_POLL = 0.05
_PROBE_TIMEOUT = 1.0  # a diagnosis's question to the broker
_REQUEST_TIMEOUT = 5.0  # a broker that answers nothing for this long is down (sinks.kafka_transport)
_OUT_OF_RANGE = (KafkaError.OFFSET_OUT_OF_RANGE, KafkaError._AUTO_OFFSET_RESET)
OVERFLOW_HINT = ("(its partitions keep ≈5 MB): produce less per cell (smaller batches), or run this "
                 "cell on the compose backend with a real broker")

TP = tuple[str, int]


@dataclass
class _Batch:
    """Decoded records on their way to the writer thread."""

    offsets: list[tuple[_Partition, int]]
    items: list[Item]
    findings: list[Finding]


@dataclass(eq=False)
class _Partition:
    topic: str
    partition: int
    decoder: Decoder
    fetched: int = 0  # next offset the broker should deliver
    applied: int = 0  # every offset below is applied (or was a repeat)
    ddl_reached: int = 0  # DDL records this partition has come to
    held: deque[tuple[Record, Decoded]] = field(default_factory=deque)  # behind a DDL barrier
    overflowed: bool = False


class KafkaProgress:
    """The view's `Progress`: the CDC's acknowledged position, then the consumer at the high watermarks."""

    exact = True

    def __init__(self, view: KafkaView, cdc: Progress) -> None:
        self.view, self.cdc = view, cdc

    def mark(self) -> Any:
        return self.cdc.mark()

    def wait_past(self, mark: Any, deadline: float) -> bool:
        if not self.cdc.wait_past(mark, deadline) or self.failure():
            return False
        try:
            ends = self.view.high_watermarks(deadline)
        except TransportDown:
            return False  # describe() says the broker is not answering
        return self.view.wait_consumed(ends, deadline)

    def current(self) -> int:
        return self.view.batches

    def wait_change(self, seen: int, deadline: float) -> int:
        return self.view.wait_batch(seen, deadline, self.cdc.failure)

    def describe(self) -> str:
        return f"{self.view.describe()}; CDC {self.cdc.describe()}"

    def failure(self) -> str | None:
        return self.view.failure or self.cdc.failure()

    def diagnose(self, mark: Any, since: float) -> str | None:
        # the transport first: a CDC whose broker does not answer is stalled by it, not on its own
        return (self.view.outage() or self.view.framework_faults.held_back(since)
                or self.cdc.diagnose(mark, since))

    def downtime(self, since: float) -> float:
        return self.cdc.downtime(since)

    def restarts(self) -> list[float]:
        return self.cdc.restarts()


class KafkaView:
    """SinkView of a Kafka sink, materialized in `view_server` under the upstream's database names."""

    def __init__(self, *, bootstrap: str, decoder_factory: Callable[[], Decoder],
                 view_server: DatabaseServer, upstream: DatabaseServer, cdc_progress: Progress,
                 topic_prefix: str, carries_ddl: bool, also: tuple[str, ...] = (),
                 relevant: Callable[[str, str], bool] | None = None, wire_format: str = "",
                 registry_url: str | None = None) -> None:
        """`also`: topics to read besides those named with the prefix (a CDC's schema-change topic).
        `relevant(topic, scope)`: for decoders of clocked records (sinks.clock_order), whether a topic
        may carry records of a scope; they are ordered by their clocks where the CDC's progress
        reports its acknowledged clock (`acknowledged()`). `wire_format` (the adapter's name) and
        `registry_url`: what the consumer-side faults (sinks.consumer_faults) read records by."""
        self.bootstrap, self.topic_prefix, self._also = bootstrap, topic_prefix, also
        self.carries_ddl = carries_ddl  # whether the protocol carries DDL (Avro's and Debezium's: no)
        self._on_close: list[Callable[[], None]] = []
        self.view_server = view_server
        self._decoder_factory = decoder_factory
        self._writer = ViewWriter(view_server, upstream, carries_ddl=carries_ddl)
        self._writer.restarted = lambda: bool(self.progress.restarts())
        self._cond = threading.Condition()
        self._parts: dict[TP, _Partition] = {}
        self._topics: dict[str, list[_Partition]] = {}
        self._ddl_applied: dict[str, int] = {}  # per topic: broadcast DDLs applied so far
        self._unassigned: list[_Partition] = []
        self._suspects: dict[TP, tuple[int, int]] = {}  # low watermark seen, idle polls then
        self._findings: dict[str | None, list[Finding]] = {}
        self._databases: set[str] = set()  # the test databases the DSL asked for
        self._deliveries = Deliveries()
        self.failure: str | None = None
        self.batches = 0
        self.replays = 0  # records tolerated as at-least-once replays after a CDC restart
        self._idle_polls = 0
        self._stop = threading.Event()
        from sinks.upstream_schema import UpstreamSchemas

        self.framework_faults = ConsumerFaults(
            wire_format, self._database_of, lookup=lambda: UpstreamSchemas(upstream),
            schema_of=registry_schemas(registry_url) if registry_url else None)
        self._on_close.append(self.framework_faults.close)
        self._outage = Outage()
        # when the broker came back from a kill or a pause (time.time()), as the stack tells
        self.transport_interruptions: Callable[[], list[float]] = list
        self._admin = AdminClient({"bootstrap.servers": bootstrap, "logger": CLIENT_LOG})
        self._consumer = Consumer({
            "bootstrap.servers": bootstrap,
            "group.id": f"sinkmatrix-view-{os.urandom(3).hex()}",  # required by the client; never joined
            "enable.auto.commit": False,
            "enable.auto.offset.store": False,
            "auto.offset.reset": "error",  # a truncated log must surface, not silently skip ahead
            # The mock broker answers a fetch only after this wait even when data is there.
            "fetch.wait.max.ms": 5,
            # Each test's new table is a new topic; the client learns its partitions' leaders only
            # at the next metadata refresh (≈1 s here by default), delaying every first wait.
            "topic.metadata.refresh.interval.ms": 25,
            "error_cb": self._on_client_error,
            "logger": CLIENT_LOG,  # the client's own log lines go to the test's log, not stderr
        })
        self.progress = KafkaProgress(self, cdc_progress)
        acked = getattr(cdc_progress, "acknowledged", None)
        self._order = None if relevant is None or acked is None else ClockOrder(
            relevant=relevant, acked=acked, partitions=self._partitions, discover=self.discover,
            watermarks=self._answered_end_offsets, fetched=lambda part: part.fetched)
        self._thread = threading.Thread(target=self._run, name="kafka-view", daemon=True)
        # Applying waits on the view database with the GIL released: a writer thread of its own
        # lets the consumer decode the next batch meanwhile. One writer, FIFO: order is kept.
        self._applying: queue.Queue[_Batch | None] = queue.Queue(maxsize=_APPLY_QUEUE)
        self._writer_thread = threading.Thread(target=self._apply_loop, name="kafka-view-writer",
                                               daemon=True)
        self.discover()
        self._on_close.append(gc_pace.relax())
        self._writer_thread.start()
        self._thread.start()

    # -- SinkView

    def url(self, database: str) -> URL:
        return self.view_server.url(database)

    def database(self, database: str) -> str:
        self._writer.ensure_database(database)  # so the DSL can connect before the first change
        with self._cond:
            self._databases.add(database)
        return database

    def findings(self, database: str) -> list[Finding]:
        """The database's findings, and those that concern every database (transport overflow)."""
        with self._cond:
            return [*self._findings.get(None, ()), *self._findings.get(database, ())]

    def on_close(self, release: Callable[[], None]) -> None:
        """Also release this when the view closes (e.g. the adapter's upstream lookups)."""
        self._on_close.append(release)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        self._applying.put(None)
        self._writer_thread.join(timeout=10)
        # an admin client left for the garbage collector keeps reconnecting to the stopped brokers
        self._admin = None
        self._consumer.close()
        self._writer.close()
        for release in self._on_close:
            release()

    # -- progress

    def discover(self) -> None:
        """Add the partitions of topics that appeared since the last look (none while the broker
        does not answer: the consumer thread looks again, a wait asks through high_watermarks)."""
        try:
            self._look()
        except KafkaException as exc:
            if not transient(exc):
                raise
            self._outage.note(exc)

    def _look(self) -> None:
        topics = self._admin.list_topics(timeout=_REQUEST_TIMEOUT).topics
        with self._cond:
            for name, meta in sorted(topics.items()):
                if (not (name.startswith(self.topic_prefix) or name in self._also) or name in self._topics
                        or meta.error is not None or not meta.partitions):
                    continue
                parts = [_Partition(name, p, self._decoder_factory()) for p in sorted(meta.partitions)]
                self._topics[name] = parts
                self._ddl_applied[name] = 0
                for part in parts:
                    self._parts[(name, part.partition)] = part
                self._unassigned.extend(parts)
                log.debug("topic found", topic=name, partitions=len(parts))

    def outage(self) -> str | None:
        """The broker's outage in words when it does not answer now (asked at once), else None."""
        try:
            self._admin.list_topics(timeout=_PROBE_TIMEOUT)
        except KafkaException as exc:
            if not transient(exc):
                raise
            self._outage.note(exc)
            return self._outage.describe(self.bootstrap)
        self._outage.clear()
        return None

    def high_watermarks(self, deadline: float | None = None) -> dict[TP, int]:
        """The end offset of every partition now, after looking for new topics. While the broker does
        not answer (killed, paused, restarting) asked again until `deadline`; then TransportDown."""
        while True:
            try:
                self._look()
                with self._cond:
                    tps = list(self._parts)
                ends = self._end_offsets(tps)
            except KafkaException as exc:
                if not transient(exc):
                    raise
                self._outage.note(exc)
                if deadline is None or time.monotonic() >= deadline or self._stop.is_set():
                    raise TransportDown(self._outage.describe(self.bootstrap)) from None
                self._stop.wait(RETRY_BACKOFF)  # a request's backoff, not a wait for an event
                continue
            self._outage.clear()
            return ends

    def applied_offsets(self) -> dict[TP, int]:
        """Every partition's applied offset (all offsets below it are applied): a heartbeat's
        per-partition watermarks (sinks.heartbeat)."""
        with self._cond:
            return {tp: part.applied for tp, part in self._parts.items()}

    def _partitions(self) -> list[tuple[str, int, _Partition]]:
        with self._cond:
            return [(topic, partition, part) for (topic, partition), part in self._parts.items()]

    def _answered_end_offsets(self, tps: list[TP]) -> dict[TP, int]:
        """End offsets for the consumer thread's clock order: TransportDown while the broker does not
        answer (the order asks again), never an exception that stops the consumer."""
        try:
            return self._end_offsets(tps)
        except KafkaException as exc:
            if not transient(exc):
                raise
            self._outage.note(exc)
            raise TransportDown(self._outage.describe(self.bootstrap)) from None

    def _end_offsets(self, tps: list[TP]) -> dict[TP, int]:
        if not tps:
            return {}
        futures = self._admin.list_offsets({TopicPartition(*tp): OffsetSpec.latest() for tp in tps},
                                           request_timeout=_REQUEST_TIMEOUT)
        return {(tp.topic, tp.partition): f.result().offset for tp, f in futures.items()}

    def wait_consumed(self, targets: dict[TP, int], deadline: float) -> bool:
        """Block until every partition is applied up to its target offset; False at the deadline."""
        checked = time.monotonic()
        with self._cond:
            while True:
                if self.failure:
                    return False
                behind = [tp for tp, end in targets.items() if self._parts[tp].applied < end]
                if not behind:
                    return True
                now = time.monotonic()
                if now >= deadline:
                    return False
                if now - checked >= 0.5:  # slow: maybe the broker dropped what we still need
                    checked = now
                    self._cond.release()
                    try:
                        self._suspect_truncation(behind)
                    finally:
                        self._cond.acquire()
                    continue
                self._cond.wait(min(deadline - now, 0.5))

    def wait_batch(self, seen: int, deadline: float, cdc_failure: Callable[[], str | None]) -> int:
        with self._cond:
            while self.batches <= seen and not self.failure and not cdc_failure():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(min(remaining, 0.5))  # the CDC's failure does not notify us
            return self.batches

    def describe(self) -> str:
        if (outage := self._outage.describe(self.bootstrap, current=True)) is not None:
            return outage
        with self._cond:
            parts = list(self._parts.values())
            held = sum(1 for p in parts if p.held)
            order = self._order.describe() if self._order is not None and self._order.held else None
            return (f"view applied {self.batches} batches from {len(parts)} partitions of "
                    f"{len(self._topics)} topics '{self.topic_prefix}*'"
                    + (f", {held} partitions at a DDL barrier" if held else "")
                    + (f", {order}" if order else "")
                    + (f", {self.replays} replayed records tolerated" if self.replays else "")
                    + (f"; failed: {self.failure}" if self.failure else ""))

    def _suspect_truncation(self, behind: list[TP]) -> None:
        futures = self._admin.list_offsets({TopicPartition(*tp): OffsetSpec.earliest() for tp in behind},
                                           request_timeout=_REQUEST_TIMEOUT)
        try:
            lows = {(tp.topic, tp.partition): f.result().offset for tp, f in futures.items()}
        except KafkaException as exc:  # the broker is away: nothing is truncated that we can tell
            if not transient(exc):
                raise
            self._outage.note(exc)
            return
        with self._cond:
            for tp, low in lows.items():
                if low > self._parts[tp].fetched:
                    # Conclusive only once the consumer drained what the client had prefetched.
                    self._suspects[tp] = (low, self._idle_polls)

    # -- consumer thread

    def _run(self) -> None:
        discovered = time.monotonic()
        try:
            while not self._stop.is_set():
                if time.monotonic() - discovered >= _DISCOVER_EVERY:
                    self.discover()
                    discovered = time.monotonic()
                self._assign()
                first = self._consumer.poll(_POLL)
                if first is None:
                    self._idle()
                else:
                    self._handle([first, *self._consumer.consume(_BATCH - 1, 0)])
                if self.framework_faults.busy and (due := self.framework_faults.due()):
                    self._handle_due(due)
                if self._order is not None and self._order.held:
                    released = self._order.step()
                    if released:
                        ready: list[tuple[_Partition, Record, Decoded, bool]] = []
                        self._push(ready, self._released(released, ready))
        except Exception as exc:  # the view is dead: every wait must say so at once
            reason = exc if isinstance(exc, ViewBroken) else f"{type(exc).__name__}: {exc}"
            log.error("kafka view consumer stopped", error=str(reason), exc_info=True)
            with self._cond:
                self.failure = self.failure or f"the Kafka view's consumer stopped: {reason}"
                self._cond.notify_all()

    def _assign(self) -> None:
        with self._cond:
            new, self._unassigned = self._unassigned, []
        if new:
            self._consumer.incremental_assign([TopicPartition(p.topic, p.partition, 0) for p in new])

    def _idle(self) -> None:
        with self._cond:
            self._idle_polls += 1
            for tp, (low, polls) in list(self._suspects.items()):
                part = self._parts[tp]
                if part.fetched >= low:
                    del self._suspects[tp]
                elif self._idle_polls > polls + 1:
                    del self._suspects[tp]
                    self._overflow(part, f"the log starts at offset {low}; offsets {part.fetched}.."
                                         f"{low - 1} are gone")

    def _handle(self, messages: list[Message]) -> None:
        ready: list[tuple[_Partition, Record, Decoded, bool]] = []
        findings: list[Finding] = []
        for message in messages:
            error = message.error()
            topic, partition = str(message.topic()), int(message.partition() or 0)
            part = self._parts.get((topic, partition))
            if error is not None:
                if error.code() in _OUT_OF_RANGE and part is not None:
                    with self._cond:
                        self._overflow(part, f"the broker no longer has offset {part.fetched} "
                                             f"({error.str()})")
                elif error.code() != KafkaError._PARTITION_EOF:
                    log.warning("kafka consume error", topic=topic, partition=partition, error=error.str())
                continue
            if part is None or part.overflowed:
                continue
            offset = int(message.offset() or 0)
            if offset < part.fetched:
                continue  # delivered again after a reconnect; already taken
            if offset > part.fetched:
                with self._cond:
                    self._overflow(part, f"offsets {part.fetched}..{offset - 1} are gone")
                continue
            part.fetched = offset + 1
            kind, stamp = message.timestamp()
            record = Record(topic, partition, offset, message.key(), message.value(),
                            stamp if kind else None)
            if not self.framework_faults.busy:
                self._take(part, record, ready, findings)
                continue
            passed = self.framework_faults.take((topic, partition), record)
            if passed.dropped:  # consumed, never decoded: its offset is done
                ready.append((part, record, Decoded(), False))
            for bent in passed.records:
                self._take(part, bent, ready, findings)
        self._push(ready, findings)

    def _handle_due(self, due: list[tuple[TP, Record]]) -> None:
        """Records a consumer-side fault held back and now lets go."""
        ready: list[tuple[_Partition, Record, Decoded, bool]] = []
        findings: list[Finding] = []
        for tp, record in due:
            if (part := self._parts.get(tp)) is not None:
                self._take(part, record, ready, findings)
        self._push(ready, findings)

    def _take(self, part: _Partition, record: Record, ready: list[tuple[_Partition, Record, Decoded, bool]],
              findings: list[Finding]) -> None:
        """Decode a record and queue it to be applied (or hold it at a DDL barrier, or in clock order)."""
        decoded = self._decode(part, record)
        if decoded.findings and self._replayed(record, decoded.findings):
            self.replays += 1
            decoded = Decoded()  # delivered before the CDC's restart: applied then
        findings.extend(decoded.findings)
        self._deliveries.remember(record, decoded)
        # the framework's beats order nothing and wait for nothing: a beat held until a later clock
        # is acknowledged would hold every wait on the beats' own partition (a CDC acknowledges a
        # transaction once a later one is read: sinkmatrix.cdcs.debezium.connect_progress)
        if (self._order is not None and isinstance(decoded, ClockedDecoded)
                and decoded.scope != BEAT_DATABASE):
            findings.extend(self._released(self._order.take(part, record, decoded), ready))
            return
        findings.extend(settle(decoded))  # in Kafka's order: what it needs is known as far as it can be
        if part.held:
            part.held.append((record, decoded))
        else:
            self._admit(part, record, decoded, ready)

    @staticmethod
    def _released(released: list[Any],
                  ready: list[tuple[_Partition, Record, Decoded, bool]]) -> list[Finding]:
        """Records the clock order let go, queued to be applied; the findings their settling added."""
        late: list[Finding] = []
        for part, record, decoded, found in released:
            ready.append((part, record, decoded, True))
            late.extend(found)
        return late

    def _push(self, ready: list[tuple[_Partition, Record, Decoded, bool]], findings: list[Finding]) -> None:
        """Hand records over to the writer thread, in order."""
        batch = _Batch([(part, record.offset) for part, record, _, _ in ready],
                       [Item(record, decoded.changes if apply else ())
                        for _, record, decoded, apply in ready], findings)
        while not self._stop.is_set():  # back-pressure: wait while the writer is behind
            try:
                self._applying.put(batch, timeout=_POLL)
                return
            except queue.Full:
                if self.failure:
                    raise ViewBroken(self.failure) from None

    def _apply_loop(self) -> None:
        """The writer thread: apply batches in the order the consumer handed them over."""
        while (batch := self._applying.get()) is not None:
            try:
                findings = batch.findings + self._writer.write(batch.items)
            except Exception as exc:  # the view is dead: every wait must say so at once
                log.error("kafka view writer stopped", error=str(exc), exc_info=True)
                with self._cond:
                    self.failure = self.failure or f"the Kafka view's writer stopped: {exc}"
                    self._cond.notify_all()
                return
            with self._cond:
                for part, offset in batch.offsets:  # (a reordered record comes after a later one)
                    part.applied = max(part.applied, offset + 1)
                for finding in findings:
                    self._findings.setdefault(finding.database or self._owner(finding), []).append(finding)
                self.batches += 1
                self._cond.notify_all()

    def _owner(self, finding: Finding) -> str | None:
        """The test database of a finding whose record named none (unreadable, say), from its topic:
        topics are named '<database>_<table>', or '<prefix>.<database>.<table>' as Debezium names them.
        None (every database's concern) if no test owns it."""
        if finding.kind == "transport-overflow":
            return None
        return self._database_of(finding.topic)

    def _database_of(self, topic: str) -> str | None:
        """The test database a topic belongs to: '<database>_<table>', '<prefix>.<database>.<table>'."""
        parts = topic.split(".")
        with self._cond:
            owners = [d for d in self._databases
                      if topic == d or topic.startswith(d + "_") or (len(parts) == 3 and parts[1] == d)]
        return max(owners, key=len) if owners else None

    def _replayed(self, record: Record, findings: list[Finding]) -> bool:
        return (self._deliveries.replayed(record, findings, self.progress.restarts())
                or self._deliveries.resent(record, findings, self.transport_interruptions()))

    def history(self, database: str, table: str, key: tuple[Any, ...]) -> list[dict[str, Any]]:
        """What the sink delivered for one key, oldest first (the last few records)."""
        with self._cond:
            return self._deliveries.history(database, table, key)

    def _decode(self, part: _Partition, record: Record) -> Decoded:
        try:
            return part.decoder.decode(record)
        except Exception as exc:  # decoders report bad input as findings; this is a decoder bug
            return Decoded(findings=[Finding("malformed", record.topic, record.partition, record.offset,
                                             None, f"the decoder raised {type(exc).__name__}: {exc}")])

    def _admit(self, part: _Partition, record: Record, decoded: Decoded,
               ready: list[tuple[_Partition, Record, Decoded, bool]]) -> None:
        """Pass a record on to be applied, or hold it at a DDL until every partition has come to it."""
        if not any(isinstance(c, DdlChange) for c in decoded.changes):
            ready.append((part, record, decoded, True))
            return
        part.ddl_reached += 1
        k = part.ddl_reached
        if k <= self._ddl_applied[part.topic]:
            ready.append((part, record, decoded, False))  # a copy of a DDL applied already
            return
        part.held.append((record, decoded))
        siblings = self._topics[part.topic]
        if any(p.ddl_reached < k for p in siblings):
            return
        self._ddl_applied[part.topic] = k
        ready.append((part, record, decoded, True))  # once, before any partition's later rows
        for sibling in siblings:  # every copy is at the front of its partition's held records
            held, sibling.held = sibling.held, deque()
            copy_record, copy = held.popleft()
            if sibling is not part:
                ready.append((sibling, copy_record, copy, False))
            for later_record, later in held:
                if sibling.held:
                    sibling.held.append((later_record, later))
                else:
                    self._admit(sibling, later_record, later, ready)

    def _overflow(self, part: _Partition, detail: str) -> None:
        """Record that the broker dropped messages of a partition before the view read them (holds _cond)."""
        if part.overflowed:
            return
        part.overflowed = True
        where = f"{part.topic}[{part.partition}]"
        message = f"embedded Kafka dropped messages on {where} {OVERFLOW_HINT}"
        self._findings.setdefault(None, []).append(Finding(
            kind="transport-overflow", topic=part.topic, partition=part.partition, offset=part.fetched,
            field=None, why=f"{detail}: the transport lost them, not the CDC; {message}"))
        self.failure = self.failure or message
        log.error("transport overflow", partition=where, detail=detail)
        self._cond.notify_all()

    def _on_client_error(self, err: KafkaError) -> None:
        log.warning("kafka client error", error=err.str(), fatal=err.fatal())
