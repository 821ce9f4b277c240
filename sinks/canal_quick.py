"""The quick reading of a Canal-JSON row message whose shape a clean message of its table had.

A table's messages mostly differ only in their values, kind and clock. Once a row message of a
table decoded without a finding, its shape (mysqlType, sqlType, pkNames, the columns in order, the
upstream table it was judged under) is kept; a later message of exactly that shape has only what
varies checked here. The quick reading never reports anything: at the first thing it cannot prove
clean it declines, and the decoder reads the message in full, which finds what is wrong.
"""

from __future__ import annotations

from typing import Any

from sinkmatrix.formats.canal_json import ROW_TYPES
from sinkmatrix.model.changes import RowChange, RowKind
from sinkmatrix.model.schema import Column, TableSchema
from sinkmatrix.model.tso import physical_ms
from sinks.base import Decoded, Record, SchemaLookup
from sinks.canal_frame import Check
from sinks.canal_values import Reader
from sinks.key_order import KeyOrder

KINDS: dict[str, RowKind] = {text: kind for kind, text in ROW_TYPES.items()}


class Shape:
    """What every clean row message of one shape shares."""

    __slots__ = ("keyed", "mysql_types", "names", "pk", "reads", "sql_types", "table", "upstream")

    def __init__(self, msg: dict[str, Any], names: tuple[str, ...], upstream: TableSchema | None,
                 columns: list[Column], table: TableSchema, readers: list[Reader],
                 sql_types: dict[str, int]) -> None:
        self.mysql_types, self.sql_types, self.pk = msg["mysqlType"], sql_types, msg["pkNames"]
        self.names, self.upstream, self.table = names, upstream, table
        self.reads = [(c.name, read, c.nullable) for c, read in zip(columns, readers, strict=True)]
        self.keyed = tuple(set(msg["pkNames"] or ()))


def order_findings(check: Check, verdict: str, clock: str, ts: int, last: int | None, event: str) -> None:
    """What a key's order says of a change, as findings (none when it is in order)."""
    if verdict == "out-of-order":
        check("out-of-order", clock, f"{ts} after {last} for this key (reordered, or an "
              "older change delivered again)")
    elif verdict == "duplicate":
        check("duplicate", clock, f"this {event} at {ts} was already delivered for this key")


def see(order: KeyOrder, slot: tuple[Any, ...], kind: RowKind, ts: int, data: Any,
        old: Any) -> tuple[str, int | None]:
    """The key's order's verdict on a change, and the clock it had before."""
    last = order.last_ts(slot)
    verdict = order.see(slot, ts, old if kind == "update" else (data if kind == "delete" else None),
                        None if kind == "delete" else data)
    return verdict, last


class QuickRows:
    """Row messages of shapes seen clean, decoded with only their varying parts checked."""

    def __init__(self, tidb: bool, lookup: SchemaLookup | None, order: KeyOrder,
                 expected: frozenset[str]) -> None:
        self.tidb, self.lookup, self.order, self.expected = tidb, lookup, order, expected
        self._shapes: dict[tuple[str, str], Shape] = {}

    def learn(self, msg: dict[str, Any], shape: Shape) -> None:
        """A message of this shape decoded clean: read its table's next ones quickly."""
        if len(self._shapes) > 4096:
            self._shapes.clear()
        self._shapes[(msg["database"], msg["table"])] = shape

    def decode(self, record: Record, msg: dict[str, Any]) -> Decoded | None:
        """The message's changes, or None when it is not provably clean (read it in full)."""
        try:
            return self._decode(record, msg)
        except Exception:  # the full reading meets it again and says what it is
            return None

    def _decode(self, record: Record, msg: dict[str, Any]) -> Decoded | None:
        if record.key is not None or msg.keys() != self.expected:
            return None
        database, name, event = msg["database"], msg["table"], msg["type"]
        if type(database) is not str or type(name) is not str or type(event) is not str:
            return None
        shape = self._shapes.get((database, name))
        kind = KINDS.get(event)
        if shape is None or kind is None or msg["isDdl"] is not False or msg["sql"] != "":
            return None
        es, ts = msg["es"], msg["ts"]
        if (type(msg["id"]) is not int or msg["id"] != 0 or type(es) is not int or es < 0
                or type(ts) is not int or ts < 0):
            return None
        sql_types = msg["sqlType"]
        if (msg["mysqlType"] != shape.mysql_types or msg["pkNames"] != shape.pk
                or sql_types != shape.sql_types or not all(type(v) is int for v in sql_types.values())):
            return None
        data, old = _one(msg["data"]), msg["old"]
        if data is None or tuple(data) != shape.names:
            return None
        if kind == "update":
            old = _one(old)
            if old is None or old.keys() != data.keys():
                return None
        elif old is not None:
            return None
        clock: Any = es
        if self.tidb:
            ext = msg["_tidb"]
            if type(ext) is not dict or len(ext) != 1:
                return None
            clock = ext.get("commitTs")
            if type(clock) is not int or clock <= 0 or physical_ms(clock) != es:
                return None
        upstream = self.lookup(database, name, names=list(data)) if self.lookup else None
        if upstream is not shape.upstream:
            return None
        after = _values(shape, data)
        before = None if old is None else _values(shape, old)
        if after is None or (kind == "update" and before is None):
            return None
        for column in shape.keyed:
            if after[column] is None:
                return None
        table = shape.table
        change = RowChange(kind, table, after, None) if kind == "delete" else \
            RowChange(kind, table, before, after)
        if not table.key:
            return Decoded(changes=[change])
        key = tuple(after.get(k) for k in table.key)
        verdict, last = see(self.order, (database, name, key), kind, clock, data, old)
        if verdict == "ok":
            return Decoded(changes=[change])
        check = Check(record, database=database, table=name, key=key)
        order_findings(check, verdict, "_tidb.commitTs" if self.tidb else "es", clock, last, event)
        return Decoded(findings=check.findings) if verdict == "duplicate" else \
            Decoded(changes=[change], findings=check.findings)


def _one(image: Any) -> dict[str, Any] | None:
    """The one object of an image written as an array of exactly one object, else None."""
    if type(image) is not list or len(image) != 1 or type(image[0]) is not dict:
        return None
    return image[0]


def _values(shape: Shape, image: dict[str, Any]) -> dict[str, Any] | None:
    """The image's values, or None if one is not clean (NULL where it may not be, not text, not
    spelled as TiCDC spells it)."""
    values: dict[str, Any] = {}
    for name, read, nullable in shape.reads:
        raw = image[name]
        if raw is None:
            if not nullable:
                return None
            values[name] = None
        elif type(raw) is str:
            value, spelled = read(raw)
            if spelled is not None:
                return None
            values[name] = value
        else:
            return None
    return values
