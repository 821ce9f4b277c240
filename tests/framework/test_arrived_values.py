"""A difference the view's column caused (a lax sql_mode clips what it cannot hold) is told as the
value that arrived, with its record; a value the CDC sent wrong and the view holds as sent is not."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from dsl.arrived import arrived
from dsl.compare import ColumnDiff
from sinkmatrix.model.schema import Column, TableSchema

TABLE = TableSchema("db", "t", (Column("id", "int", "int(11)"), Column("u", "int", "int(10) unsigned"),
                                Column("s", "varchar", "varchar(3)")), ("id",))


def _helper(values: dict[str, Any]) -> Any:
    event = {"topic": "p.db.t", "partition": 0, "offset": 5, "kind": "insert", "timestamp_ms": 1,
             "values": {k: repr(v) for k, v in values.items()}}
    return SimpleNamespace(history=lambda database, table, key: [event])


def test_a_clamped_number_is_told_as_what_arrived() -> None:
    text = arrived(_helper({"id": 1, "u": -1}), TABLE, {"id": 1}, [ColumnDiff("u", 4294967295, 0, "")])
    assert "u: arrived as -1 (p.db.t[0]@5)" in text


def test_a_cut_text_is_told_as_what_arrived() -> None:
    text = arrived(_helper({"id": 1, "s": "abcdef"}), TABLE, {"id": 1}, [ColumnDiff("s", "xyz", "abc", "")])
    assert "s: arrived as 'abcdef'" in text


def test_a_right_value_changed_in_the_view_afterwards_adds_nothing() -> None:
    assert arrived(_helper({"id": 1, "u": 1}), TABLE, {"id": 1}, [ColumnDiff("u", 1, 2, "")]) == ""


def test_a_wrong_value_held_as_sent_adds_nothing() -> None:
    assert arrived(_helper({"id": 1, "u": 7}), TABLE, {"id": 1}, [ColumnDiff("u", 8, 7, "")]) == ""
    assert arrived(SimpleNamespace(history=None), TABLE, {"id": 1}, [ColumnDiff("u", 8, 7, "")]) == ""


def test_a_value_the_view_refuses_is_a_wrong_value_with_its_column() -> None:
    """Under a strict session the view refuses the value: the finding is the value, not the SQL error."""
    import pymysql

    from sinkmatrix.model.changes import RowChange
    from sinks.apply_mysql import ApplyError
    from sinks.base import Record
    from sinks.view_writer import ViewWriter

    writer = ViewWriter.__new__(ViewWriter)
    writer._findings = []
    writer._upstream_args = {"host": "127.0.0.1", "port": 9, "user": "x", "password": ""}  # nobody there
    change = RowChange("insert", TABLE, None, {"id": 1, "u": -1, "s": "x"})
    refused = pymysql.err.DataError(1264, "Out of range value for column 'u' at row 1")
    writer._failed(Record("p.db.t", 0, 5, None, b"{}"), change, ApplyError(None, "INSERT", refused))  # type: ignore[arg-type]
    (finding,) = writer._findings
    assert finding.kind == "wrong-value" and finding.field == "u" and finding.offset == 5
    assert finding.why.startswith("u arrived as -1") and "Out of range" in finding.why
