"""Debezium's schema-change events: how `tableChanges` describe a table, and how each column's
description must read for the upstream column it describes.

An event (include.schema.changes=true, on the topic named by topic.prefix; key `{databaseName}`)
carries `ddl` (the statement as the binlog has it; Debezium writes `DROP TABLE` itself, one per
table), `databaseName`, `source` (the binlog position) and `tableChanges`: one per table the
statement touched, `{type: CREATE|ALTER|DROP, id: "db"."table", table}`, `table` holding
`primaryKeyColumnNames` (the model's key, sinkmatrix.formats.debezium_keys) and `columns`, each with its
`typeName` as the statement spelled the type (BOOLEAN stays BOOLEAN, INTEGER is INTEGER), `length`
and `scale` where the statement gave them, `optional`, `enumValues` (quoted) and
`defaultValueExpression`. A RENAME is an ALTER of the new name; a TRUNCATE has no event.

Sources: debezium/debezium v3.6.1.Final `io.debezium.relational.history.JsonTableChangeSerializer`
(the fields), `io.debezium.connector.binlog.BinlogDatabaseSchema` (one change per table),
`io.debezium.connector.mysql.antlr.listener.*` (what the parser records); the field values checked
against Debezium 3.6.3's events here (tests/vectors/debezium-3.6).
"""

from __future__ import annotations

from typing import Any

from sinkmatrix.model.schema import Column

EVENT_FIELDS = ("source", "ts_ms", "databaseName", "schemaName", "ddl", "tableChanges")
CHANGE_TYPES = ("CREATE", "ALTER", "DROP")
TABLE_FIELDS = ("defaultCharsetName", "primaryKeyColumnNames", "columns", "comment")
COLUMN_FIELDS = ("name", "jdbcType", "nativeType", "typeName", "typeExpression", "charsetName", "length",
                 "scale", "position", "optional", "autoIncremented", "generated", "comment",
                 "defaultValueExpression", "enumValues")

# the parser keeps the statement's spelling; information_schema has one name per type
_SYNONYMS = {
    "INTEGER": "INT", "INT4": "INT", "INT1": "TINYINT", "INT2": "SMALLINT", "INT3": "MEDIUMINT",
    "MIDDLEINT": "MEDIUMINT", "INT8": "BIGINT", "DEC": "DECIMAL", "NUMERIC": "DECIMAL", "FIXED": "DECIMAL",
    "REAL": "DOUBLE", "DOUBLE PRECISION": "DOUBLE", "FLOAT4": "FLOAT", "FLOAT8": "DOUBLE",
    "CHARACTER": "CHAR", "NCHAR": "CHAR", "NATIONAL CHAR": "CHAR", "CHARACTER VARYING": "VARCHAR",
    "NVARCHAR": "VARCHAR", "NATIONAL VARCHAR": "VARCHAR", "LONG VARCHAR": "MEDIUMTEXT", "LONG": "MEDIUMTEXT",
    "LONG VARBINARY": "MEDIUMBLOB", "SERIAL": "BIGINT",
}
_BOOLEAN = ("BOOL", "BOOLEAN")
_SIZED = ("CHAR", "VARCHAR", "BINARY", "VARBINARY", "BIT")
_TEMPORAL = ("TIME", "DATETIME", "TIMESTAMP")


def base_type(type_name: str) -> tuple[str, bool]:
    """(the type's name as information_schema's DATA_TYPE spells it, upper case; unsigned)."""
    words = type_name.upper().split()
    unsigned = "UNSIGNED" in words or "SERIAL" in words
    name = " ".join(w for w in words if w not in ("UNSIGNED", "SIGNED", "ZEROFILL"))
    return _SYNONYMS.get(name, name), unsigned


def is_boolean(description: dict[str, Any]) -> bool:
    """Whether Debezium types the column as Connect BOOLEAN (a BOOL/BOOLEAN column: jdbcType 16)."""
    return base_type(str(description.get("typeName") or ""))[0] in _BOOLEAN


def _spelled(description: dict[str, Any]) -> str:
    words = str(description.get("typeName") or "").upper().split()
    return " ".join(w for w in words if w not in ("UNSIGNED", "SIGNED", "ZEROFILL"))


def is_real(description: dict[str, Any]) -> bool:
    """Whether the statement declared the column REAL, which Debezium types FLOAT32 (Types.REAL:
    debezium-connector-mysql MySqlAntlrDdlParser's data types; JdbcValueConverters.schemaBuilder)
    though the server stores a DOUBLE."""
    return _spelled(description) == "REAL"


