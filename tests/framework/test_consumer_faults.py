"""Faults the framework commits itself (a CDC with no fault hooks): which side a fault goes to, what the
Kafka consumer does to records (sinks.consumer_faults, sinks.record_bending) and which faults the
MySQL sink's tampering takes (sinks.sink_tamper). The detection suite proves the checks catch them."""

from __future__ import annotations

import base64
import io
import json
from decimal import Decimal

import pytest

from dsl import WaitTimeout
from reports.reliability import classify
from sinkmatrix.model.faults import BAD_SCHEMA_ID, KINDS, FaultError, FaultSpec, side_for
from sinkmatrix.model.schema import Column, TableSchema
from sinks import record_bending, sink_tamper
from sinks.base import Record
from sinks.consumer_faults import CONSUMER_KINDS, ConsumerFaults, refuses

DB = "sm_x"
TABLE = TableSchema(DB, "t", (
    Column("id", "int", "int(11)", nullable=False),
    Column("n", "int", "int(11)"),
    Column("d", "decimal", "decimal(12,3)", precision=12, scale=3),
    Column("s", "varchar", "varchar(20)"),
    Column("b", "varbinary", "varbinary(16)"),
    Column("t", "datetime", "datetime(3)", fsp=3),
    Column("j", "longtext", "longtext", is_json=True),
    Column("bits", "bit", "bit(8)", precision=8),
    Column("u", "bigint", "bigint(20) unsigned", unsigned=True),
), key=("id",))
CANAL_ROW = {"id": "1", "n": "7", "d": "123.456", "s": "hello", "b": "\x01\x02",
             "t": "2024-01-02 03:04:05.678", "j": '{"a": 1}', "bits": "5", "u": "18446744073709551615"}


def lookup(database: str, table: str) -> TableSchema | None:
    return TABLE if (database, table) == (DB, "t") else None


def canal(row_id: int, kind: str = "INSERT", database: str = DB, **values: str) -> bytes:
    data = {**CANAL_ROW, "id": str(row_id), **values}
    return json.dumps({"id": 0, "database": database, "table": "t", "pkNames": ["id"], "isDdl": False,
                       "type": kind, "data": [data], "old": None}).encode()


def record(value: bytes | None, offset: int = 0, topic: str = f"{DB}_t", key: bytes | None = None,
           partition: int = 0) -> Record:
    return Record(topic, partition, offset, key, value)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def consumer(*specs: FaultSpec, fmt: str = "canal-json", clock: Clock | None = None) -> ConsumerFaults:
    faults = ConsumerFaults(fmt, lambda topic: DB if topic.startswith(DB + "_") else None,
                            lookup=lambda: lookup, clock=clock or Clock())
    for spec in specs:
        faults.install(spec)
    return faults


def values(passed) -> list[bytes | None]:
    return [r.value for r in passed.records]


# -- which side commits a fault

def test_auto_takes_the_cdc_side_where_the_cdc_offers_the_fault_and_the_framework_otherwise():
    drop = FaultSpec("drop")
    assert side_for(drop, None, None) == "cdc"
    assert side_for(drop, "no hooks", None) == "sink"
    assert side_for(FaultSpec("drop", side="sink"), None, None) == "sink"
    assert side_for(FaultSpec("resurrect"), None, None) == "sink"  # the framework's alone
    with pytest.raises(FaultError, match=r"neither the CDC \(no hooks\) nor the framework \(cannot\)"):
        side_for(drop, "no hooks", "cannot")
    with pytest.raises(FaultError, match=r"the CDC cannot commit it .no hooks.; side=sink"):
        side_for(FaultSpec("drop", side="cdc"), "no hooks", None)


def test_a_bad_side_is_refused_saying_which_sides_exist():
    with pytest.raises(FaultError, match="side must be one of auto, cdc, sink"):
        FaultSpec.parse("drop:side=consumer")
    with pytest.raises(FaultError, match="committed by the framework alone"):
        FaultSpec.parse("resurrect:side=cdc")
    assert FaultSpec.parse("drop:side=sink").side == "sink"
    assert "side=sink" in str(FaultSpec("drop", side="sink"))


