"""The frame of a Canal-JSON record: one JSON object with TiCDC's fields, and its located findings.

Parsing is strict where Go's decoder is lenient (a key twice, NaN, bytes that are not UTF-8)
because TiCDC never writes those; every problem is named with the record's place in the topic.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sinks import json_fast
from sinks.base import Finding, Record

FIELDS = ("id", "database", "table", "pkNames", "isDdl", "type", "es", "ts", "sql", "sqlType",
           "mysqlType", "data", "old")

def is_int(v: Any) -> bool:
    return type(v) is int


def is_str(v: Any) -> bool:
    return type(v) is str


def _null_or(kind: type, container: type) -> Callable[[Any], bool]:
    """null, or a `container` whose items are all exactly of type `kind` (bool is no int here)."""
    def check(v: Any) -> bool:
        if v is None:
            return True
        if type(v) is not container:
            return False
        found: Any = v  # (type(v) is container narrows v to object for mypy)
        items = found.values() if container is dict else found
        return not set(map(type, items)) - {kind}
    return check


SHAPES: dict[str, tuple[Callable[[Any], bool], str]] = {
    "id": (is_int, "an integer"), "database": (is_str, "a string"), "table": (is_str, "a string"),
    "pkNames": (_null_or(str, list), "null or an array of strings"),
    "isDdl": (lambda v: type(v) is bool, "true or false"), "type": (is_str, "a string"),
    "es": (is_int, "an integer"), "ts": (is_int, "an integer"), "sql": (is_str, "a string"),
    "sqlType": (_null_or(int, dict), "null or an object of integers"),
    "mysqlType": (_null_or(str, dict), "null or an object of strings"),
    "_tidb": (lambda v: type(v) is dict, "an object"),
}

# the fields whose shape is one exact JSON type (checked inline on the hot path)
EXACT: dict[str, type] = {"id": int, "database": str, "table": str, "isDdl": bool, "type": str,
                          "es": int, "ts": int, "sql": str, "_tidb": dict}


class Malformed(Exception):
    """The record is no JSON object at all; `where` names the key at fault, if one is."""

    def __init__(self, why: str, where: str | None = None) -> None:
        super().__init__(why)
        self.why, self.where = why, where


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):  # Go keeps the last silently; TiCDC never writes one twice
        seen: set[str] = set()
        key = next(k for k, _ in pairs if k in seen or seen.add(k))  # type: ignore[func-returns-value]
        raise Malformed(f"the key {key!r} appears twice in one object", key)
    return obj


def _reject_constant(name: str) -> Any:
    raise Malformed(f"{name} is not JSON")


# one decoder for every record: json.loads with hooks would build a new one per call (shared with
# the Debezium JSON parser, which reads only a record's payload when its schema is one it knows)
STRICT_JSON = json.JSONDecoder(object_pairs_hook=_unique_keys, parse_constant=_reject_constant)


def parse_record(value: bytes | None) -> dict[str, Any]:
    if value is None:
        raise Malformed("a tombstone (null value): Canal-JSON deletes are messages, never tombstones")
    doc = json_fast.loads(value)
    if type(doc) is dict:
        return doc
    try:
        doc = STRICT_JSON.decode(value.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise Malformed(f"not UTF-8 ({exc.reason} at byte {exc.start})") from None
    except RecursionError:
        raise Malformed("JSON nested too deeply") from None
    except ValueError as exc:
        raise Malformed(f"not JSON: {exc}") from None
    if type(doc) is not dict:
        raise Malformed(f"a JSON {type(doc).__name__}, not an object")
    return doc


class Check:
    """The findings of one record, located; database/table/key are filled in as they are learned.
    (A plain class: one is made per record, and a dataclass's default factory costs more.)"""

    __slots__ = ("database", "findings", "key", "record", "table")

    def __init__(self, record: Record, findings: list[Finding] | None = None, database: str | None = None,
                 table: str | None = None, key: tuple[Any, ...] | None = None) -> None:
        self.record, self.findings = record, [] if findings is None else findings
        self.database, self.table, self.key = database, table, key

    def __call__(self, kind: str, where: str | None, why: str) -> None:
        r = self.record
        self.findings.append(Finding(kind, r.topic, r.partition, r.offset, where, why,
                                     self.database, self.table, self.key))


def set_diff(want: set[str], got: set[str]) -> str:
    parts = []
    if got - want:
        parts.append(f"has {sorted(got - want)} that data has not")
    if want - got:
        parts.append(f"lacks {sorted(want - got)} that data has")
    return "; ".join(parts)


def describe(value: Any) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean",
             int: "an integer", float: "a number", type(None): "null"}
    return names.get(type(value), type(value).__name__)
