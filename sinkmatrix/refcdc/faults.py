"""Fault injection in the reference CDC: the machinery that makes it commit the faults of
sinkmatrix.model.faults.

A fault is installed in a running CDC (see sinkmatrix.refcdc.control) for the databases matching a pattern and
hits the `nth` row change (or message) in them that it can bend, once — except `stall` and `lag`,
which hold from their first hit until cleared. Three layers:

- change: the transaction is altered before any sink sees it (drop, corrupt, wrong-type,
  omit-column, ddl-reorder; reorder on the MySQL sink);
- message: an encoded Kafka message is altered before it is produced (duplicate, reorder,
  bad-magic, bad-schema-id, truncate);
- delivery: the server's loop misbehaves (stall, lag, crash, crash-lose).

With no fault installed every hook is one attribute test.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, cast

import structlog

from sinkmatrix.model.changes import DdlChange, RowChange, Transaction
from sinkmatrix.model.faults import BAD_SCHEMA_ID, KINDS, FaultError, FaultSpec, Layer
from sinkmatrix.refcdc import fault_values
from sinkmatrix.refcdc.encoders import Encoded

log = structlog.get_logger(__name__)

# The exit code of a deliberate crash: the CDC's supervisor (sinkmatrix.refcdc.client) restarts on it.
CRASH_EXIT = 75


@dataclass(eq=False)
class _Active:
    spec: FaultSpec
    layer: Layer
    seen: int = 0  # candidates met so far
    fired: bool = False
    held: Any = None  # reorder: the change or message held back; ddl-reorder: the DDL transaction

    def covers(self, database: str) -> bool:
        return fnmatch.fnmatchcase(database, self.spec.databases)

    def hit(self) -> bool:
        """Count a candidate; True when it is the one to bend."""
        if self.fired:
            return False
        self.seen += 1
        return self.seen >= self.spec.nth


DeliveryAction = Literal["stall", "lag", "crash", "crash-lose"]


@dataclass(frozen=True, slots=True)
class Delivery:
    """What the server must do with a batch, decided by a delivery fault."""

    action: DeliveryAction
    seconds: float = 0.0


class Faults:
    """The faults installed in one CDC process; hooks are called from its apply loop only, while
    install/clear come from the control thread."""

    def __init__(self, sink_type: str, wire_format: str | None) -> None:
        self.sink_type, self.wire_format = sink_type, wire_format
        self._lock = threading.RLock()
        self.changed = threading.Condition(self._lock)  # notified on install/clear (stall, lag)
        self._active: list[_Active] = []
        self.any = False  # the hooks' fast path

    # -- control

    def install(self, spec: FaultSpec) -> None:
        spec.validate()
        why = KINDS[spec.kind].applies(self.sink_type, self.wire_format)
        if why is not None:
            raise FaultError(f"fault {spec.kind!r} does not apply to this CDC's {self.sink_type} sink: "
                             f"{why}")
        with self.changed:
            self._active.append(_Active(spec, KINDS[spec.kind].layers[self.sink_type]))
            self.any = True
            self.changed.notify_all()
        log.warning("fault installed", fault=str(spec))

    def clear(self, databases: str | None = None) -> int:
        """Remove the faults installed for `databases` (all when None); how many were removed."""
        with self.changed:
            keep = [a for a in self._active if databases is not None and a.spec.databases != databases]
            removed = len(self._active) - len(keep)
            self._active = keep
            self.any = bool(keep)
            self.changed.notify_all()
        if removed:
            log.warning("faults cleared", databases=databases or "*", removed=removed)
        return removed

    def listing(self) -> list[dict[str, Any]]:
        with self._lock:
            return [{**a.spec.to_json(), "fired": a.fired, "seen": a.seen} for a in self._active]

    def _of(self, layer: Layer) -> list[_Active]:
        with self._lock:
            return [a for a in self._active if a.layer == layer]

    def _fired(self, active: _Active, **where: Any) -> None:
        active.fired = True
        log.warning("fault fired", fault=str(active.spec), **where)

    # -- change layer

    def transactions(self, txns: list[Transaction]) -> list[Transaction]:
        """The transactions to apply instead of `txns` (altered, held back or released)."""
        for active in self._of("change"):
            txns = _CHANGE_HOOKS[active.spec.kind](self, active, txns)
        return txns

    def _rows(self, active: _Active, txns: list[Transaction],
              bend: Callable[[RowChange], tuple[RowChange | None, str] | None]) -> list[Transaction]:
        """Offer each in-scope row change to `bend` until the fault fires; None drops the change."""
        out = []
        for txn in txns:
            changes: list[RowChange | DdlChange] = []
            for change in txn.changes:
                if (not active.fired and isinstance(change, RowChange) and active.covers(change.schema)):
                    bent = bend(change)
                    if bent is not None and active.hit():
                        replaced, column = bent
                        self._fired(active, table=change.table.qualified, column=column or None,
                                    position=str(txn.end))
                        if replaced is not None:
                            changes.append(replaced)
                        continue
                changes.append(change)
            out.append(dataclasses.replace(txn, changes=tuple(changes)))
        return out

    def _drop(self, active: _Active, txns: list[Transaction]) -> list[Transaction]:
        return self._rows(active, txns, lambda change: (None, ""))

    def _corrupt(self, active: _Active, txns: list[Transaction]) -> list[Transaction]:
        family = str(active.spec.family)
        return self._rows(active, txns, lambda change: fault_values.corrupt(change, family))

    def _wrong_type(self, active: _Active, txns: list[Transaction]) -> list[Transaction]:
        return self._rows(active, txns, fault_values.wrong_type)

    def _omit(self, active: _Active, txns: list[Transaction]) -> list[Transaction]:
        return self._rows(active, txns, fault_values.omit_column)

    def _reorder_rows(self, active: _Active, txns: list[Transaction]) -> list[Transaction]:
        """Hold the nth in-scope row change back; release it right after the key's next change."""
        out = []
        for txn in txns:
            changes: list[RowChange | DdlChange] = []
            for change in txn.changes:
                if active.fired or not isinstance(change, RowChange) or not active.covers(change.schema):
                    changes.append(change)
                    continue
                held = active.held
                if held is None:
                    if change.table.key and active.hit():
                        active.held = change
                        log.warning("fault holding a change", fault=str(active.spec),
                                    table=change.table.qualified)
                        continue
                    changes.append(change)
                elif _same_row(held, change):
                    changes += [change, held]
                    active.held = None
                    self._fired(active, table=change.table.qualified, position=str(txn.end))
                else:
                    changes.append(change)
            out.append(dataclasses.replace(txn, changes=tuple(changes)))
        return out

    def _ddl_reorder(self, active: _Active, txns: list[Transaction]) -> list[Transaction]:
        """Hold the nth in-scope DDL back; apply it after the next transaction with in-scope rows."""
        out = []
        for txn in txns:
            if active.fired:
                out.append(txn)
                continue
            if active.held is None:
                ddl = [c for c in txn.changes if isinstance(c, DdlChange) and active.covers(c.schema)]
                if ddl and active.hit():
                    active.held = txn
                    log.warning("fault holding a DDL", fault=str(active.spec), schema=ddl[0].schema)
                    continue
                out.append(txn)
            elif any(isinstance(c, RowChange) and active.covers(c.schema) for c in txn.changes):
                out += [txn, active.held]
                active.held = None
                self._fired(active, position=str(txn.end))
            else:
                out.append(txn)
        return out

    # -- message layer

    def messages(self, messages: list[Encoded]) -> list[Encoded]:
        """The messages to produce instead of `messages`."""
        for active in self._of("message"):
            out: list[Encoded] = []
            for message in messages:
                if active.fired or not _row_message(message) or not active.covers(message.schema):
                    out.append(message)
                else:
                    out += _MESSAGE_HOOKS[active.spec.kind](self, active, message)
            messages = out
        return messages

    def _duplicate(self, active: _Active, message: Encoded) -> list[Encoded]:
        if not active.hit():
            return [message]
        self._fired(active, topic_of=f"{message.schema}.{message.table}")
        return [message, message]

    def _reorder_messages(self, active: _Active, message: Encoded) -> list[Encoded]:
        held: Encoded | None = active.held
        if held is None:
            if active.hit():
                active.held = message
                log.warning("fault holding a message", fault=str(active.spec),
                            table=f"{message.schema}.{message.table}")
                return []
            return [message]
        if (held.schema, held.table, _identity(held)) != (message.schema, message.table, _identity(message)):
            return [message]
        active.held = None
        self._fired(active, table=f"{message.schema}.{message.table}")
        return [message, held]

    def _bytes(self, active: _Active, message: Encoded,
               bend: Callable[[bytes], bytes]) -> list[Encoded]:
        if message.value is None or len(message.value) < 5 or not active.hit():
            return [message]
        self._fired(active, table=f"{message.schema}.{message.table}")
        return [dataclasses.replace(message, value=bend(message.value))]

    def _bad_magic(self, active: _Active, message: Encoded) -> list[Encoded]:
        return self._bytes(active, message, lambda v: b"\x07" + v[1:])

    def _bad_schema_id(self, active: _Active, message: Encoded) -> list[Encoded]:
        return self._bytes(active, message, lambda v: v[:1] + BAD_SCHEMA_ID.to_bytes(4, "big") + v[5:])

    def _truncate(self, active: _Active, message: Encoded) -> list[Encoded]:
        return self._bytes(active, message, lambda v: v[: len(v) // 2])

    # -- delivery layer

    def delivery(self, txns: list[Transaction]) -> Delivery | None:
        """What to do with a batch about to be applied; None: apply it as usual."""
        for active in self._of("delivery"):
            kind = cast(DeliveryAction, active.spec.kind)
            rows = sum(1 for t in txns for c in t.changes
                       if isinstance(c, RowChange) and active.covers(c.schema))
            if not rows:
                continue
            if kind in ("stall", "lag") and active.seen >= active.spec.nth:
                return Delivery(kind, active.spec.seconds)
            before = active.seen
            active.seen += rows
            if before < active.spec.nth <= active.seen:
                if kind in ("crash", "crash-lose"):
                    self._fired(active, position=str(txns[-1].end))
                else:
                    log.warning("fault holds from here", fault=str(active.spec), position=str(txns[-1].end))
                return Delivery(kind, active.spec.seconds)
        return None

    def holding(self) -> bool:
        """Whether a change is held back (reorder, ddl-reorder): the checkpoint must not pass it, so a
        restart (after the fault is cleared) delivers it in its place."""
        with self._lock:
            return any(a.held is not None for a in self._active)

    def still(self, action: str) -> bool:
        """Whether a delivery fault of this kind is still installed (a stall ends when cleared)."""
        with self._lock:
            return any(a.spec.kind == action for a in self._active)


def _row_message(message: Encoded) -> bool:
    return message.table is not None and not message.broadcast


def _identity(message: Encoded) -> Any:
    return message.handle if message.handle is not None else message.key


def _same_row(a: RowChange, b: RowChange) -> bool:
    if a.table.qualified != b.table.qualified or not a.table.key:
        return False
    first = a.after if a.after is not None else a.before
    second = b.before if b.before is not None else b.after
    return first is not None and second is not None and a.key_of(first) == b.key_of(second)


_CHANGE_HOOKS: dict[str, Callable[[Faults, _Active, list[Transaction]], list[Transaction]]] = {
    "drop": Faults._drop,
    "corrupt": Faults._corrupt,
    "wrong-type": Faults._wrong_type,
    "omit-column": Faults._omit,
    "reorder": Faults._reorder_rows,
    "ddl-reorder": Faults._ddl_reorder,
}
_MESSAGE_HOOKS: dict[str, Callable[[Faults, _Active, Encoded], list[Encoded]]] = {
    "duplicate": Faults._duplicate,
    "reorder": Faults._reorder_messages,
    "bad-magic": Faults._bad_magic,
    "bad-schema-id": Faults._bad_schema_id,
    "truncate": Faults._truncate,
}
