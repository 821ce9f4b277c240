"""Debezium's schema-change events, judged and turned into the view's DDL.

Each event's `tableChanges` (the columns, types, nullability and key as Debezium's DDL parser
understood the statement: sinkmatrix.formats.debezium_tables, sinkmatrix.formats.debezium_keys) is held
against the
upstream's version of the table with those columns (the lookup's versions: the schema journal and
the upstream now); a disagreement is a finding at the event, located at the column and attribute.
What Debezium said is recorded in the view's history (sinks.debezium_history), by the event's binlog
clock, for the rows that follow; the statement itself goes to the view as a DDL barrier, applied
between the rows before it and after it (sinks.clock_order).

Statements that change no table or database (SET, USE, MariaDB's `# Dummy event`) are carried as
nothing. An event at a clock this partition has passed already is a replay (at-least-once after a
CDC restart): reported as a duplicate, not applied again.
"""

from __future__ import annotations

import re
from typing import Any

from sinkmatrix.formats import debezium_keys as keys
from sinkmatrix.formats import debezium_tables as tables
from sinkmatrix.formats.ddl import classify
from sinkmatrix.model.changes import DdlChange
from sinkmatrix.model.schema import TableSchema
from sinks.base import Finding, SchemaLookup
from sinks.canal_frame import Check, describe
from sinks.clock_order import Clock, ClockedDecoded
from sinks.debezium_history import DebeziumHistory, TableVersion

_APPLIED = ("CREATE", "ALTER", "DROP", "TRUNCATE", "RENAME")
_CUT_CREATE = re.compile(r"^\s*UNIQUE\s+(?:INDEX|KEY)\b", re.IGNORECASE)


