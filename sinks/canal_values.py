"""Canal-JSON value text back to canonical values, and columns from a `mysqlType`.

Each value must be spelled as TiCDC spells it (canal_entry.go formatValue over the Go value
cdc/entry/mounter.go formatColVal gives each type); sinkmatrix.formats.canal_json is that spelling.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from dsl.compare import ZERO_DATE, canonical
from sinkmatrix.formats.canal_json import INTEGERS, JAVA_TYPES, format_value, is_binary, mysql_type
from sinkmatrix.formats.releases import TICDC_CURRENT, Release
from sinkmatrix.model.schema import Column

_INT = re.compile(r"-?(?:0|[1-9][0-9]*)")
_UINT = re.compile(r"0|[1-9][0-9]*")
_FIXED = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")
_SPELLING = {
    "date": re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}"),
    "datetime": re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,6})?"),
    "time": re.compile(r"-?[0-9]{2,3}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,6})?"),
}
_SPELLING["timestamp"] = _SPELLING["datetime"]
_TYPE_TEXT = re.compile(r"([a-z]+)(?:\((.*)\))?((?: unsigned)?(?: zerofill)?)", re.DOTALL)


def column_from_type(name: str, text: str, release: Release = TICDC_CURRENT) -> Column | None:
    """The column a `mysqlType` describes, or None if TiCDC (of `release`) never writes that type
    text. The bare form ('decimal unsigned') is TiCDC's default; a full one ('decimal(10,2)', with
    content-compatible=true) also tells widths, fsp and members."""
    match = _TYPE_TEXT.fullmatch(text)
    if not match or match[1] not in JAVA_TYPES:
        return None
    base, args, flags = match[1], match[2] or "", match[3].strip()
    numbers = [int(a) for a in args.split(",") if a.strip().isdigit()]
    column = Column(
        name, base, text, unsigned=bool(flags), is_json=base == "json",
        precision=numbers[0] if base in ("decimal", "bit") and numbers else None,
        scale=numbers[1] if base == "decimal" and len(numbers) > 1 else None,
        fsp=numbers[0] if base in ("datetime", "timestamp", "time") and numbers else None,
        members=tuple(m.replace("''", "'") for m in re.findall(r"'((?:[^']|'')*)'", args))
        if base in ("enum", "set") else (),
    )
    # 'unsigned' only on numbers, and always before 'zerofill', as GetMySQLType writes them
    return column if mysql_type(column, release) == " ".join(filter(None, (base, flags))) else None


def parse_value(column: Column, raw: str) -> Any:
    """The canonical value of one Canal-JSON value text; ValueError says why it is none."""
    name = mysql_type(column).split(" ", 1)[0]
    if name in INTEGERS or name == "year":
        return canonical(column, _must(_INT, raw, "a base-10 integer"))
    if name in ("float", "double", "decimal"):
        number = canonical(column, _must(_FIXED, raw, "a plain decimal number"))
        # TiCDC spells a FLOAT with the fewest digits that read back: that text is the value
        return float(raw) if name == "float" else number
    if name in _SPELLING:
        return canonical(column, _must(_SPELLING[name], raw, f"a {name} as TiDB prints it"))
    if name in ("bit", "enum", "set"):
        number = int(_must(_UINT, raw, "an unsigned integer"))
        members = column.members
        if number >= 2 ** (column.bits or 64) or (members and name == "enum" and number > len(members)):
            raise ValueError("out of range")
        if name == "enum" and members:
            return members[number - 1] if number else ""
        if name == "set" and members:
            if number >= 2 ** len(members):
                raise ValueError(f"bitmask beyond the {len(members)} members")
            return ",".join(m for i, m in enumerate(members) if number >> i & 1)
        return number  # member names need the upstream table (see LIMITS)
    if is_binary(name):
        return raw.encode("latin-1")
    raw.encode("utf-8")  # a lone surrogate (from a \\ud800 escape) is no text a database holds
    if name == "json":
        canonical(column, raw)
    return raw


def _must(pattern: re.Pattern[str], raw: str, what: str) -> str:
    if not pattern.fullmatch(raw):
        raise ValueError(f"not {what}")
    return raw


def respelled(column: Column, value: Any, raw: str) -> str | None:
    """How TiCDC would spell `value` if `raw` is not that, else None. Unknown scale or fsp (a bare
    mysqlType) leaves decimals and times unchecked: their digits count is the column's. A JSON
    document's text is no part of the contract (sinkmatrix.formats.canal_json): only its value is."""
    if value is ZERO_DATE or column.is_json or (column.type == "decimal" and column.scale is None):
        return None
    if column.type in ("datetime", "timestamp", "time") and column.fsp is None:
        return None
    spelled = format_value(column, value)
    return None if spelled == raw else spelled


Reader = Callable[[str], tuple[Any, str | None]]


def reader(column: Column) -> Reader:
    """`raw -> (value, respelling)` for one column: the value, and how TiCDC would spell it if `raw`
    is not that (None when it is). Integers and plain text, most of any table, take a fast path;
    everything else goes through parse_value and respelled."""
    name = mysql_type(column).split(" ", 1)[0]
    if name in INTEGERS:
        bits = column.bits or 64
        low, high = (0, 2**bits - 1) if column.unsigned else (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1)

        def integer(raw: str) -> tuple[Any, str | None]:
            value = int(_must(_INT, raw, "a base-10 integer"))
            if not low <= value <= high:
                raise ValueError(f"out of range for {mysql_type(column)}")
            return value, "0" if raw == "-0" else None  # otherwise _INT admits only str(value)
        return integer
    if name in _PLAIN_TEXT:
        def text(raw: str) -> tuple[Any, str | None]:
            raw.encode("utf-8")  # a lone surrogate (from a \\ud800 escape) is no text a database holds
            return raw, None
        return text

    def general(raw: str) -> tuple[Any, str | None]:
        value = parse_value(column, raw)
        return value, respelled(column, value, raw)
    return general


_PLAIN_TEXT = {"char", "varchar", "tinytext", "text", "mediumtext", "longtext"}
