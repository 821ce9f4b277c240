"""Canonical row values from python-mysql-replication's decoding (see sinkmatrix.model.changes for the forms).

The library's raw values differ from what the server stores in a few families; each fix here
was checked against what a SELECT returns:
- BIT arrives as a string of '0'/'1' digits → int.
- SET arrives as an unordered Python set, and the empty set as None → members joined by ','
  in definition order ('' for the empty set; None stays for NULL).
- YEAR 0000 arrives as 1900 (1900 itself is not a valid YEAR) → 0.
- FLOAT arrives as the float32 widened to a double (1.1 → 1.100000023841858) → the shortest
  decimal that round-trips as a float32, which is what the server prints.
- BINARY(n) arrives without its trailing zero bytes → padded back to n; an empty binary
  string arrives as str '' → b''.
- TIME with a fraction and a negative sign is mis-decoded: the fraction is applied with the
  wrong sign and the whole seconds are one too many → corrected.
- MySQL's binary JSON arrives parsed → JSON text (MariaDB's JSON is longtext and already text).
TIMESTAMP arrives as naive UTC (utcfromtimestamp), independent of the local zone, as wanted.
Zero dates ('0000-00-00') and zero-in-date values arrive as their text (sinkmatrix.refcdc.zero_dates); a zero
TIMESTAMP arrives as 1970-01-01 00:00:00.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Sequence
from typing import Any

from pymysqlreplication.constants import FIELD_TYPE
from pymysqlreplication.constants.NONE_SOURCE import EMPTY_SET

from sinkmatrix.formats.numbers import float32

Convert = Callable[[Any], Any]

_ONE_SECOND = datetime.timedelta(seconds=1)


def bit(value: str) -> int:
    return int(value, 2) if value else 0


def year(value: int) -> int:
    return 0 if value == 1900 else value


def negative_time(value: datetime.timedelta) -> datetime.timedelta:
    if value >= datetime.timedelta(0):
        return value
    magnitude = -value
    whole = datetime.timedelta(days=magnitude.days, seconds=magnitude.seconds)
    fraction = datetime.timedelta(microseconds=magnitude.microseconds)
    if not fraction:
        return value
    return -(whole + _ONE_SECOND - fraction)


def to_bytes(value: Any) -> bytes:
    return value.encode() if isinstance(value, str) else value


def padded(width: int) -> Convert:
    def pad(value: Any) -> bytes:
        raw = to_bytes(value)
        return raw + b"\0" * (width - len(raw)) if len(raw) < width else raw

    return pad


def ordered_set(members: Sequence[str]) -> Convert:
    order = {m: i for i, m in enumerate(members)}

    def join(value: set[str]) -> str:
        return ",".join(sorted(value, key=order.__getitem__))

    return join


def json_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, default=_json_default)


def _json_default(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.decode(errors="replace")
    return str(value)


def _converter(column: Any) -> Convert | None:
    """The fix for one binlog column (python-mysql-replication's Column), None if none needed."""
    kind = column.type
    if kind == FIELD_TYPE.BIT:
        return bit
    if kind == FIELD_TYPE.SET:
        return ordered_set(column.set_values or ())
    if kind == FIELD_TYPE.YEAR:
        return year
    if kind == FIELD_TYPE.FLOAT:
        return float32
    if kind == FIELD_TYPE.TIME2 and getattr(column, "fsp", 0):
        return negative_time
    if kind == FIELD_TYPE.JSON:
        return json_text
    if kind in (FIELD_TYPE.STRING, FIELD_TYPE.VARCHAR, FIELD_TYPE.VAR_STRING, FIELD_TYPE.BLOB) and (
        column.character_set_name == "binary"
    ):
        if kind == FIELD_TYPE.STRING and getattr(column, "max_length", 0):
            return padded(column.max_length)
        return to_bytes
    return None


class RowDecoder:
    """Makes one table's binlog row images canonical, in place."""

    def __init__(self, columns: Sequence[Any]) -> None:
        self.fixes = [(c.name, f) for c in columns if (f := _converter(c)) is not None]
        # The library reports the empty SET as None; its none_sources tell it from NULL.
        self.sets = [c.name for c in columns if c.type == FIELD_TYPE.SET]

    def canonical(self, values: dict[str, Any], none_sources: dict[str, str]) -> dict[str, Any]:
        for name, fix in self.fixes:
            value = values[name]
            if value is not None:
                values[name] = fix(value)
        for name in self.sets:
            if values[name] is None and none_sources.get(name) == EMPTY_SET:
                values[name] = ""
        return values
