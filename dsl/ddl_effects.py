"""What a DDL statement does to which tables, as far as a sink's limits care: renamed, truncated,
dropped, rows moved or removed by partition DDL without row events, exchanged (a partition swapped
with another table) or copied (CREATE TABLE ... LIKE another): the last two are statements about two
tables.

Read from the statement's text with a small tokenizer (quoted and bare identifiers, strings,
comments); a statement it cannot read has no effects. Each table comes with its database: the one
that qualifies its name, else the statement's default database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# one token: a quoted identifier, a string, a bare word, or any other character
_TOKEN = re.compile(r"`(?:[^`]|``)*`|'(?:[^'\\]|\\.|'')*'|\"(?:[^\"\\]|\\.|\"\")*\"|[^\s`'\",.;()]+|[,.;()]",
                    re.DOTALL)
_COMMENT = re.compile(r"/\*(?!!).*?\*/|--[ \t][^\n]*|#[^\n]*", re.DOTALL)
# partition operations that move or remove rows without writing a row event for them
_ROWS_WITHOUT_EVENTS = frozenset({"TRUNCATE", "DROP", "EXCHANGE"})

Effect = str  # "renamed" | "truncated" | "dropped" | "partition-rows" | "exchanged" | "copied"


@dataclass(frozen=True, slots=True)
class Touched:
    table: str
    effect: Effect
    database: str = ""


def effects(sql: str, database: str) -> list[Touched]:
    """The tables the statement renames, truncates, drops, moves rows of or copies (`database`: the
    statement's default database)."""
    words = [t for t in _TOKEN.findall(_COMMENT.sub(" ", sql))]
    upper = [w.upper() if w[:1] not in "`'\"" else "" for w in words]
    if not words:
        return []
    reader = _Names(words, upper, database)
    head = upper[0]
    if head == "RENAME" and _at(upper, 1) == "TABLE":
        return _rename_list(reader, 2)
    if head == "TRUNCATE":
        return _touched(reader.qualified(2 if _at(upper, 1) == "TABLE" else 1)[0], "truncated")
    if head == "DROP" and "TABLE" in upper[1:3]:
        at = upper.index("TABLE") + 1
        if _at(upper, at) == "IF" and _at(upper, at + 1) == "EXISTS":
            at += 2
        return [t for name in reader.name_list(at) for t in _touched(name, "dropped")]
    if head == "ALTER" and "TABLE" in upper[1:4]:
        return _alter(reader, upper.index("TABLE") + 1)
    if head == "CREATE" and "TABLE" in upper[1:3] and "LIKE" in upper:
        # a table made from another's definition: one statement about two tables
        at = upper.index("TABLE") + 1
        while _at(upper, at) in ("IF", "NOT", "EXISTS"):
            at += 1
        return _touched(reader.qualified(at)[0], "copied")
    return []


def _touched(name: tuple[str, str] | None, *effects: Effect) -> list[Touched]:
    return [Touched(name[1], effect, name[0]) for effect in effects] if name else []


def about_a_view(sql: str) -> bool:
    """Whether the statement creates, alters or drops a view (CREATE OR REPLACE ALGORITHM=... VIEW v)."""
    words = [w.upper() for w in _TOKEN.findall(_COMMENT.sub(" ", sql))[:12]]
    if words[:1] not in (["CREATE"], ["ALTER"], ["DROP"]) or "VIEW" not in words:
        return False
    return "TABLE" not in words[:words.index("VIEW")]


def subject(sql: str, database: str) -> str | None:
    """The (first) table of `database` a table-level DDL statement is about, None for other statements."""
    words = _TOKEN.findall(_COMMENT.sub(" ", sql))
    upper = [w.upper() if w[:1] not in "`'\"" else "" for w in words]
    reader = _Names(words, upper, database)
    if upper[:1] in (["CREATE"], ["ALTER"], ["DROP"], ["RENAME"], ["TRUNCATE"]):
        for i, word in enumerate(upper[:6]):
            if word == "TABLE" or (word == "ON" and "INDEX" in upper[:i]):
                at = i + 1
                while _at(upper, at) in ("IF", "NOT", "EXISTS"):
                    at += 1
                return reader.name(at)[0]
        if upper[0] == "TRUNCATE":
            return reader.name(1)[0]
    return None


def _alter(reader: _Names, at: int) -> list[Touched]:
    upper = reader.upper
    if _at(upper, at) == "IF" and _at(upper, at + 1) == "EXISTS":
        at += 2
    table, at = reader.qualified(at)
    if not table:
        return []
    found: list[Touched] = []
    for i in range(at, len(upper)):
        word = upper[i]
        if word == "RENAME" and _at(upper, i + 1) not in ("COLUMN", "INDEX", "KEY"):
            target = i + 2 if _at(upper, i + 1) in ("TO", "AS") else i + 1
            found += _touched(table, "renamed") + _touched(reader.qualified(target)[0], "renamed")
        elif word == "PARTITION" and _at(upper, i - 1) in _ROWS_WITHOUT_EVENTS:
            exchanged = ("exchanged",) if upper[i - 1] == "EXCHANGE" else ()  # a statement about two tables
            found += _touched(table, "partition-rows", *exchanged)
            with_table = next((j for j in range(i + 1, len(upper) - 1)
                               if upper[j] == "WITH" and upper[j + 1] == "TABLE"), None)
            if exchanged and with_table is not None:
                found += _touched(reader.qualified(with_table + 2)[0], "partition-rows", *exchanged)
    return found


def _rename_list(reader: _Names, at: int) -> list[Touched]:
    found: list[Touched] = []
    while at < len(reader.words):
        old, at = reader.qualified(at)
        if _at(reader.upper, at) != "TO":
            break
        new, at = reader.qualified(at + 1)
        found += _touched(old, "renamed") + _touched(new, "renamed")
        if _at(reader.words, at) != ",":
            break
        at += 1
    return found


def _at(items: list[str], i: int) -> str:
    return items[i] if 0 <= i < len(items) else ""


class _Names:
    """Reads (optionally database-qualified) table names from the token list."""

    def __init__(self, words: list[str], upper: list[str], database: str) -> None:
        self.words, self.upper, self.database = words, upper, database

    def name(self, at: int) -> tuple[str | None, int]:
        """The table named at `at` (None if another database's, or no name), and the index after it."""
        found, after = self.qualified(at)
        return (found[1] if found and found[0] == self.database else None), after

    def qualified(self, at: int) -> tuple[tuple[str, str] | None, int]:
        """(database, table) named at `at` (the default database unless qualified), and the index after."""
        first = _ident(_at(self.words, at))
        if first is None:
            return None, at
        if _at(self.words, at + 1) == "." and (second := _ident(_at(self.words, at + 2))) is not None:
            return (first, second), at + 3
        return (self.database, first), at + 1

    def name_list(self, at: int) -> list[tuple[str, str]]:
        names = []
        while True:
            name, at = self.qualified(at)
            if name:
                names.append(name)
            if _at(self.words, at) != ",":
                return names
            at += 1


def _ident(token: str) -> str | None:
    if token.startswith("`"):
        return token[1:-1].replace("``", "`")
    if not token or token in ",.;()" or token[0] in "'\"":
        return None
    return token
