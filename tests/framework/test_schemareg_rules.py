"""The schema registry's canonical form, schema validation and compatibility rules, without a process."""

from __future__ import annotations

import json
from typing import Any

import pytest

from sinkmatrix.schemareg.avro_schema import parse
from sinkmatrix.schemareg.compatibility import Level, check, read_problems
from sinkmatrix.schemareg.errors import InvalidCompatibilityLevel, InvalidSchema
from tests.framework.schemareg_support import V1, V2_WITH_DEFAULT, V2_WITHOUT_DEFAULT, record

pytestmark = pytest.mark.framework


def test_canonical_form_ignores_spelling_but_keeps_meaning() -> None:
    base = parse(record("t", ("id", "int"), namespace="ns"))
    same = parse(json.dumps({"name": "ns.t", "type": "record",
                             "fields": [{"type": {"type": "int"}, "name": "id", "order": "ascending"}]}))
    assert base == same and parse(base.canonical).canonical == base.canonical
    with_doc = parse(json.dumps({**json.loads(record("t", ("id", "int"), namespace="ns")), "doc": "d"}))
    with_prop = parse(record("t", ("id", {"type": "int", "connect.parameters": {"tidb_type": "INT"}}),
                             namespace="ns"))
    assert len({base, with_doc, with_prop}) == 3
    assert json.loads(with_prop.canonical)["namespace"] == "ns"


@pytest.mark.parametrize("text", [
    record("t", ("a", "int"), ("a", "long")),
    '["int", "int"]',
    '["null", ["int"]]',
    record("t", ("a", "nowhere.Defined")),
    record("1t", ("a", "int")),
    '{"type": "fixed", "name": "f"}',
])
def test_invalid_schemas_are_refused(text: str) -> None:
    with pytest.raises(InvalidSchema):
        parse(text)


def test_a_namespace_is_not_held_to_the_name_rule_as_javas_avro_does_not() -> None:
    # Debezium names a table DBZ.1834's value schema <prefix>.<db>.DBZ.1834.Value; Java's Avro 1.11.3
    # (the converter's and the registry's) parses it, and refuses a name "1Value"
    assert parse(record("Value", ("id", "int"), namespace="sinkmatrix.db.DBZ.1834"))
    assert parse(json.dumps({"type": "record", "name": "sinkmatrix.db.DBZ.1834.Value",
                             "fields": [{"name": "id", "type": "int"}]}))
    with pytest.raises(InvalidSchema):
        parse(record("1Value", ("id", "int"), namespace="sinkmatrix.db"))


def _enum(*symbols: str, default: str | None = None) -> dict[str, Any]:
    spec: dict[str, Any] = {"type": "enum", "name": "E", "symbols": list(symbols)}
    return spec if default is None else {**spec, "default": default}


_LIST = {"type": "record", "name": "Node", "fields": [
    {"name": "value", "type": "int"}, {"name": "next", "type": ["null", "Node"]}]}
_LIST_WIDER = {"type": "record", "name": "Node", "fields": [
    {"name": "value", "type": "long"}, {"name": "next", "type": ["null", "Node"]}]}


@pytest.mark.parametrize(("reader", "writer", "readable"), [
    (record("t", ("a", "int")), record("t", ("a", "int"), ("b", "string")), True),  # writer field dropped
    (record("t", ("a", "int"), ("b", "string")), record("t", ("a", "int")), False),  # no default
    (record("t", ("a", "int"), {"name": "b", "type": "string", "default": ""}), record("t", ("a", "int")),
     True),
    *[(record("t", ("a", r)), record("t", ("a", w)), ok) for w, r, ok in [
        ("int", "long", True), ("int", "float", True), ("int", "double", True), ("long", "float", True),
        ("long", "double", True), ("float", "double", True), ("long", "int", False),
        ("double", "float", False), ("string", "bytes", True), ("bytes", "string", True),
        ("string", "int", False), (["null", "int"], ["null", "long"], True), (["null", "int"], "int", False),
        ("int", ["null", "int"], True), (["int", "string"], ["null", "string"], False),
        ({"type": "array", "items": "int"}, {"type": "array", "items": "long"}, True),
        ({"type": "map", "values": "string"}, {"type": "map", "values": "int"}, False),
        (_enum("A", "B"), _enum("A"), False), (_enum("A", "B"), _enum("A", default="A"), True),
        (_enum("A"), _enum("A", "B"), True),
        ({"type": "fixed", "name": "F", "size": 4}, {"type": "fixed", "name": "F", "size": 8}, False),
        (_LIST, _LIST_WIDER, True), (_LIST_WIDER, _LIST, False),
    ]],
    (record("t", ("inner", {"type": "record", "name": "I", "fields": [{"name": "x", "type": "int"}]})),
     record("t", ("inner", {"type": "record", "name": "I", "fields": [{"name": "x", "type": "string"}]})),
     False),
    (record("t", ("a", "int")), record("renamed", ("a", "int")), False),
    (json.dumps({**json.loads(record("t", ("a", "int"))), "aliases": ["old"]}),
     record("old", ("a", "int")), True),
    (record("t", {"name": "a", "type": "int", "aliases": ["before"]}), record("t", ("before", "int")), True),
])
def test_reader_reads_writer_data_per_avro_resolution(reader: str, writer: str, readable: bool) -> None:
    assert (not read_problems(parse(reader), parse(writer))) is readable


def test_problems_name_the_nested_field_that_breaks() -> None:
    inner = {"type": "record", "name": "I", "fields": [{"name": "x", "type": "int"}]}
    reader = parse(record("t", ("inner", {**inner, "fields": [{"name": "x", "type": "string"}]})))
    (problem,) = read_problems(reader, parse(record("t", ("inner", inner))))
    assert "default.test.t.inner.x" in problem


def test_levels_check_the_directions_and_versions_they_name() -> None:
    v1, v2 = parse(V1), parse(V2_WITH_DEFAULT)
    v3 = parse(record("t", ("id", "int"), ("note", ["null", "string"])))  # default dropped
    history = [(1, v1), (2, v2)]
    assert check(Level.BACKWARD, v3, history) == []
    assert check(Level.BACKWARD_TRANSITIVE, v3, history)
    assert check(Level.FORWARD, v1, [(1, v2)]) == []
    assert check(Level.FORWARD, parse(V2_WITHOUT_DEFAULT), [(1, v1)]) == []
    assert check(Level.FULL, parse(V2_WITHOUT_DEFAULT), [(1, v1)])
    assert check(Level.NONE, parse('"string"'), history) == []
    assert Level.parse("full_transitive") is Level.FULL_TRANSITIVE
    with pytest.raises(InvalidCompatibilityLevel):
        Level.parse("SIDEWAYS")
