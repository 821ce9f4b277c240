"""How differences read: unambiguous renderings of values and the column-level diff message."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from dsl import compare
from sinkmatrix.model.schema import Column, TableSchema


def _format_time(span: timedelta) -> str:
    sign = "-" if span < timedelta(0) else ""
    seconds, micros = divmod(abs(span) // timedelta(microseconds=1), 1_000_000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    fraction = f".{micros:06d}" if micros else ""
    return f"{sign}{hours:02d}:{minutes:02d}:{seconds:02d}{fraction}"


def _cut(value: str | bytes, unit: str) -> str:
    if len(value) <= compare.SHOWN:
        return repr(value)
    return f"{value[:compare.SHOWN]!r}… ({len(value)} {unit})"


def _render_python(value: Any) -> str:
    # Strings always quoted and bytes always b'..', so unquoted text is never a string.
    if isinstance(value, str):
        return _cut(value, "chars")
    if isinstance(value, bytes | bytearray | memoryview):
        return _cut(bytes(value), "bytes")
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return _format_time(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, set | frozenset):
        return "{" + ", ".join(sorted(_render_python(v) for v in value)) + "}"
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, default=str)
    return repr(value)


def render(column: Column, value: Any) -> str:
    """A readable, unambiguous rendering of `value` for messages: NULL, 'text', b'..', 0x.. bits."""
    if value is None:
        return "NULL"
    if column.type == "bit" and value is not compare.MISSING:
        try:
            number = compare.bit_value(column, value)
        except ValueError:
            return _render_python(value)
        return f"0x{number:0{max(1, ((column.bits or 1) + 3) // 4)}x}"
    return _render_python(value)


def format_mismatch(
    schema: TableSchema, key: Mapping[str, Any], diffs: Sequence[compare.ColumnDiff]
) -> str:
    """A column-level diff: table, key, then each differing column's expected and actual value."""
    shown_key = ", ".join(f"{k}={render(compare.column_of(schema, k), v)}" for k, v in key.items())
    count = f"{len(diffs)} column differs" if len(diffs) == 1 else f"{len(diffs)} columns differ"
    lines = [f"table {schema.qualified} key ({shown_key}): {count}"]
    for diff in diffs:
        column = compare.column_of(schema, diff.column)
        exp, act = render(column, diff.expected), render(column, diff.actual)
        if exp == act:  # same text, different representation: name the Python types
            exp += f" ({type(diff.expected).__name__})"
            act += f" ({type(diff.actual).__name__})"
        note = "" if diff.why == compare.DIFFERS else f" ({diff.why})"
        lines.append(f"  {diff.column}: expected {exp}, actual {act}{note}")
    return "\n".join(lines)
