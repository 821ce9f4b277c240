"""Cross-topic order by the producer's clock (sinks.clock_order): a DDL on its own topic is applied
after the rows before it and before the rows after it whatever order Kafka delivered the topics in;
nothing is let go before every partition of its database is known past its clock; keyless rows spread
over partitions come out in upstream order; a record's settling runs as it is let go."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from sinks.base import Record
from sinks.clock_order import ClockedDecoded, ClockOrder

pytestmark = pytest.mark.framework


@dataclass(eq=False)
class _Part:
    topic: str
    partition: int
    fetched: int = 0


class _Kafka:
    """Partitions, their end offsets, and the producer's acknowledged clock."""

    def __init__(self, *topics: str) -> None:
        self.parts = {t: _Part(t, 0) for t in topics}
        self.ends: dict[str, int] = dict.fromkeys(topics, 0)
        self.acked: tuple[int, int, int] | None = None
        self.asked = 0
        self.order = ClockOrder(
            relevant=lambda topic, scope: topic == "schema" or topic.startswith(f"p.{scope}."),
            acked=lambda: self.acked, partitions=lambda: [(p.topic, 0, p) for p in self.parts.values()],
            discover=lambda: None, watermarks=self._ends, fetched=lambda part: part.fetched)

    def _ends(self, tps: list[tuple[str, int]]) -> dict[tuple[str, int], int]:
        self.asked += 1
        return {tp: self.ends[tp[0]] for tp in tps}

    def read(self, topic: str, clock: tuple[int, int, int], name: str, scope: str = "db",
             **clocked: Any) -> list[str]:
        """The view reads the next record of a topic (produced before: its end moves with it)."""
        part = self.parts[topic]
        record = Record(topic, 0, part.fetched, None, name.encode())
        part.fetched += 1
        self.ends[topic] = max(self.ends[topic], part.fetched)
        return _names(self.order.take(part, record, ClockedDecoded(clock=clock, scope=scope, **clocked)))

    def step(self) -> list[str]:
        return _names(self.order.step())


def _names(released: list[Any]) -> list[str]:
    return [record.value.decode() for _, record, _, _ in released]


def test_a_ddl_on_its_own_topic_goes_between_the_rows_before_and_after_it() -> None:
    kafka = _Kafka("schema", "p.db.a", "p.db.b")
    assert kafka.read("p.db.b", (1, 30, 0), "row after") == []  # read first, written last
    assert kafka.read("p.db.a", (1, 10, 0), "row before") == []
    assert kafka.read("schema", (1, 20, 0), "ALTER", barrier=True) == []
    # every partition known has been read past 10, but a topic not found yet may hold an earlier
    # record: nothing goes before the producer's word
    assert kafka.step() == []
    kafka.acked = (1, 30, 0)
    assert kafka.step() == ["row before", "ALTER", "row after"]
    assert kafka.order.held == 0


def test_a_topic_the_view_has_not_found_yet_holds_back_what_its_records_precede() -> None:
    """A producer's batches for a new topic can reach Kafka after a later record on another topic
    (Kafka Connect drains one batch per partition per request): a DDL read past the only partitions
    known waits until the producer acknowledged it, and the topic found by then goes first."""
    kafka = _Kafka("schema", "p.db.a")
    assert kafka.read("schema", (1, 20, 0), "ALTER", barrier=True) == []
    assert kafka.step() == []  # p.db.b, unknown yet, holds a row at 10
    kafka.parts["p.db.b"] = _Part("p.db.b", 0)
    kafka.ends["p.db.b"] = 0
    assert kafka.read("p.db.b", (1, 10, 0), "row before") == []
    kafka.acked = (1, 20, 0)
    assert kafka.step() == ["row before", "ALTER"]


def test_nothing_goes_before_every_partition_of_its_database_is_read_past_it() -> None:
    kafka = _Kafka("schema", "p.db.a", "p.db.b", "p.other.c")
    kafka.read("p.db.a", (1, 10, 0), "row")
    kafka.read("schema", (1, 20, 0), "DROP", barrier=True)
    kafka.ends["p.db.b"] = 1  # a row of b before the DROP, produced, not read yet
    kafka.ends["p.other.c"] = 5  # another database's: no concern of db's
    kafka.acked = (1, 40, 0)
    assert kafka.step() == []
    assert kafka.read("p.db.b", (1, 15, 0), "late row") == []
    assert kafka.step() == ["row", "late row", "DROP"]
    assert kafka.asked == 1  # the ends are asked once per acknowledged clock


def test_keyless_rows_spread_over_partitions_come_out_in_upstream_order() -> None:
    kafka = _Kafka("schema", "p.db.a", "p.db.b")
    for topic, pos, name in (("p.db.b", 20, "update"), ("p.db.a", 10, "insert"), ("p.db.b", 40, "delete"),
                             ("p.db.a", 30, "update again")):
        kafka.read(topic, (1, pos, 0), name, keyed=False)
    kafka.acked = (1, 40, 0)
    assert kafka.step() == ["insert", "update", "update again", "delete"]


def test_once_known_a_record_goes_at_once_and_its_settling_runs_as_it_goes() -> None:
    kafka = _Kafka("schema", "p.db.a")
    settled: list[str] = []
    kafka.read("p.db.a", (1, 10, 0), "first", settle=lambda: settled.append("first") or [])
    assert settled == []  # held: a schema change before it may still come
    kafka.acked = (1, 10, 0)
    assert kafka.step() == ["first"] and settled == ["first"]
    assert kafka.read("p.db.a", (1, 5, 0), "replayed") == ["replayed"]  # at or below what is known


def test_a_database_held_after_the_last_acknowledgement_is_asked_for_without_another() -> None:
    kafka = _Kafka("schema", "p.other.b", "p.db.a", "p.db.c")  # c: a table of db with no rows
    kafka.read("p.other.b", (1, 5, 0), "other row", scope="other")
    kafka.acked = (1, 50, 0)
    assert kafka.step() == ["other row"]  # the ends asked then were other's and the schema topic's
    kafka.read("p.db.a", (1, 10, 0), "db row")
    assert kafka.step() == ["db row"]  # db's ends are asked now, at the same acknowledgement
