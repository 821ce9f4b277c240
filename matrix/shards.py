"""CI shards: a deterministic split of (cell, case) items, balanced by recorded durations.

`--shard I/N` keeps the items of shard I. Items are placed longest first onto the shard with the
least total so far (ties go to the lowest shard, items are ordered by id), so every shard computes
the same split from the same durations and items. Durations come from `matrix/durations.json`
(written by `--store-durations`); an item with no record weighs the median of the known ones.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Sequence
from pathlib import Path

DURATIONS_FILE = Path(__file__).with_name("durations.json")


class ShardError(ValueError):
    """A malformed --shard value."""


def parse(text: str) -> tuple[int, int]:
    """'2/3' -> (2, 3); shards count from 1."""
    try:
        index, total = (int(part) for part in text.split("/"))
    except ValueError:
        raise ShardError(f"--shard takes I/N, e.g. 2/3; got {text!r}") from None
    if not 1 <= index <= total:
        raise ShardError(f"--shard {text}: I must be between 1 and N")
    return index, total


def load_durations(path: Path = DURATIONS_FILE) -> dict[str, float]:
    try:
        return {str(k): float(v) for k, v in json.loads(path.read_text()).items()}
    except (OSError, ValueError):
        return {}


def store_durations(measured: dict[str, float], path: Path = DURATIONS_FILE) -> None:
    """Merge newly measured durations into the record (new values win), sorted for small diffs."""
    merged = {**load_durations(path), **{k: round(v, 3) for k, v in measured.items()}}
    path.write_text(json.dumps(dict(sorted(merged.items())), indent=0) + "\n")


def split(ids: Sequence[str], total: int, durations: dict[str, float]) -> list[list[str]]:
    """Every id in exactly one of `total` shards, balanced by duration."""
    known = [durations[i] for i in ids if i in durations]
    default = statistics.median(known) if known else 1.0
    weight = {i: durations.get(i, default) for i in ids}
    shards: list[list[str]] = [[] for _ in range(total)]
    loads = [0.0] * total
    for item in sorted(ids, key=lambda i: (-weight[i], i)):
        target = min(range(total), key=lambda s: (loads[s], s))
        shards[target].append(item)
        loads[target] += weight[item]
    return shards
