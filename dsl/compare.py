"""Type-aware comparison of MySQL/MariaDB column values, whichever driver or sink carried them.

Each type family has one small function turning any representation (mysqlclient, PyMySQL,
Canal-JSON strings, Avro-decoded values) into one canonical value; equality is then plain `==`.
"""

from __future__ import annotations

import json
import re
import struct
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sinkmatrix.model.schema import Column, TableSchema


@dataclass(frozen=True)
class _Sentinel:
    text: str

    def __repr__(self) -> str:
        return self.text


# MySQL's zero date is no calendar date; as a sentinel it equals only itself.
ZERO_DATE: Any = _Sentinel("0000-00-00")
# Stands in for the value of a column one side of a row does not have.
MISSING: Any = _Sentinel("(absent)")


@dataclass(frozen=True)
class ColumnDiff:
    """One column whose expected and actual values differ; `why` says how."""

    column: str
    expected: Any
    actual: Any
    why: str


_Canon = Callable[[Column, Any], Any]
_FAMILIES: dict[str, _Canon] = {}
DIFFERS = "values differ"
SHOWN = 60  # longer strings and bytes are cut in messages


def _family(*types: str) -> Callable[[_Canon], _Canon]:
    def register(fn: _Canon) -> _Canon:
        _FAMILIES.update(dict.fromkeys(types, fn))
        return fn

    return register


def canonical(column: Column, value: Any) -> Any:
    """Turn `value` into the canonical value of `column`'s type family; ValueError says why not."""
    if value is None:
        return None
    fn = _json if column.is_json else _FAMILIES.get(column.type, _passthrough)
    try:
        return fn(column, value)
    except ValueError as exc:
        kind = column.column_type or column.type
        raise ValueError(f"column {column.name} ({kind}) cannot hold {value!r}: {exc}") from None


def equal(column: Column, expected: Any, actual: Any) -> bool:
    """Whether two representations are the same value of `column`; ValueError if one cannot be."""
    return bool(canonical(column, expected) == canonical(column, actual))


def _text(value: Any, what: str) -> str:
    """Canal-JSON carries every value as text, raw protocol fields as UTF-8 bytes."""
    if isinstance(value, bytes | bytearray | memoryview):
        try:
            return bytes(value).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValueError(f"bytes are not UTF-8 ({exc.reason} at {exc.start})") from None
    if isinstance(value, str):
        return value
    raise ValueError(f"{type(value).__name__} is not {what}")


_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


@_family("tinyint", "smallint", "mediumint", "int", "integer", "bigint")
def _integer(column: Column, value: Any) -> int:
    if isinstance(value, float):
        raise ValueError("a float cannot carry a 64-bit integer exactly; use int or str")
    number = value if isinstance(value, int) and not isinstance(value, bool) else _decimal_of(value)
    if isinstance(number, Decimal):
        if number.adjusted() > 20:  # checked first so '1e999999999' is not expanded to an int
            raise ValueError("out of range for any integer column")
        if number != number.to_integral_value():
            raise ValueError("not a whole number")
        number = int(number)
    if column.bits:
        low = 0 if column.unsigned else -(2 ** (column.bits - 1))
        high = low + 2**column.bits - 1
        if not low <= number <= high:
            raise ValueError(f"out of range {low}..{high}")
    return number


def _decimal_of(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise ValueError("a bool is not a number")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(value)
        # Only floats whose binary value is exactly what they print as say what was meant.
        if number.is_finite() and number != Decimal(repr(value)):
            raise ValueError("the float is not exactly a decimal; use Decimal or str")
    else:
        text = _text(value, "a number")
        if not _NUMBER.fullmatch(text):
            raise ValueError("not a number")
        number = Decimal(text)
    if not number.is_finite():
        raise ValueError("MySQL numbers are finite")
    return number


@_family("decimal", "numeric")
def _decimal(column: Column, value: Any) -> Decimal:
    number = _decimal_of(value)
    _, digits, exponent = number.as_tuple()
    # Trailing zeros are not scale ('1.50' fits DECIMAL(10,1)); normalize() would round to 28 digits.
    zeros = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    if column.scale is not None and number and -(int(exponent) + zeros) > column.scale:
        raise ValueError(f"more than {column.scale} digits after the point")
    whole = None if column.precision is None else column.precision - (column.scale or 0)
    if whole is not None and number and number.adjusted() + 1 > whole:
        raise ValueError(f"more than {whole} digits before the point")
    return number


@_family("double", "real")
def _double(column: Column, value: Any) -> float:
    number = value if isinstance(value, float) else float(_decimal_of(value))
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError("MySQL floats are finite")
    return number


@_family("float")
def _float(column: Column, value: Any) -> float:
    # A 4-byte FLOAT is stored rounded; drivers widen it to double from its printed text.
    try:
        return float(struct.unpack("<f", struct.pack("<f", _double(column, value)))[0])
    except OverflowError:
        raise ValueError("too large for a 4-byte FLOAT") from None


# fromisoformat alone would also take week dates and compact forms no MySQL source produces.
_DATETIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
    r"(?:[ T][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,6})?(?:Z|[+-][0-9]{2}:[0-9]{2})?)?"
)
_ZERO = re.compile(r"0000-00-00(?:[ T]00:00:00(?:\.0+)?)?")
# A date with a zero year, month or day (what a lax sql_mode stores): no calendar date, kept as its text.
_ZERO_IN_DATE = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[ T]([0-9]{2}:[0-9]{2}:[0-9]{2})(\.[0-9]{1,6})?)?")


