"""Apply row changes to a MySQL/MariaDB database, idempotently: how a Kafka sink's view is
materialized, and how the reference CDC writes its MySQL sink.

Safe mode, as TiCDC's MySQL sink: inserts and updates become REPLACE of the after image (a
key-changing update deletes the old key first), deletes delete by key, so replaying from an
older checkpoint converges. Consecutive row changes of one table and kind go to the server as
one multi-row statement. Tables without a key are matched on all columns, NULL-safely, one row
at a time; those are not replay-safe.

Nothing the upstream stored may be refused by this side's own strictness: rows are written under a
lax sql_mode (`ROW_SQL_MODE`: an ENUM's '' or a value stored before a lossy MODIFY COLUMN fits as it
did upstream), and a DDL runs under the sql_mode it ran under upstream where the binlog recorded it
(a MariaDB replica does the same with its master's Q_SQL_MODE_CODE), else under the lax mode, so a
lossy ALTER converts the rows here as it did there. DDL runs with autocommit on: MariaDB's ALTER
TABLE ... EXCHANGE PARTITION waits on its own connection's locks with autocommit off (error 1205).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any

import MySQLdb
import structlog

from dsl.identifiers import quote
from dsl.identifiers import quote_for_format as _ident  # statements go through %-formatting
from sinkmatrix.formats import ddl
from sinkmatrix.model.changes import DdlChange, Position, RowChange, Transaction
from sinkmatrix.model.schema import TableSchema

log = structlog.get_logger(__name__)


class ApplyError(RuntimeError):
    """The database rejected a statement; a CDC's checkpoint stays before the failed transaction."""

    def __init__(self, position: Position, statement: str, cause: Exception) -> None:
        self.position, self.statement, self.cause = position, statement, cause
        super().__init__(
            f"downstream rejected the transaction ending at {position}: {cause} "
            f"(statement: {statement[:300]}); check that the downstream holds what the upstream "
            "held before that position, then restart from the checkpoint"
        )

# DDL errors that only mean "already done": tolerated while replaying after a restart, where the
# last DDL before the crash may have run downstream without reaching the checkpoint.
_ALREADY_DONE = frozenset({1007, 1008, 1050, 1051, 1054, 1060, 1061, 1068, 1091, 1146, 1176})
_MAX_STATEMENT = 4 * 1024 * 1024
_DELETE_CHUNK = 1000
# The rows' sql_mode: no strictness, and an explicit 0 in an AUTO_INCREMENT column stays 0, as
# upstream stored it. Never NO_BACKSLASH_ESCAPES: the driver escapes values with backslashes.
ROW_SQL_MODE = "NO_AUTO_VALUE_ON_ZERO"


def _qualified(table: TableSchema) -> str:
    return f"{_ident(table.database)}.{_ident(table.name)}"


def _placeholder(table: TableSchema, column: str) -> str:
    # A FLOAT column holds a float32: compare with the value narrowed the same way.
    col = table.by_name.get(column)
    return "CAST(%s AS FLOAT)" if col is not None and col.type == "float" else "%s"


def _match(table: TableSchema, columns: Sequence[str], op: str = "=") -> str:
    return " AND ".join(f"{_ident(c)} {op} {_placeholder(table, c)}" for c in columns)


def _picker(columns: tuple[str, ...]) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    if len(columns) == 1:
        only = columns[0]
        return lambda image: (image[only],)
    return itemgetter(*columns)


class _Layout:
    """How one table's row images become statement arguments."""

    def __init__(self, table: TableSchema, generated: frozenset[str]) -> None:
        self.columns = tuple(c.name for c in table.columns if c.name not in generated)
        self.match = table.key or self.columns  # keyless: all written columns, NULL-safe
        self.pick = _picker(self.columns)
        self.pick_match = _picker(self.match)


