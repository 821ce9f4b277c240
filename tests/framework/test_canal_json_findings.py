"""The strict Canal-JSON decoder: one located finding per violation class, order, replays, fuzzing."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dsl.compare import canonical
from sinkmatrix.formats.releases import Release
from sinkmatrix.model.changes import DdlChange, RowChange
from sinkmatrix.model.schema import Column, TableSchema
from sinks.base import Decoded
from sinks.canal_json import CanalJsonDecoder
from tests.framework.canal_samples import (
    COMMIT_TS,
    DB,
    ES,
    FAMILIES,
    ID,
    PARTITION,
    PLAIN,
    TABLE,
    TOPIC,
    col,
    decode_all,
    dele,
    encode,
    ins,
    record,
    table_of,
    upd,
    upstream_of,
)
from tests.framework.message_edits import drop, setter

pytestmark = pytest.mark.framework


# --- violations ----------------------------------------------------------------------------------

VALID = json.loads(encode([upd({"id": 1, "v": "a"}, {"id": 1, "v": "b"})])[0])
VALID_TIDB = json.loads(encode([upd({"id": 1, "v": "a"}, {"id": 1, "v": "b"})], tidb=True)[0])
INT_TABLE = TableSchema(DB, TABLE, (ID, col("n", "bigint", "bigint(20)")), ("id",))
VALID_INT = json.loads(encode([ins({"id": 1, "n": 7}, INT_TABLE)])[0])


def mutated(base: dict[str, Any], change: Callable[[dict[str, Any]], Any]) -> bytes:
    message = json.loads(json.dumps(base))
    change(message)
    return json.dumps(message).encode()


CASES: list[tuple[str, bytes | None, str, str | None]] = [
    ("not-json", b"{not json", "malformed", None),
    ("not-utf8", b'{"id":"\xff"}', "malformed", None),
    ("array", b"[1]", "malformed", None),
    ("tombstone", None, "malformed", None),
    ("nan", b'{"id": NaN}', "malformed", None),
    ("duplicate-key", b'{"id":0,"id":0}', "malformed", "id"),
    ("missing", mutated(VALID, drop("sqlType")), "missing-field", "sqlType"),
    ("extra", mutated(VALID, setter("gtid", "x")), "extra-field", "gtid"),
    ("tidb-without-extension", mutated(VALID, setter("_tidb", {"commitTs": 1})), "extra-field", "_tidb"),
    ("es-text", mutated(VALID, setter("es", "123")), "wrong-type", "es"),
    ("isddl-number", mutated(VALID, setter("isDdl", 0)), "wrong-type", "isDdl"),
    ("pknames-text", mutated(VALID, setter("pkNames", "id")), "wrong-type", "pkNames"),
    ("value-number", mutated(VALID, setter("data/0/v", 5)), "wrong-type", "data[0].v"),
    ("data-empty", mutated(VALID, setter("data", [])), "bad-shape", "data"),
    ("data-two", mutated(VALID, setter("data", [{}, {}])), "bad-shape", "data"),
    ("data-object", mutated(VALID, setter("data", {"id": "1"})), "bad-shape", "data"),
    ("old-missing-on-update", mutated(VALID, setter("old", None)), "bad-shape", "old"),
    ("old-on-insert", mutated(VALID, setter("type", "INSERT")), "bad-shape", "old"),
    ("old-columns", mutated(VALID, lambda m: m["old"][0].pop("v")), "bad-shape", "old"),
    ("mysqltype-columns", mutated(VALID, lambda m: m["mysqlType"].pop("v")), "bad-shape", "mysqlType"),
    ("sqltype-columns", mutated(VALID, setter("sqlType/w", 12)), "bad-shape", "sqlType"),
    ("pk-not-a-column", mutated(VALID, setter("pkNames", ["nope"])), "bad-shape", "pkNames"),
    ("sqltype-vs-mysqltype", mutated(VALID, setter("sqlType/v", 4)), "type-mismatch", "sqlType.v"),
    ("unsigned-promotion", mutated(VALID_INT, lambda m: (  # 2^63 unsigned is DECIMAL (3), not -5
        setter("mysqlType/n", "bigint unsigned")(m), setter("data/0/n", str(2**63))(m))),
     "type-mismatch", "sqlType.n"),
    ("unknown-type", mutated(VALID, setter("mysqlType/v", "varchar2")), "bad-value", "mysqlType.v"),
    ("not-an-int", mutated(VALID_INT, setter("data/0/n", "7.0")), "bad-value", "data[0].n"),
    ("leading-zero", mutated(VALID_INT, setter("data/0/n", "07")), "bad-value", "data[0].n"),
    ("out-of-range", mutated(VALID_INT, setter("data/0/n", str(2**63))), "bad-value", "data[0].n"),
    ("null-key", mutated(VALID, setter("data/0/id", None)), "bad-value", "data[0].id"),
    ("row-type", mutated(VALID, setter("type", "UPSERT")), "bad-value", "type"),
    ("row-sql", mutated(VALID, setter("sql", "UPDATE t")), "bad-value", "sql"),
    ("id", mutated(VALID, setter("id", 7)), "bad-value", "id"),
    ("ddl-with-data", mutated(VALID, lambda m: m.update(isDdl=True, type="ALTER")), "bad-shape", "data"),
    ("watermark-without-extension", mutated(VALID, setter("type", "TIDB_WATERMARK")), "bad-value", "type"),
]


@pytest.mark.parametrize(("value", "kind", "where"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_violation_is_a_located_finding(value: bytes | None, kind: str, where: str | None) -> None:
    decoded = CanalJsonDecoder(False).decode(record(value))
    assert decoded.changes == []
    assert any(f.kind == kind and f.field == where for f in decoded.findings), decoded.findings
    for finding in decoded.findings:
        assert (finding.topic, finding.partition, finding.offset) == (TOPIC, PARTITION, 42)


TIDB_CASES: list[tuple[str, bytes, str, str]] = [
    ("no-extension", mutated(VALID_TIDB, drop("_tidb")), "missing-field", "_tidb"),
    ("no-commit-ts", mutated(VALID_TIDB, setter("_tidb", {})), "missing-field", "_tidb.commitTs"),
    ("commit-ts-text", mutated(VALID_TIDB, setter("_tidb/commitTs", "1")), "wrong-type", "_tidb.commitTs"),
    ("es-not-commit-ts", mutated(VALID_TIDB, setter("es", ES + 1)), "bad-value", "es"),
    ("handle-key-only", mutated(VALID_TIDB, setter("_tidb/onlyHandleKey", True)), "extra-field",
     "_tidb.onlyHandleKey"),
    ("watermark-with-rows", mutated(VALID_TIDB, lambda m: m.update(
        type="TIDB_WATERMARK", _tidb={"watermarkTs": COMMIT_TS})), "bad-shape", "database"),
]


@pytest.mark.parametrize(("value", "kind", "where"), [c[1:] for c in TIDB_CASES],
                         ids=[c[0] for c in TIDB_CASES])
def test_tidb_extension_violations_are_findings(value: bytes, kind: str, where: str) -> None:
    decoded = CanalJsonDecoder(True).decode(record(value))
    assert decoded.changes == [] and decoded.watermark_ts is None
    assert any(f.kind == kind and f.field == where for f in decoded.findings), decoded.findings


def test_a_kafka_key_is_an_extra_field() -> None:
    decoded = CanalJsonDecoder(False).decode(record(json.dumps(VALID).encode(), key=b"k"))
    assert [(f.kind, f.field) for f in decoded.findings] == [("extra-field", "key")]


def test_types_are_checked_against_the_upstream_table() -> None:
    wider = TableSchema(DB, TABLE, (ID, col("v", "int", "int(11)"), col("w", "int")), ("id",))
    decoded = CanalJsonDecoder(False, upstream_of(wider)).decode(record(json.dumps(VALID).encode()))
    assert {(f.kind, f.field) for f in decoded.findings} == {
        ("type-mismatch", "mysqlType.v"), ("type-mismatch", "mysqlType")}


class _Versions:
    """A lookup that also offers the table's versions, newest first (as sinks.upstream_schema's does)."""

    def __init__(self, *versions: TableSchema) -> None:
        self._all = list(versions)

    def __call__(self, database: str, name: str, names: object = None) -> TableSchema:
        return self._all[0]

    def versions(self, database: str, name: str, names: object) -> list[TableSchema]:
        return self._all


def test_a_message_the_newest_version_does_not_fit_is_judged_by_an_older_one() -> None:
    """MODIFY COLUMN keeps the names: a change written before it is checked against the version
    before it; a message no version fits keeps the findings of the version the lookup gave."""
    modified = TableSchema(DB, TABLE, (ID, col("v", "bigint", "bigint(20)")), ("id",))
    value = json.dumps(VALID).encode()
    alone = CanalJsonDecoder(False, _Versions(modified)).decode(record(value))
    assert [(f.kind, f.field) for f in alone.findings] == [("type-mismatch", "mysqlType.v")]
    assert CanalJsonDecoder(False, _Versions(modified, PLAIN)).decode(record(value)).findings == []
    other = TableSchema(DB, TABLE, (ID, col("v", "date", "date")), ("id",))
    both = CanalJsonDecoder(False, _Versions(modified, other)).decode(record(value))
    assert [(f.kind, f.field) for f in both.findings] == [("type-mismatch", "mysqlType.v")]
    assert "bigint" in both.findings[0].why


def _decode_value(column: Column, text: str, **options: Any) -> Decoded:
    table = table_of(column)
    message = json.loads(encode([ins({"id": 1, "c": None}, table)])[0])
    message["data"][0]["c"] = text
    return CanalJsonDecoder(False, upstream_of(table), **options).decode(record(json.dumps(message).encode()))


@pytest.mark.parametrize(("column", "text"), [
    (col("c", "date", "date"), "2020-13-01"),
    (col("c", "double", "double"), "1e21"),  # strconv 'f' format: never an exponent
    (col("c", "datetime", "datetime(3)", fsp=3), "2020-01-01T00:00:00.000"),
    (col("c", "time", "time", fsp=0), "839:00:00"),
    (col("c", "enum", "enum('a')", members=("a",)), "2"),
    (col("c", "set", "set('a')", members=("a",)), "2"),
    (col("c", "bit", "bit(3)", precision=3), "8"),
    (col("c", "varbinary", "varbinary(3)"), "Ā"),
    (col("c", "longtext", "longtext", is_json=True), "{"),
    (col("c", "varchar", "varchar(3)"), "\ud800"),
])
def test_values_that_are_no_value_of_the_column_are_bad_values(column: Column, text: str) -> None:
    decoded = _decode_value(column, text)
    assert [(f.kind, f.field) for f in decoded.findings] == [("bad-value", "data[0].c")], decoded.findings
    assert decoded.changes == []


@pytest.mark.parametrize(("column", "text", "spelled"), [
    (col("c", "float", "float"), "1.100000023841858", "1.1"),  # TiCDC writes the shortest float32
    (col("c", "decimal", "decimal(10,2)", scale=2, precision=10), "1.5", "1.50"),
    (col("c", "datetime", "datetime(3)", fsp=3), "2020-01-01 00:00:00", "2020-01-01 00:00:00.000"),
])
def test_right_values_spelled_otherwise_than_ticdc_spells_them_are_bad_spellings(
        column: Column, text: str, spelled: str) -> None:
    decoded = _decode_value(column, text)
    assert [(f.kind, f.field) for f in decoded.findings] == [("bad-spelling", "data[0].c")], decoded.findings
    assert f"TiCDC spells it {spelled!r}" in str(decoded.findings[0])
    assert decoded.changes == []


# JSON as TiDB printed it before pingcap/tidb#58899 (TiCDC up to v8.5.0: tests/vectors/ticdc/README.md,
# a.) and after; the spelling inside a JSON column is no part of the contract: both are the same value.
JSON_SPELLINGS = [
    ('{"a": 1e-7}', '{"a": 0.0000001}'),
    ('[1e+21]', '[1e21]'),
    ('[100000000000000000000]', '[1e20]'),
    ('[-0]', '[-0.0]'),
    ('["\\u0008\\u000c"]', '["\\b\\f"]'),
    ('{"a":1}', '{"a": 1}'),
]


@pytest.mark.parametrize(("before", "after"), JSON_SPELLINGS)
@pytest.mark.parametrize("release", ["v7.5.6", "v8.5.0", "v8.5.2"])
def test_json_is_compared_as_a_value_whichever_tidb_printed_it(before: str, after: str, release: str) -> None:
    column = col("c", "longtext", "longtext", is_json=True)
    for text in (before, after):
        decoded = _decode_value(column, text, release=Release.parse(release))
        assert decoded.findings == [], (text, decoded.findings)
        (change,) = decoded.changes
        assert canonical(column, change.after["c"]) == canonical(column, json.loads(after))


# --- order and replays ---------------------------------------------------------------------------


def stamped(change: RowChange, ms: int, logical: int = 0, tidb: bool = True) -> bytes:
    (value,) = encode([change], tidb=tidb, ts=(ms << 18) | logical)
    return value


@pytest.mark.parametrize("tidb", [False, True], ids=["es", "commitTs"])
def test_a_key_going_back_in_time_is_out_of_order(tidb: bool) -> None:
    decoder = CanalJsonDecoder(tidb)
    first = stamped(upd({"id": 1, "v": "a"}, {"id": 1, "v": "b"}), ES + 10, tidb=tidb)
    other_key = stamped(ins({"id": 2, "v": "x"}), ES, tidb=tidb)
    late = stamped(upd({"id": 1, "v": "b"}, {"id": 1, "v": "c"}), ES, tidb=tidb)
    decoded = decode_all(decoder, [first, other_key, late])
    assert [d.findings for d in decoded[:2]] == [[], []]
    (finding,) = decoded[2].findings
    assert (finding.kind, finding.field, finding.offset, finding.key) == (
        "out-of-order", "_tidb.commitTs" if tidb else "es", 2, (1,))
    assert (finding.database, finding.table) == (DB, TABLE)
    assert len(decoded[2].changes) == 1  # what a consumer would apply, shown


def test_an_exact_replay_is_a_duplicate_and_yields_nothing() -> None:
    decoder = CanalJsonDecoder(True)
    change = stamped(ins({"id": 1, "v": "a"}), ES)
    first, again = decode_all(decoder, [change, change])
    assert first.findings == [] and len(first.changes) == 1
    assert [(f.kind, f.key) for f in again.findings] == [("duplicate", (1,))] and again.changes == []


def test_identical_changes_that_follow_on_are_not_duplicates() -> None:
    # update a→b, b→a, a→b in one transaction: the third equals the first, yet is a real change
    decoder = CanalJsonDecoder(True)
    a, b = {"id": 1, "v": "a"}, {"id": 1, "v": "b"}
    values = encode([ins(a), upd(a, b), upd(b, a), upd(a, b), dele(b), ins(a)], tidb=True)
    assert all(d.findings == [] and d.changes for d in decode_all(decoder, values))


# --- robustness ----------------------------------------------------------------------------------


def never_fails(decoded: Decoded) -> None:
    assert all(not f.why.startswith("decoder failed") for f in decoded.findings), decoded.findings


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_random_bytes_yield_only_findings(value: bytes) -> None:
    never_fails(CanalJsonDecoder(False).decode(record(value)))


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)
def rename(column: Column, name: str) -> Column:
    return Column(name, column.type, column.column_type, unsigned=column.unsigned, is_json=column.is_json,
                  precision=column.precision, scale=column.scale, fsp=column.fsp, members=column.members)


RICH = TableSchema(DB, TABLE, (ID, *(rename(c, f"c{i}") for i, (c, *_) in enumerate(FAMILIES))), ("id",))
RICH_ROW = {"id": 1, **{f"c{i}": v for i, (_, v, *_) in enumerate(FAMILIES)}}
SEEDS = [json.loads(v) for v in encode(
    [ins(RICH_ROW, RICH), upd(RICH_ROW, RICH_ROW, RICH), dele(RICH_ROW, RICH),
     DdlChange(DB, "CREATE TABLE t (id int)", "CREATE")], tidb=True)]


def _containers(message: dict[str, Any]) -> list[dict[str, Any]]:
    """The objects a mutation may touch: the message, its images, its type maps, its extension."""
    found = [message]
    for name in ("data", "old"):
        if isinstance(message.get(name), list) and message[name] and isinstance(message[name][0], dict):
            found += [message[name][0]] * 3  # values are where most of the decoding happens
    found += [message[n] for n in ("mysqlType", "sqlType", "_tidb") if isinstance(message.get(n), dict)]
    return found


@st.composite
def mutations(draw: st.DrawFn, seeds: list[dict[str, Any]] = SEEDS) -> bytes:
    message = json.loads(json.dumps(draw(st.sampled_from(seeds))))
    for _ in range(draw(st.integers(1, 3))):
        target = draw(st.sampled_from(_containers(message)))
        key = draw(st.sampled_from([*sorted(target), "extra"]))
        action = draw(st.sampled_from(["drop", "json", "text", "edit"]))
        if action == "drop":
            target.pop(key, None)
        elif action == "json":
            target[key] = draw(JSON_VALUES)
        elif action == "text" or not isinstance(target.get(key), str):
            target[key] = draw(st.text(max_size=12))
        else:  # a small edit of the text TiCDC wrote
            text = target[key]
            at = draw(st.integers(0, len(text)))
            target[key] = text[:at] + draw(st.text(max_size=2)) + text[at + draw(st.integers(0, 2)):]
    return json.dumps(message).encode()


@pytest.mark.parametrize("tidb", [False, True])
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=mutations())
def test_mutated_messages_yield_only_findings(value: bytes, tidb: bool) -> None:
    for lookup in (None, upstream_of(RICH)):
        never_fails(CanalJsonDecoder(tidb, lookup).decode(record(value)))


def test_deep_nesting_and_huge_numbers_are_findings_not_crashes() -> None:
    decoder = CanalJsonDecoder(False)
    for value in (b"[" * 200_000, b'{"id": ' + b"9" * 5000 + b"}"):
        decoded = decoder.decode(record(value))
        never_fails(decoded)
        assert [f.kind for f in decoded.findings] == ["malformed"]
    message = json.loads(json.dumps(VALID_INT))
    message["data"][0]["n"] = "9" * 5000
    never_fails(decoder.decode(record(json.dumps(message).encode())))


def test_a_vector_column_is_an_unsupported_type_that_says_what_to_do() -> None:
    message = json.loads(json.dumps(VALID))
    message["mysqlType"]["v"] = "vector"
    decoded = CanalJsonDecoder(False).decode(record(json.dumps(message).encode()))
    assert [(f.kind, f.field) for f in decoded.findings] == [("unsupported-type", "mysqlType.v")]
    assert "VECTOR" in decoded.findings[0].why and "column filter" in decoded.findings[0].why


@pytest.mark.parametrize("ddl", ["TRUNCATE TABLE t", "DROP TABLE t", "ALTER TABLE t TRUNCATE PARTITION p0"])
def test_a_key_written_again_after_ddl_that_removed_its_rows_is_no_duplicate(ddl: str) -> None:
    # the same row written again within the same millisecond, after DDL that emptied the table
    decoder = CanalJsonDecoder(False)
    row = stamped(ins({"id": 1, "v": "a"}), ES, tidb=False)
    [statement] = encode([DdlChange(DB, ddl, "TRUNCATE")], ts=ES << 18)
    decoded = decode_all(decoder, [row, statement, row])
    assert [d.findings for d in decoded] == [[], [], []]
    assert decode_all(decoder, [row])[0].findings[0].kind == "duplicate"  # no DDL between: a replay