def no_calendar_date(value: Any) -> bool:
    """Whether a canonical temporal value is MySQL's zero date or a zero-in-date value."""
    return isinstance(value, _Sentinel) and value is not MISSING


def _check_fsp(column: Column, micros: int) -> None:
    if column.fsp is not None and micros % 10 ** (6 - min(column.fsp, 6)):
        raise ValueError(f"more fractional-second digits than the column's {column.fsp}")


def _temporal(value: Any, what: str) -> Any:
    """A date or datetime as given or parsed from text, ZERO_DATE, or a sentinel holding the text of
    a zero-in-date value ('2020-00-05', '0000-00-00 00:00:01': no calendar date, yet a value)."""
    if isinstance(value, _Sentinel | date):
        return value
    text = _text(value, what)
    if _ZERO.fullmatch(text):
        return ZERO_DATE
    if (m := _ZERO_IN_DATE.fullmatch(text)) and "0000" in (m[1], m[2] + "00", m[3] + "00"):
        fraction = (m[5] or "").rstrip("0").rstrip(".")
        return _Sentinel(f"{m[1]}-{m[2]}-{m[3]}" + (f" {m[4]}{fraction}" if m[4] else ""))
    if not _DATETIME.fullmatch(text):
        raise ValueError("not 'YYYY-MM-DD[ HH:MM:SS[.ffffff]]'")
    return datetime.fromisoformat(text)  # its ValueError names the bad field (month 13, ...)


@_family("datetime", "timestamp")
def _datetime(column: Column, value: Any) -> Any:
    moment = _temporal(value, "a date and time")
    if isinstance(moment, _Sentinel):
        return moment
    if not isinstance(moment, datetime):
        moment = datetime(moment.year, moment.month, moment.day)
    _check_fsp(column, moment.microsecond)
    return moment if moment.tzinfo is None else moment.astimezone(UTC).replace(tzinfo=None)


@_family("date")
def _date(column: Column, value: Any) -> Any:
    day = _temporal(value, "a date")
    if isinstance(day, _Sentinel):
        return day
    if isinstance(day, datetime):
        if day.tzinfo is not None or day.time() != time(0):
            raise ValueError("a DATE has no time of day")
        day = day.date()
    return day


_TIME = re.compile(
    r"(?P<sign>-)?(?P<h>[0-9]{1,3}):(?P<m>[0-9]{2}):(?P<s>[0-9]{2})(?:\.(?P<f>[0-9]{1,6}))?"
)
# MariaDB keeps the fraction at the edge: 838:59:59.999999 is a valid TIME(6)
_TIME_LIMIT = timedelta(hours=838, minutes=59, seconds=59, microseconds=999999)


@_family("time")
def _time(column: Column, value: Any) -> timedelta:
    if isinstance(value, timedelta):
        span = value
    else:
        match = _TIME.fullmatch(_text(value, "a time"))
        if not match or int(match["m"]) > 59 or int(match["s"]) > 59:
            raise ValueError("not '[-]HHH:MM:SS[.ffffff]'")
        h, m, s = (int(match[k]) for k in "hms")
        micros = int((match["f"] or "").ljust(6, "0"))
        span = timedelta(hours=h, minutes=m, seconds=s, microseconds=micros)
        span = -span if match["sign"] else span
    if abs(span) > _TIME_LIMIT:
        raise ValueError("outside the TIME range -838:59:59.999999..838:59:59.999999")
    _check_fsp(column, abs(span).microseconds)
    return span


@_family("year")
def _year(column: Column, value: Any) -> int:
    year = _integer(column, value)  # no integer width is known for YEAR: range checked here
    if year != 0 and not 1901 <= year <= 2155:
        raise ValueError("a YEAR is 0 or 1901..2155")
    return year


@_family("bit")
def bit_value(column: Column, value: Any) -> int:
    # bool is accepted: BIT(1) is the usual flag column and tests write True/False into it.
    if not isinstance(value, int):
        value = int.from_bytes(_binary(column, value), "big")
    number = int(value)
    if number < 0 or (column.bits and number >= 2**column.bits):
        raise ValueError(f"does not fit in {column.bits} bits")
    return number


def _latin1(text: str) -> bytes:
    # Canal-JSON carries binary as ISO-8859-1 text: one character per byte.
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError as exc:
        raise ValueError(f"{text[exc.start]!r} is not ISO-8859-1, so not a byte") from None


