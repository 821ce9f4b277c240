"""Debezium's events through Kafka Connect's JSON converter: `{"schema": …, "payload": …}` per key and
value (schemas.enable=true), or the bare payload.

The converter writes a table's schema again, byte for byte, in every record of that table: with
schemas on it is most of a record's bytes and most of its JSON objects. A schema text read once,
strictly, is remembered, and a record that begins with exactly that text has only its payload left
to read. What is accepted does not change: the remembered text passed the same strict reading (a
key twice, NaN, bytes that are not UTF-8), and anything that is not precisely
`{"schema":<known text>,"payload":<one value>}` is read whole, as before.
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
        """(schema, payload) of a record whose schema is a known text, else None (read it whole)."""
        for prefix, schema in self._known:
            if text.startswith(prefix):
                try:
                    payload, end = STRICT_JSON.raw_decode(text, len(prefix))
                except (Malformed, ValueError, RecursionError):
                    return None  # the whole reading names what is wrong
                if end == len(text) - 1 and text[end] == "}":
                    return schema, payload
                return None
        return None

    def learn(self, text: str, schema: Any) -> None:
        """Remember the schema text of a record that was read whole and found well shaped."""
        if not text.startswith(_HEAD):
            return
        try:
            _, end = STRICT_JSON.raw_decode(text, len(_HEAD))
        except (Malformed, ValueError, RecursionError):
            return
        if text.startswith(_JOIN, end):
            prefix = text[:end + len(_JOIN)]
            self._known = [(prefix, schema), *(k for k in self._known if k[0] != prefix)][:self.limit]


def json_parser(with_schemas: bool) -> Parser:
    """The JSON converter's records: {"schema", "payload"} per key and value, or the bare payload."""
    known = KnownSchemas()

    def read(name: str, raw: bytes, check: Check) -> tuple[Any, dict[str, Any] | None] | None:
        text: str | None = None
        if with_schemas:
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                pass  # the whole reading says where
            else:
                split = known.split(text)
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
        if text is not None:
            known.learn(text, doc["schema"])
        return doc["payload"], doc["schema"]

    return parser_of(read)
