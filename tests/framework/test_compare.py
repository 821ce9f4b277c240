"""The comparator: each type family's equal and unequal pairs across representations, row diffs, messages."""

from __future__ import annotations

import struct
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from dsl.compare import (
    MISSING,
    ZERO_DATE,
    ColumnDiff,
    canonical,
    diff_row,
    equal,
)
from dsl.diffs import format_mismatch, render
from dsl.schema import Column, TableSchema

pytestmark = pytest.mark.framework


def col(type_: str, column_type: str | None = None, **kw: Any) -> Column:
    return Column(name="c", type=type_, column_type=column_type or type_, **kw)


def as_float32(x: float) -> float:
    return float(struct.unpack("<f", struct.pack("<f", x))[0])


BIGINT_U = col("bigint", "bigint(20) unsigned", unsigned=True)
BIGINT = col("bigint", "bigint(20)")
INT = col("int", "int(11)")
TINYINT_U = col("tinyint", "tinyint(3) unsigned", unsigned=True)
DECIMAL = col("decimal", "decimal(10,2)", precision=10, scale=2)
FLOAT = col("float")
DOUBLE = col("double")
DATETIME6 = col("datetime", "datetime(6)", fsp=6)
DATETIME0 = col("datetime", fsp=0)
TIMESTAMP3 = col("timestamp", "timestamp(3)", fsp=3)
DATE = col("date")
TIME0 = col("time", fsp=0)
TIME1 = col("time", "time(1)", fsp=1)
YEAR = col("year")
BIT1 = col("bit", "bit(1)", precision=1)
BIT12 = col("bit", "bit(12)", precision=12)
BIT64 = col("bit", "bit(64)", precision=64)
VARBINARY = col("varbinary", "varbinary(16)")
BLOB = col("longblob")
VARCHAR = col("varchar", "varchar(64)")
JSON_MARIADB = col("longtext", is_json=True)
JSON_MYSQL = col("json", is_json=True)
ENUM = col("enum", "enum('small','medium','large')", members=("small", "medium", "large"))
SET = col("set", "set('a','b','c')", members=("a", "b", "c"))

AWARE = timezone(timedelta(hours=2))
MAX_TIME = timedelta(hours=838, minutes=59, seconds=59)


def assert_equality(column: Column, a: Any, b: Any, same: bool) -> None:
    assert equal(column, a, b) is same
    assert equal(column, b, a) is same


@pytest.mark.parametrize(
    ("column", "a", "b", "same"),
    [
        (BIGINT_U, 18446744073709551615, "18446744073709551615", True),
        (BIGINT_U, 18446744073709551615, Decimal("18446744073709551615"), True),
        (BIGINT_U, 18446744073709551615, 18446744073709551614, False),
        (BIGINT, -(2**63), "-9223372036854775808", True),
        (BIGINT, -(2**63), -(2**63) + 1, False),
        (INT, 3, Decimal("3.00"), True),
        (INT, 3, b"3", True),
        (INT, 3, "4", False),
        (TINYINT_U, 255, "255", True),
    ],
)
def test_integers_compare_exactly_across_representations(column, a, b, same):
    assert_equality(column, a, b, same)


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        (INT, "abc", "not a number"),
        (INT, True, "bool"),
        (INT, 1.0, "float cannot carry"),
        (INT, Decimal("1.5"), "not a whole number"),
        (INT, "1_000", "not a number"),
        (BIGINT_U, 2**64, r"out of range 0\.\.18446744073709551615"),
        (BIGINT, 2**63, "out of range"),
        (TINYINT_U, -1, "out of range"),
    ],
)
def test_integer_rejects_what_no_integer_column_holds(column, value, reason):
    with pytest.raises(ValueError, match=reason):
        canonical(column, value)


def test_rejection_names_the_column_its_type_and_the_value():
    with pytest.raises(ValueError, match=r"column c \(int\(11\)\) cannot hold 'abc': not a number"):
        canonical(INT, "abc")


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("1.50", "1.5", True),
        (Decimal("1.50"), 1.5, True),
        (Decimal("2"), 2, True),
        (Decimal("-0.01"), "-.01", True),
        (Decimal("1.50"), "1.51", False),
        (Decimal("12345678.99"), "12345678.99", True),
    ],
)
def test_decimal_compares_by_value_not_scale(a, b, same):
    assert_equality(DECIMAL, a, b, same)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (0.1, "not exactly a decimal"),
        ("1.234", "more than 2 digits after the point"),
        ("123456789", "more than 8 digits before the point"),
        ("NaN", "not a number"),
        (Decimal("Infinity"), "finite"),
        ("1,5", "not a number"),
    ],
)
def test_decimal_rejects_inexact_or_oversized_values(value, reason):
    with pytest.raises(ValueError, match=reason):
        canonical(DECIMAL, value)

