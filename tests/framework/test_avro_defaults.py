"""An Avro field's default is its column's DEFAULT, as TiCDC writes it (pingcap/tiflow
pkg/sink/codec/avro/avro.go columns2AvroSchema: the DEFAULT through columnToAvroData; a nullable
column with a value DEFAULT is [T, "null"]; a logical type gets none), so a column added NOT NULL
DEFAULT 'x' makes a schema the registry's BACKWARD compatibility accepts."""

import pytest

from sinkmatrix.formats.ticdc_avro import AvroOptions, field_schema, schema_text
from sinkmatrix.model.schema import Column
from sinkmatrix.schemareg.avro_schema import parse
from sinkmatrix.schemareg.compatibility import read_problems


def _int(params: str = "INT") -> dict:
    return {"type": "int", "connect.parameters": {"tidb_type": params}}


TEXT = {"type": "string", "connect.parameters": {"tidb_type": "TEXT"}}


@pytest.mark.parametrize(("column", "expected"), [
    (Column("c", "varchar", "varchar(10)", False, default="'x'"),
     {"default": "x", "name": "c", "type": TEXT}),
    (Column("c", "varchar", "varchar(10)", False, default="'it''s'"),
     {"default": "it's", "name": "c", "type": TEXT}),
    (Column("n", "int", "int(11)", True, default="7"),
     {"default": 7, "name": "n", "type": [_int(), "null"]}),
    (Column("n", "int", "int(11)", True, default="NULL"),
     {"default": None, "name": "n", "type": ["null", _int()]}),
    (Column("n", "int", "int(11)", False), {"name": "n", "type": _int()}),
    (Column("d", "double", "double", False, default="1.5"),
     {"default": 1.5, "name": "d",
      "type": {"type": "double", "connect.parameters": {"tidb_type": "DOUBLE"}}}),
    (Column("t", "timestamp", "timestamp", False, default="current_timestamp()"),
     {"name": "t", "type": {"type": "string", "connect.parameters": {"tidb_type": "TIMESTAMP"}}}),
])
def test_a_field_carries_its_columns_default(column, expected):
    assert field_schema(column, AvroOptions()) == expected


def test_a_decimal_in_precise_mode_carries_no_default():
    column = Column("m", "decimal", "decimal(5,2)", False, precision=5, scale=2, default="1.50")
    assert "default" not in field_schema(column, AvroOptions())
    nullable = Column("m", "decimal", "decimal(5,2)", True, precision=5, scale=2, default="1.50")
    assert field_schema(nullable, AvroOptions())["default"] is None


def test_a_column_added_not_null_with_a_default_is_a_backward_compatible_schema():
    key = field_schema(Column("id", "int", "int", False), AvroOptions())
    old = {"type": "record", "name": "t", "fields": [key]}
    added = Column("c", "varchar", "varchar(10)", False, default="'x'")
    new = {**old, "fields": [*old["fields"], field_schema(added, AvroOptions())]}
    assert read_problems(parse(schema_text(new)), parse(schema_text(old))) == []
    bare = {k: v for k, v in new["fields"][1].items() if k != "default"}
    without = {**new, "fields": [*old["fields"], bare]}
    assert read_problems(parse(schema_text(without)), parse(schema_text(old)))  # what the registry refused
