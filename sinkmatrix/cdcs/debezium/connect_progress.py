"""Exact progress for Debezium in Kafka Connect: the source offsets Connect commits.

Connect commits a source offset only once every record before it is acknowledged by Kafka, so the
offset is where "everything earlier is in Kafka" stands. A record visible on one topic says nothing
of the others: the producer drains one batch per partition per request, so a small record (a beat)
can overtake a long run of records on another partition. Hence a mark here is a binlog position,
and a wait passes once Connect's committed offset has reached it:

- `mark()` commits a beat upstream, reads the binlog's end P (everything written so far lies before
  it), then commits a second beat, which starts at or after P;
- Debezium's offset for a record is its transaction's start (plus events and rows to skip), so once
  Connect has committed the second beat's offset, it is at or past P: everything before P is in Kafka.

The standalone worker keeps offsets in a file (Java serialization of a map of the converter's JSON
bytes, rewritten at each flush): read here without a JVM by finding its length-prefixed JSON byte
arrays.
"""

from __future__ import annotations

import json
import re
import threading
import time
from pathlib import Path
from typing import Any

from dsl.identifiers import quote
from sinkmatrix.model.heartbeat import BEAT_DATABASE

Position = tuple[int, int]  # (binlog file number, position)
_POLL_FIRST, _POLL_MOST = 0.002, 0.05
_JSON_START = re.compile(rb"[\[{]")
BEAT_TABLE = f"{quote(BEAT_DATABASE)}.{quote('beat')}"


def beat_table_sql() -> tuple[str, ...]:
    """The beat table (sinks.heartbeat writes the same), made before the connector starts so its first
    snapshot knows it."""
    return (f"CREATE DATABASE IF NOT EXISTS {quote(BEAT_DATABASE)}",
            f"CREATE TABLE IF NOT EXISTS {BEAT_TABLE} (id INT PRIMARY KEY, n BIGINT NOT NULL)",
            f"INSERT IGNORE INTO {BEAT_TABLE} VALUES (1, 0)")


def committed_offsets(path: Path) -> list[dict[str, Any]]:
    """The source offsets (JSON objects) in a standalone worker's offsets file; [] while it is being
    rewritten or does not exist yet."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return []
    found = []
    for match in _JSON_START.finditer(data):
        start = match.start()
        if start < 4:
            continue
        length = int.from_bytes(data[start - 4:start], "big")
        if not 1 < length <= len(data) - start:
            continue
        try:
            value = json.loads(data[start:start + length])
        except ValueError:
            continue
        if isinstance(value, dict) and "file" in value and "pos" in value:
            found.append(value)
    return found


def position_of(offset: dict[str, Any]) -> Position | None:
    file, pos = offset.get("file"), offset.get("pos")
    if not isinstance(file, str) or not isinstance(pos, int):
        return None
    digits = file.rpartition(".")[2]
    return (int(digits), pos) if digits.isdigit() else None


class ConnectOffsetProgress:
    """The run's progress: marks are binlog positions, passed once Connect committed an offset there."""

    exact = True

    def __init__(self, upstream: Any, offsets: Path, run: Any) -> None:
        self.upstream, self.offsets, self.run = upstream, offsets, run
        self._closed = threading.Event()
        self._committed: Position | None = None
        self._changes = 0
        self._read_at = (-1.0, -1)  # the file's mtime and size last read

    def _beat(self) -> None:
        self.upstream.execute(f"UPDATE {BEAT_TABLE} SET n = n + 1 WHERE id = 1")

    def mark(self) -> Position:
        self._beat()
        rows = self.upstream.query("SHOW MASTER STATUS")
        file, pos = str(rows[0][0]), int(rows[0][1])
        self._beat()  # starts at or after (file, pos): its offset, once committed, is past the mark
        return int(file.rpartition(".")[2]), pos

    def committed(self) -> Position | None:
        """Where Connect's committed offset stands (read again when the file changed)."""
        try:
            stat = self.offsets.stat()
        except FileNotFoundError:
            return self._committed
        if (stat.st_mtime, stat.st_size) != self._read_at:
            positions = [p for p in map(position_of, committed_offsets(self.offsets)) if p is not None]
            if positions:  # a file caught mid-rewrite reads as nothing: keep the last, look again
                self._read_at = (stat.st_mtime, stat.st_size)
                if max(positions) != self._committed:
                    self._committed = max(positions)
                    self._changes += 1
        return self._committed

    def wait_past(self, mark: Position, deadline: float) -> bool:
        pause = _POLL_FIRST
        while (committed := self.committed()) is None or committed < mark:
            if self.failure() or time.monotonic() >= deadline or self._closed.is_set():
                return False
            # Connect pushes nothing: the offsets file is looked at on a short poll, backing off
            self._closed.wait(min(pause, max(0.0, deadline - time.monotonic())))
            pause = min(pause * 2, _POLL_MOST)
        return True

    def acknowledged(self) -> tuple[int, int, int] | None:
        """Every record with a binlog clock up to this is in Kafka (sinks.clock_order): those of the
        transactions before the committed one (row -1: none of the committed transaction's own)."""
        committed = self.committed()
        return None if committed is None else (committed[0], committed[1], -1)

    def current(self) -> int:
        self.committed()
        return self._changes

    def wait_change(self, seen: int, deadline: float) -> int:
        pause = _POLL_FIRST
        while self.current() == seen and time.monotonic() < deadline and not self._closed.is_set():
            self._closed.wait(min(pause, max(0.0, deadline - time.monotonic())))
            pause = min(pause * 2, _POLL_MOST)
        return self._changes

    def describe(self) -> str:
        committed = self.committed()
        where = f"binlog.{committed[0]:06d}:{committed[1]}" if committed else "nothing yet"
        return f"Kafka Connect committed Debezium's offsets through {where}; {self.run.describe()}"

    def failure(self) -> str | None:
        if getattr(self.run, "state", None) == "failed":
            return f"the CDC failed ({self.run.describe()})"
        return None

    def diagnose(self, mark: Any, since: float) -> str | None:
        return None

    def downtime(self, since: float) -> float:
        return 0.0

    def restarts(self) -> list[float]:
        return list(getattr(self.run, "restarted_at", []))

    def close(self) -> None:
        self._closed.set()
