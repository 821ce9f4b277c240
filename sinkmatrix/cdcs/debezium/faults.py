"""Faults in the hand-off that carries Debezium's records to Kafka (sinkmatrix.model.faults' kinds, where
they act
on the way out: Debezium itself is never touched, what it made is altered as a broken transport or
producer would).

The client writes the faults to a file (a version and a JSON list of FaultSpec dicts) and sends
SIGUSR1; the hand-off reads it and reports the version it runs and each fault's count of records
seen, so the client knows a fault is armed and whether it ever met a record to bend. A fault hits
the `nth` row change it can bend in the databases its pattern names (the database is the second part
of Debezium's topic), once; `stall` and `lag` hold from their first hit until cleared; `crash`
exits after producing a batch (before the engine commits it: the batch comes again, at-least-once),
`crash-lose` hands a batch back as done without producing it, then exits (the batch is lost).
"""

from __future__ import annotations

import base64
import datetime as dt
import fnmatch
import io
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from sinkmatrix.model.faults import in_family
from sinkmatrix.model.schema import Column, TableSchema

# what the hand-off can do to a record, per wire format of its value
KINDS = {
    "json": ("drop", "duplicate", "reorder", "corrupt", "omit-column", "wrong-type", "truncate", "stall",
             "lag", "crash", "crash-lose"),
    "avro": ("drop", "duplicate", "reorder", "corrupt", "truncate", "bad-magic", "bad-schema-id", "stall",
             "lag", "crash", "crash-lose"),
}
BAD_SCHEMA_ID = 0x7FFF_FFF0  # a schema id no registry hands out in a test run
CRASH_EXIT = 75  # the supervisor (sinkmatrix.cdcs.debezium.run) restarts the hand-off on this code
_HOLDING = ("stall", "lag")
_LIFECYCLE = ("crash", "crash-lose")


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A record on its way to Kafka, and the binlog restart position Debezium gave it."""

    topic: str
    key: bytes | None
    value: bytes | None
    position: tuple[str, int] | None  # set on a batch's last record only

    @property
    def where(self) -> tuple[str, str] | None:
        parts = self.topic.split(".")
        return (parts[1], parts[2]) if len(parts) == 3 else None  # <prefix>.<database>.<table>


@dataclass
class _Armed:
    spec: dict[str, Any]
    seen: int = 0
    hit: bool = False
    held: Outgoing | None = None  # reorder: the first change, waiting for the next of its key

    def state(self) -> dict[str, Any]:
        return {"kind": self.spec["kind"], "databases": self.spec.get("databases", "*"),
                "nth": int(self.spec.get("nth", 1)), "seen": self.seen}


class MessageFaults:
    """The faults the client armed. `apply` bends a batch (almost always: returns it as it is)."""

    def __init__(self, path: Path, wire_format: str, tables: Any,
                 modes: dict[str, str], avro: Callable[[int], Any] | None = None) -> None:
        # tables(database, table): the upstream's table; tables.nudge(): a write the connector captures
        self.path, self.wire_format, self.tables, self.modes = path, wire_format, tables, modes
        self.avro = avro  # schema id -> parsed writer schema, for bending Avro values
        self.version = 0
        self.exit_after: str | None = None  # "crash" / "crash-lose": what the hand-off must do now
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

    def states(self) -> list[dict[str, Any]]:
        return [a.state() for a in self._armed]

    def before_taking(self, batch: list[Outgoing], holding: Callable[[], None]) -> None:
        """A stall holds the engine here, before the batch is taken in, until it is cleared
        (`holding()` is told first, so the hand-off can say it has met the fault)."""
        for armed in self._armed:
            if armed.spec["kind"] == "stall" and any(self._concerns(armed, m) for m in batch):
                armed.seen += 1
                armed.hit = True
        if any(a.hit and a.spec["kind"] == "stall" for a in self._armed):
            holding()
        while any(a.hit and a.spec["kind"] == "stall" for a in self._armed):
            self._changed.clear()
            self._changed.wait()

    def lag_for(self, batch: list[Outgoing]) -> float:
        """Seconds a lag holds this batch back (0: none); the engine goes on taking changes in."""
        for armed in self._armed:
            if armed.spec["kind"] == "lag" and (armed.hit or any(self._concerns(armed, m) for m in batch)):
                armed.seen += 1
                armed.hit = True
                return float(armed.spec.get("seconds", 3.0))
        return 0.0

    def lagging(self) -> bool:
        return any(a.spec["kind"] == "lag" for a in self._armed)

    def wait(self, seconds: float) -> None:
        """Wait `seconds`, or until the faults change (a cleared lag lets its batches go)."""
        self._changed.clear()
        self._changed.wait(seconds)

    def apply(self, batch: list[Outgoing]) -> list[Outgoing]:
        if not self._armed:
            return batch
        out: list[Outgoing] = []
        for message in batch:
            out.extend(self._bend(message))
        return out

    def _bend(self, message: Outgoing) -> list[Outgoing]:
        for armed in self._armed:
            kind = armed.spec["kind"]
            if kind in _HOLDING or not self._concerns(armed, message):
                continue
            held = armed.held
            if held is not None and (message.topic, message.key) == (held.topic, held.key):
                armed.held = None
                return [message, held]  # reorder: the later change first
            if armed.hit:
                continue
            armed.seen += 1
            if armed.seen < int(armed.spec.get("nth", 1)):
                continue
            armed.hit = True
            if kind in _LIFECYCLE:
                self.exit_after = kind
                return [message]
            if kind == "drop":
                return []
            if kind == "duplicate":
                return [message, message]
            if kind == "reorder":
                armed.held = message
                return []
            return [replace(message, value=self._bent(kind, message, armed.spec))]
        return [message]

    def _concerns(self, armed: _Armed, message: Outgoing) -> bool:
        where = message.where
        if where is None or message.value is None:  # DDL, heartbeats, tombstones pass untouched
            return False
        return fnmatch.fnmatchcase(where[0], armed.spec.get("databases", "*"))

    # -- bending a value

    def _bent(self, kind: str, message: Outgoing, spec: dict[str, Any]) -> bytes:
        value = message.value or b""
        if kind == "truncate":
            return value[: len(value) // 2]
        if kind == "bad-magic":
            return b"\x07" + value[1:]
        if kind == "bad-schema-id":
            return value[:1] + BAD_SCHEMA_ID.to_bytes(4, "big") + value[5:]
        where = message.where
        table = self.tables(*where) if where else None
        if table is None:
            return value
        if self.wire_format == "avro":
            return self._bent_avro(kind, value, table, spec)
        envelope = json.loads(value)
        payload = envelope.get("payload", envelope)
        after = payload.get("after")
        if isinstance(after, dict) and _bend_image(kind, after, table, spec.get("family"), self._json_value):
            return json.dumps(envelope, separators=(",", ":")).encode()
        return value

    def _bent_avro(self, kind: str, value: bytes, table: TableSchema, spec: dict[str, Any]) -> bytes:
        import fastavro

        assert self.avro is not None
        schema = self.avro(int.from_bytes(value[1:5], "big"))
        record: Any = fastavro.schemaless_reader(io.BytesIO(value[5:]), schema, None)
        after = record.get("after")
        if isinstance(after, dict) and _bend_image(kind, after, table, spec.get("family"), self._avro_value):
            out = io.BytesIO()
            fastavro.schemaless_writer(out, schema, record)
            return value[:5] + out.getvalue()
        return value

    def _json_value(self, column: Column, value: Any) -> Any:
        """A value as the JSON converter wrote it, changed so that it still reads back."""
        mode = self.modes.get
        binary = column.type in ("binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob")
        base64_bytes = (
            (column.type in ("decimal", "numeric") and mode("decimal.handling.mode") == "precise")
            or (binary and mode("binary.handling.mode", "bytes") == "bytes")
            or (column.type == "bit" and (column.precision or 1) > 1)
            or (column.type == "bigint" and column.unsigned
                and mode("bigint.unsigned.handling.mode") == "precise"))
        if base64_bytes and isinstance(value, str):
            raw = bytearray(base64.b64decode(value))
            raw[-1 if column.type != "bit" else 0] ^= 1
            return base64.b64encode(bytes(raw)).decode()
        if binary and isinstance(value, str):  # hex
            return value[:-1] + ("1" if value[-1:] != "1" else "2")
        return _bent_plain(column, value)

    def _avro_value(self, column: Column, value: Any) -> Any:
        if isinstance(value, Decimal):
            return value + Decimal(1).scaleb(value.as_tuple().exponent)  # type: ignore[arg-type]
        if isinstance(value, bytes):
            raw = bytearray(value)
            raw[-1 if column.type != "bit" else 0] ^= 1
            return bytes(raw)
        return _bent_plain(column, value)


def _bend_image(kind: str, after: dict[str, Any], table: TableSchema, family: str | None,
                bend: Callable[[Column, Any], Any]) -> bool:
    """Bend `after` in place as the fault says; False if it has nothing to bend."""
    candidates = [c for c in table.columns if c.name not in table.key and after.get(c.name) is not None]
    if kind == "omit-column":
        others = [c for c in table.columns if c.name not in table.key and c.name in after]
        if not others:
            return False
        del after[others[-1].name]
        return True
    if kind == "wrong-type":
        column = next((c for c in candidates if type(after[c.name]) is int), None)
        if column is None:
            return False
        after[column.name] = str(after[column.name])
        return True
    column = next((c for c in candidates if in_family(family or "number", c)), None)
    if column is None:
        return False
    after[column.name] = bend(column, after[column.name])
    return True


def _bent_plain(column: Column, value: Any) -> Any:
    """Ints, floats, booleans, text, dates: one value of the column's family, changed."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value ^ 1
    if isinstance(value, float):
        return value + 1.0
    if isinstance(value, dt.datetime):
        return value + dt.timedelta(seconds=1)
    if isinstance(value, dt.date):
        return value + dt.timedelta(days=1)
    if isinstance(value, str):
        if column.is_json or column.type == "json":
            doc = json.loads(value)
            return json.dumps({**doc, "bent": True} if isinstance(doc, dict) else [doc])
        if column.type == "timestamp":  # ZonedTimestamp: ...:SS[.ffffff]Z
            moment = dt.datetime.fromisoformat(value[:-1]) + dt.timedelta(seconds=1)
            return moment.isoformat() + "Z"
        if column.type in ("decimal", "numeric"):  # decimal.handling.mode=string
            return str(Decimal(value) + Decimal(1).scaleb(Decimal(value).as_tuple().exponent))  # type: ignore[arg-type]
        return value[:-1] + chr(ord(value[-1]) ^ 1) if value else "x"
    return value