class SchemaChanges:
    """One schema-change partition's events (a decoder's part: its clock of replays is its own)."""

    def __init__(self, history: DebeziumHistory, lookup: SchemaLookup, databases: str = "") -> None:
        """`databases`: the prefix of the databases whose DDL is judged and applied (the view's)."""
        self.history, self.lookup, self.databases = history, lookup, databases
        self._last: tuple[Clock, set[str]] = ((-1, -1, -1), set())

    def decode(self, payload: Any, clock: Clock | None, check: Check) -> ClockedDecoded:
        if type(payload) is not dict:
            check("wrong-type", "value", f"{describe(payload)}, expected a schema-change event")
            return ClockedDecoded(findings=check.findings, clock=clock)
        for name in tables.EVENT_FIELDS:
            if name not in payload:
                check("missing-field", name, "Debezium writes it in every schema-change event")
        for name in payload:
            if name not in tables.EVENT_FIELDS:
                check("extra-field", name, "not a field of Debezium's schema-change event")
        ddl, database = payload.get("ddl"), payload.get("databaseName")
        if not isinstance(ddl, str) or not ddl.strip():
            check("bad-value", "ddl", f"{ddl!r}: a schema-change event without its statement")
        if not isinstance(database, str):
            check("wrong-type", "databaseName", f"{describe(database)}, expected a string")
        changes = payload.get("tableChanges")
        if type(changes) is not list:
            check("wrong-type", "tableChanges", f"{describe(changes)}, expected an array")
        if check.findings or not isinstance(ddl, str) or not isinstance(database, str) or type(changes) \
                is not list:
            return ClockedDecoded(findings=check.findings, clock=clock, scope=str(database or ""))
        if not database.startswith(self.databases):  # another database's (Debezium's own beat table)
            return ClockedDecoded(clock=clock, scope=database)
        check.database = database or None
        if clock is not None and self._replayed(clock, ddl):
            check("duplicate", "source.pos", f"the schema change {ddl[:60]!r} at binlog clock {clock} was "
                  "delivered already (this partition is past it)")
            return ClockedDecoded(findings=check.findings, clock=clock, scope=database)
        for n, change in enumerate(changes):
            self._table_change(n, change, ddl, clock, check)
        if _CUT_CREATE.match(ddl):
            check("bad-value", "ddl", f"{ddl[:60]!r} is not the statement the upstream ran (CREATE UNIQUE "
                  "INDEX): Debezium 3.6's parser writes the text of its createIndex rule, which leaves "
                  "CREATE out (debezium-ddl-parser AntlrDdlParser.signalCreateIndex, called by "
                  "debezium-connector-mysql CreateUniqueIndexParserListener); a consumer cannot apply it")
            return ClockedDecoded(findings=check.findings, clock=clock, scope=database)
        statement = classify(ddl)
        if statement.role != "ddl" or statement.kind not in _APPLIED:
            return ClockedDecoded(findings=check.findings, clock=clock, scope=database)
        scope = statement.database if statement.database_level and statement.database else database
        change_ = DdlChange(schema=database, query=ddl, kind=statement.kind)
        return ClockedDecoded(changes=[change_], findings=check.findings, clock=clock, scope=scope,
                              barrier=True)

    def _replayed(self, clock: Clock, ddl: str) -> bool:
        last, seen = self._last
        if clock < last or (clock == last and ddl in seen):
            return True
        self._last = (clock, seen | {ddl} if clock == last else {ddl})
        return False

    # -- one table's change

    def _table_change(self, n: int, change: Any, ddl: str, clock: Clock | None, check: Check) -> None:
        at = f"tableChanges.{n}"
        if type(change) is not dict:
            check("wrong-type", at, f"{describe(change)}, expected an object")
            return
        kind, ident = change.get("type"), tables.table_id(str(change.get("id")))
        if kind not in tables.CHANGE_TYPES:
            check("bad-value", f"{at}.type", f"{kind!r} is not one of {', '.join(tables.CHANGE_TYPES)}")
            return
        if ident is None:
            check("bad-value", f"{at}.id", f"{change.get('id')!r} is not '\"database\".\"table\"'")
            return
        database, name = ident
        check.table = name
        if kind == "DROP":
            if clock is not None:
                self.history.record(database, name, TableVersion(clock, (), dropped=True))
            return
        table = change.get("table")
        columns = table.get("columns") if type(table) is dict else None
        key = table.get("primaryKeyColumnNames") if type(table) is dict else None
        if type(columns) is not list or not all(type(c) is dict and isinstance(c.get("name"), str)
                                                 for c in columns) or type(key) is not list:
            check("bad-shape", f"{at}.table", "a CREATE or ALTER describes the table: its columns (each "
                  "named) and primaryKeyColumnNames")
            return
        described = {c["name"]: c for c in columns}
        previous = self.history.latest(database, name)
        self._judge(at, database, name, described, tuple(key), ddl, previous, check)
        if clock is not None:
            self.history.record(database, name, TableVersion(clock, tuple(key), described))

    def _judge(self, at: str, database: str, name: str, described: dict[str, dict[str, Any]],
               key: tuple[str, ...], ddl: str, previous: TableVersion | None, check: Check) -> None:
        """The description against the upstream's versions with these columns: the first that
        fits, else the findings under the newest."""
        versions = self._versions(database, name, list(described))
        if not versions:
            upstream = self.lookup(database, name)
            if upstream is None:
                return  # gone upstream, with every version the journal kept: nothing to hold it to
            for column in upstream.columns:
                if column.name not in described:
                    check("missing-field", f"{at}.table.columns.{column.name}",
                          "a column of the upstream table that the event does not describe")
            for extra in described:
                if extra not in upstream.by_name:
                    check("extra-field", f"{at}.table.columns.{extra}",
                          "the upstream table has no such column")
            return
        best: list[Finding] | None = None
        for version in versions:
            found = _problems(at, described, key, ddl, previous, version, check)
            if not found:
                return
            if best is None:
                best = found
        # The versions kept may all predate this DDL (a MODIFY keeps the column names, and the lookup
        # answers from memory for a while): the upstream, asked now, has run the statement.
        refresh = getattr(self.lookup, "refresh", None)
        now = refresh(database, name) if refresh is not None else None
        fits = now is not None and {c.name for c in now.columns} == set(described)
        if now is not None and fits and all(now != v for v in versions):
            found = _problems(at, described, key, ddl, previous, now, check)
            if not found:
                return
            best = found
        check.findings.extend(best or ())

    def _versions(self, database: str, name: str, names: list[str]) -> list[TableSchema]:
        newest = self.lookup(database, name, names)
        found = [newest] if newest is not None and {c.name for c in newest.columns} == set(names) else []
        more = getattr(self.lookup, "versions", None)
        for version in more(database, name, names) if more is not None else ():
            if all(version is not v for v in found):
                found.append(version)
        return found


def _problems(at: str, described: dict[str, dict[str, Any]], key: tuple[str, ...], ddl: str,
              previous: TableVersion | None, version: TableSchema, check: Check) -> list[Finding]:
    """What is wrong with the description under one upstream version (findings not yet reported)."""
    out: list[Finding] = []
    record = check.record

    def note(kind: str, where: str, why: str) -> None:
        out.append(Finding(kind, record.topic, record.partition, record.offset, where, why,
                           check.database, check.table, None))

    for column in version.columns:
        for attribute, why in tables.mismatches(described[column.name], column):
            note("type-mismatch", f"{at}.table.columns.{column.name}.{attribute}",
                 f"{why}: Debezium's parser misread the statement")
    def not_null(name: str) -> bool | None:
        column = version.by_name.get(name)
        return None if column is None else not column.nullable

    expected = keys.after(ddl, previous.key if previous is not None else None, not_null,
                          [c.name for c in version.columns])
    if expected is not None and key != expected:
        note("bad-value", f"{at}.table.primaryKeyColumnNames",
             f"{list(key)}, but Debezium's DDL parser keys this table by {list(expected)} after "
             f"{ddl[:80]!r} (sinkmatrix.formats.debezium_keys)")
    return out