@_family("binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob")
def _binary(column: Column, value: Any) -> bytes:
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    if isinstance(value, str):
        return _latin1(value)
    raise ValueError(f"{type(value).__name__} is not binary")


@_family("char", "varchar", "tinytext", "text", "mediumtext", "longtext")
def _string(column: Column, value: Any) -> str:
    return _text(value, "text")


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _json_tree(value: Any) -> Any:
    """Tagged so that JSON true != 1 and "1" != 1, while 1 == 1.0 and object key order is moot."""
    if value is None:
        return ("null",)
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, int | float | Decimal):
        if isinstance(value, float) and (value != value or abs(value) == float("inf")):
            raise ValueError("JSON numbers are finite")
        return ("number", value)
    if isinstance(value, str):
        return ("string", value)
    if isinstance(value, list | tuple):
        return ("array", tuple(_json_tree(item) for item in value))
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return ("object", frozenset((k, _json_tree(v)) for k, v in value.items()))
    raise ValueError(f"{type(value).__name__} is not a JSON value")


@_family("json")
def _json(column: Column, value: Any) -> Any:
    # A str is always JSON text (that is how every driver returns the column), never a JSON string.
    if isinstance(value, str | bytes | bytearray | memoryview):
        try:
            value = json.loads(_text(value, "JSON"), parse_constant=_reject_constant)
        except json.JSONDecodeError as exc:
            raise ValueError(f"not valid JSON: {exc}") from None
    return _json_tree(value)


@_family("enum")
def _enum(column: Column, value: Any) -> str:
    members = column.members
    if isinstance(value, int) and not isinstance(value, bool):
        index = value
    else:
        name = _text(value, "a member name")
        # As MySQL does on insert: a member name wins; else a numeric string is an index.
        if name == "" or not members or name in members:
            return name
        if not (name.isascii() and name.isdigit()):
            raise ValueError(f"not one of {', '.join(members)}")
        index = int(name)
    if not members or not 0 <= index <= len(members):
        raise ValueError(f"index {index} is not in 1..{len(members)}")
    return "" if index == 0 else members[index - 1]


@_family("set")
def _set(column: Column, value: Any) -> frozenset[str]:
    members = column.members
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 0 or not members or value >= 2 ** len(members):
            raise ValueError(f"bitmask {value} does not fit {len(members)} members")
        return frozenset(m for i, m in enumerate(members) if value >> i & 1)
    if isinstance(value, set | frozenset | list | tuple):
        names = frozenset(_text(v, "a member name") for v in value)
    else:
        text = _text(value, "a member name")
        names = frozenset(text.split(",")) if text else frozenset()
        if members and text.isascii() and text.isdigit() and not names <= set(members):
            return _set(column, int(text))  # a numeric string is a bitmask, as MySQL reads it
    if members and not names <= set(members):
        unknown = ", ".join(sorted(names - set(members)))
        raise ValueError(f"{unknown} not among {', '.join(members)}")
    return names


def _passthrough(column: Column, value: Any) -> Any:
    # Types without a family (geometry, inet6, uuid, ...) compare as the driver returned them.
    return value


def _compare(column: Column, expected: Any, actual: Any) -> str | None:
    """Why the two differ, or None when they are the same value."""
    sides = []
    for side, value in (("expected", expected), ("actual", actual)):
        try:
            sides.append(canonical(column, value))
        except ValueError as exc:
            return f"{side} value is not valid: {exc}"
    a, b = sides
    if a == b:
        return None
    if isinstance(a, str | bytes) and type(a) is type(b) and max(len(a), len(b)) > SHOWN:
        # Long values are cut in messages, so say where they part.
        at = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), None)
        return f"first difference at offset {min(len(a), len(b)) if at is None else at}" + (
            f" (lengths {len(a)} and {len(b)})")
    return DIFFERS


def diff_row(
    schema: TableSchema, expected: Mapping[str, Any], actual: Mapping[str, Any]
) -> list[ColumnDiff]:
    """The columns that differ, in table order; a column on only one side is a difference too."""
    names = [c.name for c in schema.columns if c.name in expected or c.name in actual]
    names += dict.fromkeys(n for n in (*expected, *actual) if n not in schema.by_name)
    diffs = []
    for name in names:
        exp, act = expected.get(name, MISSING), actual.get(name, MISSING)
        if act is MISSING:
            why: str | None = "absent from the actual row"
        elif exp is MISSING:
            why = "only in the actual row"
        else:
            why = _compare(column_of(schema, name), exp, act)
        if why is not None:
            diffs.append(ColumnDiff(name, exp, act, why))
    return diffs


def column_of(schema: TableSchema, name: str) -> Column:
    return schema.by_name.get(name) or Column(name=name, type="", column_type="")


# How differences read in messages lives in dsl.diffs; re-exported for callers of this module.
