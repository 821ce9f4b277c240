"""A Kafka view's deliveries: a repeat is an at-least-once replay only when a CDC restart lies between
what it repeats and it; a schema change delivered again is found by its database."""

from __future__ import annotations

import pytest

from sinkmatrix.model.changes import DdlChange, RowChange
from sinkmatrix.model.schema import Column, TableSchema
from sinks.base import Decoded, Finding, Record
from sinks.deliveries import Deliveries

pytestmark = pytest.mark.framework

TABLE = TableSchema("db", "t", (Column("id", "int", "int(11)"),), ("id",))


def _record(offset: int, at_ms: int) -> Record:
    return Record("topic", 0, offset, None, b"", at_ms)


def _duplicate(table: str | None, key: tuple[int, ...] | None) -> Finding:
    return Finding("duplicate", "topic", 0, 9, None, "again", "db", table, key)


@pytest.mark.parametrize("restarts, replayed", [([1.5], True), ([], False), ([2.5], False)])
def test_a_schema_change_delivered_again_is_a_replay_only_across_a_restart(restarts: list[float],
                                                                           replayed: bool) -> None:
    deliveries = Deliveries()
    alter = DdlChange("db", "ALTER TABLE t ADD w INT", "ALTER")
    deliveries.remember(_record(1, 1000), Decoded(changes=[alter]))
    assert deliveries.replayed(_record(9, 2000), [_duplicate(None, None)], restarts) is replayed


def test_a_row_delivered_again_is_a_replay_only_across_a_restart() -> None:
    deliveries = Deliveries()
    deliveries.remember(_record(1, 1000), Decoded(changes=[RowChange("insert", TABLE, None, {"id": 1})]))
    assert deliveries.replayed(_record(9, 2000), [_duplicate("t", (1,))], [1.5])
    assert not deliveries.replayed(_record(9, 2000), [_duplicate("t", (1,))], [])
    assert deliveries.history("db", "t", (1,))[0]["kind"] == "insert"
