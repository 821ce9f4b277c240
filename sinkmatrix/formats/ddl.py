"""What a binlog query event is: transaction control, DDL for some database, or nothing to carry."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Role = Literal["begin", "commit", "ignore", "ddl"]

_COMMENTS = re.compile(r"^(?:\s+|/\*(?!!).*?\*/|--[^\n]*\n|#[^\n]*\n)*", re.DOTALL)
# An identifier: quoted, or unquoted from [0-9A-Za-z$_] and U+0080 onwards. Written as a negated
# ASCII class: [...\u0080-\uffff] under IGNORECASE makes `re` case-fold 65k code points at compile
# time (≈5 ms a pattern, ≈0.1 s of every reference CDC's start).
IDENT = r"(?:`(?:[^`]|``)+`|[^\x00-\x23\x25-\x2f\x3a-\x40\x5b-\x5e\x60\x7b-\x7f]+)"
_DATABASE_STMT = re.compile(
    rf"^(?:CREATE|DROP|ALTER)\s+(?:DATABASE|SCHEMA)\s+(?:IF\s+(?:NOT\s+)?EXISTS\s+)?({IDENT})",
    re.IGNORECASE,
)
# The first object a statement names, when it is qualified by a database.
_QUALIFIED = re.compile(
    rf"^(?:CREATE|ALTER|DROP|TRUNCATE|RENAME)\b.*?\b(?:TABLE|TABLES|VIEW|INDEX\s+{IDENT}\s+ON|"
    rf"TRIGGER|PROCEDURE|FUNCTION|EVENT|SEQUENCE)\s+(?:IF\s+(?:NOT\s+)?EXISTS\s+)?"
    rf"({IDENT})\s*\.\s*{IDENT}",
    re.IGNORECASE | re.DOTALL,
)
# Statements about accounts and the server, not about data in a database.
_NOT_DATA = re.compile(
    r"^(?:GRANT|REVOKE|(?:CREATE|DROP|ALTER|RENAME)\s+(?:USER|ROLE|SERVER)|SET\s+(?:PASSWORD|"
    r"DEFAULT\s+ROLE|ROLE)|FLUSH|INSTALL|UNINSTALL|(?:CREATE|DROP)\s+TEMPORARY|"
    r"DROP\s+(?:/\*!\d+\s+)?TEMPORARY|SAVEPOINT|RELEASE\s+SAVEPOINT|ROLLBACK\s+TO|XA\s)",
    re.IGNORECASE,
)
_KINDS = ("CREATE", "ALTER", "DROP", "TRUNCATE", "RENAME")


@dataclass(frozen=True, slots=True)
class Statement:
    """A query event's statement, classified."""

    role: Role
    kind: str = "QUERY"  # for DDL: CREATE / ALTER / DROP / TRUNCATE / RENAME / QUERY
    database: str | None = None  # the database it is about, if the text names one
    database_level: bool = False  # CREATE/DROP/ALTER DATABASE: runs without a default database


def classify(query: str) -> Statement:
    text = _COMMENTS.sub("", query, count=1).lstrip()
    head = text[:16].upper()
    if head.startswith("BEGIN") or head.startswith("START TRANSACTION"):
        return Statement("begin")
    if head.startswith("COMMIT"):
        return Statement("commit")
    if head.startswith("ROLLBACK") and not head.startswith("ROLLBACK TO"):
        # Logged when a transaction that touched non-transactional tables rolls back: those
        # changes happened anyway, so the rows before it are carried like a commit.
        return Statement("commit")
    if _NOT_DATA.match(text):
        return Statement("ignore")
    word = head.split(None, 1)[0] if head.split() else ""
    kind = word if word in _KINDS else "QUERY"
    if m := _DATABASE_STMT.match(text):
        return Statement("ddl", kind, _unquote(m.group(1)), database_level=True)
    if m := _QUALIFIED.match(text):
        return Statement("ddl", kind, _unquote(m.group(1)))
    return Statement("ddl", kind)


def _unquote(ident: str) -> str:
    if ident.startswith("`"):
        return ident[1:-1].replace("``", "`")
    return ident
