"""How an injected fault bends one row change: a corrupted value, a wrong type, a missing column.

Each function returns a new RowChange (the input is never modified) or None when the change offers
nothing to bend (no column of the wanted family, or only NULLs there). Key columns are left alone:
a changed key would show as a missing row, not as the fault's own symptom.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sinkmatrix.model.changes import RowChange
from sinkmatrix.model.faults import in_family
from sinkmatrix.model.schema import Column, TableSchema

_INTEGERS = frozenset({"tinyint", "smallint", "mediumint", "int", "integer", "bigint"})


# family -> (which columns belong to it, how to bend a value of one)
FAMILIES: dict[str, tuple[Callable[[Column], bool], Callable[[Column, Any], Any]]] = {}


def _family(name: str) -> Callable[[Callable[[Column, Any], Any]], Callable[[Column, Any], Any]]:
    def register(bend: Callable[[Column, Any], Any]) -> Callable[[Column, Any], Any]:
        FAMILIES[name] = (lambda column: in_family(name, column), bend)  # membership: sinkmatrix.model.faults
        return bend
    return register


@_family("number")
def _bend_number(column: Column, value: Any) -> Any:
    return value ^ 1 if isinstance(value, int) else value + 1.0


@_family("decimal")
def _bend_decimal(column: Column, value: Decimal) -> Decimal:
    step = Decimal(1).scaleb(-(column.scale or 0))  # one unit in the last place the column keeps
    return value - step if value > 0 else value + step


@_family("string")
def _bend_string(column: Column, value: str) -> str:
    return value[:-1] + chr(ord(value[-1]) ^ 1) if value else "x"


@_family("binary")
def _bend_binary(column: Column, value: bytes) -> bytes:
    return value[:-1] + bytes([value[-1] ^ 1]) if value else b"\x00"


@_family("temporal")
def _bend_temporal(column: Column, value: Any) -> Any:
    if isinstance(value, datetime):
        return value + timedelta(seconds=1)
    if isinstance(value, date):
        return value + timedelta(days=1)
    if isinstance(value, timedelta):
        return value + timedelta(seconds=1)
    return value + 1  # YEAR


@_family("json")
def _bend_json(column: Column, value: str) -> str:
    doc = json.loads(value)
    if isinstance(doc, dict):
        doc["bent"] = not doc.get("bent", False)
    else:
        doc = [doc]
    return json.dumps(doc)


@_family("bit")
def _bend_bit(column: Column, value: int) -> int:
    return value ^ 1


@_family("unsigned")
def _bend_unsigned(column: Column, value: int) -> int:
    # the classic edge bug: the top bit read as a sign (18446744073709551615 -> 9223372036854775807)
    return value ^ (1 << ((column.bits or 64) - 1))


def _target(change: RowChange, wanted: Callable[[Column], bool]) -> Column | None:
    image = change.after
    if image is None:
        return None
    for column in change.table.columns:
        if column.name not in change.table.key and wanted(column) and image.get(column.name) is not None:
            return column
    return None


def corrupt(change: RowChange, family: str) -> tuple[RowChange, str] | None:
    """The change with one value of the family altered; and the column's name."""
    member, bend = FAMILIES[family]
    column = _target(change, member)
    if column is None:
        return None
    after = dict(change.after or {})
    after[column.name] = bend(column, after[column.name])
    return dataclasses.replace(change, after=after), column.name


def wrong_type(change: RowChange) -> tuple[RowChange, str] | None:
    """The change with an integer column declared and written as text: a type-mapping bug."""
    column = _target(change, lambda c: c.type in _INTEGERS)
    if column is None:
        return None
    text = dataclasses.replace(column, type="varchar", column_type="varchar(64)", unsigned=False,
                               precision=64, scale=None)
    table = _with_columns(change.table, [text if c.name == column.name else c
                                         for c in change.table.columns])

    def retype(image: dict[str, Any] | None) -> dict[str, Any] | None:
        if image is None:
            return None
        value = image.get(column.name)
        return {**image, column.name: None if value is None else str(value)}

    return RowChange(change.kind, table, retype(change.before), retype(change.after)), column.name


def omit_column(change: RowChange) -> tuple[RowChange, str] | None:
    """The change without its last non-key column, in its table and in its images."""
    candidates = [c for c in change.table.columns if c.name not in change.table.key]
    if not candidates:
        return None
    gone = candidates[-1].name
    table = _with_columns(change.table, [c for c in change.table.columns if c.name != gone])

    def cut(image: dict[str, Any] | None) -> dict[str, Any] | None:
        return None if image is None else {k: v for k, v in image.items() if k != gone}

    return RowChange(change.kind, table, cut(change.before), cut(change.after)), gone


def _with_columns(table: TableSchema, columns: list[Column]) -> TableSchema:
    return TableSchema(table.database, table.name, tuple(columns), table.key)
