"""Debezium's events through Kafka Connect's JSON converter: `{"schema": …, "payload": …}` per key and
value (schemas.enable=true), or the bare payload.

The converter writes a table's schema again, byte for byte, in every record of that table: with
schemas on it is most of a record's bytes and most of its JSON objects. A schema text read once,
strictly, is remembered, and a record that begins with exactly that text has only its payload left
to read. What is accepted does not change: a record of precisely the form
`{"schema":<object>,"payload":<one value>}` is read in those two pieces with the same strict reading
(a key twice, NaN, bytes that are not UTF-8), and anything else is read whole, as before.
"""

from __future__ import annotations

from typing import Any

from sinks.canal_frame import STRICT_JSON, Check, Malformed, describe, parse_record
from sinks.debezium_decode import Parser, parser_of

_HEAD = '{"schema":'
_JOIN = ',"payload":'


class KnownSchemas:
    """Schema texts already read, each with what it was read as (newest first, at most `limit`).

    Shared by a view's decoders, which run on threads of their own: the list is replaced, never
    changed in place, so a reader always walks a whole one."""

    def __init__(self, limit: int = 32) -> None:
        self.limit = limit
        self._known: list[tuple[str, Any]] = []

    def split(self, text: str) -> tuple[Any, Any] | None:
        """(schema, payload) of a record that is exactly `{"schema":S,"payload":P}` with S an object
        (the converter's compact form), S read only if it is no known text; None: read it whole
        (which names what is wrong, or the shape it has)."""
        for prefix, schema in self._known:
            if text.startswith(prefix):
                return _with_payload(text, len(prefix), schema)
        if not text.startswith(_HEAD):
            return None
        try:
            schema, end = STRICT_JSON.raw_decode(text, len(_HEAD))
        except (Malformed, ValueError, RecursionError):
            return None
        if type(schema) is not dict or not text.startswith(_JOIN, end):
            return None
        found = _with_payload(text, end + len(_JOIN), schema)
        if found is not None:
            prefix = text[:end + len(_JOIN)]
            self._known = [(prefix, schema), *(k for k in self._known if k[0] != prefix)][:self.limit]
        return found


def _with_payload(text: str, start: int, schema: Any) -> tuple[Any, Any] | None:
    """(schema, the payload at `start`) if the payload ends the record's object, else None."""
    try:
        payload, end = STRICT_JSON.raw_decode(text, start)
    except (Malformed, ValueError, RecursionError):
        return None
    return (schema, payload) if end == len(text) - 1 and text[end] == "}" else None


def json_parser(with_schemas: bool) -> Parser:
    """The JSON converter's records: {"schema", "payload"} per key and value, or the bare payload."""
    known = KnownSchemas()

    def read(name: str, raw: bytes, check: Check) -> tuple[Any, dict[str, Any] | None] | None:
        if with_schemas:
            try:
                split = known.split(raw.decode("utf-8"))
            except UnicodeDecodeError:
                split = None  # the whole reading says where
            if split is not None:
                return split[1], split[0]
        try:
            doc: Any = parse_record(raw)
        except Malformed as exc:
            check("malformed", f"{name}.{exc.where}" if exc.where else name, exc.why)
            return None
        if not with_schemas:
            return doc, None
        if doc.keys() != {"schema", "payload"}:
            check(
                "bad-shape",
                name,
                f"has {sorted(doc)}; the JSON converter with schemas.enable=true "
                "writes exactly schema and payload (or this cell expects schemas and they are off)",
            )
            return None
        if type(doc["schema"]) is not dict:
            check("wrong-type", f"{name}.schema", f"{describe(doc['schema'])}, expected an object")
            return None
        return doc["payload"], doc["schema"]

    parser = parser_of(read)
    parser.connect_json = with_schemas  # type: ignore[attr-defined]  # schemas in Connect's JSON form
    return parser
