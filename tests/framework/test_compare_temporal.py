"""The comparator on dates and times: datetimes, timestamps, zero dates, TIME and YEAR."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from dsl.compare import ZERO_DATE, canonical, equal
from tests.framework.compare_columns import (
    DATE,
    DATETIME0,
    DATETIME6,
    TIME0,
    TIME1,
    TIMESTAMP3,
    YEAR,
    assert_equality,
    col,
)

pytestmark = pytest.mark.framework


AWARE = timezone(timedelta(hours=2))
MAX_TIME = timedelta(hours=838, minutes=59, seconds=59)


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
        (DATETIME0, "2024-13-01 00:00:00", "month must be in 1..12"),
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


@pytest.mark.parametrize("text", ["2020-00-05", "0000-01-01", "2020-05-00"])
def test_a_zero_in_date_is_a_value_of_its_own_not_null_and_not_another_date(text):
    column = DATE
    assert canonical(column, text) == canonical(column, text.encode())
    assert canonical(column, text) not in (None, ZERO_DATE)
    assert canonical(column, text) != canonical(column, "2020-01-05")


def test_a_zero_datetime_with_a_time_keeps_its_time():
    column = DATETIME6
    assert canonical(column, "0000-00-00 00:00:01") == canonical(column, "0000-00-00 00:00:01.000000")
    assert canonical(column, "0000-00-00 00:00:01") != canonical(column, "0000-00-00 00:00:00")
    assert canonical(column, "0000-00-00 00:00:00") is ZERO_DATE
