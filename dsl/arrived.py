"""What a record carried, where the view holds another value: a failure's difference told as the
wrong value that arrived (the view's lax sql_mode clips a value its column cannot hold: -1 in an
UNSIGNED column reads back as 0), with the record it came in."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from sinkmatrix.model.schema import TableSchema


def arrived(helper: Any, schema: TableSchema, key: dict[str, Any], changed: Sequence[Any]) -> str:
    """Where the view holds another value than the record carried (its column could not hold it:
    -1 in an UNSIGNED column reads back as 0), the value that arrived and the record it came in."""
    history = getattr(helper, "history", None)
    if history is None:
        return ""
    try:
        events = history(schema.database, schema.name, tuple(key.values()))
    except Exception:  # a view without this key's history: nothing to add
        return ""
    last = next((e for e in reversed(events) if e.get("values")), None)
    if last is None:
        return ""
    where = f"{last['topic']}[{last['partition']}]@{last['offset']}"
    lines = [f"\n    {d.column}: arrived as {last['values'][d.column]} ({where}); the view's column "
             "could not hold it" for d in changed
             if d.column in last["values"] and _clipped(last["values"][d.column], d.expected, d.actual)]
    return "".join(lines)


_NUMBER = re.compile(r"^(?:Decimal\(')?(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)(?:'\))?$")


def _clipped(arrived: str, expected: Any, held: Any) -> bool:
    """Whether the view holds a clipped form of a wrong value that arrived (a lax sql_mode's doing): a
    number clamped to its column's range, or a text cut to its column's length. A value that arrived
    right and changed in the view afterwards is no such thing."""
    shown = repr(held)[:80]
    if arrived in (shown, repr(expected)[:80]):
        return False
    numbers = _NUMBER.match(arrived), _NUMBER.match(shown)
    if numbers[0] and numbers[1]:
        return float(numbers[0].group(1)) != float(numbers[1].group(1))
    return isinstance(held, str) and arrived.startswith(shown[:-1]) and len(arrived) > len(shown)