WIDE = "12345678901234567890123456789012345.123456789012345678901234567890"


@pytest.mark.parametrize(
    ("column", "value", "fits"),
    [
        (col("decimal", "decimal(65,30)", precision=65, scale=30), WIDE, True),
        (col("decimal", "decimal(65,30)", precision=65, scale=30), WIDE + "1", False),
        (col("decimal", "decimal(65,30)", precision=65, scale=30), "9" + WIDE, False),
        (col("decimal", "decimal(3,1)", precision=3, scale=1), "0.000", True),
        (col("decimal", "decimal(3,1)", precision=3, scale=1), "10.50", True),
        (col("decimal", "decimal(3,1)", precision=3, scale=1), "100", False),
    ],
)
def test_decimal_scale_and_precision_are_checked_beyond_28_digits(column, value, fits):
    if fits:
        assert canonical(column, value) == Decimal(value)
    else:
        with pytest.raises(ValueError, match="digits"):
            canonical(column, value)



@pytest.mark.parametrize(
    ("column", "a", "b", "same"),
    [
        (FLOAT, 3.14, as_float32(3.14), True),
        (FLOAT, "3.14", as_float32(3.14), True),
        (FLOAT, 1.00000001, 1.0, True),  # below half a float32 ulp
        (FLOAT, 1.0000001, 1.0, False),  # rounds to the next float32
        (FLOAT, 3.14, 3.15, False),
        (DOUBLE, 0.1, "0.1", True),
        (DOUBLE, 0.1, Decimal("0.1"), True),
        (DOUBLE, 1.0000001, 1.0, False),
        (DOUBLE, 2, 2.0, True),
    ],
)
def test_float_rounds_to_float32_and_double_is_exact(column, a, b, same):
    assert_equality(column, a, b, same)


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        (FLOAT, 1e39, "too large"),
        (DOUBLE, float("nan"), "finite"),
        (DOUBLE, float("inf"), "finite"),
        (DOUBLE, "inf", "not a number"),
        (DOUBLE, True, "bool"),
    ],
)
def test_floats_reject_values_mysql_cannot_store(column, value, reason):
    with pytest.raises(ValueError, match=reason):
        canonical(column, value)


@pytest.mark.parametrize(
    ("column", "a", "b", "same"),
    [
        (DATETIME6, datetime(2024, 1, 2, 3, 4, 5, 123456), "2024-01-02 03:04:05.123456", True),
        (DATETIME6, datetime(2024, 1, 2, 3, 4, 5, 123456), "2024-01-02T03:04:05.123456", True),
        (DATETIME6, datetime(2024, 1, 2, 3, 4, 5, 123456), "2024-01-02 03:04:05.123457", False),
        (DATETIME6, datetime(2024, 1, 2, 3, 4, 5), "2024-01-02 03:04:05.000000", True),
        (DATETIME6, datetime(2024, 1, 2), date(2024, 1, 2), True),
        (DATETIME0, datetime(2024, 1, 2, 3, 4, 5), b"2024-01-02 03:04:05", True),
        (DATETIME0, datetime(2024, 1, 2, 3, 4, 5), "2024-01-02 03:04:06", False),
        (DATE, date(2024, 1, 2), "2024-01-02", True),
        (DATE, date(2024, 1, 2), datetime(2024, 1, 2), True),
        (DATE, date(2024, 1, 2), "2024-01-03", False),
    ],
)
def test_temporal_values_compare_across_objects_and_text(column, a, b, same):
    assert_equality(column, a, b, same)


@pytest.mark.parametrize("fsp", range(7))
def test_fractional_seconds_compare_exactly_at_each_precision(fsp):
    column = col("datetime", f"datetime({fsp})", fsp=fsp)
    digits = "123456"[:fsp]
    text = f"2024-01-02 03:04:05{'.' + digits if fsp else ''}"
    micros = int(digits.ljust(6, "0")) if fsp else 0
    assert equal(column, text, datetime(2024, 1, 2, 3, 4, 5, micros))
    if fsp:
        one_off = micros + 10 ** (6 - fsp)
        assert not equal(column, text, datetime(2024, 1, 2, 3, 4, 5, one_off))
    if fsp < 6:
        with pytest.raises(ValueError, match=f"more fractional-second digits than the column's {fsp}"):
            canonical(column, datetime(2024, 1, 2, 3, 4, 5, micros + 1))


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (datetime(2024, 1, 2, 5, 4, 5, tzinfo=AWARE), datetime(2024, 1, 2, 3, 4, 5), True),
        (datetime(2024, 1, 2, 3, 4, 5, tzinfo=AWARE), datetime(2024, 1, 2, 3, 4, 5), False),
        ("2024-01-02T03:04:05.120Z", datetime(2024, 1, 2, 3, 4, 5, 120000), True),
        ("2024-01-02 05:04:05+02:00", "2024-01-02 03:04:05", True),
    ],
)
def test_aware_timestamps_compare_as_utc(a, b, same):
    assert_equality(TIMESTAMP3, a, b, same)


