"""SQL the DSL runs: built once per statement shape with SQLAlchemy Core, then executed on the driver.

Statements are compiled by the MySQL dialect, every identifier quoted (its reserved-word list is
MySQL's: MariaDB reserves more, e.g. `offset`, which it would leave bare), and cached by shape, so a
hot loop of `send()`s pays for a dict lookup, not for compilation. A shape is compiled once for
every database (each test has its own): with a stand-in database name, replaced by the real one
rendered as the dialect renders it. Key sets render as ranges
where integer keys are contiguous and as (tuple) IN lists otherwise, values passed to the driver
as parameters.
"""

from __future__ import annotations

import operator
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import mysql
from sqlalchemy.dialects.mysql.base import MySQLIdentifierPreparer
from sqlalchemy.dialects.mysql.mysqldb import MySQLDialect_mysqldb

from dsl.identifiers import quote, quote_for_format
from sinkmatrix.model.schema import TableSchema


class _QuoteEverything(MySQLIdentifierPreparer):
    """Quotes every identifier: no server's reserved words can then break a statement."""

    def _requires_quotes(self, value: str) -> bool:
        return True


class _Dialect(MySQLDialect_mysqldb):
    preparer = _QuoteEverything


DIALECT = _Dialect()


@dataclass(frozen=True, slots=True)
class Compiled:
    sql: str
    params: tuple[str, ...]  # names of the positional parameters, in order
    _pick: Any = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        pick: Any = operator.itemgetter(*self.params) if self.params else (lambda _values: ())
        if len(self.params) == 1:
            single = pick
            pick = lambda values: (single(values),)  # noqa: E731 (itemgetter of one is not a tuple)
        object.__setattr__(self, "_pick", pick)

    def args(self, values: dict[str, Any]) -> tuple[Any, ...]:
        return self._pick(values)

    def in_database(self, database: str | None) -> Compiled:
        return Compiled(_in_database(self.sql, database), self.params)


# Compiled in place of a statement's database, then replaced: what the dialect renders for it.
_STAND_IN = "sinkmatrix stand-in database"  # needs quoting: cannot be part of another name
_STAND_IN_RENDERED = DIALECT.identifier_preparer.quote_schema(_STAND_IN)


def _in_database(sql: str, database: str | None) -> str:
    if database is None:
        return sql
    return sql.replace(_STAND_IN_RENDERED, DIALECT.identifier_preparer.quote_schema(database))


def _table(database: str | None, name: str, columns: Sequence[str]) -> sa.TableClause:
    return sa.table(name, *(sa.column(c) for c in columns), schema=database)


def _compile(stmt: sa.ClauseElement) -> Compiled:
    compiled = stmt.compile(dialect=DIALECT)
    return Compiled(compiled.string, tuple(getattr(compiled, "positiontup", None) or ()))


@lru_cache(maxsize=4096)
def insert(table: str, columns: tuple[str, ...], upsert: bool = False,
           update: tuple[str, ...] = (), database: str | None = None) -> Compiled:
    """INSERT (or INSERT … ON DUPLICATE KEY UPDATE the `update` columns) of one row."""
    return _insert(table, columns, upsert, update, database is not None).in_database(database)


@lru_cache(maxsize=1024)
def _insert(table: str, columns: tuple[str, ...], upsert: bool, update: tuple[str, ...],
            qualified: bool) -> Compiled:
    t = _table(_STAND_IN if qualified else None, table, columns)
    stmt = mysql.insert(t).values({c: sa.bindparam(c) for c in columns})
    if upsert:
        targets = update or columns
        # VALUES(`c`) written here: SQLAlchemy's own %-escapes a % in the name twice
        stmt = stmt.on_duplicate_key_update({c: sa.literal_column(f"VALUES({quote(c)})") for c in targets})
    return _compile(stmt)


@lru_cache(maxsize=4096)
def update(table: str, columns: tuple[str, ...], key: tuple[str, ...],
           database: str | None = None) -> Compiled:
    return _update(table, columns, key, database is not None).in_database(database)


@lru_cache(maxsize=1024)
def _update(table: str, columns: tuple[str, ...], key: tuple[str, ...], qualified: bool) -> Compiled:
    t = _table(_STAND_IN if qualified else None, table, (*columns, *key))
    where = sa.and_(*(t.c[k] == sa.bindparam(f"key_{k}") for k in key))
    return _compile(sa.update(t).where(where).values({c: sa.bindparam(c) for c in columns}))


