"""SQL files as statements: split as the mysql client splits them, each with the line it starts on.

A statement ends at the delimiter (`;` until a `DELIMITER` line changes it) outside quotes
('...', "...", `...`, with backslash and doubled-quote escapes) and outside comments (`-- `, `#`,
`/* */`; `/*! ... */` executable comments stay part of the statement). `DELIMITER x` lines are the
client's, never sent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_DELIMITER = re.compile(r"DELIMITER[ \t]+(\S+)[ \t]*(?:\r?\n|$)", re.IGNORECASE)


@dataclass(frozen=True)
class Statement:
    sql: str
    line: int  # 1-based line of the file where it starts


class SqlFileError(ValueError):
    """A file that cannot be split (an unterminated quote or comment): says where."""

    def __init__(self, path: str, line: int, why: str) -> None:
        super().__init__(f"{path}:{line}: {why}")
        self.path, self.line = path, line


def split(text: str, path: str = "<sql>") -> list[Statement]:
    """The statements of a SQL text, in order, without their delimiters and without empty ones."""
    out: list[Statement] = []
    delimiter = ";"
    parts: list[str] = []  # the current statement's text, comments left out
    first: int | None = None  # the line the current statement starts on
    i, n, line, start = 0, len(text), 1, 0

    def flush(end: int) -> None:
        nonlocal first
        sql = ("".join(parts) + text[start:end]).strip()
        parts.clear()
        if sql and first is not None:
            out.append(Statement(sql, first))
        first = None

    while i < n:
        ch = text[i]
        if first is None and (i == 0 or text[i - 1] == "\n"):
            match = _DELIMITER.match(text, i)
            if match:  # the client's command: changes the delimiter, is never sent
                delimiter = match[1]
                line += match[0].count("\n")
                i = start = match.end()
                continue
        if ch == "\n":
            line += 1
            i += 1
        elif ch in " \t\r":
            i += 1
        elif text.startswith("/*", i) and not text.startswith("/*!", i):
            end = text.find("*/", i + 2)
            if end < 0:
                raise SqlFileError(path, line, "a /* comment is never closed")
            parts.append(text[start:i] + " ")
            line += text.count("\n", i, end + 2)
            i = start = end + 2
        elif ch == "#" or (text.startswith("--", i) and (i + 2 >= n or text[i + 2] in " \t\r\n")):
            end = text.find("\n", i)
            parts.append(text[start:i])
            i = start = n if end < 0 else end
        elif text.startswith(delimiter, i):
            flush(i)
            i = start = i + len(delimiter)
        else:
            if first is None:
                first = line
            if ch in "'\"`":
                i, line = _quoted(text, i, line, path)
            else:
                i += 1
    flush(n)
    return out


def _quoted(text: str, i: int, line: int, path: str) -> tuple[int, int]:
    """The index after the quoted string or identifier starting at i, and the line it ends on."""
    quote, j, n, first = text[i], i + 1, len(text), line
    while j < n:
        ch = text[j]
        if ch == "\n":
            line += 1
        if ch == "\\" and quote != "`":
            j += 2
            continue
        if ch == quote:
            if j + 1 < n and text[j + 1] == quote:  # a doubled quote stands for itself
                j += 2
                continue
            return j + 1, line
        j += 1
    raise SqlFileError(path, first, f"a {quote} quote opened here is never closed")


def read(path: Path) -> list[Statement]:
    return split(path.read_text(encoding="utf-8"), str(path))
