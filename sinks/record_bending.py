"""What a consumer-side fault (sinks.consumer_faults) needs to know of a record, per wire format: is it
a row change, of which database and table, which row (for `reorder`), and how one of its values of
a type family is changed (`corrupt`) so that it still reads back — the check then shows a wrong
value — or so that a strict decoder must notice.

Formats by the sink adapter's name: "canal-json", "avro" (TiCDC's), "debezium-json",
"debezium-avro"; any other format is read only by its topic and its Kafka key.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sinkmatrix.model.faults import BAD_SCHEMA_ID, in_family
from sinkmatrix.model.schema import Column, TableSchema
from sinks.base import Record

AVRO_FORMATS = frozenset({"avro", "debezium-avro"})
_CANAL_ROWS = ("INSERT", "UPDATE", "DELETE")

# (database, table) -> the upstream table, or None
Lookup = Callable[[str, str], TableSchema | None]
# a Confluent schema id -> the writer schema, parsed for fastavro
SchemaOf = Callable[[int], Any]


@dataclass(frozen=True, slots=True)
class Peek:
    """A record as a fault sees it."""

    row: bool  # a row change (not a DDL, a watermark, a heartbeat, a Debezium tombstone)
    database: str | None
    identity: Any = None  # the row it changes (None: unknown, `reorder` passes it by)


def peek(record: Record, wire_format: str, database_of: Callable[[str], str | None]) -> Peek:
    """What the record is; `database_of(topic)`: the test database a topic belongs to."""
    if wire_format == "canal-json":
        doc = _json(record.value)
        if not isinstance(doc, dict) or doc.get("isDdl") or doc.get("type") not in _CANAL_ROWS:
            return Peek(False, None)
        data, keys = doc.get("data"), doc.get("pkNames") or []
        image = data[0] if isinstance(data, list) and data and isinstance(data[0], dict) else {}
        identity = (doc.get("database"), doc.get("table"), tuple(image.get(k) for k in keys)) \
            if keys else None
        return Peek(True, doc.get("database"), identity)
    parts = record.topic.split(".")
    if wire_format.startswith("debezium"):
        if len(parts) != 3 or record.value is None:  # schema changes, heartbeats; tombstones
            return Peek(False, None)
        return Peek(True, parts[1], (record.topic, record.key))
    # TiCDC's Avro writes a delete as the key with no value: a row change too
    return Peek(True, database_of(record.topic), (record.topic, record.key) if record.key else None)


def rewritten(kind: str, value: bytes | None, wire_format: str) -> bytes | None:
    """The value bytes `truncate`, `bad-magic` or `bad-schema-id` make of it; None: it has none to bend."""
    if value is None or len(value) < 5:
        return None
    if kind == "truncate":
        return value[: len(value) // 2]
    if wire_format not in AVRO_FORMATS:
        return None
    if kind == "bad-magic":
        return b"\x07" + value[1:]
    return value[:1] + BAD_SCHEMA_ID.to_bytes(4, "big") + value[5:]


def corrupted(record: Record, wire_format: str, family: str, at: Peek, lookup: Lookup,
              schema_of: SchemaOf | None) -> tuple[bytes, str] | None:
    """The value with one value of `family` changed, and the column's name; None: nothing to bend."""
    if record.value is None or at.database is None:
        return None
    if wire_format == "canal-json":
        doc = json.loads(record.value)
        data = doc.get("data")
        table = lookup(at.database, str(doc.get("table")))
        if table is None or not isinstance(data, list) or not data or not isinstance(data[0], dict):
            return None
        column = _bend_image(data[0], table, family, _text_value)
        if column is None:
            return None
        return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode(), column
    if wire_format == "debezium-json":
        envelope = json.loads(record.value)
        payload = envelope["payload"] if isinstance(envelope, dict) and "payload" in envelope else envelope
        after = payload.get("after") if isinstance(payload, dict) else None
        table = lookup(at.database, record.topic.split(".")[2])
        if table is None or not isinstance(after, dict):
            return None
        column = _bend_image(after, table, family, _debezium_json_value)
        return None if column is None else (json.dumps(envelope, separators=(",", ":")).encode(), column)
    if wire_format in AVRO_FORMATS and schema_of is not None:
        return _corrupted_avro(record, wire_format, family, at.database, lookup, schema_of)
    return None