def connect_float(description: dict[str, Any]) -> str | None:
    """The Connect type ("float" or "double") Debezium gives a floating-point column as the statement
    declared it, None for another type: REAL is FLOAT32; FLOAT without a scale and of at most 24 bits
    of precision FLOAT32 (BinlogValueConverters.schemaBuilder), a FLOAT(p) with p > 24 or FLOAT(M,D)
    FLOAT64 (Types.FLOAT); DOUBLE FLOAT64."""
    spelled = _spelled(description)
    if spelled == "REAL":
        return "float"
    if spelled == "FLOAT":
        length = description.get("length")
        small = description.get("scale") is None and (not isinstance(length, int) or length <= 24)
        return "float" if small else "double"
    return "double" if base_type(spelled)[0] == "DOUBLE" else None


def mismatches(description: dict[str, Any], column: Column) -> list[tuple[str, str]]:
    """(attribute, why) for each way a column's description disagrees with the upstream column."""
    found: list[tuple[str, str]] = []
    name, unsigned = base_type(str(description.get("typeName") or ""))
    upstream = "JSON" if column.is_json else column.type.upper()
    length, scale = description.get("length"), description.get("scale")
    tiny_one = column.type == "tinyint" and column.column_type.lower().startswith("tinyint(1)")
    if name in _BOOLEAN:
        same = tiny_one
    elif name == "FLOAT" and upstream == "DOUBLE":
        same = isinstance(length, int) and length > 24  # FLOAT(p), p > 24, is a DOUBLE
    else:
        same = name == upstream
    if not same:
        found.append(("typeName", f"{description.get('typeName')!r}, but the upstream column is "
                                  f"{column.column_type}"))
        return found
    if name not in _BOOLEAN and unsigned != column.unsigned:
        found.append(("typeName", f"{description.get('typeName')!r}: the upstream column is "
                                  f"{column.column_type}"))
    if length is not None:
        wanted = _length(name, column)
        if wanted is not None and length != wanted:
            found.append(("length", f"{length}, but the upstream column is {column.column_type}"))
    if scale is not None and name == "DECIMAL" and scale != (column.scale or 0):
        found.append(("scale", f"{scale}, but the upstream column is {column.column_type}"))
    if name in ("ENUM", "SET"):
        values = [_unquote(v) for v in description.get("enumValues") or ()]
        if values != list(column.members):
            found.append(("enumValues", f"{values}, but the upstream column is {column.column_type}"))
    optional = description.get("optional")
    if optional is not column.nullable:
        found.append(("optional", f"{optional}, but the upstream column is "
                                  f"{'NULL' if column.nullable else 'NOT NULL'}"))
    return found


def _length(name: str, column: Column) -> int | None:
    if name in _SIZED or name == "DECIMAL":
        return column.precision
    if name in _TEMPORAL:
        return column.fsp
    if name == "TINYINT" and column.column_type.lower().startswith("tinyint(1)"):
        return 1
    return None  # integers' display widths, text and blob sizes: not compared


# MySQL's escape sequences in a string literal ("String Literals", MySQL 8.0 reference 11.1.1); `\\%`
# and `\\_` keep their backslash, any other escaped character stands for itself
_ESCAPES = {"0": "\0", "'": "'", '"': '"', "b": "\b", "n": "\n", "r": "\r", "t": "\t", "Z": "\x1a",
            "\\": "\\", "%": "\\%", "_": "\\_"}


def _unquote(value: Any) -> str:
    """An ENUM/SET member as the statement's literal stands for it. Debezium's `enumValues` keep each
    member's literal as the statement wrote it, quotes and escapes included (`'c,\\'d'`)."""
    text = str(value)
    if len(text) < 2 or text[0] != text[-1] or text[0] not in "'\"":
        return text
    quote, body, out, i = text[0], text[1:-1], [], 0
    while i < len(body):
        c = body[i]
        if c == "\\" and i + 1 < len(body):
            out.append(_ESCAPES.get(body[i + 1], body[i + 1]))
            i += 2
        elif c == quote and body[i + 1 : i + 2] == quote:
            out.append(quote)
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def table_id(text: str) -> tuple[str, str] | None:
    """(database, table) of a tableChanges id `"db"."table"`."""
    if not text.startswith('"') or '"."' not in text or not text.endswith('"'):
        return None
    database, _, table = text[1:-1].partition('"."')
    return database, table