@pytest.mark.parametrize(
    ("column", "a", "b", "same"),
    [
        (DATETIME0, "0000-00-00 00:00:00", ZERO_DATE, True),
        (DATETIME6, "0000-00-00 00:00:00.000000", "0000-00-00 00:00:00", True),
        (DATE, "0000-00-00", ZERO_DATE, True),
        (DATETIME0, "0000-00-00 00:00:00", datetime.min, False),
        (DATETIME0, "0000-00-00 00:00:00", None, False),
        (DATE, "0000-00-00", date(1, 1, 1), False),
    ],
)
def test_zero_date_equals_only_itself(column, a, b, same):
    assert_equality(column, a, b, same)


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        (DATETIME0, "2024-02-30 00:00:00", "day is out of range"),
        (DATETIME0, "2024-01-00 00:00:00", "day is out of range"),
        (DATETIME0, "20240102", "not 'YYYY-MM-DD"),
        (DATETIME0, 1704164645, "int is not a date and time"),
        (DATE, "2024-01-02 10:00:00", "no time of day"),
        (DATE, "02/01/2024", "not 'YYYY-MM-DD"),
    ],
)
def test_temporal_rejects_text_that_is_no_mysql_date(column, value, reason):
    with pytest.raises(ValueError, match=reason):
        canonical(column, value)


@pytest.mark.parametrize(
    ("column", "a", "b", "same"),
    [
        (TIME0, -timedelta(hours=1, minutes=30), "-01:30:00", True),
        (TIME0, timedelta(hours=1, minutes=30), "-01:30:00", False),
        (TIME0, MAX_TIME, "838:59:59", True),
        (TIME0, -MAX_TIME, "-838:59:59", True),
        (TIME0, timedelta(hours=25), "25:00:00", True),
        (TIME1, -timedelta(microseconds=500000), "-00:00:00.5", True),
        (TIME1, timedelta(seconds=1, microseconds=500000), "00:00:01.4", False),
    ],
)
def test_time_compares_negative_and_over_a_day(column, a, b, same):
    assert_equality(column, a, b, same)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("839:00:00", "outside the TIME range"),
        ("12:60:00", "not '"),
        ("1:2", "not '"),
        ("00:00:00.5", "fractional-second"),
    ],
)
def test_time_rejects_out_of_range_and_malformed_text(value, reason):
    with pytest.raises(ValueError, match=reason):
        canonical(TIME0, value)


@pytest.mark.parametrize(
    ("a", "b", "same"), [(2024, "2024", True), (0, "0000", True), (2155, 2154, False)]
)
def test_year_compares_int_and_text(a, b, same):
    assert_equality(YEAR, a, b, same)


@pytest.mark.parametrize("value", [1900, 2156, "24x", True])
def test_year_rejects_values_outside_1901_to_2155(value):
    with pytest.raises(ValueError):
        canonical(YEAR, value)


@pytest.mark.parametrize(
    ("column", "a", "b", "same"),
    [
        (BIT64, b"\xff" * 8, 2**64 - 1, True),
        (BIT64, "\xff" * 8, 2**64 - 1, True),  # Canal-JSON: bytes as ISO-8859-1 text
        (BIT64, b"\x00\x05", 5, True),
        (BIT12, b"\x0f\xff", 4095, True),
        (BIT12, b"\x01", 2, False),
        (BIT1, True, b"\x01", True),
        (BIT1, False, b"\x01", False),
    ],
)
def test_bit_compares_big_endian_bytes_ints_and_latin1_text(column, a, b, same):
    assert_equality(column, a, b, same)


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        (BIT1, b"\x02", "does not fit in 1 bits"),
        (BIT12, 4096, "does not fit in 12 bits"),
        (BIT64, b"\x01" + b"\x00" * 8, "does not fit in 64 bits"),
        (BIT64, -1, "does not fit"),
        (BIT64, "€", "not ISO-8859-1"),
    ],
)
def test_bit_rejects_values_wider_than_the_column(column, value, reason):
    with pytest.raises(ValueError, match=reason):
        canonical(column, value)


