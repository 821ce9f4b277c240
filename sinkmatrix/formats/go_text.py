"""Text as TiCDC's Go code spells it: JSON strings (easyjson, go-json), floats (strconv), and
JSON documents as TiDB prints a JSON column (pkg/types/json_binary.go BinaryJSON.String)."""

from __future__ import annotations

import json
import re
import struct
from decimal import Context, Decimal
from typing import Any

_WIDE = Context(prec=200)
_F32 = struct.Struct("<f")


def _shortest_digits(value: float, bits: int) -> str:
    """The shortest decimal that reads back as the same float32/float64 (Go's -1 precision)."""
    if bits == 64:
        return repr(value)
    target = _float32(value)
    if target is None:
        raise ValueError(f"{value!r} is beyond the FLOAT range")
    for digits in range(1, 10):
        text = f"{target:.{digits - 1}e}"
        if _float32(float(text)) == target:
            return text
    return repr(target)


def _float32(value: float) -> float | None:
    """The float32 nearest to `value`, None beyond its range."""
    try:
        return float(_F32.unpack(_F32.pack(value))[0])
    except OverflowError:
        return None


def go_float(value: float, bits: int) -> str:
    """strconv.FormatFloat(v, 'f', -1, bits): shortest digits, never an exponent."""
    return format(Decimal(_shortest_digits(value, bits)).normalize(_WIDE), "f")


_JSON_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
# Surrogates stand for what is not UTF-8 (bytes kept by "surrogateescape"): Go writes \ufffd
_GO_UNSAFE = re.compile('[\\x00-\\x1f"\\\\<>&\u2028\u2029\ud800-\udfff]')
_TIDB_UNSAFE = re.compile('[\\x00-\\x1f"\\\\\u2028\u2029]')


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if "\ud800" <= char <= "\udfff":
        return "\\ufffd"
    return _JSON_ESCAPES.get(char) or f"\\u{ord(char):04x}"


def go_string(text: str) -> str:
    """A JSON string as easyjson and go-json write it: HTML characters and U+2028/9 escaped."""
    return '"' + _GO_UNSAFE.sub(_escape, text) + '"'


def _tidb_string(text: str) -> str:
    # jsonMarshalStringTo: Go's encoding/json rules without HTML escaping, plus \b and \f
    escaped = _TIDB_UNSAFE.sub(
        lambda m: {"\b": "\\b", "\f": "\\f"}.get(m.group()) or _escape(m), text)
    return f'"{escaped}"'


class _Float(str):
    """A JSON number written with a fraction or exponent: TiDB keeps it as a double."""


def _tidb_float(value: float) -> str:
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError("TiDB JSON numbers are finite")
    magnitude = abs(value)
    if magnitude and (magnitude < 1e-15 or magnitude >= 1e15):
        sign, digits, exponent = Decimal(repr(value)).normalize(_WIDE).as_tuple()
        text = "".join(map(str, digits))
        mantissa = text[0] + (f".{text[1:]}" if len(text) > 1 else "")
        return f"{'-' if sign else ''}{mantissa}e{int(exponent) + len(text) - 1}"
    text = go_float(value, 64)
    return text if "." in text else text + ".0"


def _tidb_render(doc: Any) -> str:
    if doc is None:
        return "null"
    if doc is True or doc is False:
        return "true" if doc else "false"
    if isinstance(doc, _Float):
        return _tidb_float(float(doc))
    if isinstance(doc, int):  # int64, else uint64, else a double
        return str(doc) if -(2**63) <= doc < 2**64 else _tidb_float(float(doc))
    if isinstance(doc, str):
        return _tidb_string(doc)
    if isinstance(doc, list):
        return "[" + ", ".join(_tidb_render(item) for item in doc) + "]"
    keys = sorted(doc, key=lambda k: k.encode("utf-8", "surrogatepass"))  # byte order
    return "{" + ", ".join(f"{_tidb_string(k)}: {_tidb_render(doc[k])}" for k in keys) + "}"


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def tidb_json(text: str) -> str:
    """JSON text as TiDB prints a JSON column: keys in byte order (the last duplicate wins),
    ', ' and ': ' separators, numbers re-spelled. Text that is not JSON is passed through."""
    try:
        doc = json.loads(text, parse_float=_Float, parse_constant=_no_constants)
        return _tidb_render(doc)
    except (ValueError, RecursionError, OverflowError):
        return text
