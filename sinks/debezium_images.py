"""The row images of a Debezium change event: each column's Connect schema, as the event declares it,
judged against what Debezium gives the upstream column under the connector's handling modes
(sinkmatrix.formats.debezium.field_schemas), and each value read back as the column's value. Shared work is
remembered: a table's records hand out one schema object, judged once per table version."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sinkmatrix.formats import debezium as dbz
from sinkmatrix.model.schema import Column, TableSchema
from sinks.canal_frame import Check, describe


class Images:
    """Reads images under one set of handling modes (a decoder's; its memory is the decoder's)."""

    def __init__(self, modes: dbz.Modes) -> None:
        self.modes = modes
        self._readers: dict[tuple[int, str, dbz.FieldSchema], Callable[[Any], Any]] = {}
        self._judged_schemas: dict[tuple[int, int, tuple[str, ...]], tuple[Any, TableSchema, Any]] = {}

    def column_schemas(
        self, schema: dict[str, Any] | None, table: TableSchema, names: list[str],
        real: Callable[[str], str] | None, check: Check,
    ) -> dict[str, tuple[dbz.FieldSchema, ...]]:
        """`_field_schemas`, remembered for a schema object the parser hands out again (a table's
        records share one) with a table version and column list that gave no finding."""
        slot = (id(schema), id(table), tuple(names))
        known = self._judged_schemas.get(slot)
        if known is not None and known[0] is schema and known[1] is table:
            return known[2]
        before = len(check.findings)
        found = self._field_schemas(schema, table, names, real, check)
        if len(check.findings) == before:
            if len(self._judged_schemas) >= 256:
                self._judged_schemas.clear()
            self._judged_schemas[slot] = (schema, table, found)  # (holds both: their ids stay theirs)
        return found

    def _field_schemas(
        self, schema: dict[str, Any] | None, table: TableSchema, names: list[str],
        real: Callable[[str], str] | None, check: Check,
    ) -> dict[str, tuple[dbz.FieldSchema, ...]]:
        """Each column's schemas: the one the event declares (checked against what Debezium gives
        that column), or for schemaless JSON every one Debezium may give it (the value chooses)."""
        found: dict[str, tuple[dbz.FieldSchema, ...]] = {}
        declared = renamed(_image_fields(schema, check), real) if schema is not None else None
        for column in table.columns:
            allowed = dbz.field_schemas(column, self.modes)
            if not allowed:
                check(
                    "type-mismatch",
                    f"after.{column.name}",
                    f"a {column.column_type} column: not a type "
                    "this adapter knows Debezium's mapping of (unsupported type)",
                )
                continue
            if column.name not in names:
                check("missing-field", f"after.{column.name}", "a column of the upstream table")
                continue
            if declared is None:
                found[column.name] = allowed
                continue
            mine = declared.get(column.name)
            if mine is None:
                check("missing-field", f"schema.after.{column.name}", "the event's schema lacks the column")
            elif mine not in allowed:
                check(
                    "type-mismatch",
                    f"schema.after.{column.name}",
                    f"{mine.describe()}, but Debezium "
                    f"gives {column.column_type} {' or '.join(a.describe() for a in allowed)} under "
                    f"{self.modes}",
                )
            else:
                found[column.name] = (mine,)
        for name in names:
            if name not in table.by_name:
                check("extra-field", f"after.{name}", "the upstream table has no such column")
        return found

    def image(
        self,
        table: TableSchema,
        image: dict[str, Any],
        schemas: dict[str, tuple[dbz.FieldSchema, ...]],
        name: str,
        used: dict[str, dbz.FieldSchema],
        check: Check,
    ) -> dict[str, Any] | None:
        row: dict[str, Any] = {}
        for column in table.columns:
            choices = schemas.get(column.name)
            if choices is None or column.name not in image:
                return None
            raw = image[column.name]
            if raw is None:
                if not column.nullable:
                    check("bad-value", f"{name}.{column.name}", "null in a NOT NULL column")
                row[column.name] = None
                continue
            schema = next((c for c in choices if dbz.json_type_fits(c, raw)), None)
            if schema is None:
                check(
                    "wrong-type",
                    f"{name}.{column.name}",
                    f"{describe(raw)}, but its schema is {' or '.join(c.describe() for c in choices)}",
                )
                return None
            used[column.name] = schema
            try:
                row[column.name] = self.reader(column, schema)(raw)
            except (dbz.BadValue, ValueError, OverflowError) as exc:
                check("bad-value", f"{name}.{column.name}", str(exc))
                return None
        return row

    def reader(self, column: Column, schema: dbz.FieldSchema) -> Callable[[Any], Any]:
        slot = (id(column), column.name, schema)
        found = self._readers.get(slot)
        if found is None:
            found = self._readers[slot] = dbz.reader(column, schema, self.modes)
        return found


def _image_fields(schema: dict[str, Any], check: Check) -> dict[str, dbz.FieldSchema] | None:
    """The columns' schemas in a value schema (the `after` struct's fields)."""
    for field in schema.get("fields", []):
        if type(field) is dict and field.get("field") == "after" and type(field.get("fields")) is list:
            return {
                f["field"]: _field_schema(f) for f in field["fields"] if isinstance(f, dict) and "field" in f
            }
    check("bad-shape", "schema", "the value schema has no `after` struct")
    return None


def _field_schema(field: dict[str, Any]) -> dbz.FieldSchema:
    params = field.get("parameters") or {}
    return dbz.FieldSchema(
        str(field.get("type")), field.get("name"), tuple(sorted((str(k), str(v)) for k, v in params.items()))
    )


def renamed(image: Any, real: Callable[[str], str] | None) -> Any:
    """An image (or a schema's fields) with Debezium's adjusted field names as the column names."""
    if real is None or type(image) is not dict:
        return image
    return {real(name): value for name, value in image.items()}
