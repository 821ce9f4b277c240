"""Per-key order and replay tracking for a stream of row changes stamped with a commit clock.

A key's changes must never go back in time. A change identical to one already seen at the same
time is a replay - unless it follows on from the key's current row (update a→b, b→a, a→b within
one transaction is three real changes), which is why the key's last row image is kept too.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Verdict = Literal["ok", "out-of-order", "duplicate"]


def image_hash(image: Mapping[str, Any] | None) -> int | None:
    """A row image's identity (values must be hashable); None stands for "no row"."""
    return None if image is None else hash(tuple(sorted(image.items(), key=lambda kv: kv[0])))


@dataclass
class _Key:
    ts: int
    image: int | None  # the key's row as last seen; None once deleted
    seen: set[int] = field(default_factory=set)  # changes seen at `ts`


@dataclass
class KeyOrder:
    """Remembers, per key, the latest commit time, the row as of then, and the changes seen then."""

    last: dict[Hashable, _Key] = field(default_factory=dict)

    def last_ts(self, key: Hashable) -> int | None:
        state = self.last.get(key)
        return None if state is None else state.ts

    def see(self, key: Hashable, ts: int, before: Mapping[str, Any] | None,
            after: Mapping[str, Any] | None) -> Verdict:
        """Record one change (before/after images: None for insert/delete) and judge it. An
        out-of-order change is not recorded; a duplicate is not recorded again."""
        prior, now = image_hash(before), image_hash(after)
        fingerprint = hash((prior, now))
        state = self.last.get(key)
        if state is None:
            self.last[key] = _Key(ts, now, {fingerprint})
            return "ok"
        if ts < state.ts:
            return "out-of-order"
        if ts == state.ts and fingerprint in state.seen and prior != state.image:
            return "duplicate"
        if ts > state.ts:
            state.ts, state.seen = ts, set()
        state.seen.add(fingerprint)
        state.image = now
        return "ok"