@lru_cache(maxsize=4096)
def delete(table: str, key: tuple[str, ...], database: str | None = None) -> Compiled:
    return _delete(table, key, database is not None).in_database(database)


@lru_cache(maxsize=1024)
def _delete(table: str, key: tuple[str, ...], qualified: bool) -> Compiled:
    t = _table(_STAND_IN if qualified else None, table, key)
    where = sa.and_(*(t.c[k] == sa.bindparam(f"key_{k}") for k in key))
    return _compile(sa.delete(t).where(where))


def _select_head(table: str, qualified: bool, items: Sequence[sa.ColumnElement]) -> str:
    stmt = sa.select(*items).select_from(_table(_STAND_IN if qualified else None, table, ()))
    return str(stmt.compile(dialect=DIALECT))


@lru_cache(maxsize=1024)
def _select_rows_head(table: str, qualified: bool, columns: tuple[str, ...]) -> str:
    return _select_head(table, qualified, [sa.column(c) for c in columns])


@lru_cache(maxsize=1024)
def _checksum_head(table: str, qualified: bool, columns: tuple[str, ...]) -> str:
    # QUOTE() renders NULL as the bare word NULL and every value unambiguously, so a row's text,
    # and so its CRC, changes with any column; XOR and SUM of the CRCs fold the set order-free. Each
    # value as its bytes: text columns of different character sets (gbk beside big5) cannot be
    # concatenated as text (error 1271).
    separator: sa.ColumnElement[str] = sa.literal_column("','")
    row = sa.func.crc32(sa.func.concat_ws(
        separator, *(sa.func.quote(sa.cast(sa.column(c), mysql.BINARY())) for c in columns)))
    return _select_head(table, qualified, [sa.func.count(), sa.func.bit_xor(row), sa.func.sum(row)])


@lru_cache(maxsize=4096)
def _select_rows_in(table: str, database: str | None, columns: tuple[str, ...]) -> str:
    return _in_database(_select_rows_head(table, database is not None, columns), database)


@lru_cache(maxsize=4096)
def _checksum_in(table: str, database: str | None, columns: tuple[str, ...]) -> str:
    return _in_database(_checksum_head(table, database is not None, columns), database)


def select_rows(schema: TableSchema, database: str | None, columns: tuple[str, ...],
                predicate: str) -> str:
    return f"{_select_rows_in(schema.name, database, columns)} WHERE {predicate}"


def checksum(schema: TableSchema, database: str | None, columns: tuple[str, ...],
             predicate: str) -> str:
    return f"{_checksum_in(schema.name, database, columns)} WHERE {predicate}"


def key_chunks(keys: Sequence[tuple[Any, ...]], size: int = 5000) -> Iterator[list[tuple[Any, ...]]]:
    """Split distinct keys into chunks; a run of 64+ contiguous integers stays whole (a range)."""
    if not (len(keys[0]) == 1 and all(type(k[0]) is int for k in keys)):
        for i in range(0, len(keys), size):
            yield list(keys[i : i + size])
        return
    ordered = sorted(keys)
    singles: list[tuple[Any, ...]] = []
    start = 0
    for i in range(1, len(ordered) + 1):
        if i < len(ordered) and ordered[i][0] == ordered[i - 1][0] + 1:
            continue
        run = ordered[start:i]
        start = i
        if len(run) >= 64:
            yield run
            continue
        singles.extend(run)
        if len(singles) >= size:
            yield singles[:size]
            singles = singles[size:]
    if singles:
        yield singles


def key_predicate(key: Sequence[str], keys: Sequence[tuple[Any, ...]]) -> tuple[str, list[Any]]:
    """WHERE text (driver placeholders) and its arguments selecting exactly the distinct `keys`."""
    if len(key) == 1:
        col = quote_for_format(key[0])
        first, last = keys[0][0], keys[-1][0]
        if (len(keys) >= 64 and type(first) is int and type(last) is int
                and last - first + 1 == len(keys)):
            return f"{col} BETWEEN %s AND %s", [first, last]
        return f"{col} IN ({','.join(['%s'] * len(keys))})", [k[0] for k in keys]
    cols = ",".join(quote_for_format(c) for c in key)
    row = "(" + ",".join(["%s"] * len(key)) + ")"
    return f"({cols}) IN ({','.join([row] * len(keys))})", [v for k in keys for v in k]