@pytest.mark.parametrize(
    ("column", "a", "b", "same"),
    [
        (VARBINARY, "\xe9\x00\xff", b"\xe9\x00\xff", True),
        (VARBINARY, "é", b"\xc3\xa9", False),  # latin-1, not UTF-8
        (VARBINARY, bytearray(b"ab"), b"ab", True),
        (BLOB, memoryview(b"\x00" * 3), b"\x00" * 3, True),
        (BLOB, b"a", b"a\x00", False),
    ],
)
def test_binary_takes_text_as_latin1(column, a, b, same):
    assert_equality(column, a, b, same)


@pytest.mark.parametrize(("value", "reason"), [("€", "not ISO-8859-1"), (5, "int is not binary")])
def test_binary_rejects_what_is_no_byte_string(value, reason):
    with pytest.raises(ValueError, match=reason):
        canonical(VARBINARY, value)


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("héllo", "héllo".encode(), True),
        ("a", "A", False),
        ("a", "a ", False),
        ("", b"", True),
    ],
)
def test_text_decodes_bytes_as_utf8(a, b, same):
    assert_equality(VARCHAR, a, b, same)


@pytest.mark.parametrize(("value", "reason"), [(b"\xff", "not UTF-8"), (5, "int is not text")])
def test_text_rejects_non_utf8_bytes_and_numbers(value, reason):
    with pytest.raises(ValueError, match=reason):
        canonical(VARCHAR, value)


@pytest.mark.parametrize("column", [JSON_MARIADB, JSON_MYSQL])
@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ('{"a":1,"b":[1,2]}', '{"b": [1, 2], "a": 1}', True),
        ('{"a": 1}', {"a": 1}, True),
        ('{"a": 1}', b'{"a":1}', True),
        ("1", "1.0", True),
        ("1", '"1"', False),
        ("true", "1", False),
        ('{"a": true}', '{"a": 1}', False),
        ("[1, 2]", "[2, 1]", False),
        ('{"a": null}', "{}", False),
    ],
)
def test_json_compares_structure_not_text(column, a, b, same):
    assert_equality(column, a, b, same)


def test_json_null_is_not_sql_null():
    assert not equal(JSON_MARIADB, "null", None)
    assert equal(JSON_MARIADB, "null", "null")


@pytest.mark.parametrize(("value", "reason"), [("{a: 1}", "not valid JSON"), ("NaN", "not JSON")])
def test_json_rejects_invalid_text(value, reason):
    with pytest.raises(ValueError, match=reason):
        canonical(JSON_MARIADB, value)


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("medium", 2, True),
        ("medium", "2", True),  # as MySQL reads a numeric string that names no member
        ("medium", b"medium", True),
        ("small", "large", False),
        ("", 0, True),
    ],
)
def test_enum_compares_members_and_one_based_indexes(a, b, same):
    assert_equality(ENUM, a, b, same)


@pytest.mark.parametrize(
    ("value", "reason"), [("huge", "not one of"), (4, "index 4"), ("²", "not one of")]
)
def test_enum_rejects_unknown_members(value, reason):
    with pytest.raises(ValueError, match=reason):
        canonical(ENUM, value)


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("a,c", "c,a", True),
        ("a,c", {"c", "a"}, True),
        ("a,c", frozenset({"a", "c"}), True),
        ("", frozenset(), True),
        ("a,b", 3, True),  # bitmask, as MySQL stores it
        ("a", "a,b", False),
    ],
)
def test_set_ignores_member_order(a, b, same):
    assert_equality(SET, a, b, same)


@pytest.mark.parametrize(("value", "reason"), [("a,z", "z not among"), (8, "bitmask 8")])
def test_set_rejects_unknown_members(value, reason):
    with pytest.raises(ValueError, match=reason):
        canonical(SET, value)


@pytest.mark.parametrize(
    ("column", "other"),
    [(VARCHAR, ""), (INT, 0), (INT, "0"), (BIT1, b"\x00"), (VARBINARY, b""), (SET, "")],
)
def test_null_equals_only_null(column, other):
    assert canonical(column, None) is None
    assert equal(column, None, None)
    assert_equality(column, None, other, False)


def test_types_without_a_family_compare_as_given():
    geometry = col("geometry")
    assert equal(geometry, b"\x01\x02", b"\x01\x02")
    assert not equal(geometry, b"\x01\x02", b"\x01\x03")


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


def test_integer_rejects_huge_exponents_without_expanding_them():
    with pytest.raises(ValueError, match="out of range"):
        canonical(INT, "1e999999999")


def test_diff_row_reports_an_unknown_column_once():
    assert diff_row(SCHEMA, {"id": 3, "_x": 1}, {"id": 3, "_x": 2}) == [
        ColumnDiff("_x", 1, 2, "values differ")
    ]
