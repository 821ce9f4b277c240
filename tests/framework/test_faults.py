"""Fault injection: what each fault does to changes and messages, how it is asked for, and how a bad
request is refused. The detection suite (test_detection) proves the checks catch each one."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from dsl import WaitTimeout
from sinkmatrix.model.changes import DdlChange, Position, RowChange, Transaction
from sinkmatrix.model.faults import BAD_SCHEMA_ID, KINDS, FaultError, FaultSpec
from sinkmatrix.model.schema import Column, TableSchema
from sinkmatrix.refcdc import fault_values
from sinkmatrix.refcdc.encoders import Encoded
from sinkmatrix.refcdc.faults import Faults

REPO = Path(__file__).resolve().parents[2]
TABLE = TableSchema("sm_x", "t", (
    Column("id", "int", "int(11)", nullable=False),
    Column("v", "varchar", "varchar(20)"),
    Column("n", "int", "int(11)"),
    Column("d", "decimal", "decimal(12,3)", precision=12, scale=3),
    Column("j", "longtext", "longtext", is_json=True),
    Column("u", "bigint", "bigint(20) unsigned", unsigned=True),
    Column("bits", "bit", "bit(8)", precision=8),
    Column("b", "varbinary", "varbinary(16)"),
    Column("t", "datetime", "datetime(3)", fsp=3),
    Column("day", "date", "date"),
), key=("id",))
ROW = {"id": 1, "v": "abc", "n": 7, "d": Decimal("1.500"), "j": '{"a": 1}', "u": 2**64 - 1, "bits": 5,
       "b": b"\x01", "t": datetime(2024, 1, 2, 3, 4, 5), "day": date(2024, 1, 2)}


def insert(row: dict, table: TableSchema = TABLE) -> RowChange:
    return RowChange("insert", table, None, row)


def txn(*changes: RowChange | DdlChange, pos: int = 100) -> Transaction:
    return Transaction(tuple(changes), Position.of("binlog.000001", pos), 0)


def faults(*specs: FaultSpec, sink: str = "kafka", fmt: str | None = "avro") -> Faults:
    installed = Faults(sink, fmt)
    for spec in specs:
        installed.install(spec)
    return installed


# -- asking for a fault

def test_a_fault_is_parsed_from_its_command_line_form():
    spec = FaultSpec.parse("corrupt:family=json, nth=2")
    assert (spec.kind, spec.family, spec.nth, spec.databases) == ("corrupt", "json", 2, "*")
    assert FaultSpec.parse("lag:seconds=1.5").seconds == 1.5


@pytest.mark.parametrize(("text", "says"), [
    ("explode", "unknown fault 'explode'; faults: drop, duplicate"),
    ("corrupt", "needs family= one of number, decimal"),
    ("corrupt:family=colour", "needs family="),
    ("drop:nth=0", "nth must be a whole number ≥ 1"),
    ("drop:nth=two", "nth: invalid literal"),
    ("drop:when=now", "unknown fault setting 'when'"),
    ("drop:nth", "'nth' is not setting=value"),
    ("lag:seconds=-1", "seconds must be > 0"),
])
def test_a_bad_fault_request_says_what_would_be_accepted(text, says):
    with pytest.raises(FaultError, match=says.replace("(", r"\(")):
        FaultSpec.parse(text)


def test_a_fault_that_cannot_apply_to_the_sink_is_refused_with_the_reason():
    assert KINDS["duplicate"].applies("mysql", None).startswith("the MySQL sink applies idempotently")
    assert KINDS["bad-magic"].applies("kafka", "canal-json") == "it concerns avro messages only"
    assert KINDS["bad-magic"].applies("kafka", "avro") is None
    with pytest.raises(FaultError, match="does not apply to this CDC's mysql sink"):
        faults(FaultSpec("truncate"), sink="mysql", fmt=None)


def test_the_command_line_refuses_a_bad_fault_before_any_stack_starts():
    run = subprocess.run([sys.executable, "-m", "pytest", "tests/cases/test_simple.py", "--fault", "explode",
                          "-p", "no:cacheprovider", "-q"], cwd=REPO, capture_output=True, text=True,
                         timeout=120, check=False)
    assert run.returncode == 4, run.stdout + run.stderr
    assert "--fault: unknown fault 'explode'; faults: drop" in run.stderr


# -- what the change layer does

@pytest.mark.parametrize(("family", "column"), [
    ("number", "n"), ("decimal", "d"), ("string", "v"), ("binary", "b"), ("temporal", "t"), ("json", "j"),
    ("bit", "bits"), ("unsigned", "u"),
])
def test_corrupt_alters_one_value_of_its_family_and_nothing_else(family, column):
    bent, name = fault_values.corrupt(insert(ROW), family)
    assert name == column
    changed = {k for k in ROW if bent.after[k] != ROW[k]}
    assert changed == {column}
    assert type(bent.after[column]) is type(ROW[column])
    assert ROW["id"] == bent.after["id"]


def test_corrupt_leaves_keys_and_nulls_alone():
    only_key = TableSchema("sm_x", "k", (Column("id", "int", "int(11)", nullable=False),), key=("id",))
    assert fault_values.corrupt(insert({"id": 1}, only_key), "number") is None
    assert fault_values.corrupt(insert({**ROW, "n": None}), "number") is None
    assert fault_values.corrupt(RowChange("delete", TABLE, ROW, None), "number") is None


def test_corrupt_moves_values_within_their_range():
    bend = fault_values.FAMILIES
    u64 = TABLE.column("u")
    assert bend["unsigned"][1](u64, 2**64 - 1) == 2**63 - 1  # the top bit read as a sign
    assert bend["decimal"][1](TABLE.column("d"), Decimal("-0.001")) == Decimal("0.000")
    assert bend["temporal"][1](TABLE.column("day"), date(2024, 1, 2)) == date(2024, 1, 3)
    assert bend["temporal"][1](TABLE.column("t"), timedelta(hours=1)) == timedelta(hours=1, seconds=1)


def test_wrong_type_declares_an_integer_as_text_and_omit_drops_the_last_column():
    typed, name = fault_values.wrong_type(insert(ROW))
    assert name == "n" and typed.table.column("n").type == "varchar" and typed.after["n"] == "7"
    omitted, gone = fault_values.omit_column(insert(ROW))
    assert gone == "day" and "day" not in omitted.after and "day" not in omitted.table.by_name


def test_drop_takes_the_nth_row_change_in_scope_only():
    other = TableSchema("sm_other", "t", TABLE.columns, TABLE.key)
    installed = faults(FaultSpec("drop", databases="sm_x", nth=2))
    first, outside, second, third = (insert({**ROW, "id": 1}), insert({**ROW, "id": 9}, other),
                                     insert({**ROW, "id": 2}), insert({**ROW, "id": 3}))
    out = installed.transactions([txn(first, outside), txn(second, third)])
    assert [c.after["id"] for t in out for c in t.changes] == [1, 9, 3]
    assert installed.listing()[0]["fired"] is True
    assert installed.transactions([txn(insert({**ROW, "id": 4}))])[0].changes  # once only


def test_reorder_holds_a_change_until_its_key_changes_again():
    installed = faults(FaultSpec("reorder"), sink="mysql", fmt=None)
    first = insert({**ROW, "v": "a"})
    unrelated = insert({**ROW, "id": 2})
    update = RowChange("update", TABLE, {**ROW, "v": "a"}, {**ROW, "v": "b"})
    assert installed.transactions([txn(first)])[0].changes == ()
    assert installed.holding()
    assert installed.transactions([txn(unrelated)])[0].changes == (unrelated,)
    assert installed.transactions([txn(update)])[0].changes == (update, first)
    assert not installed.holding()


def test_ddl_reorder_applies_the_ddl_after_the_next_rows():
    installed = faults(FaultSpec("ddl-reorder"), sink="mysql", fmt=None)
    alter = txn(DdlChange("sm_x", "alter table t add column w int", "ALTER"), pos=10)
    rows = txn(insert(ROW), pos=20)
    assert installed.transactions([alter]) == []
    assert installed.transactions([rows]) == [rows, alter]


# -- what the message layer does

def message(value: bytes, key: bytes = b"k", table: str = "t") -> Encoded:
    return Encoded("sm_x", table, key, value)


def test_message_faults_bend_bytes_or_repeat_or_swap():
    body = b"\x00\x00\x00\x00\x05payload"
    assert faults(FaultSpec("bad-magic")).messages([message(body)])[0].value == b"\x07" + body[1:]
    bad_id = faults(FaultSpec("bad-schema-id")).messages([message(body)])[0].value
    assert int.from_bytes(bad_id[1:5], "big") == BAD_SCHEMA_ID
    assert faults(FaultSpec("truncate")).messages([message(body)])[0].value == body[:6]
    assert len(faults(FaultSpec("duplicate")).messages([message(body)])) == 2
    swap = faults(FaultSpec("reorder"))
    one, other, two = message(b"1" * 8), message(b"x" * 8, key=b"other"), message(b"2" * 8)
    assert swap.messages([one, other]) == [other]
    assert swap.messages([two]) == [two, one]


def test_broadcast_messages_and_tombstones_are_not_bent():
    ddl = Encoded("sm_x", "t", None, b"{...ddl...}", broadcast=True)
    tombstone = Encoded("sm_x", "t", b"k", None)
    installed = faults(FaultSpec("truncate"))
    assert installed.messages([ddl, tombstone]) == [ddl, tombstone]


# -- what the delivery layer decides

def test_delivery_faults_hit_batches_with_rows_in_scope():
    lag = faults(FaultSpec("lag", seconds=2.0), sink="mysql", fmt=None)
    ddl_only = txn(DdlChange("sm_x", "create table t (id int)", "CREATE"))
    assert lag.delivery([ddl_only]) is None
    assert lag.delivery([txn(insert(ROW))]).action == "lag"
    assert lag.delivery([txn(insert(ROW))]).seconds == 2.0  # every batch after, until cleared
    lag.clear()
    assert lag.delivery([txn(insert(ROW))]) is None and not lag.any
    crash = faults(FaultSpec("crash", nth=2), sink="mysql", fmt=None)
    assert crash.delivery([txn(insert(ROW))]) is None
    assert crash.delivery([txn(insert(ROW))]).action == "crash"


# -- through the plugin, on a running CDC

@pytest.mark.sinks("mysql", "canal-json")
@pytest.mark.fault("drop")
@pytest.mark.no_final_check  # the dropped change stays missing
def test_the_fault_marker_makes_the_cdc_drop_this_cases_change(ctx, stack):
    ctx.upstream.exec_driver_sql("create table t (id int primary key, v int)")
    table = ctx.sql.table("t")
    with pytest.raises(WaitTimeout, match=r"key \(id=1\): missing in the sink"):
        table.insert({"id": 1, "v": 1}).send().wait(timeout=5)
    assert [f["kind"] for f in stack.cdc.faults()] == ["drop"]
    table.insert({"id": 2, "v": 2}).send().wait(timeout=5).check()  # it hits once


@pytest.mark.sinks("mysql")
def test_the_marker_fault_was_cleared_when_its_case_ended(ctx, stack):
    assert stack.cdc.faults() == []
