"""Cross-topic order for a producer whose every record carries its exact upstream position (Debezium:
the binlog file, position and row in `source`), so that a DDL on one topic is applied after every
row before it and before every row after it on other topics, and rows without a message key (spread
over partitions at random) are applied in upstream order.

Topics have no common order in Kafka, and a record of one topic may be read before an earlier
record of another (the producer's partitions live on different brokers). So a record is *held*
until its scope (its database) is known through its clock: the producer acknowledged everything up to
a clock at least as late (a topic the view has not found yet may hold an earlier record until then),
and every partition that may carry records of that scope (the scope's table topics and the
schema-change topic) has been read past that clock, or read to its end after that acknowledgement. The
producer's acknowledged clock comes from the CDC (`acked()`); the ends are asked from the broker
(`watermarks()`) once per acknowledged clock, and only while something is held. Held records are
released in clock order, each partition's in offset order; a record's `settle` (checks that need
every DDL before it known) runs as it is released.

Used only where the CDC reports an acknowledged clock (its progress's `acknowledged()`); elsewhere
the view keeps the order Kafka gives.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sinks.base import Decoded, Finding, Record
from sinks.kafka_transport import TransportDown

Clock = tuple[int, int, int]  # (binlog file number, position, row)
_NEVER: Clock = (-1, -1, -1)


@dataclass
class ClockedDecoded(Decoded):
    """A decoded record with its place in the producer's order."""

    clock: Clock | None = None  # None: the partition's last clock (a tombstone, an unreadable record)
    scope: str = ""  # what it is ordered against: its database
    barrier: bool = False  # a DDL or a TRUNCATE: between the rows before it and after it
    keyed: bool = True  # False: no message key, so its partition says nothing of its order
    settle: Callable[[], list[Finding]] | None = None  # checks run at release (may drop changes)


@dataclass(eq=False)
class _Lane:
    """One partition's state here."""

    topic: str
    partition: int
    last: Clock = _NEVER  # the clock of the last record read
    held: deque[tuple[Record, ClockedDecoded, Clock]] = field(default_factory=deque)


@dataclass(frozen=True)
class _Probe:
    """The producer's acknowledged clock, and each partition's end offset asked after it."""

    clock: Clock
    ends: dict[tuple[str, int], int]
    partitions: int  # how many partitions the view read then
    scopes: frozenset[str]  # whose partitions were asked


# (the partition's owner object, the record, what it decoded to, the findings its settling added)
Released = tuple[Any, Record, ClockedDecoded, list[Finding]]


