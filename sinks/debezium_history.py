"""What Debezium said each table was, schema change by schema change, by binlog clock: the columns and
the message key its DDL parser gave the table (sinkmatrix.formats.debezium_keys). Shared by a view's
decoders: the
schema-change topic's decoder records, the table topics' decoders ask what held at a record's clock.
"""

from __future__ import annotations

import bisect
import threading
from dataclasses import dataclass, field
from typing import Any

from sinks.clock_order import Clock


@dataclass(frozen=True)
class TableVersion:
    """A table as one schema-change event described it (`columns`: name -> its description)."""

    clock: Clock
    key: tuple[str, ...]
    columns: dict[str, dict[str, Any]] = field(default_factory=dict, compare=False)
    dropped: bool = False


class DebeziumHistory:
    """Versions per (database, table), in clock order."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._versions: dict[tuple[str, str], list[TableVersion]] = {}

    def record(self, database: str, table: str, version: TableVersion) -> None:
        with self._lock:
            versions = self._versions.setdefault((database, table), [])
            at = bisect.bisect_right([v.clock for v in versions], version.clock)
            if at and versions[at - 1].clock == version.clock:
                versions[at - 1] = version  # the same event again (a replay)
            else:
                versions.insert(at, version)

    def at(self, database: str, table: str, clock: Clock) -> TableVersion | None:
        """The version in force for a change at `clock` (the last one recorded before it)."""
        with self._lock:
            versions = self._versions.get((database, table), ())
            at = bisect.bisect_left([v.clock for v in versions], clock)
            found = versions[at - 1] if at else None
        return None if found is None or found.dropped else found

    def latest(self, database: str, table: str) -> TableVersion | None:
        with self._lock:
            versions = self._versions.get((database, table))
            return versions[-1] if versions and not versions[-1].dropped else None
