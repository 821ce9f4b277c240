"""How Debezium names what it writes: the topic of a table, the Connect schema names derived from it,
and the Avro-safe spelling of a field or schema name under `*.name.adjustment.mode=avro`.

Sources (debezium/debezium, v3.6.1.Final; checked against Debezium 3.6.3 here):
- topics: `DefaultTopicNamingStrategy.dataChangeTopic` joins `topic.prefix`, the database and the
  table with "."; `AbstractTopicNamingStrategy.sanitizedTopicName` replaces every character outside
  `[a-zA-Z0-9._-]` with "_" and cuts the name at 249 characters (a table `中文` has the topic
  `<prefix>.<db>.__`, while `source.table` keeps `中文`);
- schema names: `TableSchemaBuilder.create` names the key and value structs after the (sanitized)
  topic, `<topic>.Key` / `<topic>.Value`, and the envelope `<topic>.Envelope`, each passed through
  the schema-name adjuster (none by default; avro: `SchemaNameAdjuster.validFullname`);
- field names: `FieldNameSelector` passes each column name through the field-name adjuster
  (avro: `FieldNameUnderscoreReplacementFunction`: first character `[a-zA-Z_]`, then `[a-zA-Z0-9_]`,
  others "_", a leading digit kept after an added "_": `1x` -> `_1x`, `p:k` -> `p_k`; avro_unicode:
  `FieldNameUnicodeReplacementFunction`: first character `[a-zA-Z]`, then `[a-zA-Z0-9]`, every other
  UTF-16 unit `_u` + its hex (`UnicodeReplacementFunction.replace`: lower case, "00" put before one or
  two digits), so `名称` -> `_u540d_u79f0`, `p_k` -> `p_u005fk`: no two names meet, where `avro` makes
  `名称` and `城市` both `__` and the connector stops on the duplicate field).
"""

from __future__ import annotations

import re

_MAX_TOPIC = 249  # Kafka's limit on a topic name's length (AbstractTopicNamingStrategy.MAX_NAME_LENGTH)


def _topic_char(c: str) -> bool:
    return c in "._-" or ("a" <= c <= "z") or ("A" <= c <= "Z") or ("0" <= c <= "9")


def sanitized_topic(name: str) -> str:
    """A topic name as Debezium sanitizes it."""
    clean = "".join(c if _topic_char(c) else "_" for c in name)
    if len(clean) > _MAX_TOPIC:
        return clean[:_MAX_TOPIC]
    return {".": "_", "..": "__"}.get(clean, clean)


def data_topic(prefix: str, database: str, table: str) -> str:
    """The topic Debezium writes a table's change events to."""
    return sanitized_topic(".".join(p for p in (prefix, database, table) if p.strip()))


def _letter(c: str) -> bool:
    return ("a" <= c <= "z") or ("A" <= c <= "Z") or c == "_"


def _adjusted(name: str, rest_ok: str) -> str:
    if not name:
        return name
    first = name[0]
    head = first if _letter(first) else "_" + (first if first.isdigit() and first.isascii() else "")
    tail = "".join(c if _letter(c) or ("0" <= c <= "9") or c in rest_ok else "_" for c in name[1:])
    return head + tail


def avro_field_name(name: str) -> str:
    """A column's field name under field.name.adjustment.mode=avro."""
    return _adjusted(name, "")


def _unicode(unit: int) -> str:
    digits = f"{unit:x}"
    return "_u" + ("00" + digits if len(digits) <= 2 else digits)


def avro_unicode_field_name(name: str) -> str:
    """A column's field name under field.name.adjustment.mode=avro_unicode."""
    raw = name.encode("utf-16-be")  # Java's chars
    out = []
    for at in range(0, len(raw), 2):
        unit = int.from_bytes(raw[at:at + 2], "big")
        c = chr(unit) if unit < 0x80 else ""
        out.append(c if c.isalpha() or (at and c.isdigit()) else _unicode(unit))
    return "".join(out)


_ESCAPED = re.compile(r"_u([0-9a-f]{3,4})")


def avro_unicode_column(field: str) -> str:
    """The column name a field name under avro_unicode stands for (every `_` it holds starts an escape,
    so the name spells back exactly; `_u001` is a 0x01 escaped)."""
    units = b"".join(int(m.group(1) if m else c.encode().hex(), 16).to_bytes(2, "big")
                     for c, m in _units(field))
    return units.decode("utf-16-be", errors="surrogatepass")


def _units(field: str) -> list[tuple[str, re.Match[str] | None]]:
    out: list[tuple[str, re.Match[str] | None]] = []
    at = 0
    while at < len(field):
        m = _ESCAPED.match(field, at)
        if m is not None and (len(m.group(1)) == 4 or int(m.group(1), 16) < 0x10):
            out.append(("", m))
            at = m.end()
        else:
            out.append((field[at], None))
            at += 1
    return out


FIELD_NAMERS = {"none": lambda name: name, "avro": avro_field_name, "avro_unicode": avro_unicode_field_name}


def avro_schema_name(name: str) -> str:
    """A Connect schema name under schema.name.adjustment.mode=avro (dots separate a namespace)."""
    return _adjusted(name, ".")


class Naming:
    """The names one connector configuration gives: topics, schema names and field names
    (`fields`: field.name.adjustment.mode, none, avro or avro_unicode)."""

    def __init__(self, prefix: str, *, fields: str = "none", avro_schemas: bool = False) -> None:
        self.prefix, self.fields, self.avro_schemas = prefix, fields, avro_schemas
        self._field = FIELD_NAMERS[fields]

    @property
    def adjusts_fields(self) -> bool:
        return self.fields != "none"

    def column(self, field: str) -> str:
        """The column name a field name most likely stands for: avro_unicode's escapes spelled back
        (ambiguous only where a 3-digit escape, U+0100-U+0FFF, meets a hex digit after it); avro's "_"
        may have been anything, and stays."""
        return avro_unicode_column(field) if self.fields == "avro_unicode" else field

    def topic(self, database: str, table: str) -> str:
        return data_topic(self.prefix, database, table)

    def field(self, column: str) -> str:
        return self._field(column)

    def schema(self, database: str, table: str, part: str) -> str:
        """`part`: Key, Value or Envelope."""
        name = f"{self.topic(database, table)}.{part}"
        return avro_schema_name(name) if self.avro_schemas else name
