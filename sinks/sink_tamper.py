"""Faults the framework commits itself in the MySQL sink, for a CDC with no fault hooks of its own: after
the CDC applied a row into the downstream database, the row is lost (`drop`: a DELETE), one of its
values is changed (`corrupt`: an UPDATE of one column of the family), or, deleted, it comes back
(`resurrect`: the last image seen re-INSERTed).

The sink's progress tells when the CDC has applied everything up to a mark (`wait_past`); right
then, before a wait looks, `after_applied()` compares the rows of each faulted database with what
it saw the time before. The rows that are new (`drop`), new or changed (`corrupt`) or gone
(`resurrect`) since are its candidates, in table and key order; like the CDC-side faults, a fault
counts them (`seen`) and fires on the nth, once.
"""

from __future__ import annotations

import fnmatch
import threading
from dataclasses import dataclass, field
from typing import Any

import structlog

from dsl.identifiers import quote, quote_for_format
from sinkmatrix.model.faults import KINDS, FaultError, FaultSpec, in_family
from sinkmatrix.model.heartbeat import BEAT_DATABASE
from sinkmatrix.model.progress import Progress
from sinkmatrix.model.schema import TableSchema
from sinks.record_bending import bent_plain

log = structlog.get_logger(__name__)

TAMPER_KINDS = ("drop", "corrupt", "resurrect")
_NOT_HERE = {
    "reorder": "the framework sees the rows the CDC left behind, not the order it applied them in",
    "stall": "the framework cannot hold back what a CDC writes into the downstream database",
    "lag": "the framework cannot hold back what a CDC writes into the downstream database",
}
Rows = dict[str, tuple[TableSchema, dict[tuple[Any, ...], dict[str, Any]]]]  # table -> (schema, key -> row)


def refuses(spec: FaultSpec) -> str | None:
    """Why the framework cannot commit this fault in a MySQL sink; None if it can."""
    kind = KINDS.get(spec.kind)
    if kind is not None and (why := kind.applies("mysql", None)) is not None:
        return why
    if spec.kind in _NOT_HERE:
        return _NOT_HERE[spec.kind]
    if spec.kind not in TAMPER_KINDS:
        return f"the framework alters a MySQL sink's rows by {', '.join(TAMPER_KINDS)} only"
    return None


@dataclass(eq=False)
class _Armed:
    spec: FaultSpec
    seen: int = 0
    fired: bool = False
    rows: dict[str, Rows] = field(default_factory=dict)  # database -> its rows when last looked


