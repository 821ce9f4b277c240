"""A Debezium row change held against what Debezium said of its table at the change's binlog clock
(sinks.debezium_history), once every schema change before it is known (sinks.clock_order): the
message key is the key Debezium's DDL parser chose for that version of the table (formats.
debezium_keys: the primary key; else the first inline UNIQUE column, nullable or not; kept after
DROP INDEX `PRIMARY`, cleared by DROP PRIMARY KEY), its values are the row's, a BOOL/BOOLEAN
column travels as Connect BOOLEAN (a TINYINT(1) column as int16) and a column declared REAL as
FLOAT32 (a DOUBLE as FLOAT64): information_schema cannot tell these spellings apart, the
schema-change event can.

Where no schema-change event described the table (a producer without them: TiCDC's Debezium
protocol keys by the upstream's handle key), the upstream table's key stands in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sinkmatrix.formats import debezium as dbz
from sinkmatrix.formats import debezium_tables as tables
from sinkmatrix.formats.debezium_names import Naming
from sinkmatrix.model.schema import TableSchema
from sinks.canal_frame import Check
from sinks.debezium_history import TableVersion

# reads a column's value with a Connect schema
Reader = Callable[[Any, dbz.FieldSchema], Callable[[Any], Any]]


@dataclass(frozen=True)
class Row:
    """What a settled check needs of a decoded row change."""

    database: str
    table: TableSchema
    image: dict[str, Any]  # the row's values (after, or before for a delete)
    used: dict[str, dbz.FieldSchema]  # each column's schema as the value carried it
    key: dict[str, Any] | None  # the message key (field name -> value), None for a null key
    key_schema: dict[str, Any] | None
    schemaless: bool


def settle_row(row: Row, version: TableVersion | None, fallback_key: tuple[str, ...] | None, naming: Naming,
               read: Reader, check: Check) -> None:
    """Findings (into `check`) where the row disagrees with Debezium's own description of its table."""
    expected = version.key if version is not None else fallback_key
    if version is not None:
        _booleans(row, version, naming, check)
    if not row.schemaless:  # (a JSON number without its schema is either)
        _floats(row, version, naming, check)
    if expected is None:
        _key_values(row, naming, read, check)
        return
    table = row.table
    if not expected:
        if row.key is not None:
            check("bad-shape", "key", f"has {list(row.key)}; Debezium keys {table.qualified} by no "
                  "column (its DDL parser found neither a primary key nor a unique key it takes): the key "
                  "is null")
        return
    if row.key is None:
        check("missing-key", "key", f"Debezium keys every change of {table.qualified} by {list(expected)}")
        return
    fields = [naming.field(k) for k in expected]
    if list(row.key) != fields:
        check("bad-shape", "key", f"has {list(row.key)}; Debezium's key for {table.qualified} is "
              f"{fields} (sinkmatrix.formats.debezium_keys)")
        return
    if row.key_schema is not None:
        declared = [f.get("field") for f in row.key_schema.get("fields", [])]
        if declared != fields or row.key_schema.get("optional") is not False:
            check("bad-shape", "key.schema",
                  f"fields {declared}; expected the non-optional struct of {fields}")
        wanted = naming.schema(row.database, table.name, "Key")
        if row.key_schema.get("name") != wanted:
            check("bad-naming", "key.schema.name", f"{row.key_schema.get('name')!r}, expected {wanted!r}")
    _key_values(row, naming, read, check)


def _key_values(row: Row, naming: Naming, read: Reader, check: Check) -> None:
    """Each key field's value is the row's value of its column."""
    if row.key is None:
        return
    by_field = _shape(row.table, naming).by_field
    for field, raw in row.key.items():
        column = by_field.get(field.lower())
        if column is None:
            check("extra-field", f"key.{field}", f"{row.table.qualified} has no such column")
            continue
        schema = row.used.get(column.name)
        if raw is None:
            value: Any = None
        elif schema is None or not dbz.json_type_fits(schema, raw):
            value = object()
        else:
            try:
                value = read(column, schema)(raw)
            except (dbz.BadValue, ValueError, KeyError):
                value = object()
        if value != row.image.get(column.name):
            check("key-value-disagree", f"key.{field}",
                  f"{raw!r} is not the row's {row.image.get(column.name)!r}")


def _booleans(row: Row, version: TableVersion, naming: Naming, check: Check) -> None:
    """BOOL/BOOLEAN columns are Connect BOOLEAN; TINYINT(1) columns int16 (BIT(1) is boolean whatever
    its spelling)."""
    for column in _shape(row.table, naming).tinyints:
        described = version.columns.get(column.name)
        used = row.used.get(column.name)
        if described is None or used is None or used.type not in ("boolean", "int16"):
            continue
        wanted = "boolean" if tables.is_boolean(described) else "int16"
        if used.type != wanted:
            where = f"after.{column.name}" if row.schemaless else f"schema.after.{column.name}"
            check("type-mismatch", where, f"{used.type}, but Debezium described the column as "
                  f"{described.get('typeName')} (a BOOL/BOOLEAN column is Connect boolean, TINYINT(1) int16)")


_FLOATS = ("float", "double", "real")


@dataclass(frozen=True)
class _Shape:
    """What the settling checks look up in a table version, worked out once per version and naming."""

    table: TableSchema  # (held: the cache is keyed by its id)
    by_field: dict[str, Any]  # a key field's name, lower case -> its column (names: any case)
    floats: tuple[Any, ...]  # the floating-point columns
    tinyints: tuple[Any, ...]  # the TINYINT columns (BOOL/BOOLEAN or TINYINT(1) by the statement)


_SHAPES: dict[tuple[int, str], _Shape] = {}


def _shape(table: TableSchema, naming: Naming) -> _Shape:
    slot = (id(table), naming.fields)
    found = _SHAPES.get(slot)
    if found is None or found.table is not table:
        if len(_SHAPES) >= 512:
            _SHAPES.clear()
        found = _SHAPES[slot] = _Shape(table, {naming.field(c.name).lower(): c for c in table.columns},
                                       tuple(c for c in table.columns if c.type in _FLOATS),
                                       tuple(c for c in table.columns if c.type == "tinyint"))
    return found


def _floats(row: Row, version: TableVersion | None, naming: Naming, check: Check) -> None:
    """A floating-point column is Connect FLOAT32 or FLOAT64 as the statement that made the version of
    the table the row was written under declared it (sinkmatrix.formats.debezium_tables.connect_float: REAL
    and a
    small FLOAT are FLOAT32), which information_schema cannot tell (REAL is a DOUBLE there)."""
    for column in _shape(row.table, naming).floats:
        used = row.used.get(column.name)
        if used is None or used.type not in ("float", "double"):
            continue
        described = version.columns.get(column.name) if version is not None else None
        if described is None:
            wanted = None if column.type == "float" else "double"  # (FLOAT(p): either, by p)
        else:
            wanted = tables.connect_float(described)
        if wanted is not None and used.type != wanted:
            spelled = described.get("typeName") if described is not None else column.column_type
            check("type-mismatch", f"schema.after.{column.name}", f"{used.type}, but Debezium types a "
                  f"column declared {spelled} {wanted} (REAL and FLOAT(p <= 24) are FLOAT32)")
