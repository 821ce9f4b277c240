"""User values into driver parameters, and server rejections into errors naming the column."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from dsl.errors import BadValue, DslError, UnknownColumn
from sinkmatrix.model.schema import Column, TableSchema

_JSONABLE = (dict, list, bool, int, float, Decimal)
# Server errors about a value; the column name appears in the message in one of these shapes.
VALUE_ERRORS = {1048, 1264, 1265, 1292, 1366, 1367, 1406, 1411, 3140, 4025, 1690}
_COLUMN_IN_MESSAGE = (
    re.compile(r"for column [`']?(?:[^`']+[`']\.[`'])*([^`']+)[`']? at row (\d+)"),
    re.compile(r"Column '([^']+)' cannot be null"),
    re.compile(r"CONSTRAINT `(?:[^`]+\.)?([^`]+)` failed"),
    re.compile(r"column '([^']+)'"),
)
_ROW_IN_MESSAGE = re.compile(r"at row (\d+)")


def adapt(column: Column, value: Any) -> Any:
    """A Python value as the driver should send it for this column."""
    if value is None:
        return None
    if column.is_json and isinstance(value, _JSONABLE):
        return json.dumps(value, default=str)
    if column.type == "set" and isinstance(value, set | frozenset | list | tuple):
        return ",".join(m for m in column.members if m in value) if set(value) <= set(column.members) \
            else ",".join(map(str, value))
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        # sessions run in UTC; an aware value means that instant
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def check_columns(schema: TableSchema, names: Sequence[str], what: str) -> None:
    unknown = [n for n in names if n not in schema.by_name]
    if unknown:
        raise UnknownColumn(schema.name, unknown[0], [c.name for c in schema.columns])


def needs_adapting(column: Column) -> bool:
    """Whether `adapt` may change a value of this column (most columns pass values through)."""
    return column.is_json or column.type in ("set", "datetime", "timestamp")


def row_values(schema: TableSchema, row: Mapping[str, Any], what: str) -> dict[str, Any]:
    if not isinstance(row, Mapping):
        raise DslError(f"{what} takes a dict of column -> value, got {type(row).__name__}")
    if not row:
        raise DslError(f"{what} got an empty row; give at least the key columns")
    check_columns(schema, list(row), what)
    return {name: adapt(schema.by_name[name], value) for name, value in row.items()}


def adapter_for(schema: TableSchema, columns: Sequence[str]) -> Callable[[Mapping[str, Any]], dict[str, Any]]:
    """A fast row adapter for rows with exactly these (already validated) columns."""
    special = [(c, schema.by_name[c]) for c in columns if needs_adapting(schema.by_name[c])]
    if not special:
        return dict
    def adapted(row: Mapping[str, Any]) -> dict[str, Any]:
        values = dict(row)
        for name, column in special:
            values[name] = adapt(column, values[name])
        return values
    return adapted


def server_error(schema: TableSchema, exc: Exception, rows: Sequence[Mapping[str, Any]],
                 what: str) -> Exception:
    """Turn a driver error into a DSL error naming the column, or return it unchanged."""
    args: tuple[Any, ...] = tuple(getattr(exc, "args", ()))
    code = args[0] if args and isinstance(args[0], int) else None
    message = str(args[1]) if len(args) > 1 else str(exc)
    if code == 1062:
        return DslError(f"{what} on {schema.name!r}: {message}; the key already exists upstream — "
                        "use upsert() or update() to change an existing row")
    if code == 1054:
        match = re.search(r"Unknown column '([^']+)'", message)
        return UnknownColumn(schema.name, match.group(1) if match else "?", [c.name for c in schema.columns])
    if code not in VALUE_ERRORS:
        return exc
    column = "?"
    for pattern in _COLUMN_IN_MESSAGE:
        match = pattern.search(message)
        if match:
            column = match.group(1)
            break
    row_match = _ROW_IN_MESSAGE.search(message)
    index = int(row_match.group(1)) - 1 if row_match else 0
    row = rows[index] if 0 <= index < len(rows) else (rows[0] if rows else {})
    return BadValue(schema.name, column, row.get(column, "?"), f"{message} (server error {code})")
