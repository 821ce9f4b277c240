"""Table schemas learned from information_schema: columns, types and the key that identifies a row."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from dsl.errors import UnknownTable
from sinkmatrix.model.schema import Column, TableSchema

_MEMBERS = re.compile(r"'((?:[^']|'')*)'")

_COLUMNS_SQL = (
    """
    SELECT c.COLUMN_NAME, c.DATA_TYPE, c.COLUMN_TYPE, c.IS_NULLABLE, c.EXTRA,
           c.NUMERIC_PRECISION, c.NUMERIC_SCALE, c.DATETIME_PRECISION, c.CHARACTER_MAXIMUM_LENGTH,
           c.COLUMN_DEFAULT, c.CHARACTER_SET_NAME
    FROM information_schema.COLUMNS c
    WHERE c.TABLE_SCHEMA = %(db)s AND c.TABLE_NAME = %(tbl)s
    ORDER BY c.ORDINAL_POSITION
    """
)

# MariaDB's JSON is a longtext with a json_valid() CHECK. Asked with constants for schema and
# table: a correlated subquery made the server open every table of every database, per column.
_CHECKS_SQL = (
    """
    SELECT k.CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS k
    WHERE k.CONSTRAINT_SCHEMA = %(db)s AND k.TABLE_NAME = %(tbl)s
    """
)

_TABLES_SQL = "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = %(db)s"

_KEYS_SQL = (
    """
    SELECT s.INDEX_NAME, s.COLUMN_NAME, s.NULLABLE
    FROM information_schema.STATISTICS s
    WHERE s.TABLE_SCHEMA = %(db)s AND s.TABLE_NAME = %(tbl)s AND s.NON_UNIQUE = 0
    ORDER BY s.INDEX_NAME = 'PRIMARY' DESC, s.INDEX_NAME, s.SEQ_IN_INDEX
    """
)


def introspect(conn: Any, database: str, table: str) -> TableSchema:
    """Learn a table from information_schema; raise UnknownTable listing what does exist.

    `conn`: a SQLAlchemy Connection, or a DB-API connection of a MySQL driver (the reference CDC
    asks with its driver alone and so never loads SQLAlchemy). The SQL is in the drivers' pyformat.
    """
    params = {"db": database, "tbl": table}
    rows = _rows(conn, _COLUMNS_SQL, params)
    if not rows:
        existing = [r[0] for r in _rows(conn, _TABLES_SQL, params)]
        raise UnknownTable(database, table, sorted(existing))
    longtext = any(str(row[1]).lower() == "longtext" for row in rows)  # what a MariaDB JSON is
    checks = {r[0] for r in _rows(conn, _CHECKS_SQL, params)} if longtext else set()
    columns = []
    for name, dtype, ctype, nullable, extra, prec, scale, fsp, charlen, default, charset in rows:
        dtype = dtype.lower()
        ctype = ctype.decode() if isinstance(ctype, bytes) else ctype
        columns.append(
            Column(
                name=name,
                type=dtype,
                column_type=ctype,
                nullable=nullable == "YES",
                unsigned="unsigned" in ctype.lower(),
                is_json=dtype == "json" or f"json_valid(`{name.replace('`', '``')}`)" in checks,
                auto_increment="auto_increment" in (extra or "").lower(),
                precision=int(prec) if prec is not None else (int(charlen) if charlen else None),
                scale=int(scale) if scale is not None else None,
                fsp=int(fsp) if fsp is not None else None,
                members=tuple(m.replace("''", "'") for m in _MEMBERS.findall(ctype))
                if dtype in ("enum", "set")
                else (),
                default=default.decode() if isinstance(default, bytes) else default,
                charset=(charset.decode() if isinstance(charset, bytes) else charset) or None,
            )
        )
    return TableSchema(database, table, tuple(columns), _choose_key(conn, database, table))


def _rows(conn: Any, sql: str, params: Mapping[str, Any]) -> Sequence[Sequence[Any]]:
    if hasattr(conn, "exec_driver_sql"):  # SQLAlchemy: the statement goes to its driver as written
        return conn.exec_driver_sql(sql, dict(params)).all()
    with conn.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _choose_key(conn: Any, database: str, table: str) -> tuple[str, ...]:
    indexes: dict[str, list[tuple[str, bool]]] = {}
    for index, column, nullable in _rows(conn, _KEYS_SQL, {"db": database, "tbl": table}):
        indexes.setdefault(index, []).append((column, nullable == "YES"))
    for _index, cols in indexes.items():  # PRIMARY first, then unique keys by name
        if not any(nullable for _, nullable in cols):
            return tuple(c for c, _ in cols)
    return ()
