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

from collections.abc import Hashable, Mapping
from typing import Any, Literal

from dsl import ddl_effects

Verdict = Literal["ok", "out-of-order", "duplicate"]

# (commit time, the key's row as last seen (None once deleted), the changes seen at that time: a
# tuple while few — the usual one or two — then a set, as one key changed often in one transaction)
_State = tuple[int, int | None, tuple[int, ...] | set[int]]
_FEW = 16


_REMOVES = frozenset({"truncated", "dropped", "partition-rows"})


def row_removals(query: str, database: str) -> list[tuple[str, str]]:
    """The tables (database, table) whose rows a DDL statement removes or replaces without row events
    (`database`: the statement's default database), read by dsl.ddl_effects."""
    found = [(t.database, t.table) for t in ddl_effects.effects(query, database) if t.effect in _REMOVES]
    return list(dict.fromkeys(found))


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
