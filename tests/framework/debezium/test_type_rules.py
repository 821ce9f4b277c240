"""Debezium's column-type rules that outside workloads met (tests/suites/TRIAGE.md), each as its source
states it: ENUM members as the statement's literals and as Enum's `allowed` (commas escaped), spatial
columns as Geometry/Point structs, REAL as FLOAT32 where the statement said REAL; and the failures and
differences a documented behaviour or a known defect explains, named as such."""

from __future__ import annotations

import base64
import datetime as dt
import struct
from typing import Any

import pytest

from sinkmatrix.formats import debezium as dbz
from sinkmatrix.formats import debezium_tables as tables
from sinkmatrix.formats.debezium_behaviours import KnownBug, LimitMet, explain_failure
from sinkmatrix.formats.debezium_names import Naming
from sinkmatrix.model.schema import Column, TableSchema
from sinks.base import Record
from sinks.canal_frame import Check
from sinks.debezium import made_boolean, narrowed, two_digit_year_moved, zero_date_as_default
from sinks.debezium_history import TableVersion
from sinks.debezium_settle import Row, settle_row

pytestmark = pytest.mark.framework

ENUM = Column(name="type", type="enum", column_type="enum('now','a,b','c,''d','g,''h')",
              members=("now", "a,b", "c,'d", "g,'h"))


def test_enum_members_read_from_the_statements_literals_as_mysql_reads_them() -> None:
    # debezium/ddl's test_stations_10: the statement wrote 'c,\'d' and 'g,''h'
    description = {"typeName": "ENUM", "optional": True,
                   "enumValues": ["'now'", "'a,b'", "'c,\\'d'", "'g,''h'"]}
    assert tables.mismatches(description, ENUM) == []
    wrong = {**description, "enumValues": ["'now'", "'a'", "'b'", "'c,\\'d'"]}
    assert [a for a, _ in tables.mismatches(wrong, ENUM)] == ["enumValues"]


def test_an_enums_allowed_parameter_escapes_the_commas_inside_members() -> None:
    [schema] = dbz.field_schemas(ENUM, dbz.Modes())
    assert dict(schema.parameters)["allowed"] == "now,a\\,b,c\\,'d,g\\,'h"  # as Debezium 3.6.3 wrote it


def test_an_enum_value_with_its_comma_escaped_is_debezium_3_6s_known_defect() -> None:
    [schema] = dbz.field_schemas(ENUM, dbz.Modes())
    read = dbz.reader(ENUM, schema, dbz.Modes())
    assert read("a,b") == "a,b" and read("now") == "now"
    with pytest.raises(dbz.BadValue, match="debezium/dbz#2102"):
        read("a\\,b")


GEOMETRY = Column(name="g", type="geometry", column_type="geometry")
POINT = Column(name="p", type="point", column_type="point")
WKB_POINT = struct.pack("<bIdd", 1, 1, 1.5, -2.0)


def test_spatial_columns_are_debeziums_geometry_structs_read_back_as_the_servers_bytes() -> None:
    modes = dbz.Modes()
    [geometry] = dbz.field_schemas(GEOMETRY, modes)
    [point] = dbz.field_schemas(POINT, modes)
    assert (geometry.type, geometry.name) == ("struct", "io.debezium.data.geometry.Geometry")
    assert (point.type, point.name) == ("struct", "io.debezium.data.geometry.Point")
    wkb = base64.b64encode(WKB_POINT).decode()
    stored = struct.pack("<I", 0) + WKB_POINT  # what the server holds: SRID (0 for none), then WKB
    assert dbz.reader(GEOMETRY, geometry, modes)({"wkb": wkb, "srid": None}) == stored
    assert dbz.reader(POINT, point, modes)({"x": 1.5, "y": -2.0, "wkb": WKB_POINT, "srid": 4326}) == \
        struct.pack("<I", 4326) + WKB_POINT
    with pytest.raises(dbz.BadValue):  # a Point whose x and y are not its WKB's
        dbz.reader(POINT, point, modes)({"x": 1.0, "y": -2.0, "wkb": wkb, "srid": None})


def _row(column: Column, used: dbz.FieldSchema) -> Row:
    table = TableSchema("db", "t", (Column("id", "int", "int", nullable=False), column), ("id",))
    return Row("db", table, {"id": 1, column.name: 2.36}, {"id": dbz.FieldSchema("int32"), column.name: used},
               {"id": 1}, None, False)


