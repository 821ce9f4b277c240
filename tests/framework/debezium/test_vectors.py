"""Debezium's own events (tests/vectors/debezium-3.6, captured from Debezium 3.6.3) decode without a
finding to the rows MariaDB held; broken copies of them are rejected, each with the finding that
names what is wrong, located at topic, partition, offset and field."""

from __future__ import annotations

import base64
import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from dsl.compare import diff_row
from sinkmatrix.formats import debezium as dbz
from sinkmatrix.model.changes import RowChange
from sinkmatrix.model.schema import Column, TableSchema
from sinks.base import Decoded, Record
from sinks.clock_order import settle
from sinks.debezium_avro import WriterSchemas, avro_parser
from sinks.debezium_decode import DebeziumDecoder
from sinks.debezium_history import DebeziumHistory
from sinks.debezium_json import json_parser
from tests.vectors import typed

pytestmark = pytest.mark.framework

VECTORS = Path(__file__).resolve().parents[2] / "vectors" / "debezium-3.6"
FILES = sorted(VECTORS.glob("*.json"))
# what a variant's declared limits make of this workload (sinkmatrix.formats.debezium.LIMITS), column -> value
LIMITED = {"alt": {"time-beyond-day-under-connect": ("tm", 0)}}


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())


def schemas_of(vector: dict[str, Any]) -> list[TableSchema]:
    return [
        TableSchema(
            s["database"],
            s["name"],
            tuple(Column(**{**c, "members": tuple(c["members"])}) for c in s["columns"]),
            tuple(s["key"]),
        )
        for s in vector["schemas"]
    ]


def decoder_for(vector: dict[str, Any]) -> Callable[[], DebeziumDecoder]:
    versions = schemas_of(vector)
    history = DebeziumHistory()  # one view's decoders share what Debezium said of each table

    def lookup(database: str, table: str, names: Any = None) -> TableSchema | None:
        if (database, table) != (versions[0].database, versions[0].name):
            return None  # the vector keeps the workload's table only
        fitting = [s for s in versions if names is None or {c.name for c in s.columns} == set(names)]
        return (fitting or versions)[-1]

    if vector["sink"] == "debezium-avro":
        registry = vector["registry"]
        parser = avro_parser(WriterSchemas(lambda schema_id: registry[str(schema_id)]))
    else:
        parser = json_parser(with_schemas=vector["variant"] != "schemaless")
    modes = dbz.VARIANT_MODES[vector["variant"]]
    return lambda: DebeziumDecoder(
        parser=parser, modes=modes, topic_prefix="sinkmatrix", lookup=lookup, version="3.6", history=history
    )


def records(vector: dict[str, Any]) -> list[Record]:
    return [
        Record(
            r["topic"],
            r["partition"],
            r["offset"],
            None if r["key"] is None else base64.b64decode(r["key"]),
            None if r["value"] is None else base64.b64decode(r["value"]),
        )
        for r in vector["records"]
    ]


def decode_all(vector: dict[str, Any], stream: list[Record]) -> list[tuple[Record, Decoded]]:
    """Each partition through a decoder of its own, in offset order; then, in binlog order (the schema
    changes first, as the Kafka view releases them), each record's settling checks."""
    make, decoders = decoder_for(vector), {}
    out = []
    for record in stream:
        decoder = decoders.setdefault((record.topic, record.partition), make())
        out.append((record, decoder.decode(record)))
    for _, decoded in sorted(out, key=lambda rd: getattr(rd[1], "clock", None) or (0, 0, 0)):
        settle(decoded)
    return out