class ClockOrder:
    """Holds and releases clocked records. `relevant(topic, scope)`: whether a topic may carry records
    of a scope; `acked()`: the producer's acknowledged clock (None: nothing acknowledged yet);
    `partitions()`: (topic, partition, owner) of every partition the view reads, after `discover()`
    looked for new ones; `watermarks(tps)`: end offsets; `fetched(owner)`: the next offset the view
    reads of a partition."""

    def __init__(self, *, relevant: Callable[[str, str], bool], acked: Callable[[], Clock | None],
                 partitions: Callable[[], Sequence[tuple[str, int, Any]]], discover: Callable[[], None],
                 watermarks: Callable[[list[tuple[str, int]]], dict[tuple[str, int], int]],
                 fetched: Callable[[Any], int]) -> None:
        self._relevant, self._acked, self._watermarks = relevant, acked, watermarks
        self._fetched, self._partitions, self._discover = fetched, partitions, discover
        self._lanes: dict[Any, _Lane] = {}
        self._probe: _Probe | None = None
        self._frontier: dict[str, Clock] = {}
        self._scopes: dict[str, int] = {}  # scope -> records held
        self._relevant_to: dict[str, tuple[int, list[tuple[str, int, Any]]]] = {}  # per partition count
        self.held = 0

    # -- records

    def take(self, owner: Any, record: Record, decoded: ClockedDecoded) -> list[Released]:
        """A record just read; what may be applied now (it, or nothing: it is held)."""
        lane = self._lane(owner, record)
        clock = decoded.clock if decoded.clock is not None else lane.last
        lane.last = max(lane.last, clock)
        if not lane.held and clock <= self._frontier.get(decoded.scope, _NEVER):
            return [self._settled(owner, record, decoded)]
        lane.held.append((record, decoded, clock))
        self.held += 1
        self._scopes[decoded.scope] = self._scopes.get(decoded.scope, 0) + 1
        return []

    def step(self) -> list[Released]:
        """Learn how far each scope is known, and release what that allows, in clock order."""
        if not self.held:
            return []
        scopes = {scope for scope, count in self._scopes.items() if count}
        self._ask(scopes)
        # No further than the producer acknowledged: a topic holding a record before that clock was
        # found by the look after that acknowledgement, a topic not found yet may hold one after it
        acked = self._probe.clock if self._probe is not None else _NEVER
        for scope in scopes:
            known = min(self._known_through(scope), acked)
            self._frontier[scope] = max(self._frontier.get(scope, _NEVER), known)
        return self._release()

    def holding(self) -> int:
        """Partitions holding records."""
        return sum(1 for lane in self._lanes.values() if lane.held)

    def describe(self) -> str:
        """What is held and what it waits for (for wait-timeout messages; asked from another thread
        than the view's, so a look that meets a change under way says so)."""
        try:
            return self._describe()
        except RuntimeError:  # a deque or dict changed while we looked
            return f"{self.held} records held for upstream order"

    def _describe(self) -> str:
        parts = []
        for scope in sorted(s for s, n in self._scopes.items() if n):
            first = min((lane.held[0][2] for lane in self._lanes.values()
                         if lane.held and lane.held[0][1].scope == scope), default=None)
            behind = [self._lag(t, p, owner) for t, p, owner in self._relevant_partitions(scope)
                      if self._through(t, p, owner) < (first or _NEVER)]
            parts.append(f"{self._scopes[scope]} of {scope or '(no database)'} from clock {first}, known "
                         f"through {self._frontier.get(scope)}, waiting for {', '.join(behind[:4]) or '-'}")
        acked = self._probe.clock if self._probe is not None else None
        return f"held for upstream order (producer acknowledged {acked}): " + "; ".join(parts)

    # -- how far a scope is known

    def _ask(self, scopes: set[str]) -> None:
        """Once per acknowledged clock, and again when the last answer does not cover a scope held
        now or a partition the view found since: the ends of the partitions of the scopes held
        (after looking for topics made since: a table's topic appears with its first record, and
        the view may learn of it late)."""
        acked, probe = self._acked(), self._probe
        if acked is None:
            return
        if (probe is not None and acked <= probe.clock and scopes <= probe.scopes
                and len(self._partitions()) == probe.partitions):
            return
        self._discover()
        every = self._partitions()
        wanted = [(topic, partition) for topic, partition, _ in every
                  if any(self._relevant(topic, scope) for scope in scopes)]
        clock = max(acked, probe.clock) if probe is not None else acked
        try:
            ends = self._watermarks(wanted)
        except TransportDown:  # the broker is away: ask again at the next step
            return
        self._probe = _Probe(clock, ends, len(every), frozenset(scopes))

    def _known_through(self, scope: str) -> Clock:
        through = None
        for topic, partition, owner in self._relevant_partitions(scope):
            known = self._through(topic, partition, owner)
            through = known if through is None else min(through, known)
        return through if through is not None else _NEVER

    def _lag(self, topic: str, partition: int, owner: Any) -> str:
        lane, probe = self._lanes.get(owner), self._probe
        end = probe.ends.get((topic, partition)) if probe is not None else None
        return (f"{topic}[{partition}] (read past {lane.last if lane else '-'}, to offset "
                f"{self._fetched(owner)} of {end if end is not None else 'an end not asked yet'})")

    def _through(self, topic: str, partition: int, owner: Any) -> Clock:
        """How far a partition is known: its last record's clock, or the acknowledged clock once it
        was read to the end the broker gave after that acknowledgement."""
        lane, probe = self._lanes.get(owner), self._probe
        last = lane.last if lane is not None else _NEVER
        if probe is not None:
            end = probe.ends.get((topic, partition))
            if end is not None and self._fetched(owner) >= end:
                return max(last, probe.clock)
        return last

    def _relevant_partitions(self, scope: str) -> list[tuple[str, int, Any]]:
        """The partitions that may carry a scope's records (asked again when partitions were added)."""
        every = self._partitions()
        known = self._relevant_to.get(scope)
        if known is None or known[0] != len(every):
            known = self._relevant_to[scope] = (len(every), [p for p in every if self._relevant(p[0], scope)])
        return known[1]

    # -- release

    def _release(self) -> list[Released]:
        out: list[Released] = []
        heap: list[tuple[Clock, int, Any]] = []
        for n, (owner, lane) in enumerate(self._lanes.items()):
            if lane.held and lane.held[0][2] <= self._frontier.get(lane.held[0][1].scope, _NEVER):
                heap.append((lane.held[0][2], n, owner))
        heapq.heapify(heap)
        while heap:
            _, n, owner = heapq.heappop(heap)
            lane = self._lanes[owner]
            record, decoded, _ = lane.held.popleft()
            self.held -= 1
            self._scopes[decoded.scope] -= 1
            out.append(self._settled(owner, record, decoded))
            if lane.held and lane.held[0][2] <= self._frontier.get(lane.held[0][1].scope, _NEVER):
                heapq.heappush(heap, (lane.held[0][2], n, owner))
        return out

    @staticmethod
    def _settled(owner: Any, record: Record, decoded: ClockedDecoded) -> Released:
        return owner, record, decoded, settle(decoded)

    def _lane(self, owner: Any, record: Record) -> _Lane:
        lane = self._lanes.get(owner)
        if lane is None:
            lane = self._lanes[owner] = _Lane(record.topic, record.partition)
        return lane


def settle(decoded: Decoded) -> list[Finding]:
    """Run a record's settling checks (once); the findings they add."""
    if not isinstance(decoded, ClockedDecoded) or decoded.settle is None:
        return []
    late = decoded.settle()
    decoded.settle = None
    decoded.findings.extend(late)
    return late
