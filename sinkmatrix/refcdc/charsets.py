"""Text of every character set read from the binlog as the server stores it.

python-mysql-replication decodes a CHAR/VARCHAR/TEXT value with the Python codec PyMySQL names for the
column's character set, and hands over the raw bytes when Python has no codec of that name. Four of
MariaDB's character sets came through wrong:
- ucs2 and utf16le have no codec of that name: the bytes came through, and the encoders wrote them as
  if they were UTF-8 (Maxwell's `ucs2` fixture arrived as mojibake, or stopped the Avro encoder);
- utf16 and utf32 decoded with Python's BOM-detecting codecs, which without a BOM take the machine's
  byte order (little-endian here), while the server stores them big-endian without a BOM: other
  characters, or a UnicodeDecodeError that stopped the CDC;
- eucjpms (EUC-JP with the Windows extensions) has no codec of that name: euc_jp reads its common part.
Stored forms: MariaDB strings/ctype-ucs2.c (my_charset_ucs2 / utf16 / utf32: big-endian code units;
utf16le: little-endian). `install()` wraps the library's lookup in this process so these names map to
the right codec; every other name keeps the library's answer.
"""

from __future__ import annotations

from collections.abc import Callable

from pymysqlreplication.row_event import RowsEvent

_CODECS = {"ucs2": "utf-16-be", "utf16": "utf-16-be", "utf16le": "utf-16-le", "utf32": "utf-32-be",
           "eucjpms": "euc_jp"}

_library: Callable[[str], str] = RowsEvent.charset_to_encoding
_known = dict(_CODECS)  # every name asked so far: it is asked once per text value read


def encoding(name: str) -> str:
    """The Python codec that reads text the server stores in character set `name`."""
    found = _known.get(name)
    if found is None:
        found = _known[name] = _library(name)
    return found


def install() -> None:
    """Decode the character sets above right in this process (idempotent)."""
    RowsEvent.charset_to_encoding = staticmethod(encoding)


def uninstall() -> None:
    RowsEvent.charset_to_encoding = staticmethod(_library)
