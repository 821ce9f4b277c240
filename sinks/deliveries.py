"""What a Kafka view was delivered, per row key: the last few records of each key, for the failure
bundles of the tests they concern, and to tell an at-least-once replay after a CDC restart from a
real repeat. A DDL is remembered under its database (key ()), so a schema change delivered again
after a restart is a replay too.

A key's records are kept as a tuple of tuples of plain values: the garbage collector stops tracking
those, so a bulk load's keys add nothing to its full collections (deques would).
"""

from __future__ import annotations

from typing import Any

from sinkmatrix.model.changes import DdlChange, RowChange
from sinks.base import Decoded, Finding, Record

_PER_KEY = 8  # records kept per key for failure bundles
_KEYS = 200_000  # keys with a history, at most (a bound on memory: rows are kept)
_REPEATS = frozenset({"duplicate", "out-of-order"})

Slot = tuple[str, str, tuple[Any, ...]]


class Deliveries:
    """Per (database, table, key): (topic, partition, offset, kind, timestamp ms, values) of its last
    records, oldest first."""

    def __init__(self) -> None:
        self._events: dict[Slot, tuple[tuple[Any, ...], ...]] = {}

    def remember(self, record: Record, decoded: Decoded) -> None:
        for change in decoded.changes:
            if isinstance(change, DdlChange):  # a DDL delivered again is found by its database
                slot: Slot = (change.schema, "", ())
                event: tuple[Any, ...] = (record.topic, record.partition, record.offset, change.kind,
                                          record.timestamp_ms, None)
                self._events[slot] = (*self._events.get(slot, ())[1 - _PER_KEY:], event)
                continue
            if not isinstance(change, RowChange) or not change.table.key:
                continue
            image = change.after if change.after is not None else change.before
            try:
                slot = (change.table.database, change.table.name, change.key_of(image or {}))
            except KeyError:
                continue
            events = self._events.get(slot)
            if events is None and len(self._events) >= _KEYS:
                continue
            # the decoded row itself (as pairs: a tuple holding a dict stays tracked): it is rendered
            # only if a failure asks for this key
            event = (record.topic, record.partition, record.offset, change.kind, record.timestamp_ms,
                     tuple(image.items()) if image is not None else None)
            self._events[slot] = (event,) if events is None else (*events[1 - _PER_KEY:], event)

    def history(self, database: str, table: str, key: tuple[Any, ...]) -> list[dict[str, Any]]:
        """What was delivered for one key, oldest first (the last few records)."""
        events = list(self._events.get((database, table, tuple(key)), ()))
        return [{"topic": topic, "partition": partition, "offset": offset, "kind": kind,
                 "timestamp_ms": stamp, "values": {k: repr(v)[:80] for k, v in image or ()}}
                for topic, partition, offset, kind, stamp, image in events]

    @staticmethod
    def resent(record: Record, findings: list[Finding], interruptions: list[float]) -> bool:
        """Whether a record flagged only as a repeat is the transport's at-least-once: a producer's
        batch sent again after the broker went away (killed, paused) while it was in flight. Such a
        copy keeps its first send's timestamp, so it was produced before an interruption
        (`interruptions`: time.time() values of the broker's restarts and resumes)."""
        if record.timestamp_ms is None or not findings or any(f.kind not in _REPEATS for f in findings):
            return False
        return any(int(at * 1000) >= record.timestamp_ms for at in interruptions)

    def replayed(self, record: Record, findings: list[Finding], restarts: list[float]) -> bool:
        """Whether a record flagged only as a repeat (duplicate, out-of-order) is an at-least-once
        replay: produced after a CDC restart (`restarts`: time.time() values), while what it repeats
        was produced before it. Real regressions stay flagged: a repeat without a restart in between,
        or after the key moved on under the restarted CDC."""
        if record.timestamp_ms is None or any(f.kind not in _REPEATS for f in findings):
            return False
        at_ms = [int(at * 1000) for at in restarts]
        if not at_ms:
            return False
        for finding in findings:
            events = self._events.get((finding.database or "", finding.table or "", finding.key or ()))
            earlier = events[-1][4] if events else None
            if earlier is None or not any(earlier <= at < record.timestamp_ms for at in at_ms):
                return False
        return True
