"""Debezium's events through Confluent's AvroConverter: the wire frame (magic byte 0, the big-endian
schema id, Avro binary), the writer schema from the registry, and its Avro types read back as the
Kafka Connect schemas they were made from (AvroData: `connect.type`, `connect.name`,
`connect.parameters`, optional fields as unions with null), so the checks are those of the JSON form.
"""

from __future__ import annotations

import io
import json
import struct
import threading
from collections.abc import Callable
from typing import Any

import fastavro

from sinks.canal_frame import Check
from sinks.debezium_decode import Parser, parser_of

_HEADER = struct.Struct(">bI")
_PRIMITIVE = {"int": "int32", "long": "int64", "float": "float", "double": "double", "boolean": "boolean",
              "string": "string", "bytes": "bytes"}


class WriterSchemas:
    """Writer schemas by id, each fetched once (shared by a view's decoders). `fetch(id)` gives a
    schema's text: from the registry by default, from a vector file in tests."""

    def __init__(self, fetch: Callable[[int], str]) -> None:
        self._fetch = fetch
        self._lock = threading.Lock()
        self._parsed: dict[int, tuple[Any, dict[str, Any]]] = {}

    @classmethod
    def of_registry(cls, registry_url: str) -> WriterSchemas:
        from confluent_kafka.schema_registry import SchemaRegistryClient  # an HTTP stack: loaded on use

        client = SchemaRegistryClient({"url": registry_url})
        return cls(lambda schema_id: client.get_schema(schema_id).schema_str or "null")

    def get(self, schema_id: int) -> tuple[Any, dict[str, Any]]:
        """The parsed writer schema, and the Kafka Connect schema it was made from."""
        with self._lock:
            found = self._parsed.get(schema_id)
        if found is None:
            raw = json.loads(self._fetch(schema_id))
            found = (fastavro.parse_schema(raw), connect_schema(raw))  # both once per schema id
            with self._lock:
                self._parsed[schema_id] = found
        return found


def avro_parser(schemas: WriterSchemas) -> Parser:

    def read(name: str, raw: bytes, check: Check) -> tuple[Any, dict[str, Any] | None] | None:
        if len(raw) < _HEADER.size:
            check("malformed", name, f"{len(raw)} bytes: shorter than the Confluent wire header")
            return None
        magic, schema_id = _HEADER.unpack_from(raw)
        if magic != 0:
            check("bad-magic", name, f"magic byte {magic}; Confluent's wire format starts with 0")
            return None
        try:
            parsed, connect = schemas.get(schema_id)
        except Exception as exc:  # the registry answers with an error for an unknown id
            check("unknown-schema-id", name, f"schema id {schema_id}: the registry has none ({exc})")
            return None
        body = io.BytesIO(raw[_HEADER.size:])
        try:
            value = fastavro.schemaless_reader(body, parsed, None)
        except Exception as exc:
            check("malformed", name, f"not Avro of schema {schema_id}: {type(exc).__name__}: {exc}")
            return None
        if body.tell() != len(raw) - _HEADER.size:
            left = len(raw) - _HEADER.size - body.tell()
            check("malformed", name, f"{left} bytes left after the record")
            return None
        return value, connect

    return parser_of(read)


def connect_schema(avro: Any, field: str | None = None,
                   named: dict[str, Any] | None = None) -> dict[str, Any]:
    """The Kafka Connect schema an Avro schema was made from (as the JSON converter would write it).
    A record met once is referred to by its full name after that (`after` names `before`'s Value)."""
    named = {} if named is None else named
    optional = False
    if isinstance(avro, list):  # ["null", T]: an optional T
        branches = [b for b in avro if b != "null"]
        optional = len(branches) < len(avro)
        avro = branches[0] if len(branches) == 1 else branches
    if isinstance(avro, str):
        avro = named.get(avro, {"type": avro})
    out: dict[str, Any] = {"optional": optional}
    if field is not None:
        out["field"] = field
    kind = avro.get("type")
    if kind == "record":
        full = ".".join(filter(None, (avro.get("namespace"), avro["name"])))
        named[full] = avro
        out["type"] = "struct"
        out["fields"] = [connect_schema(f["type"], f["name"], named) for f in avro["fields"]]
        out["name"] = avro.get("connect.name") or full
        return out
    out["type"] = avro.get("connect.type") or _PRIMITIVE.get(kind, str(kind))
    if avro.get("connect.name"):
        out["name"] = avro["connect.name"]
    if avro.get("connect.parameters"):
        out["parameters"] = dict(avro["connect.parameters"])
    return out