def test_the_consumer_and_the_sink_say_why_they_cannot_commit_a_fault():
    assert refuses(FaultSpec("bad-magic"), "canal-json") == "it concerns avro messages only"
    assert refuses(FaultSpec("bad-magic"), "debezium-avro") is None
    assert "lifecycle" in refuses(FaultSpec("crash"), "avro")
    assert refuses(FaultSpec("resurrect"), "avro").startswith("the Kafka view's rows change only")
    assert all(refuses(FaultSpec(k, family="number"), "avro") is None for k in CONSUMER_KINDS)
    assert sink_tamper.refuses(FaultSpec("duplicate")).startswith("the MySQL sink applies idempotently")
    assert sink_tamper.refuses(FaultSpec("truncate")) == "the MySQL sink carries statements, not messages"
    assert sink_tamper.refuses(FaultSpec("stall")).startswith("the framework cannot hold back")
    assert all(sink_tamper.refuses(FaultSpec(k, family="number")) is None for k in sink_tamper.TAMPER_KINDS)
    with pytest.raises(FaultError, match="fault 'crash': the Kafka consumer cannot commit"):
        consumer(FaultSpec("crash"))


def test_every_fault_kind_says_where_it_can_act():
    for name, kind in KINDS.items():
        assert kind.layers or kind.not_on, name
    assert KINDS["resurrect"].cdc_side is False


# -- what the consumer does to records

def test_drop_takes_the_nth_row_record_of_its_databases_only():
    faults = consumer(FaultSpec("drop", databases=DB, nth=2))
    ddl = json.dumps({"database": DB, "table": "t", "isDdl": True, "type": "CREATE"}).encode()
    other = record(canal(9, database="sm_other"), topic="sm_other_t")
    assert values(faults.take(("t", 0), record(ddl))) == [ddl]  # a DDL is no candidate
    assert values(faults.take(("t", 0), other)) == [other.value]
    assert values(faults.take(("t", 0), record(canal(1)))) == [canal(1)]
    dropped = faults.take(("t", 0), record(canal(2), 1))
    assert dropped.records == [] and dropped.dropped
    assert values(faults.take(("t", 0), record(canal(3), 2))) == [canal(3)]  # once only
    assert faults.listing()[0]["seen"] == 2 and faults.listing()[0]["fired"] is True


def test_duplicate_hands_the_record_over_twice():
    faults = consumer(FaultSpec("duplicate"))
    assert values(faults.take(("t", 0), record(canal(1)))) == [canal(1), canal(1)]


def test_reorder_holds_a_record_until_the_next_change_of_its_row():
    faults = consumer(FaultSpec("reorder"))
    first, unrelated, update = record(canal(1)), record(canal(2), 1), record(canal(1, "UPDATE", s="b"), 2)
    assert faults.take(("t", 0), first).records == []
    assert faults.take(("t", 0), unrelated).records == [unrelated]
    assert faults.take(("t", 0), update).records == [update, first]


def test_reorder_knows_a_row_by_its_kafka_key_where_there_is_one():
    faults = consumer(FaultSpec("reorder"), fmt="debezium-json")
    topic = f"dbz.{DB}.t"
    one, other, two = (record(b"{1}", 0, topic, b"k1"), record(b"{9}", 1, topic, b"k9"),
                       record(b"{2}", 2, topic, b"k1"))
    assert faults.take((topic, 0), one).records == []
    assert faults.take((topic, 0), other).records == [other]
    assert faults.take((topic, 0), two).records == [two, one]
    tombstone = record(None, 3, topic, b"k1")
    assert not record_bending.peek(tombstone, "debezium-json", lambda t: None).row


def test_a_cleared_reorder_lets_its_held_record_go():
    faults = consumer(FaultSpec("reorder", databases=DB))
    faults.take(("t", 0), record(canal(1)))
    faults.clear(DB)
    assert [r.offset for _, r in faults.due()] == [0]
    assert not faults.busy


