"""The strict Avro decoder's findings: each violation of TiCDC's Avro is one located finding."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

import fastavro
import pytest
from confluent_kafka.schema_registry import Schema, SchemaRegistryClient

from sinkmatrix.model.schema import TableSchema
from sinkmatrix.refcdc.encode_avro import frame
from sinks.avro_decode import AvroDecoder
from sinks.base import Finding, Record
from tests.framework.avro_support import TOPIC, TS, at, col, decoder, encoder, insert, registry, table, txn

pytestmark = pytest.mark.framework

T = table(col("v", "int"))


def handmade(
    reg: SchemaRegistryClient, subject: str, schema: dict[str, Any], record: dict[str, Any]
) -> bytes:
    body = io.BytesIO()
    fastavro.schemaless_writer(body, fastavro.parse_schema(json.loads(json.dumps(schema))), record)
    return frame(reg.register_schema(subject, Schema(json.dumps(schema), "AVRO")), body.getvalue())


def valid(reg: SchemaRegistryClient, row: dict[str, Any] | None = None, ts: int = TS,
          **options: Any) -> tuple[bytes, bytes]:
    (e,) = encoder(reg, **options).encode(txn(insert(T, row or {"id": 1, "v": 1})), ts)
    assert e.key is not None and e.value is not None
    return e.key, e.value


def only(findings: list[Finding], kind: str, field: str | None, topic: str = TOPIC) -> Finding:
    assert [(f.kind, f.field) for f in findings] == [(kind, field)], findings
    (f,) = findings
    assert (f.topic, f.partition, f.offset) == (topic, 3, 5)
    return f



INT_TYPE = {"type": "int", "connect.parameters": {"tidb_type": "INT"}}
ID_FIELD = {"name": "id", "type": INT_TYPE}
V_FIELD = {"default": None, "name": "v", "type": ["null", INT_TYPE]}


def value_of(reg: SchemaRegistryClient, record: dict[str, Any], *fields: dict[str, Any],
             namespace: str = "default.db1") -> bytes:
    """A hand-made value message for table t1 registered under the right subject."""
    schema = {"type": "record", "name": "t1", "namespace": namespace, "fields": list(fields)}
    return handmade(reg, "db1_t1-value", schema, record)


def key_of(reg: SchemaRegistryClient, id_: int = 1) -> bytes:
    return valid(reg, {"id": id_, "v": 1})[0]


Case = Callable[[SchemaRegistryClient], Record]
VIOLATIONS: dict[str, tuple[Case, str, str | None]] = {
    "bad-magic": (lambda r: at(key_of(r), b"\x01" + valid(r)[1][1:]), "bad-magic", "value"),
    "truncated-header": (lambda r: at(key_of(r)[:3], valid(r)[1]), "malformed", "key"),
    "truncated-body": (lambda r: at(key_of(r), valid(r)[1][:-1]), "malformed", "value"),
    "trailing-bytes": (lambda r: at(key_of(r), valid(r)[1] + b"\x00"), "malformed", "value"),
    "unknown-schema-id": (lambda r: at(key_of(r), frame(999, b"\x02\x02")), "unknown-schema-id", "value"),
    "wrong-subject": (lambda r: at(*valid(r), topic="db1.other"), "bad-naming", "subject"),
    "namespace": (lambda r: at(key_of(r), value_of(r, {"id": 1, "v": 1}, ID_FIELD, V_FIELD, namespace="db1")),
                  "bad-naming", "namespace"),
    "key-value-disagree": (lambda r: at(key_of(r, 2), valid(r)[1]), "key-value-disagree", "id"),
    "missing-key-on-tombstone": (lambda r: at(None, None), "missing-key", "key"),
    "missing-key": (lambda r: at(None, valid(r)[1]), "missing-key", "key"),
    "missing-field": (lambda r: at(key_of(r), value_of(r, {"id": 1}, ID_FIELD)), "missing-field", "v"),
    "extra-field": (lambda r: at(key_of(r), value_of(r, {"id": 1, "v": 1, "w": 1}, ID_FIELD, V_FIELD,
                                                     {"name": "w", "type": INT_TYPE})), "extra-field", "w"),
    "type-mismatch": (lambda r: at(key_of(r), value_of(r, {"id": 1, "v": "1"}, ID_FIELD, {
        "default": None, "name": "v", "type": ["null", {"type": "string", "connect.parameters": {
            "tidb_type": "TEXT"}}]})), "type-mismatch", "v"),
    "not-nullable": (lambda r: at(key_of(r), value_of(r, {"id": 1, "v": 1}, ID_FIELD, {
        "name": "v", "type": INT_TYPE})), "type-mismatch", "v"),
}
USABLE = {"wrong-subject", "key-value-disagree", "missing-key", "missing-field", "extra-field",
          "type-mismatch", "not-nullable"}


@pytest.mark.parametrize("case", VIOLATIONS)
def test_each_violation_is_one_located_finding(case: str) -> None:
    reg = registry()
    build, kind, field = VIOLATIONS[case]
    decoded = decoder(reg, T).decode(build(reg))
    if case == "wrong-subject":  # key and value both sit under the other topic's subjects
        assert ["db1_other-key" in f.why for f in decoded.findings] == [True, False]
        decoded.findings = decoded.findings[1:]
    finding = only(decoded.findings, kind, field, "db1.other" if case == "wrong-subject" else TOPIC)
    if case not in ("bad-magic", "truncated-header", "missing-key-on-tombstone"):
        assert (finding.database, finding.table) == ("db1", "t1")
    assert bool(decoded.changes) == (case in USABLE)


@pytest.mark.parametrize(("text", "why"), [("2020-01-02T03:04:05", "TiDB's text"),
                                           ("2020-01-02 03:04:05", "fractional digits"),
                                           ("2020-13-02 03:04:05.5", "month")])
def test_a_value_its_type_cannot_hold_is_a_bad_value(text: str, why: str) -> None:
    reg = registry()
    t = table(col("v", "datetime", "datetime(1)", fsp=1))
    dt = {"default": None, "name": "v", "type": ["null", {"type": "string", "connect.parameters": {
        "tidb_type": "DATETIME"}}]}
    decoded = decoder(reg, t).decode(at(key_of(reg), value_of(reg, {"id": 1, "v": text}, ID_FIELD, dt)))
    assert why in only(decoded.findings, "bad-value", "v").why and decoded.changes == []


def test_an_unknown_tidb_op_is_a_bad_value() -> None:
    reg = registry()
    fields: list[dict[str, Any]] = [ID_FIELD, V_FIELD, {"default": "", "name": "_tidb_op", "type": "string"},
              {"default": 0, "name": "_tidb_commit_ts", "type": "long"},
              {"default": 0, "name": "_tidb_commit_physical_time", "type": "long"}]
    value = value_of(reg, {"id": 1, "v": 1, "_tidb_op": "d", "_tidb_commit_ts": TS,
                           "_tidb_commit_physical_time": TS >> 18}, *fields)
    decoded = decoder(reg, T, enable_tidb_extension=True).decode(at(key_of(reg), value))
    only(decoded.findings, "bad-value", "_tidb_op")


def test_a_table_the_upstream_lacks_is_bad_naming() -> None:
    reg = registry()
    finding = only(decoder(reg, table(col("v", "int"), name="t2")).decode(at(*valid(reg))).findings,
                   "bad-naming", "name")
    assert "db1.t1" in finding.why


def test_a_key_going_back_in_commit_ts_is_out_of_order_and_a_repeat_is_a_duplicate() -> None:
    reg = registry()
    dec = decoder(reg, T, enable_tidb_extension=True)
    first = valid(reg, {"id": 1, "v": 1}, TS + 10, enable_tidb_extension=True)
    older = valid(reg, {"id": 1, "v": 2}, TS, enable_tidb_extension=True)
    assert dec.decode(at(*first, offset=4)).findings == []
    assert dec.decode(at(*valid(reg, {"id": 2, "v": 0}, TS, enable_tidb_extension=True),
                         offset=5)).findings == []  # another key may be older
    f = only(dec.decode(at(*older, offset=5)).findings, "out-of-order", "_tidb_commit_ts")
    assert f.key == (1,) and (f.database, f.table) == ("db1", "t1")
    only(dec.decode(at(*older, offset=5)).findings, "duplicate", None)


# --- options and types this adapter lacks, registry and decoder failures, releases ---------------

CHECKSUM_FIELDS = [  # as TiCDC v7.1+ appends them (tests/vectors/ticdc/avro-v7.5.json, EnableChecksum)
    {"default": "", "name": "_tidb_row_level_checksum", "type": "string"},
    {"default": False, "name": "_tidb_corrupted", "type": "boolean"},
    {"default": 0, "name": "_tidb_checksum_version", "type": "int"},
]


def test_row_checksum_fields_are_an_unsupported_option_that_says_how_to_turn_it_off() -> None:
    reg = registry()
    record = {"id": 1, "v": 1, "_tidb_row_level_checksum": "1234", "_tidb_corrupted": False,
              "_tidb_checksum_version": 1}
    value = value_of(reg, record, ID_FIELD, V_FIELD, *CHECKSUM_FIELDS)
    decoded = decoder(reg, T).decode(at(key_of(reg), value))
    finding = only(decoded.findings, "unsupported-option", "_tidb_row_level_checksum")
    assert "integrity-check-level" in finding.why and '"none"' in finding.why
    (change,) = decoded.changes  # the row itself still decodes
    assert change.after == {"id": 1, "v": 1}


def test_a_vector_column_is_an_unsupported_type_not_a_type_error() -> None:
    reg = registry()
    vector = {"name": "vec",
              "type": {"type": "string", "connect.parameters": {"tidb_type": "TiDBVECTORFloat32"}}}
    decoded = decoder(reg).decode(at(key_of(reg), value_of(reg, {"id": 1, "v": 1, "vec": "[1,2]"},
                                                            ID_FIELD, V_FIELD, vector)))
    finding = only(decoded.findings, "unsupported-type", "vec")
    assert "VECTOR" in finding.why and "column filter" in finding.why


def test_a_registry_that_fails_is_a_registry_error() -> None:
    from confluent_kafka.schema_registry.error import SchemaRegistryError

    class Failing(type(registry())):  # type: ignore[misc]
        def get_schema(self, schema_id: int, *args: Any, **kwargs: Any) -> Any:
            raise SchemaRegistryError(503, 50301, "the registry is down")

    decoded = decoder(Failing({"url": "mock://failing"}), T).decode(at(None, frame(7, b"\x02")))
    finding = only(decoded.findings, "registry-error", "value")
    assert "schema id 7" in finding.why and "down" in finding.why


def test_a_lookup_that_fails_is_a_decoder_error_not_an_exception() -> None:
    reg = registry()

    def lookup(database: str, name: str, names: Any = None) -> Any:
        raise RuntimeError("lookup broke")


    decoded = AvroDecoder(reg, lookup=lookup).decode(at(*valid(reg)))
    finding = only(decoded.findings, "decoder-error", None)
    assert finding.why == "RuntimeError: lookup broke"


@pytest.mark.parametrize(("release", "kinds"), [("v6.4.0", []), ("v6.5.2", ["type-mismatch"]),
                                                ("v8.5.2", ["type-mismatch"])])
def test_float_as_double_is_right_for_the_releases_that_wrote_it(release: str, kinds: list[str]) -> None:
    from sinkmatrix.formats.releases import Release

    reg = registry()
    t = table(col("f", "float"))
    double = {"type": "double", "connect.parameters": {"tidb_type": "FLOAT"}}
    as_double = {"default": None, "name": "f", "type": ["null", double]}
    decoded = decoder(reg, t, release=Release.parse(release)).decode(
        at(key_of(reg), value_of(reg, {"id": 1, "f": 1.5}, ID_FIELD, as_double)))
    assert [f.kind for f in decoded.findings] == kinds, decoded.findings


class _Journaled:
    """A lookup that also lists the DDL the upstream ran (sinks.upstream_schema.UpstreamSchemas.ddl)."""

    def __init__(self, upstream: TableSchema, ddl: list[str]) -> None:
        self.upstream, self.statements = upstream, ddl

    def __call__(self, database: str, table: str, names: Any = None) -> TableSchema | None:
        return self.upstream if (database, table) == (self.upstream.database, self.upstream.name) else None

    def ddl(self, database: str) -> tuple[str, ...]:
        return tuple(self.statements)


def test_an_exact_repeat_after_a_truncate_the_format_cannot_carry_is_no_duplicate() -> None:
    reg = registry()
    ddl: list[str] = []
    dec = AvroDecoder(reg, lookup=_Journaled(T, ddl))
    record = valid(reg, {"id": 1, "v": 1})
    assert dec.decode(at(*record, offset=4)).findings == []
    only(dec.decode(at(*record, offset=5)).findings, "duplicate", None)  # nothing explains the repeat
    ddl.append("TRUNCATE TABLE t1")  # Avro carries no DDL: the upstream's journal tells
    assert dec.decode(at(*record, offset=6)).findings == []
