"""Per-key order and replay tracking for a stream of row changes stamped with a commit clock.

A key's changes must never go back in time. A change identical to one already seen at the same
time is a replay - unless it follows on from the key's current row (update a→b, b→a, a→b within
one transaction is three real changes), which is why the key's last row image is kept too.

The state of a key is a tuple of integers: the garbage collector stops tracking such tuples, so a
view holding millions of keys costs its full collections nothing (objects per key made them the
largest cost of a bulk load).

A DDL that removes rows without row events (TRUNCATE, DROP TABLE, a partition truncated, dropped or
exchanged) ends what is known of the table's keys: a key written again afterwards, even with the
same values within the same clock tick (a commit time in seconds or milliseconds), is a new change,
not a replay. A decoder that sees such DDL in order with its rows calls `forget` (`row_removals`
names the tables); a clock that is exact (Debezium's binlog position) needs no reset.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Mapping
from typing import Any, Literal

from formats.ddl import IDENT

Verdict = Literal["ok", "out-of-order", "duplicate"]

# (commit time, the key's row as last seen (None once deleted), the changes seen at that time: a
# tuple while few — the usual one or two — then a set, as one key changed often in one transaction)
_State = tuple[int, int | None, tuple[int, ...] | set[int]]
_FEW = 16


_NAME = rf"({IDENT})(?:\s*\.\s*({IDENT}))?"
_TRUNCATE = re.compile(rf"^\s*TRUNCATE\s+(?:TABLE\s+)?{_NAME}", re.IGNORECASE)
_DROP = re.compile(r"^\s*DROP\s+(?:TEMPORARY\s+)?TABLES?\s+(?:IF\s+EXISTS\s+)?(.*)$",
                   re.IGNORECASE | re.DOTALL)
_PARTITION = re.compile(rf"^\s*ALTER\s+(?:ONLINE\s+|IGNORE\s+)*TABLE\s+{_NAME}\s+(.*)$",
                        re.IGNORECASE | re.DOTALL)
_REMOVES = re.compile(r"\b(?:TRUNCATE|DROP|EXCHANGE)\s+PARTITION\b", re.IGNORECASE)
_WITH = re.compile(rf"\bWITH\s+TABLE\s+{_NAME}", re.IGNORECASE)
_EACH = re.compile(_NAME)
_COMMENT = re.compile(r"/\*.*?\*/|--[^\n]*|#[^\n]*", re.DOTALL)


def _table(match: re.Match[str], first: int, database: str) -> tuple[str, str]:
    one, two = match.group(first), match.group(first + 1)
    unquote = (lambda i: i[1:-1].replace("``", "`") if i.startswith("`") else i)  # noqa: E731
    return (unquote(one), unquote(two)) if two else (database, unquote(one))


def row_removals(query: str, database: str) -> list[tuple[str, str]]:
    """The tables (database, table) whose rows a DDL statement removes or replaces without row events
    (`database`: the statement's default database)."""
    query = _COMMENT.sub(" ", query)  # (quoted names with comment marks in them: not worth a parser)
    if m := _TRUNCATE.match(query):
        return [_table(m, 1, database)]
    if m := _DROP.match(query):
        return [_table(t, 1, database) for t in _EACH.finditer(m.group(1).split(";")[0])
                if t.group(1).upper() not in ("RESTRICT", "CASCADE")]
    if (m := _PARTITION.match(query)) and _REMOVES.search(m.group(3)):
        found = [_table(m, 1, database)]
        if other := _WITH.search(m.group(3)):
            found.append(_table(other, 1, database))
        return found
    return []


def image_hash(image: Mapping[str, Any] | None) -> int | None:
    """A row image's identity (values must be hashable); None stands for "no row"."""
    return None if image is None else hash(frozenset(image.items()))


class KeyOrder:
    """Remembers, per key, the latest commit time, the row as of then, and the changes seen then."""

    def __init__(self) -> None:
        self.last: dict[Hashable, _State] = {}

    def forget(self, database: str, table: str) -> None:
        """Drop what is known of a table's keys (keys are (database, table, ...) tuples)."""
        for key in [k for k in self.last if isinstance(k, tuple) and k[:2] == (database, table)]:
            del self.last[key]

    def last_ts(self, key: Hashable) -> int | None:
        state = self.last.get(key)
        return None if state is None else state[0]

    def see(self, key: Hashable, ts: int, before: Mapping[str, Any] | None,
            after: Mapping[str, Any] | None) -> Verdict:
        """Record one change (before/after images: None for insert/delete) and judge it. An
        out-of-order change is not recorded; a duplicate is not recorded again."""
        prior, now = image_hash(before), image_hash(after)
        fingerprint = hash((prior, now))
        state = self.last.get(key)
        if state is None:
            self.last[key] = (ts, now, (fingerprint,))
            return "ok"
        last_ts, image, seen = state
        if ts < last_ts:
            return "out-of-order"
        if ts == last_ts:
            if fingerprint in seen and prior != image:
                return "duplicate"
            if type(seen) is set:
                seen.add(fingerprint)
            elif fingerprint not in seen:
                seen = (*seen, fingerprint) if len(seen) < _FEW else {*seen, fingerprint}
        else:
            seen = (fingerprint,)
        self.last[key] = (ts, now, seen)
        return "ok"