@pytest.mark.parametrize(("spelled", "used", "finding"), [
    ("REAL", "float", False), ("DOUBLE", "double", False),
    ("REAL", "double", True), ("DOUBLE", "float", True),
    # a row written while the column was FLOAT, judged after `MODIFY c DOUBLE` (ticdc/avro_basic)
    ("FLOAT", "float", False), ("FLOAT", "double", True),
])
def test_a_double_column_is_float32_exactly_where_the_statement_declared_it_real(
        spelled: str, used: str, finding: bool) -> None:
    column = Column("r1", "double", "double")
    assert dbz.FieldSchema(used) in dbz.field_schemas(column, dbz.Modes())  # the event's schema decides
    version = TableVersion((1, 4, 0), ("id",), {"id": {"typeName": "INT"}, "r1": {"typeName": spelled}})
    check = Check(Record("t", 0, 0, None, None))
    settle_row(_row(column, dbz.FieldSchema(used)), version, None, Naming("p"),
               lambda c, s: dbz.reader(c, s, dbz.Modes()), check)
    assert [f.field for f in check.findings] == (["schema.after.r1"] if finding else [])


def test_debeziums_float32_columns_are_real_and_float_of_at_most_24_bits_without_a_scale() -> None:
    assert tables.connect_float({"typeName": "FLOAT"}) == "float"
    assert tables.connect_float({"typeName": "FLOAT", "length": 24}) == "float"
    assert tables.connect_float({"typeName": "FLOAT", "length": 25}) == "double"
    assert tables.connect_float({"typeName": "FLOAT UNSIGNED", "length": 7, "scale": 4}) == "double"
    assert tables.connect_float({"typeName": "DOUBLE PRECISION"}) == "double"
    assert tables.connect_float({"typeName": "INT"}) is None


def test_values_a_documented_behaviour_changed_are_recognised_only_as_that_change() -> None:
    assert narrowed(3.141592653589793, 3.1415927) and narrowed(2.36, 2.359999895095825)
    assert not narrowed(2.36, 2.37) and not narrowed(None, 2.36)
    assert made_boolean(-1, 1) and made_boolean(5, 1) and not made_boolean(-1, 0) and not made_boolean(1, 0)
    assert two_digit_year_moved(dt.date(18, 4, 1), dt.date(2018, 4, 1))
    assert two_digit_year_moved(dt.datetime(78, 4, 1, 12), dt.datetime(1978, 4, 1, 12))
    assert not two_digit_year_moved(dt.date(18, 4, 1), dt.date(1918, 4, 1))
    described = {"typeName": "DATE", "optional": False, "defaultValueExpression": "2030-12-31"}
    assert zero_date_as_default("d", described, "0000-00-00", dt.date(2030, 12, 31))
    assert zero_date_as_default("d", described, "2020-00-05", dt.date(2030, 12, 31))  # zero-in-date
    assert not zero_date_as_default("d", described, "2020-01-05", dt.date(2030, 12, 31))
    assert not zero_date_as_default("d", {**described, "optional": True}, "0000-00-00", dt.date(2030, 12, 31))


def _stopped(statement: str) -> str:
    return ("Debezium stopped: org.apache.kafka.connect.errors.ConnectException: An exception occurred in "
            "the change event producer. (io.debezium.text.ParsingException: DDL statement couldn't be "
            "parsed. Please open a GitHub issue at https://github.com/debezium/dbz/issues with the "
            f"statement '{statement}' mismatched input 'if' expecting {{ACCOUNT_SYMBOL, ...)")


def test_a_connector_stopped_by_its_ddl_parser_is_named_by_what_it_met() -> None:
    # maxwell/ddl_integration's testDoubleQuotedTables (Debezium's normaliser wrote "tt_tt" as 'tt_tt')
    ansi: Any = explain_failure(_stopped("create table 'tt_tt' ( 'id' int )"))
    assert isinstance(ansi, KnownBug) and ansi.issue == "debezium/dbz#2291"
    assert ansi.label().startswith("CDC defect (known): ")
    mariadb: Any = explain_failure(_stopped("ALTER TABLE t drop column if exists aa"))
    assert isinstance(mariadb, LimitMet) and mariadb.name == "mariadb-as-mysql"
    assert "'drop column if exists'" in mariadb.label()
    assert explain_failure(_stopped("ALTER TABLE t ADD COLUMN c INT")) is None  # nothing known: as it is
    refused = explain_failure("Debezium stopped: ... (io.confluent.kafka.schemaregistry.client.rest."
                              "exceptions.RestClientException: Schema being registered is incompatible "
                              "with an earlier schema for subject 'x-value' (BACKWARD): ...)")
    assert isinstance(refused, LimitMet) and refused.name == "schema-evolution"