def _corrupted_avro(record: Record, wire_format: str, family: str, database: str, lookup: Lookup,
                    schema_of: SchemaOf) -> tuple[bytes, str] | None:
    import fastavro

    value = record.value or b""
    if value[:1] != b"\x00":
        return None
    schema = schema_of(int.from_bytes(value[1:5], "big"))
    body: Any = fastavro.schemaless_reader(io.BytesIO(value[5:]), schema, None)
    if wire_format == "debezium-avro":
        image, name = body.get("after"), record.topic.split(".")[-1]
    else:  # TiCDC: the record is the row, named after its table
        image, name = body, str(schema.get("name", "")).rsplit(".", 1)[-1]
    table = lookup(database, name)
    if table is None or not isinstance(image, dict):
        return None
    column = _bend_image(image, table, family, _avro_value)
    if column is None:
        return None
    out = io.BytesIO()
    fastavro.schemaless_writer(out, schema, body)
    return value[:5] + out.getvalue(), column


def _bend_image(image: dict[str, Any], table: TableSchema, family: str,
                bend: Callable[[Column, Any], Any]) -> str | None:
    """Change, in place, the first value of `family` outside the key; the column's name, or None."""
    for column in table.columns:
        if column.name in table.key or image.get(column.name) is None or not in_family(family, column):
            continue
        image[column.name] = bend(column, image[column.name])
        return column.name
    return None


def bent_text(text: str, column: Column | None = None) -> str:
    """Text of the same shape with another value: a JSON document gains a member, else the last digit
    moves by one (numbers, dates, times and decimals stay valid), else the last character changes."""
    if column is not None and column.is_json:
        doc = json.loads(text)
        return json.dumps({**doc, "bent": True} if isinstance(doc, dict) else [doc])
    for i in range(len(text) - 1, -1, -1):
        if text[i].isdigit() and text[i].isascii():
            digit = int(text[i])
            return text[:i] + str(digit - 1 if digit else 1) + text[i + 1:]
    return text[:-1] + chr(ord(text[-1]) ^ 1) if text else "x"


def bent_plain(column: Column, value: Any) -> Any:
    """A value as a driver or a decoder gives it (int, float, Decimal, bytes, text, time), changed."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value ^ 1
    if isinstance(value, float):
        return value + 1.0
    if isinstance(value, Decimal):
        return value + Decimal(1).scaleb(int(value.as_tuple().exponent))
    if isinstance(value, bytes | bytearray):
        raw = bytearray(value) or bytearray(b"\x00")
        raw[-1] ^= 1
        return bytes(raw)
    if isinstance(value, dt.datetime):
        return value + dt.timedelta(seconds=1)
    if isinstance(value, dt.date):
        return value + dt.timedelta(days=1)
    if isinstance(value, dt.timedelta):
        return value + dt.timedelta(seconds=1)
    if isinstance(value, str):
        return bent_text(value, column)
    return value


def _text_value(column: Column, value: Any) -> Any:
    return bent_text(value, column) if isinstance(value, str) else bent_plain(column, value)


def _avro_value(column: Column, value: Any) -> Any:
    return bent_plain(column, value)


def _debezium_json_value(column: Column, value: Any) -> Any:
    """Bytes travel base64 in Debezium's JSON (binary, bit, precise decimals): change the bytes."""
    if isinstance(value, str) and column.type in ("binary", "varbinary", "tinyblob", "blob", "mediumblob",
                                                  "longblob", "bit", "decimal", "numeric"):
        try:
            raw = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raw = b""
        if raw:
            return base64.b64encode(bent_plain(column, raw)).decode()
    return bent_plain(column, value)


def _json(value: bytes | None) -> Any:
    try:
        return json.loads(value) if value else None
    except ValueError:
        return None
