"""TiDB-style commit timestamps (TSO) for an upstream that has none: physical ms << 18 | logical.

TiCDC stamps every message with the upstream TiDB's commit TSO; the reference CDC derives one from
the binlog commit time, strictly increasing across the transactions it emits (the logical part
counts transactions that share a physical millisecond, and the physical part never goes back).
"""

from __future__ import annotations

LOGICAL_BITS = 18


def compose(physical_ms: int, logical: int = 0) -> int:
    return (physical_ms << LOGICAL_BITS) | logical


def physical_ms(ts: int) -> int:
    return ts >> LOGICAL_BITS


class TsoClock:
    """Hands out increasing TSOs for commit times given in seconds (the binlog's resolution)."""

    def __init__(self, floor: int = 0) -> None:
        self.last = floor  # e.g. restored from a checkpoint, so a restart never goes back

    def next(self, commit_time_s: float) -> int:
        candidate = compose(int(commit_time_s * 1000))
        self.last = max(candidate, self.last + 1)
        return self.last