class MysqlApplier:
    """Applies transactions on one downstream connection; one downstream commit per flush()."""

    def __init__(self, settings: dict[str, Any], *, resumed: dict[str, Any] | None = None,
                 faults: Any = None) -> None:  # faults: a CDC's, for appliers with a message layer
        self._conn = MySQLdb.connect(
            host=settings["host"], port=int(settings["port"]), user=settings["user"],
            password=settings["password"], charset="utf8mb4", binary_prefix=True,
            autocommit=False,
        )
        self._cursor = self._conn.cursor()
        self._cursor.max_stmt_length = _MAX_STATEMENT
        self._cursor.execute("SET time_zone = '+00:00', foreign_key_checks = 0, sql_mode = %s",
                             (ROW_SQL_MODE,))
        self._replaying = resumed is not None
        self._statements: dict[tuple[Any, ...], str] = {}
        # The pending group: consecutive row images of one table going into one statement.
        self._kind: str | None = None
        self._table: TableSchema | None = None
        self._rows: list[tuple[Any, ...]] = []
        self._columns: tuple[str, ...] = ()
        self._position: Position | None = None
        # Per table (pinned, so its id stays unique): the columns written and how to pick them.
        self._layouts: dict[int, tuple[TableSchema, _Layout]] = {}

    # -- Applier protocol

    def apply(self, txn: Transaction) -> None:
        self._position = txn.end
        for change in txn.changes:
            if isinstance(change, RowChange):
                self._row(change)
            else:
                self._ddl(change)

    def apply_part(self, changes: tuple[RowChange, ...], started_at: int = 0) -> None:
        # executed now, inside the downstream transaction that flush() commits
        for change in changes:
            self._row(change)
        self._flush_group()

    def flush(self) -> None:
        self._flush_group()
        try:
            self._conn.commit()
        except MySQLdb.MySQLError as exc:
            raise ApplyError(self._where(), "COMMIT", exc) from exc
        self._replaying = False

    def state(self) -> dict[str, Any]:
        return {}  # replays converge by themselves (safe mode)

    def close(self) -> None:
        # The connection may be gone already; an unflushed batch is replayed after a restart.
        with contextlib.suppress(MySQLdb.MySQLError):
            self._conn.rollback()
            self._conn.close()

    # -- rows

    def _row(self, change: RowChange) -> None:
        table = change.table
        if change.kind == "insert":
            self._upsert(table, change.after)  # type: ignore[arg-type]
        elif change.kind == "delete":
            self._delete(table, change.before)  # type: ignore[arg-type]
        elif not table.key:
            self._flush_group()
            self._update_keyless(table, change.before, change.after)  # type: ignore[arg-type]
        else:
            before, after = change.before, change.after
            assert before is not None and after is not None
            if any(before[k] != after[k] for k in table.key):
                self._delete(table, before)
            self._upsert(table, after)

    def _join(self, kind: str, table: TableSchema, columns: tuple[str, ...]) -> None:
        if self._kind != kind or self._table is not table:
            self._flush_group()
            self._kind, self._table, self._columns = kind, table, columns

    def _upsert(self, table: TableSchema, image: dict[str, Any]) -> None:
        layout = self._layout(table)
        self._join("upsert", table, layout.columns)
        self._rows.append(layout.pick(image))

    def _delete(self, table: TableSchema, image: dict[str, Any]) -> None:
        layout = self._layout(table)
        self._join("delete", table, layout.match)
        self._rows.append(layout.pick_match(image))

    def _layout(self, table: TableSchema) -> _Layout:
        pinned = self._layouts.get(id(table))
        if pinned is not None:
            return pinned[1]
        layout = _Layout(table, self._generated(table))
        self._layouts[id(table)] = (table, layout)
        return layout

    def _generated(self, table: TableSchema) -> frozenset[str]:
        """Generated columns downstream: they are in the binlog but must not be written."""
        self._execute(
            "SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = %s "
            "AND TABLE_NAME = %s AND EXTRA IN ('VIRTUAL GENERATED', 'STORED GENERATED')",
            (table.database, table.name),
        )
        return frozenset(row[0] for row in self._cursor.fetchall())

    def _flush_group(self) -> None:
        if not self._rows:
            return
        kind, table, columns, rows = self._kind, self._table, self._columns, self._rows
        assert table is not None
        self._rows = []
        if kind == "upsert":
            self._execute_many(self._upsert_sql(table, columns), rows)
        elif table.key and len(columns) == 1 and _placeholder(table, columns[0]) == "%s":
            for i in range(0, len(rows), _DELETE_CHUNK):
                chunk = rows[i : i + _DELETE_CHUNK]
                sql = (f"DELETE FROM {_qualified(table)} WHERE {_ident(columns[0])} IN "
                       f"({','.join(['%s'] * len(chunk))})")
                self._execute(sql, [r[0] for r in chunk])
        else:
            limit = "" if table.key else " LIMIT 1"
            op = "=" if table.key else "<=>"
            sql = f"DELETE FROM {_qualified(table)} WHERE {_match(table, columns, op)}{limit}"
            for row in rows:
                self._execute(sql, row)

    def _upsert_sql(self, table: TableSchema, columns: tuple[str, ...]) -> str:
        key = ("upsert", table.database, table.name, columns, bool(table.key))
        sql = self._statements.get(key)
        if sql is None:
            # Without a key REPLACE could not replace anything: say INSERT, which is what it does.
            verb = "REPLACE" if table.key else "INSERT"
            sql = (f"{verb} INTO {_qualified(table)} ({','.join(_ident(c) for c in columns)}) "
                   f"VALUES ({','.join(['%s'] * len(columns))})")
            self._statements[key] = sql
        return sql

    def _update_keyless(self, table: TableSchema, before: dict[str, Any],
                        after: dict[str, Any]) -> None:
        layout = self._layout(table)
        assignments = ", ".join(f"{_ident(c)} = %s" for c in layout.columns)
        sql = (f"UPDATE {_qualified(table)} SET {assignments} "
               f"WHERE {_match(table, layout.columns, '<=>')} LIMIT 1")
        self._execute(sql, (*layout.pick(after), *layout.pick(before)))

    # -- DDL

    def _ddl(self, change: DdlChange) -> None:
        self._flush_group()
        self._layouts.clear()
        statement = ddl.classify(change.query)
        try:
            self._conn.commit()
            self._conn.autocommit(True)
            moded = False
            try:
                moded = self._ddl_mode(change)
                if change.schema and not statement.database_level:
                    self._cursor.execute(f"USE {quote(change.schema)}")
                self._cursor.execute(change.query)
            finally:
                if moded:
                    self._cursor.execute("SET SESSION sql_mode = %s", (ROW_SQL_MODE,))
                self._conn.autocommit(False)
        except MySQLdb.MySQLError as exc:
            code = exc.args[0] if exc.args else None
            if self._replaying and code in _ALREADY_DONE:
                log.warning("ddl already applied before the restart", code=code,
                            schema=change.schema, kind=change.kind)
                return
            raise ApplyError(self._where(), change.query, exc) from exc
        log.info("ddl applied", schema=change.schema, kind=change.kind)

    def _ddl_mode(self, change: DdlChange) -> bool:
        """Take the upstream's sql_mode for this DDL, if it is known and not the rows' own; whether
        the session's mode changed. The binlog's bitmask is the server's own sql_mode bits, which a
        MariaDB of the same line takes as a number; a server that refuses it keeps the lax mode."""
        if change.sql_mode is None:
            return False
        mode = int(change.sql_mode) if str(change.sql_mode).isdigit() else change.sql_mode  # bits, or names
        try:
            self._cursor.execute("SET SESSION sql_mode = %s", (mode,))
        except MySQLdb.MySQLError as exc:
            log.warning("upstream sql_mode not taken; the ddl runs under the lax mode",
                        sql_mode=change.sql_mode, error=str(exc))
            return False
        return True

    # -- execution

    def _execute(self, sql: str, args: Sequence[Any]) -> None:
        try:
            self._cursor.execute(sql, args)
        except MySQLdb.MySQLError as exc:
            raise ApplyError(self._where(), sql, exc) from exc

    def _execute_many(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        try:
            self._cursor.executemany(sql, rows)
        except MySQLdb.MySQLError as exc:
            raise ApplyError(self._where(), sql, exc) from exc

    def _where(self) -> Position:
        return self._position if self._position is not None else Position(0, 0, "?")
