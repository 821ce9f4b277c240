"""A fast JSON reading (orjson) that answers only when it is as strict as the strict reading.

orjson refuses what the strict reading refuses (NaN, bytes that are not UTF-8, anything not
RFC 8259), and more (integers beyond 64 bits, lone surrogates), but keeps the last of a key written
twice in one object. Two proofs that no object held a key twice, either enough:
- the bytes are exactly orjson's own compact writing of what was read (a producer writing compact
  JSON, as TiCDC and Kafka Connect do): that writing holds each key of an object once;
- without a backslash in the bytes every `"` delimits a string, so every key's end is a `"`
  followed by whitespace and `:` (a string value may add more such matches, never fewer): as many
  matches as the parsed objects have keys. orjson reads an integer beyond 64 bits as a float where
  the strict reading keeps the integer, so this proof also wants no float in what was read.
Whenever neither holds, or orjson refuses the bytes, the caller reads the record strictly, which
names the problem (or finds none: the fast reading only ever declines).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import orjson

UNPROVEN: Any = object()  # the fast reading proves nothing: read strictly

_KEY_END = re.compile(rb'"\s*:')


def loads(raw: bytes) -> Any:
    """The JSON value of `raw`, or UNPROVEN if only the strict reading may say what it is."""
    try:
        doc = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return UNPROVEN
    if orjson.dumps(doc) == raw:
        return doc
    if b"\\" in raw:
        return UNPROVEN  # an escaped quote can hide a key's end: count nothing
    try:
        keys = _keys(doc) if type(doc) is dict else _items_keys(doc) if type(doc) is list else 0
    except _Inexact:
        return UNPROVEN
    return doc if len(_KEY_END.findall(raw)) == keys else UNPROVEN


class _Inexact(Exception):
    """A number orjson may have read otherwise than the strict reading (beyond 64 bits it gives a
    float where the strict reading gives an integer): only orjson's own writing proves it exact."""


def _keys(obj: dict[str, Any]) -> int:
    return len(obj) + _items_keys(obj.values())


def _items_keys(items: Iterable[Any]) -> int:
    n = 0
    for value in items:
        t = type(value)
        if t is dict:
            n += _keys(value)
        elif t is list:
            n += _items_keys(value)
        elif t is float:
            raise _Inexact
    return n
