"""The comparator on numbers: integers, decimals and floats, their equal and unequal pairs and rejections."""

from __future__ import annotations

import struct
from decimal import Decimal

import pytest

from dsl.compare import canonical
from tests.framework.compare_columns import (
    BIGINT,
    BIGINT_U,
    DECIMAL,
    DOUBLE,
    FLOAT,
    INT,
    TINYINT_U,
    assert_equality,
    col,
)

pytestmark = pytest.mark.framework


def as_float32(x: float) -> float:
    return float(struct.unpack("<f", struct.pack("<f", x))[0])


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


def test_integer_rejects_huge_exponents_without_expanding_them():
    with pytest.raises(ValueError, match="out of range"):
        canonical(INT, "1e999999999")


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
