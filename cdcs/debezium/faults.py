"""Message-layer faults in the hand-off that carries Debezium's records to Kafka.

The client writes the faults to a file (a JSON list of model.faults.FaultSpec dicts plus a version)
and sends SIGUSR1; the hand-off reads it before its next batch and reports the version it runs, so
the client knows when a fault is armed. A fault hits the `nth` record it can bend in the databases
its pattern names (the database is the second part of Debezium's topic name), once; `stall` and
`lag` hold until cleared. Debezium itself is never touched: what it made is altered on the way out,
as a broken transport or a broken producer would.
"""

from __future__ import annotations

import fnmatch
import json
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

# what the hand-off can do to a message, per wire format of the record's value
KINDS = {
    "json": ("drop", "duplicate", "reorder", "corrupt", "omit-column", "wrong-type", "truncate", "stall",
             "lag"),
    "avro": ("drop", "duplicate", "reorder", "truncate", "bad-magic", "bad-schema-id", "stall", "lag"),
}
BAD_SCHEMA_ID = 0x7FFF_FFF0  # a schema id no registry hands out in a test run
_HOLDING = ("stall", "lag")


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A record on its way to Kafka, and the binlog restart position Debezium gave it."""

    topic: str
    key: bytes | None
    value: bytes | None
    position: tuple[str, int]

    @property
    def database(self) -> str | None:
        parts = self.topic.split(".")
        return parts[1] if len(parts) >= 3 else None  # <prefix>.<database>.<table>


@dataclass
class _Armed:
    spec: dict[str, Any]
    seen: int = 0
    hit: bool = False
    held: Outgoing | None = None  # reorder: the first change, waiting for the next of its key


class MessageFaults:
    """The faults the client armed; `apply` bends a batch (most of the time: returns it as it is)."""

    def __init__(self, path: Path, wire_format: str = "json") -> None:
        self.path, self.wire_format = path, wire_format
        self.version = 0
        self._armed: list[_Armed] = []
        self._changed = threading.Event()  # a stall or a lag ends early when the faults change
        self.reload()

    def reload(self) -> None:
        try:
            data = json.loads(self.path.read_text())
        except (OSError, ValueError):
            data = {"version": self.version, "faults": []}
        kept = {json.dumps(a.spec, sort_keys=True): a for a in self._armed}
        self._armed = [kept.get(json.dumps(spec, sort_keys=True)) or _Armed(spec) for spec in data["faults"]]
        self.version = int(data["version"])
        self._changed.set()

    def apply(self, batch: list[Outgoing]) -> list[Outgoing]:
        if not self._armed:
            return batch
        out: list[Outgoing] = []
        for message in batch:
            out.extend(self._bend(message))
        return out

    def hold(self) -> None:
        """Before a batch is produced: a stall blocks (healthy-looking) until cleared, a lag waits."""
        for armed in self._armed:
            kind = armed.spec["kind"]
            if kind == "stall" and armed.hit:
                while any(a.spec["kind"] == "stall" for a in self._armed):
                    self._changed.clear()
                    self._changed.wait()
            elif kind == "lag" and armed.hit:
                self._changed.clear()
                self._changed.wait(float(armed.spec.get("seconds", 3.0)))

    def _bend(self, message: Outgoing) -> list[Outgoing]:
        for armed in self._armed:
            if not self._concerns(armed, message):
                continue
            kind = armed.spec["kind"]
            if kind in _HOLDING:
                armed.hit = True
                continue
            if armed.held is not None and message.key == armed.held.key and message.topic == armed.held.topic:
                first, armed.held = armed.held, None
                return [message, first]  # reorder: the later change first
            if armed.hit:
                continue
            armed.seen += 1
            if armed.seen < int(armed.spec.get("nth", 1)):
                continue
            armed.hit = True
            if kind == "drop":
                return []
            if kind == "duplicate":
                return [message, message]
            if kind == "reorder":
                armed.held = message
                return []
            return [replace(message, value=_bent_value(kind, message.value, armed.spec))]
        return [message]

    def _concerns(self, armed: _Armed, message: Outgoing) -> bool:
        database = message.database
        if database is None or message.value is None:  # DDL, heartbeats, tombstones pass untouched
            return False
        return fnmatch.fnmatchcase(database, armed.spec.get("databases", "*"))


def _bent_value(kind: str, value: bytes | None, spec: dict[str, Any]) -> bytes | None:
    assert value is not None
    if kind == "truncate":
        return value[: len(value) // 2]
    if kind == "bad-magic":
        return b"\x07" + value[1:]
    if kind == "bad-schema-id":
        return value[:1] + BAD_SCHEMA_ID.to_bytes(4, "big") + value[5:]
    envelope = json.loads(value)
    payload = envelope.get("payload", envelope) if isinstance(envelope, dict) else envelope
    after = payload.get("after") if isinstance(payload, dict) else None
    if not isinstance(after, dict) or not after:
        return value
    column = _column_for(kind, after, spec.get("family"))
    if column is None:
        return value
    if kind == "omit-column":
        del after[column]
    elif kind == "wrong-type":
        after[column] = str(after[column])
    else:  # corrupt: a value of the family, changed so that it still parses
        after[column] = _corrupted(after[column])
    return json.dumps(envelope, separators=(",", ":")).encode()


def _column_for(kind: str, after: dict[str, Any], family: str | None) -> str | None:
    names = list(after)
    if kind == "wrong-type":
        return next((n for n in names if type(after[n]) is int), None)
    if kind == "omit-column":
        return names[-1]
    wanted = {"number": int, "string": str, "temporal": int, "json": str}.get(family or "number", int)
    return next((n for n in reversed(names) if type(after[n]) is wanted), None)


def _corrupted(value: Any) -> Any:
    if type(value) is int:
        return value + 1
    if isinstance(value, str):
        return value[:-1] + ("x" if not value.endswith("x") else "y") if value else "x"
    return value