def test_stall_holds_every_record_from_its_nth_until_cleared_keeping_the_partition_order():
    clock = Clock()
    faults = consumer(FaultSpec("stall", databases=DB, nth=2), clock=clock)
    assert len(faults.take(("t", 0), record(canal(1))).records) == 1
    for offset in (1, 2):
        assert faults.take(("t", 0), record(canal(offset + 1), offset)).records == []
    clock.now += 60
    assert faults.due() == []
    why = faults.held_back(0.0)
    assert why.startswith("no progress: the transport has handed the view none of 2 record(s)")
    assert classify(WaitTimeout(why + ".\n  sm_x.t key (id=2): missing in the sink")).category \
        == "stall (no progress)"
    faults.clear(DB)
    assert [r.offset for _, r in faults.due()] == [1, 2]
    assert faults.held_back(0.0) is None and not faults.busy


def test_lag_lets_each_record_go_its_seconds_after_it_came():
    clock = Clock()
    faults = consumer(FaultSpec("lag", seconds=8.0), clock=clock)
    assert faults.take(("t", 0), record(canal(1))).records == []
    clock.now += 1
    assert faults.take(("t", 0), record(canal(2), 1)).records == []
    why = faults.held_back(0.0)
    assert "lags behind" in why and classify(WaitTimeout(why)).category == "lag (timeout naming keys)"
    clock.now += 7
    assert [r.offset for _, r in faults.due()] == [0]
    clock.now += 1
    assert [r.offset for _, r in faults.due()] == [1]


def test_byte_faults_bend_the_value_as_the_cdc_side_ones_do():
    body = b"\x00\x00\x00\x00\x05payload"
    for kind, expected in (("truncate", body[:6]), ("bad-magic", b"\x07" + body[1:]),
                           ("bad-schema-id", body[:1] + BAD_SCHEMA_ID.to_bytes(4, "big") + body[5:])):
        faults = consumer(FaultSpec(kind), fmt="avro")
        assert values(faults.take(("t", 0), record(body, key=b"k"))) == [expected]
    tiny = consumer(FaultSpec("truncate"), fmt="avro")
    assert values(tiny.take(("t", 0), record(None, key=b"k"))) == [None]  # a tombstone has nothing to cut
    assert tiny.listing()[0]["seen"] == 0


@pytest.mark.parametrize(("family", "column", "bent"), [
    ("number", "n", "6"), ("decimal", "d", "123.455"), ("string", "s", "helln"),
    ("binary", "b", "\x01\x03"), ("temporal", "t", "2024-01-02 03:04:05.677"),
    ("json", "j", '{"a": 1, "bent": true}'), ("bit", "bits", "4"), ("unsigned", "u", "18446744073709551614"),
])
def test_corrupt_changes_one_canal_json_value_of_its_family_so_it_still_reads(family, column, bent):
    faults = consumer(FaultSpec("corrupt", family=family))
    out = faults.take(("t", 0), record(canal(1))).records[0]
    data = json.loads(out.value)["data"][0]
    assert data[column] == bent
    assert {k for k in data if data[k] != CANAL_ROW[k]} == {column}


def test_corrupt_passes_a_record_with_nothing_of_its_family_by_and_counts_it_not():
    faults = consumer(FaultSpec("corrupt", family="number"))
    assert values(faults.take(("t", 0), record(canal(1, n=None)))) == [canal(1, n=None)]  # type: ignore[arg-type]
    assert faults.listing()[0]["seen"] == 0


def test_corrupt_bends_debezium_json_bytes_inside_their_base64():
    envelope = {"schema": {}, "payload": {"before": None, "op": "c", "after": {
        "id": 1, "n": 7, "b": base64.b64encode(b"\x01\x02").decode(), "d": "123.456"}}}
    topic = f"dbz.{DB}.t"
    rec = Record(topic, 0, 0, b"k", json.dumps(envelope).encode())
    at = record_bending.peek(rec, "debezium-json", lambda t: None)
    value, column = record_bending.corrupted(rec, "debezium-json", "binary", at, lookup, None)
    assert column == "b"
    assert base64.b64decode(json.loads(value)["payload"]["after"]["b"]) == b"\x01\x03"
    value, column = record_bending.corrupted(rec, "debezium-json", "decimal", at, lookup, None)
    assert json.loads(value)["payload"]["after"]["d"] == "123.455"


