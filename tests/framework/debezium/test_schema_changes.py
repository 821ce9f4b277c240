"""Debezium's schema-change events (captured from Debezium 3.6.3: tests/vectors/debezium-3.6) are judged
against the upstream table they describe and become the view's DDL at their binlog clock; an event
whose columns, nullability or key disagree with the upstream is a finding located at that event."""

from __future__ import annotations

import base64
import copy
import dataclasses
import json
from collections.abc import Callable
from typing import Any

import pytest

from sinkmatrix.formats import debezium as dbz
from sinkmatrix.model.changes import DdlChange
from sinkmatrix.model.schema import TableSchema
from sinks.clock_order import ClockedDecoded
from sinks.debezium_decode import DebeziumDecoder
from sinks.debezium_json import json_parser
from tests.framework.debezium.test_vectors import JSON, decode_all, load, records, schemas_of
from tests.framework.message_edits import setter

pytestmark = pytest.mark.framework


def _schema_change(vector: dict[str, Any], starts: str) -> tuple[int, dict[str, Any], dict[str, Any]]:
    for i, r in enumerate(vector["records"]):
        if r["topic"] == "sinkmatrix":
            value = json.loads(base64.b64decode(r["value"]))
            if value["payload"]["ddl"].startswith(starts):
                return i, json.loads(base64.b64decode(r["key"])), value
    raise AssertionError(f"no schema change {starts!r} in the vector")


def _findings(edit: Callable[[dict[str, Any]], None], starts: str = "ALTER TABLE t") -> list[Any]:
    vector = copy.deepcopy(load(JSON))
    index, _, value = _schema_change(vector, starts)
    edit(value["payload"])
    vector["records"][index]["value"] = base64.b64encode(json.dumps(value).encode()).decode()
    target = vector["records"][index]
    return [f for r, d in decode_all(vector, records(vector)) for f in d.findings
            if (r.topic, r.partition, r.offset) == (target["topic"], target["partition"], target["offset"])]


def _column(payload: dict[str, Any], name: str) -> dict[str, Any]:
    return next(c for c in payload["tableChanges"][0]["table"]["columns"] if c["name"] == name)


EDITS: dict[str, tuple[Callable[[dict[str, Any]], None], str, str, str]] = {
    "a column read as another type": (
        lambda p: _column(p, "extra").update(typeName="BIGINT"), "ALTER TABLE t", "type-mismatch",
        "tableChanges.0.table.columns.extra.typeName"),
    "a nullable column read as NOT NULL": (
        lambda p: _column(p, "extra").update(optional=False), "ALTER TABLE t", "type-mismatch",
        "tableChanges.0.table.columns.extra.optional"),
    "a decimal read with another scale": (
        lambda p: _column(p, "de").update(scale=3), "CREATE TABLE t", "type-mismatch",
        "tableChanges.0.table.columns.de.scale"),
    "enum members read otherwise": (
        lambda p: _column(p, "e").update(enumValues=["'a'", "'c'"]), "CREATE TABLE t", "type-mismatch",
        "tableChanges.0.table.columns.e.enumValues"),
    "a column the upstream has not": (
        lambda p: p["tableChanges"][0]["table"]["columns"].append({**_column(p, "extra"), "name": "ghost"}),
        "ALTER TABLE t", "extra-field", "tableChanges.0.table.columns.ghost"),
    "a key its DDL parser does not give": (
        setter("tableChanges/0/table/primaryKeyColumnNames", ["ti"]), "ALTER TABLE t",
        "bad-value", "tableChanges.0.table.primaryKeyColumnNames"),
}


@pytest.mark.parametrize("edit", list(EDITS))
def test_a_schema_change_that_disagrees_with_the_upstream_is_a_finding_at_the_ddl(edit: str) -> None:
    change, starts, kind, where = EDITS[edit]
    findings = _findings(change, starts)
    assert [(f.kind, f.field) for f in findings] == [(kind, where)], [str(f) for f in findings]
    assert findings[0].topic == "sinkmatrix" and findings[0].table == "t" and findings[0].database


def test_debeziums_own_schema_changes_become_ddl_at_their_binlog_clock() -> None:
    vector = load(JSON)
    decoded = decode_all(vector, records(vector))
    ddl = [(d.clock, c.query) for r, d in decoded if r.topic == "sinkmatrix" for c in d.changes]
    ours = [q for _, q in ddl if "sm_vectors" in q or q.startswith(("CREATE TABLE t", "ALTER TABLE t"))]
    assert len(ours) == 3 and ours[0] == f"CREATE DATABASE `{vector['database']}`", ours
    assert ours[1].startswith("CREATE TABLE t (") and ours[2] == "ALTER TABLE t ADD COLUMN extra INT"
    rows = [(d.clock, r.offset) for r, d in decoded if r.topic.endswith(".t") and d.changes]
    alter = next(clock for clock, q in ddl if q.startswith("ALTER TABLE t"))
    assert sum(1 for clock, _ in rows if clock > alter) == 1  # the insert after the ALTER, and only it
    assert all(isinstance(d, ClockedDecoded) and d.barrier for r, d in decoded
               if any(isinstance(c, DdlChange) for c in d.changes))


def test_a_schema_change_delivered_again_is_a_duplicate_not_applied_twice() -> None:
    vector = load(JSON)
    index, _, _ = _schema_change(vector, "ALTER TABLE t")
    again = copy.deepcopy(vector["records"][index])
    again["offset"] = max(r["offset"] for r in vector["records"]
                          if (r["topic"], r["partition"]) == (again["topic"], again["partition"])) + 1
    vector["records"].append(again)
    decoded = decode_all(vector, records(vector))
    last = decoded[-1][1]
    assert [f.kind for f in last.findings] == ["duplicate"] and not last.changes


def test_a_schema_change_no_kept_version_fits_is_judged_against_the_upstream_asked_again() -> None:
    """A MODIFY keeps the column names, and a lookup answers from memory for a while: the versions it
    keeps may all predate the DDL. The upstream, asked at once (`refresh`), has run it."""
    vector = copy.deepcopy(load(JSON))
    index, _, value = _schema_change(vector, "CREATE TABLE t")
    _column(value["payload"], "de").update(scale=3)  # as if the statement had said DECIMAL(p, 3)
    vector["records"][index]["value"] = base64.b64encode(json.dumps(value).encode()).decode()
    kept = schemas_of(vector)
    now = [dataclasses.replace(s, columns=tuple(dataclasses.replace(c, scale=3) if c.name == "de" else c
                                                for c in s.columns)) for s in kept]

    class Lookup:
        asked = 0

        def __call__(self, database: str, table: str, names: Any = None) -> TableSchema | None:
            if (database, table) != (kept[0].database, kept[0].name):
                return None
            return next((s for s in kept if names is None or {c.name for c in s.columns} == set(names)), None)

        def refresh(self, database: str, table: str) -> TableSchema | None:
            self.asked += 1
            return now[0] if (database, table) == (kept[0].database, kept[0].name) else None

    lookup = Lookup()
    decoder = DebeziumDecoder(parser=json_parser(with_schemas=True), modes=dbz.VARIANT_MODES[""],
                              topic_prefix="sinkmatrix", lookup=lookup, version="3.6")
    target = records(vector)[index]
    assert decoder.decode(target).findings == [] and lookup.asked == 1
