"""Table schemas for row changes: learned from the upstream, cached, reconciled with the binlog.

The upstream is asked now, while a lagging reader may decode rows written before a later ALTER.
The binlog's own column names (FULL row metadata) and nullability (the table map's NULL bitmap,
sinkmatrix.refcdc.table_maps) are the truth for what a row image holds, so the introspected schema is fitted
to
them — a column matched by name case-insensitively, as MariaDB names columns; a table that is gone by
now is described from the binlog alone.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import MySQLdb
import structlog
from pymysqlreplication.constants import FIELD_TYPE

from dsl.errors import UnknownTable
from dsl.schema import introspect
from sinkmatrix.model.schema import Column, TableSchema
from sinkmatrix.refcdc.config import Endpoint

log = structlog.get_logger(__name__)

# information_schema DATA_TYPE names for binlog column types, for tables known only from the binlog.
_TYPE_NAMES = {
    FIELD_TYPE.TINY: "tinyint", FIELD_TYPE.SHORT: "smallint", FIELD_TYPE.INT24: "mediumint",
    FIELD_TYPE.LONG: "int", FIELD_TYPE.LONGLONG: "bigint", FIELD_TYPE.FLOAT: "float",
    FIELD_TYPE.DOUBLE: "double", FIELD_TYPE.NEWDECIMAL: "decimal", FIELD_TYPE.DATE: "date",
    FIELD_TYPE.DATETIME2: "datetime", FIELD_TYPE.DATETIME: "datetime",
    FIELD_TYPE.TIMESTAMP2: "timestamp", FIELD_TYPE.TIMESTAMP: "timestamp",
    FIELD_TYPE.TIME2: "time", FIELD_TYPE.TIME: "time", FIELD_TYPE.YEAR: "year",
    FIELD_TYPE.BIT: "bit", FIELD_TYPE.ENUM: "enum", FIELD_TYPE.SET: "set", FIELD_TYPE.JSON: "json",
    FIELD_TYPE.GEOMETRY: "geometry",
}


def _binlog_column(column: Any) -> Column:
    binary = getattr(column, "character_set_name", None) == "binary"
    if column.type in (FIELD_TYPE.STRING, FIELD_TYPE.VAR_STRING):
        kind = "binary" if binary else "char"
    elif column.type == FIELD_TYPE.VARCHAR:
        kind = "varbinary" if binary else "varchar"
    elif column.type == FIELD_TYPE.BLOB:
        kind = "blob" if binary else "text"
    else:
        kind = _TYPE_NAMES.get(column.type, "unknown")
    precision, scale = getattr(column, "precision", None), getattr(column, "decimals", None)
    decimal = kind == "decimal" and precision is not None
    unsigned = bool(getattr(column, "unsigned", False))
    column_type = f"decimal({precision},{scale or 0})" if decimal else kind
    return Column(
        name=column.name, type=kind, column_type=column_type + (" unsigned" if unsigned else ""),
        unsigned=unsigned, precision=precision if decimal else None,
        scale=(scale or 0) if decimal else None, fsp=getattr(column, "fsp", None),
        members=tuple(getattr(column, "enum_values", None) or [""])[1:]
        or tuple(getattr(column, "set_values", None) or ()),
        nullable=getattr(column, "nullable", True),
    )


_TEXT_KINDS = {"char", "varchar", "text", "binary", "varbinary", "blob", "unknown"}


def _fits(known: Column | None, column: Any) -> Column | None:
    """The introspected column, if it is still the type the binlog wrote the row with (a MODIFY
    COLUMN since would describe the row by the later type): the same type, and where the binlog's
    metadata tells them, the same signedness, DECIMAL precision and scale, and fractional digits
    (an INT made UNSIGNED, a DECIMAL(10,4) made (6,1) keep their type name)."""
    if known is None:
        return None
    binlog = _binlog_column(column)
    if (known.name, known.nullable) != (binlog.name, binlog.nullable):
        # the name as the row was written (a later CHANGE may have changed its case), and whether it
        # could be NULL then (a later MODIFY may have changed that)
        known = replace(known, name=binlog.name, nullable=binlog.nullable)
    if binlog.type in _TEXT_KINDS:
        return known
    if binlog.type != known.type:
        return None
    decimal = binlog.type == "decimal" and binlog.precision is not None
    if binlog.unsigned == known.unsigned and not (
            decimal and (binlog.precision, binlog.scale) != (known.precision, known.scale)) and not (
            binlog.fsp is not None and known.fsp is not None and binlog.fsp != known.fsp):
        return known
    # the same type as written, what else the introspected column says (nullability, DEFAULT)
    return replace(known, column_type=binlog.column_type, unsigned=binlog.unsigned,
                   precision=binlog.precision if decimal else known.precision,
                   scale=binlog.scale if decimal else known.scale,
                   fsp=binlog.fsp if binlog.fsp is not None else known.fsp)


def _key(known: TableSchema | None, names: tuple[str, ...],
         binlog_pk: tuple[str, ...]) -> tuple[str, ...]:
    """The row key as of the event: the binlog's primary key wins over a later one; the
    introspected key supplies what the binlog lacks (index order, NOT NULL unique keys)."""
    if known is None or not set(known.key) <= set(names):
        return binlog_pk
    return known.key if not binlog_pk or set(known.key) == set(binlog_pk) else binlog_pk


class SchemaCache:
    """TableSchemas per (database, table), introspected on first use, forgotten on DDL."""

    def __init__(self, upstream: Endpoint) -> None:
        self._upstream = upstream
        self._conn: Any = None  # a MySQLdb connection, opened on first use
        self._introspected: dict[tuple[str, str], TableSchema | None] = {}
        self._fitted: dict[tuple[str, str, tuple[str, ...]], TableSchema] = {}

    def table(self, database: str, name: str, columns: Sequence[Any],
              primary_key: Sequence[str] = ()) -> TableSchema:
        """The schema of `database.name` fitted to a row event's binlog columns."""
        names = tuple(c.name for c in columns)
        fitted = self._fitted.get((database, name, names))
        if fitted is not None:
            return fitted
        known = self._introspect(database, name)
        key = _key(known, names, tuple(primary_key))
        by_name = {c.name.lower(): c for c in known.columns} if known is not None else {}
        cols = tuple(_fits(by_name.get(c.name.lower()), c) or _binlog_column(c) for c in columns)
        if known is not None and cols == known.columns and key == known.key:
            fitted = known
        else:
            fitted = TableSchema(database, name, cols, key)
            log.debug("schema fitted to binlog", table=f"{database}.{name}",
                      introspected=known is not None)
        self._fitted[(database, name, names)] = fitted
        return fitted

    def forget(self, database: str | None) -> None:
        """Drop what is cached for a database (all databases when None) after DDL there."""
        self._introspected = {k: v for k, v in self._introspected.items()
                              if database is not None and k[0] != database}
        self._fitted = {k: v for k, v in self._fitted.items()
                        if database is not None and k[0] != database}

    def close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(MySQLdb.Error):  # it may be gone already
                self._conn.close()
            self._conn = None

    def _introspect(self, database: str, name: str) -> TableSchema | None:
        key = (database, name)
        if key not in self._introspected:
            try:
                self._introspected[key] = self._ask(database, name)
            except UnknownTable:
                self._introspected[key] = None
        return self._introspected[key]

    def _ask(self, database: str, name: str) -> TableSchema:
        try:
            return introspect(self._connection(), database, name)
        except MySQLdb.OperationalError:  # the server dropped the kept connection: once more, afresh
            self.close()
            return introspect(self._connection(), database, name)

    def _connection(self) -> Any:
        if self._conn is None:
            up = self._upstream
            self._conn = MySQLdb.connect(host=up.host, port=up.port, user=up.user, password=up.password,
                                         charset="utf8mb4", autocommit=True)
        return self._conn