def test_corrupt_rewrites_an_avro_value_under_its_own_schema():
    fastavro = pytest.importorskip("fastavro")
    schema = fastavro.parse_schema({"type": "record", "name": "t", "namespace": f"default.{DB}", "fields": [
        {"name": "id", "type": "int"}, {"name": "n", "type": ["null", "int"]},
        {"name": "d", "type": ["null", {"type": "bytes", "logicalType": "decimal", "precision": 12,
                                         "scale": 3}]}]})
    out = io.BytesIO()
    fastavro.schemaless_writer(out, schema, {"id": 1, "n": 7, "d": Decimal("123.456")})
    value = b"\x00" + (5).to_bytes(4, "big") + out.getvalue()
    rec = Record(f"{DB}_t", 0, 0, b"k", value)
    at = record_bending.Peek(True, DB, None)
    for family, column, expected in (("number", "n", 6), ("decimal", "d", Decimal("123.457"))):
        bent, name = record_bending.corrupted(rec, "avro", family, at, lookup, lambda _: schema)
        assert bent[:5] == value[:5] and name == column
        assert fastavro.schemaless_reader(io.BytesIO(bent[5:]), schema, None)[column] == expected


def test_bent_text_keeps_numbers_dates_and_times_valid():
    assert record_bending.bent_text("2024-01-10") == "2024-01-11"
    assert record_bending.bent_text("-0.001") == "-0.000"
    assert record_bending.bent_text("abc") == "abb"
    assert record_bending.bent_text("") == "x"


# -- the stack sends a fault to one side

class _OfferingCdc:
    def __init__(self, refusal: str | None) -> None:
        self.refusal, self.injected, self.cleared = refusal, [], []

    def refuses(self, fault: FaultSpec) -> str | None:
        return self.refusal

    def inject(self, fault: FaultSpec) -> None:
        self.injected.append(fault)

    def faults(self) -> list[dict]:
        return [{**f.to_json(), "seen": 0} for f in self.injected]

    def clear_faults(self, databases: str | None = None) -> None:
        self.cleared.append(databases)


def _stack(cdc: object, fmt: str = "canal-json"):
    from types import SimpleNamespace

    from sinkmatrix.stack.embedded import EmbeddedStack

    view = SimpleNamespace(framework_faults=consumer(fmt=fmt))
    cell = SimpleNamespace(id="canal-json-kafka-x", sink="canal-json")
    return EmbeddedStack(cell, None, None, None, None, cdc, view, None, 0.0)  # type: ignore[arg-type]


def test_the_stack_commits_a_fault_on_the_cdc_side_where_offered_and_on_its_own_otherwise():
    offering = _OfferingCdc(None)
    stack = _stack(offering)
    assert stack.inject_fault(FaultSpec("drop", databases=DB)) == "cdc" and offering.injected
    assert stack.inject_fault(FaultSpec("duplicate", databases=DB, side="sink")) == "sink"
    assert [(f["kind"], f["side"]) for f in stack.faults()] == [("drop", "cdc"), ("duplicate", "sink")]
    stack.clear_faults(DB)
    assert offering.cleared == [DB] and stack.view.framework_faults.listing() == []
    refusing = _stack(_OfferingCdc("not this one"))
    assert refusing.inject_fault(FaultSpec("drop", databases=DB)) == "sink"


def test_a_cdc_without_any_fault_hook_gets_the_frameworks_faults_and_a_reason_for_the_rest():
    from sinkmatrix.stack.errors import FaultRefused

    stack = _stack(object())
    assert stack.refuses(FaultSpec("stall")) is None
    assert stack.inject_fault(FaultSpec("stall", databases=DB)) == "sink"
    assert [f["side"] for f in stack.faults()] == ["sink"]
    stack.clear_faults()  # nothing to clear on the CDC: no error
    why = stack.refuses(FaultSpec("crash"))
    assert "the CDC offers no fault hooks" in why and "lifecycle" in why
    with pytest.raises(FaultRefused, match="cell canal-json-kafka-x: fault 'crash': neither the CDC"):
        stack.inject_fault(FaultSpec("crash"))
