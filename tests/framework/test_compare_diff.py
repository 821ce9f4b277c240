"""The comparator's row diffs and messages: diff_row, render and format_mismatch."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from dsl.compare import MISSING, ZERO_DATE, ColumnDiff, diff_row
from dsl.diffs import format_mismatch, render
from sinkmatrix.model.schema import Column, TableSchema
from tests.framework.compare_columns import (
    BIT1,
    BIT12,
    BIT64,
    BLOB,
    DATE,
    DATETIME0,
    DATETIME6,
    DECIMAL,
    DOUBLE,
    INT,
    JSON_MYSQL,
    SET,
    TIME0,
    TIME1,
    VARBINARY,
    VARCHAR,
)

pytestmark = pytest.mark.framework


SCHEMA = TableSchema(
    "sm_db",
    "t",
    (
        Column("id", "int", "int(11)", nullable=False),
        Column("value", "int", "int(11)"),
        Column("amount", "decimal", "decimal(10,2)", precision=10, scale=2),
        Column("note", "varchar", "varchar(200)"),
        Column("flags", "bit", "bit(8)", precision=8),
    ),
    ("id",),
)


def test_diff_row_ignores_representation_differences():
    expected = {"id": 3, "value": 4, "amount": Decimal("1.50"), "note": "x", "flags": 5}
    actual = {"id": "3", "value": b"4", "amount": "1.5", "note": b"x", "flags": b"\x05"}
    assert diff_row(SCHEMA, expected, actual) == []


def test_diff_row_reports_differing_columns_in_table_order():
    expected = {"note": "x", "id": 3, "value": 3}
    actual = {"id": 3, "value": 4, "note": "y"}
    assert diff_row(SCHEMA, expected, actual) == [
        ColumnDiff("value", 3, 4, "values differ"),
        ColumnDiff("note", "x", "y", "values differ"),
    ]


def test_diff_row_reports_a_column_missing_from_actual():
    assert diff_row(SCHEMA, {"id": 3, "note": "x"}, {"id": 3}) == [
        ColumnDiff("note", "x", MISSING, "absent from the actual row")
    ]


def test_diff_row_reports_a_column_present_only_in_actual():
    assert diff_row(SCHEMA, {"id": 3}, {"id": 3, "value": None, "_extra": 1}) == [
        ColumnDiff("value", MISSING, None, "only in the actual row"),
        ColumnDiff("_extra", MISSING, 1, "only in the actual row"),
    ]


def test_diff_row_reports_an_actual_value_the_column_cannot_hold():
    [diff] = diff_row(SCHEMA, {"id": 3, "value": 4}, {"id": 3, "value": "four"})
    assert diff.why.startswith("actual value is not valid: column value (int(11)) cannot hold")


def test_diff_row_says_where_long_strings_part():
    expected, actual = "a" * 100 + "b", "a" * 100 + "c"
    [diff] = diff_row(SCHEMA, {"note": expected}, {"note": actual})
    assert diff.why == "first difference at offset 100 (lengths 101 and 101)"


def test_diff_row_says_where_a_long_string_is_cut_short():
    [diff] = diff_row(SCHEMA, {"note": "a" * 100}, {"note": "a" * 70})
    assert diff.why == "first difference at offset 70 (lengths 100 and 70)"


def test_diff_row_reports_an_unknown_column_once():
    assert diff_row(SCHEMA, {"id": 3, "_x": 1}, {"id": 3, "_x": 2}) == [
        ColumnDiff("_x", 1, 2, "values differ")
    ]


@pytest.mark.parametrize(
    ("column", "value", "text"),
    [
        (VARCHAR, None, "NULL"),
        (VARCHAR, "it's", '"it\'s"'),
        (VARCHAR, "", "''"),
        (INT, 3, "3"),
        (INT, "3", "'3'"),
        (VARBINARY, b"\x00a", "b'\\x00a'"),
        (BIT12, 5, "0x005"),
        (BIT12, b"\x0f\xff", "0xfff"),
        (BIT64, 2**64 - 1, "0xffffffffffffffff"),
        (BIT1, True, "0x1"),
        (DECIMAL, Decimal("1.50"), "1.50"),
        (DOUBLE, 0.1, "0.1"),
        (DATETIME6, datetime(2024, 1, 2, 3, 4, 5, 120000), "2024-01-02 03:04:05.120000"),
        (DATE, date(2024, 1, 2), "2024-01-02"),
        (TIME0, -timedelta(hours=1, minutes=30), "-01:30:00"),
        (TIME1, timedelta(hours=100, microseconds=500000), "100:00:00.500000"),
        (SET, {"b", "a"}, "{'a', 'b'}"),
        (JSON_MYSQL, {"b": 1, "a": [True]}, '{"a": [true], "b": 1}'),
        (DATETIME0, ZERO_DATE, "0000-00-00"),
        (VARCHAR, MISSING, "(absent)"),
    ],
)
def test_render_shows_the_kind_of_value(column, value, text):
    assert render(column, value) == text


def test_render_cuts_long_values_and_says_how_long():
    assert render(VARCHAR, "x" * 100) == repr("x" * 60) + "… (100 chars)"
    assert render(BLOB, b"\x00" * 1000) == repr(b"\x00" * 60) + "… (1000 bytes)"


def test_format_mismatch_names_table_key_and_column():
    diffs = diff_row(SCHEMA, {"id": 3, "value": 3}, {"id": 3, "value": 4})
    assert format_mismatch(SCHEMA, {"id": 3}, diffs) == (
        "table sm_db.t key (id=3): 1 column differs\n  value: expected 3, actual 4"
    )


def test_format_mismatch_lists_every_column_with_its_reason():
    diffs = diff_row(
        SCHEMA,
        {"id": 3, "value": 3, "note": "x", "flags": 1},
        {"id": 3, "value": None, "flags": b"\x03"},
    )
    assert format_mismatch(SCHEMA, {"id": 3, "region": "eu"}, diffs) == (
        "table sm_db.t key (id=3, region='eu'): 3 columns differ\n"
        "  value: expected 3, actual NULL\n"
        "  note: expected 'x', actual (absent) (absent from the actual row)\n"
        "  flags: expected 0x01, actual 0x03"
    )


def test_format_mismatch_names_python_types_when_renderings_coincide():
    diffs = [ColumnDiff("value", 3, Decimal("3"), "values differ")]
    assert format_mismatch(SCHEMA, {"id": 1}, diffs).endswith(
        "value: expected 3 (int), actual 3 (Decimal)"
    )
