"""`ctx.sql.table(name)`: requests (insert, upsert, update, delete and their batches) on one table."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from dsl import statements
from dsl.errors import DslError, MissingKey, NoKey, UnknownColumn
from dsl.identifiers import quote_for_format
from dsl.requests import Awaitable, Request
from dsl.values import adapter_for, row_values, server_error
from dsl.verify import identity
from sinkmatrix.model.schema import TableSchema

if TYPE_CHECKING:
    from dsl.helper import SQLHelper

CHUNK_ROWS = 1000  # rows per multi-row statement


class Table:
    """A table of the test's upstream database, as the DSL sees it."""

    def __init__(self, helper: SQLHelper, name: str, *, database: str | None = None) -> None:
        self.helper = helper
        self.name = name
        self.database = database or helper.database  # writes name it, whatever USE ran since
        self._schema = helper.learn(name, self.database)
        self._epoch = helper.schema_epoch

    @property
    def schema(self) -> TableSchema:
        """The table's schema, learned again after DDL ran upstream."""
        if self._epoch != self.helper.schema_epoch:
            self._schema, self._epoch = self.helper.learn(self.name, self.database), self.helper.schema_epoch
        return self._schema

    # -- requests ----------------------------------------------------------------------------
    def insert(self, row: Mapping[str, Any]) -> Request:
        schema, values = self._row(row, "insert")
        self._need_key(schema, values, "insert", allow_auto=True)
        return Request(f"insert into {self.name} {_show(schema, values)}",
                       lambda: self._write_rows("insert", schema, [values]))

    def upsert(self, row: Mapping[str, Any]) -> Request:
        schema, values = self._row(row, "upsert")
        self._need_key(schema, values, "upsert")
        return Request(f"upsert into {self.name} {_show(schema, values)}",
                       lambda: self._write_rows("upsert", schema, [values]))

    def update(self, row: Mapping[str, Any], key: Mapping[str, Any] | None = None) -> Request:
        """Update the row located by `key` (default: the key columns in `row`) to `row`'s values.

        With `key=` given, `row` may change key columns too: `update({"id": 2}, key={"id": 1})`.
        """
        schema, values = self._row(row, "update")
        if key is None:
            self._need_key(schema, values, "update")
            locate = {k: values[k] for k in schema.key}
            changes = {c: v for c, v in values.items() if c not in schema.key}
            if not changes:
                raise DslError(f"update on {self.name!r} names only key columns; give a column to change "
                               "(or pass key= to change the key itself)")
        else:
            _, locate = self._row(key, "update key")
            self._need_key(schema, locate, "update key", exact=True)
            changes = values
        return Request(f"update {self.name} key {_show(schema, locate)}",
                       lambda: self._write_update(schema, locate, changes))

    def delete(self, key: Mapping[str, Any]) -> Request:
        schema, values = self._row(key, "delete")
        self._need_key(schema, values, "delete", exact=True)
        return Request(f"delete from {self.name} key {_show(schema, values)}",
                       lambda: self._write_deletes(schema, [values]))

    def insert_many(self, rows: Iterable[Mapping[str, Any]]) -> Awaitable:
        """Insert many rows with multi-row statements in one transaction; one Awaitable for all."""
        schema, batch = self._rows(rows, "insert_many", allow_auto=True)
        return self._write_rows("insert", schema, batch)

    def upsert_many(self, rows: Iterable[Mapping[str, Any]]) -> Awaitable:
        schema, batch = self._rows(rows, "upsert_many")
        return self._write_rows("upsert", schema, batch)

    def delete_many(self, keys: Iterable[Mapping[str, Any]]) -> Awaitable:
        schema, batch = self._rows(keys, "delete_many", exact=True)
        return self._write_deletes(schema, batch)

    # -- validation --------------------------------------------------------------------------
    def _row(self, row: Mapping[str, Any], what: str) -> tuple[TableSchema, dict[str, Any]]:
        schema = self.schema
        try:
            return schema, row_values(schema, row, f"{what} on {self.name!r}")
        except UnknownColumn:
            # the table may have changed behind the DSL's back: look once more before failing
            self._schema = self.helper.learn(self.name, self.database)
            return self._schema, row_values(self._schema, row, f"{what} on {self.name!r}")

    def _rows(self, rows: Iterable[Mapping[str, Any]], what: str, allow_auto: bool = False,
              exact: bool = False) -> tuple[TableSchema, list[dict[str, Any]]]:
        batch = []
        schema = self.schema
        shape: tuple[str, ...] | None = None
        adapt: Callable[[Mapping[str, Any]], dict[str, Any]] = dict
        for row in rows:
            columns = tuple(row) if isinstance(row, Mapping) else None
            if columns is None or columns != shape:  # validate each new column set once
                schema, values = self._row(row, what)
                self._need_key(schema, values, what, allow_auto=allow_auto, exact=exact)
                shape, adapt = columns, adapter_for(schema, tuple(values))
            batch.append(adapt(row))
        if not batch:
            raise DslError(f"{what} on {self.name!r} got no rows")
        return schema, batch

    def _need_key(self, schema: TableSchema, values: Mapping[str, Any], what: str,
                  allow_auto: bool = False, exact: bool = False) -> None:
        if not schema.key:
            raise NoKey(self.name)
        missing = [k for k in schema.key if k not in values]
        if missing and not (allow_auto and _auto_key(schema)):
            raise MissingKey(self.name, what, missing, schema.key)
        extra = [c for c in values if c not in schema.key]
        if exact and extra:
            raise DslError(f"{what} on {self.name!r} takes only the key columns ({', '.join(schema.key)}); "
                           f"drop {', '.join(extra)}")

    # -- execution ---------------------------------------------------------------------------
    def _write_rows(self, kind: str, schema: TableSchema, rows: list[dict[str, Any]]) -> Awaitable:
        helper = self.helper
        auto = _auto_key(schema) if any(k not in rows[0] for k in schema.key) else None
        keys = [] if auto else [tuple(r[k] for k in schema.key) for r in rows]
        ident = identity(schema)
        ids = [ident(k) for k in keys]
        helper.before_write(schema, ids)
        cur = helper.cursor
        groups = _by_columns(rows)
        many = len(rows) > 1
        chunk: list[dict[str, Any]] = rows[:1]
        try:
            if many:
                cur.execute("BEGIN")
            for columns, group in groups:
                update = tuple(c for c in columns if c not in schema.key)
                stmt = statements.insert(self.name, columns, upsert=kind == "upsert", update=update,
                                         database=self.database)
                for start in range(0, len(group), CHUNK_ROWS):
                    chunk = group[start : start + CHUNK_ROWS]
                    if len(chunk) == 1:
                        cur.execute(stmt.sql, stmt.args(chunk[0]))
                    else:
                        cur.executemany(stmt.sql, [stmt.args(r) for r in chunk])
                    if auto:
                        keys.extend((cur.lastrowid + i,) for i in range(len(chunk)))
            if many:
                cur.execute("COMMIT")
        except Exception as exc:
            if many:
                _rollback(cur)
            raise server_error(schema, exc, chunk, kind) from exc
        if auto:
            ids = [ident(k) for k in keys]
        return helper.sent(schema, keys, ids, f"{kind} of {len(rows)} rows into {self.name}", many)

    def _write_update(self, schema: TableSchema, locate: dict[str, Any],
                      changes: dict[str, Any]) -> Awaitable:
        helper = self.helper
        old = tuple(locate[k] for k in schema.key)
        new = tuple(changes.get(k, locate[k]) for k in schema.key)
        ident = identity(schema)
        keys = [old] if ident(old) == ident(new) else [old, new]
        ids = [ident(k) for k in keys]
        helper.before_write(schema, ids)
        stmt = statements.update(self.name, tuple(changes), schema.key, database=self.database)
        params = {**changes, **{f"key_{k}": v for k, v in locate.items()}}
        try:
            helper.cursor.execute(stmt.sql, stmt.args(params))
        except Exception as exc:
            raise server_error(schema, exc, [changes], "update") from exc
        if helper.cursor.rowcount == 0:
            raise DslError(f"update on {self.name!r}: no row with key {_show(schema, locate)} upstream; "
                           "insert it first")
        return helper.sent(schema, keys, ids, f"update {self.name} key {_show(schema, locate)}", False)

    def _write_deletes(self, schema: TableSchema, rows: list[dict[str, Any]]) -> Awaitable:
        helper = self.helper
        keys = [tuple(r[k] for k in schema.key) for r in rows]
        ident = identity(schema)
        ids = [ident(k) for k in keys]
        helper.before_write(schema, ids)
        cur = helper.cursor
        many = len(rows) > 1
        try:
            if many:
                cur.execute("BEGIN")
                for start in range(0, len(keys), CHUNK_ROWS):
                    chunk = keys[start : start + CHUNK_ROWS]
                    where, args = statements.key_predicate(schema.key, chunk)
                    target = f"{quote_for_format(self.database)}.{quote_for_format(self.name)}"
                    cur.execute(f"DELETE FROM {target} WHERE {where}", args)
                cur.execute("COMMIT")
            else:
                stmt = statements.delete(self.name, schema.key, database=self.database)
                cur.execute(stmt.sql, stmt.args({f"key_{k}": v for k, v in rows[0].items()}))
        except Exception as exc:
            if many:
                _rollback(cur)
            raise server_error(schema, exc, rows, "delete") from exc
        return helper.sent(schema, keys, ids, f"delete of {len(rows)} rows from {self.name}", many)


def _auto_key(schema: TableSchema) -> str | None:
    if len(schema.key) == 1 and schema.column(schema.key[0]).auto_increment:
        return schema.key[0]
    return None


def _by_columns(rows: Sequence[dict[str, Any]]) -> list[tuple[tuple[str, ...], list[dict[str, Any]]]]:
    """Consecutive rows with the same column set, so each group is one statement shape."""
    groups: list[tuple[tuple[str, ...], list[dict[str, Any]]]] = []
    for row in rows:
        columns = tuple(row)
        if groups and groups[-1][0] == columns:
            groups[-1][1].append(row)
        else:
            groups.append((columns, [row]))
    return groups


def _rollback(cur: Any) -> None:
    # the connection may be gone; the server rolls back on its own then
    with contextlib.suppress(Exception):
        cur.execute("ROLLBACK")


def _show(schema: TableSchema, values: Mapping[str, Any]) -> str:
    shown = [k for k in schema.key if k in values] or list(values)[:3]
    return "(" + ", ".join(f"{k}={values[k]!r}" for k in shown) + ")"