class SinkTampering:
    """The faults installed in one MySQL sink (sinks.base.FrameworkFaults)."""

    def __init__(self, server: Any) -> None:
        self.server = server  # the downstream database server
        self._armed: list[_Armed] = []
        self._lock = threading.Lock()
        self.busy = False

    def refuses(self, spec: FaultSpec) -> str | None:
        return refuses(spec)

    def install(self, spec: FaultSpec) -> None:
        spec.validate()
        if why := refuses(spec):
            raise FaultError(f"fault {spec.kind!r}: {why}")
        with self._lock:
            self._armed.append(_Armed(spec))
            self.busy = True
        log.warning("sink-side fault installed", fault=str(spec))

    def clear(self, databases: str | None = None) -> int:
        with self._lock:
            keep = [a for a in self._armed if databases is not None and a.spec.databases != databases]
            removed, self._armed = len(self._armed) - len(keep), keep
            self.busy = bool(keep)
        return removed

    def listing(self) -> list[dict[str, Any]]:
        with self._lock:
            return [{**a.spec.to_json(), "fired": a.fired, "seen": a.seen} for a in self._armed]

    def close(self) -> None:
        pass  # a connection lives only as long as one look

    def after_applied(self) -> None:
        """The CDC has applied everything up to a mark: tamper with what it applied, as the faults say."""
        with self._lock:
            armed = [a for a in self._armed if not a.fired]
            if not armed:
                return
            import pymysql  # loaded where a fault is installed, not where sinks are listed

            conn = pymysql.connect(**self.server.connect_args(), autocommit=True)
            try:
                for fault in armed:
                    for database in _databases(conn, fault.spec.databases):
                        if not fault.fired:
                            self._tamper(conn, fault, database)
            finally:
                conn.close()

    def _tamper(self, conn: Any, fault: _Armed, database: str) -> None:
        now = _rows(conn, database)
        before = fault.rows.get(database, {})
        fault.rows[database] = now
        for table, (schema, rows) in sorted(now.items()):
            old = before.get(table, (schema, {}))[1]
            if fault.spec.kind == "resurrect":
                candidates = [(key, row) for key, row in sorted(old.items(), key=_order) if key not in rows]
            else:
                changed = fault.spec.kind == "corrupt"
                candidates = [(key, row) for key, row in sorted(rows.items(), key=_order)
                              if key not in old or (changed and old[key] != row)]
            for key, row in candidates:
                if self._fire(conn, fault, schema, key, row):
                    return

    def _fire(self, conn: Any, fault: _Armed, schema: TableSchema, key: tuple[Any, ...],
              row: dict[str, Any]) -> bool:
        kind = fault.spec.kind
        column = None
        if kind == "corrupt":
            column = next((c for c in schema.columns if c.name not in schema.key
                           and row.get(c.name) is not None and in_family(str(fault.spec.family), c)), None)
            if column is None:
                return False
        fault.seen += 1
        if fault.seen < fault.spec.nth:
            return False
        fault.fired = True
        table = f"{quote_for_format(schema.database)}.{quote_for_format(schema.name)}"
        where = " AND ".join(f"{quote_for_format(k)} = %s" for k in schema.key)
        with conn.cursor() as cur:
            if kind == "drop":
                cur.execute(f"DELETE FROM {table} WHERE {where}", key)
            elif kind == "corrupt" and column is not None:
                value = bent_plain(column, row[column.name])
                cur.execute(f"UPDATE {table} SET {quote_for_format(column.name)} = %s WHERE {where}",
                            (value, *key))
            else:
                names = ", ".join(quote_for_format(name) for name in row)
                cur.execute(f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(row))})",
                            tuple(row.values()))
        log.warning("sink-side fault fired", fault=str(fault.spec), table=schema.qualified, key=str(key),
                    column=column.name if column is not None else None)
        return True


class TamperingProgress:
    """A sink's progress that lets the sink-side faults act whenever the CDC has applied up to a mark."""

    def __init__(self, progress: Progress, tampering: SinkTampering) -> None:
        self._progress, self._tampering = progress, tampering
        self.exact = progress.exact

    def wait_past(self, mark: Any, deadline: float) -> bool:
        applied = self._progress.wait_past(mark, deadline)
        if applied and self._tampering.busy:
            self._tampering.after_applied()
        return applied

    def __getattr__(self, name: str) -> Any:  # the rest of the Progress, and what a CDC adds to it
        return getattr(self._progress, name)


def _databases(conn: Any, pattern: str) -> list[str]:
    with conn.cursor() as cur:
        cur.execute("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA")
        return sorted(r[0] for r in cur.fetchall()  # (the heartbeat's database is the framework's own)
                      if fnmatch.fnmatchcase(r[0], pattern) and r[0] != BEAT_DATABASE)


def _rows(conn: Any, database: str) -> Rows:
    """Every row of the database's tables that have a key, by key."""
    from pymysql.cursors import DictCursor

    from dsl.schema import introspect

    found: Rows = {}
    with conn.cursor() as cur:
        cur.execute("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = %s "
                    "AND TABLE_TYPE = 'BASE TABLE'", (database,))
        tables = [r[0] for r in cur.fetchall()]
    for table in tables:
        schema = introspect(conn, database, table)
        if not schema.key:
            continue
        with conn.cursor(DictCursor) as cur:
            cur.execute(f"SELECT * FROM {quote(database)}.{quote(table)}")  # no args: no %-formatting
            found[table] = (schema, {tuple(r[k] for k in schema.key): r for r in cur.fetchall()})
    return found


def _order(item: tuple[tuple[Any, ...], Any]) -> tuple[str, ...]:
    return tuple(str(v) for v in item[0])