def expected_changes(vector: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """(kind, before, after) of the workload's row changes in commit order, from MariaDB's rows."""
    rows = [
        {k: typed.load(v) if v else None for k, v in step.items()} for step in vector["rows_after_each_step"]
    ]
    return [
        ("insert", None, rows[0]["1"]),
        ("insert", None, rows[1]["2"]),
        ("update", rows[1]["1"], rows[2]["1"]),
        ("delete", rows[2]["2"], None),
        ("insert", None, rows[5]["3"]),
    ]


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_debeziums_events_decode_to_the_rows_mariadb_held(path: Path) -> None:
    vector = load(path)
    decoded = decode_all(vector, records(vector))
    findings = [f for _, d in decoded for f in d.findings]
    assert findings == [], "\n".join(map(str, findings))
    changes = [(record, change) for record, d in decoded for change in d.changes
               if isinstance(change, RowChange)]
    changes.sort(key=lambda rc: (rc[0].partition != rc[0].partition, _clock(rc[0], vector)))
    assert [c.kind for _, c in changes] == [k for k, _, _ in expected_changes(vector)]
    limited = LIMITED.get(vector["variant"], {})
    for (record, change), (kind, before, after) in zip(changes, expected_changes(vector), strict=True):
        for name, want, got in (("before", before, change.before), ("after", after, change.after)):
            if want is None:
                assert got is None, f"{record.topic}@{record.offset}: {name} should be null"
                continue
            want = dict(want)
            for column, value in limited.values():
                if (
                    column in want
                    and want[column] is not None
                    and (want[column].days < 0 or want[column].days > 0)
                ):
                    want[column] = None if value == 0 else value  # Debezium writes null: the declared limit
            if vector["variant"] == "alt" and want.get("dt6") is not None:  # connect: milliseconds
                want["dt6"] = want["dt6"].replace(microsecond=want["dt6"].microsecond // 1000 * 1000)
            diffs = diff_row(change.table, want, got)
            assert diffs == [], (
                f"{path.stem} {record.topic}[{record.partition}]@{record.offset} {kind} {name}: {diffs}"
            )


def _clock(record: Record, vector: dict[str, Any]) -> tuple[int, int]:
    for r in vector["records"]:
        if (r["topic"], r["partition"], r["offset"]) == (record.topic, record.partition, record.offset):
            raw = base64.b64decode(r["value"])
            break
    if vector["sink"] == "debezium-avro":
        return (record.offset, record.partition)  # one key per row here: order within the vector file
    payload = json.loads(raw)
    payload = payload.get("payload", payload)
    return (payload["source"]["pos"], payload["source"]["row"])


# -- broken copies: the finding that names each breakage ------------------------------------------

JSON = VECTORS / "debezium-json.json"


def _first_insert(vector: dict[str, Any]) -> tuple[int, dict[str, Any], dict[str, Any]]:
    for i, r in enumerate(vector["records"]):
        if r["topic"].endswith(".t") and r["value"]:
            value = json.loads(base64.b64decode(r["value"]))
            if value["payload"]["op"] == "c":
                return i, json.loads(base64.b64decode(r["key"])), value
    raise AssertionError("no insert in the vector")


def _with(vector: dict[str, Any], index: int, key: Any, value: Any) -> dict[str, Any]:
    broken = copy.deepcopy(vector)
    r = broken["records"][index]
    r["key"] = None if key is None else base64.b64encode(json.dumps(key).encode()).decode()
    r["value"] = (
        None
        if value is None
        else base64.b64encode(value if isinstance(value, bytes) else json.dumps(value).encode()).decode()
    )
    return broken


def _findings_at(vector: dict[str, Any], index: int) -> list[Any]:
    target = vector["records"][index]
    return [
        f
        for r, d in decode_all(vector, records(vector))
        for f in d.findings
        if (r.topic, r.partition, r.offset) == (target["topic"], target["partition"], target["offset"])
    ]


def _edit(change: Callable[[dict[str, Any], dict[str, Any]], Any]) -> tuple[dict[str, Any], int]:
    vector = load(JSON)
    index, key, value = _first_insert(vector)
    result = change(key, value)
    if isinstance(result, tuple):  # a change that replaces the key and value
        key, value = result
    return _with(vector, index, key, value), index


BREAKAGES: dict[str, tuple[Callable[[dict[str, Any], dict[str, Any]], Any], str, str]] = {
    "an unknown op": (lambda k, v: v["payload"].update(op="x"), "bad-value", "op"),
    "an envelope field missing": (lambda k, v: v["payload"].pop("ts_ms"), "missing-field", "ts_ms"),
    "an envelope field too many": (lambda k, v: v["payload"].update(extra=1), "extra-field", "extra"),
    "another connector": (
        lambda k, v: v["payload"]["source"].update(connector="postgresql"),
        "bad-value",
        "source.connector",
    ),
    "another release": (
        lambda k, v: v["payload"]["source"].update(version="2.7.0.Final"),
        "bad-value",
        "source.version",
    ),
    "an image of the wrong op": (
        lambda k, v: v["payload"].update(before=v["payload"]["after"]),
        "bad-shape",
        "before",
    ),
    "a value of the wrong JSON type": (
        lambda k, v: v["payload"]["after"].update(vc=5),
        "wrong-type",
        "after.vc",
    ),
    "a column's schema of another type": (
        lambda k, v: next(f for f in v["schema"]["fields"] if f["field"] == "after")["fields"][11].update(
            type="string", name=None, parameters=None
        ),
        "type-mismatch",
        "schema.after.de",
    ),
    "a key that is not the row's": (lambda k, v: k["payload"].update(id=99), "key-value-disagree", "key.id"),
    "a cut value": (lambda k, v: (k, json.dumps(v).encode()[:200]), "malformed", "value"),
    "bad base64 in a bytes column": (
        lambda k, v: v["payload"]["after"].update(vb="@@@"),
        "bad-value",
        "after.vb",
    ),
    "transaction metadata, an option this adapter lacks": (
        lambda k, v: v["payload"].update(transaction={"id": "1", "total_order": 1,
                                                      "data_collection_order": 1}),
        "unsupported-option",
        "transaction",
    ),
    "a topic the source does not name": (
        lambda k, v: v["payload"]["source"].update(table="other"),
        "bad-naming",
        "source.table",
    ),
}


@pytest.mark.parametrize("breakage", list(BREAKAGES))
def test_a_broken_event_is_named_by_its_finding(breakage: str) -> None:
    change, kind, where = BREAKAGES[breakage]
    vector, index = _edit(change)
    findings = _findings_at(vector, index)
    assert any(f.kind == kind and (f.field or "").startswith(where) for f in findings), (
        f"{breakage}: expected {kind} at {where}, got {[str(f) for f in findings]}"
    )
    located = next(f for f in findings if f.kind == kind)
    text = str(located)
    assert text.startswith(f"{kind} at sinkmatrix.") and "@" in text and located.why


def test_a_tombstone_with_no_delete_before_it_is_a_finding() -> None:
    vector = load(JSON)
    index, key, _ = _first_insert(vector)
    broken = _with(vector, index, key, None)
    assert any(f.kind == "bad-shape" and "no delete" in f.why for f in _findings_at(broken, index))


def test_an_event_delivered_twice_is_a_duplicate() -> None:
    vector = load(JSON)
    last = max(i for i, r in enumerate(vector["records"]) if r["topic"].endswith(".t") and r["value"])
    again = copy.deepcopy(vector["records"][last])  # the key's latest change, delivered once more
    again["offset"] = max(r["offset"] for r in vector["records"] if r["partition"] == again["partition"]) + 1
    vector["records"].append(again)
    findings = _findings_at(vector, len(vector["records"]) - 1)
    assert [f.kind for f in findings] == ["duplicate"], findings


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_an_unreadable_event_is_its_topics_tables_finding(path: Path) -> None:
    """Bytes no parser reads still belong to the table the topic names: a run reports them on that
    test's database, not on every database sharing the stack."""
    vector = load(path)
    index = next(i for i, r in enumerate(vector["records"]) if r["value"] and r["topic"].count(".") == 2)
    vector["records"][index]["value"] = base64.b64encode(b"\x07 not an event").decode()
    findings = _findings_at(vector, index)
    _, database, table = vector["records"][index]["topic"].split(".")
    assert findings and all((f.database, f.table) == (database, table) for f in findings), findings
