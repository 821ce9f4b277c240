"""Which Canal-JSON `type` TiCDC gives a DDL (canal_entry.go convertDdlEventType), from its statement.

TiCDC decides by the TiDB job's action; the statement text stands in for it here, so the reference
CDC's encoder writes the type and the strict decoder checks the type a message carries against the
statement it carries. Releases differ (tests/vectors/ticdc/README.md, f.): ALTER TABLE ... ALTER INDEX
... VISIBLE/INVISIBLE and a multi-schema change are ALTER from v6.2.0 (tiflow e714042bde, #6026),
QUERY before.
"""

from __future__ import annotations

import re
from dataclasses import replace

from sinkmatrix.formats.ddl import IDENT, classify
from sinkmatrix.formats.releases import TICDC_CURRENT, Release
from sinkmatrix.model.changes import DdlChange

# a name may also be "quoted": the upstream only accepts that as a name under ANSI_QUOTES
_ANSI_IDENT = r'"(?:[^"]|"")+"'
_NAME = rf"({IDENT}|{_ANSI_IDENT})(?:\s*\.\s*({IDENT}|{_ANSI_IDENT}))?"
_EXISTS = r"(?:IF\s+(?:NOT\s+)?EXISTS\s+)?"
# (pattern, canal event type, which group names the table: "new" for renames)
_DDL_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p, re.IGNORECASE | re.DOTALL), t) for p, t in (
        (r"^(?:CREATE|DROP|ALTER)\s+(?:DATABASE|SCHEMA)\b", "QUERY"),
        (rf"^CREATE\s+(?:OR\s+REPLACE\s+)?TABLE\s+{_EXISTS}{_NAME}", "CREATE"),
        (rf"^DROP\s+TABLES?\s+{_EXISTS}{_NAME}", "ERASE"),
        (rf"^TRUNCATE\s+(?:TABLE\s+)?{_NAME}", "TRUNCATE"),
        (rf"^RENAME\s+TABLES?\s+{IDENT}(?:\s*\.\s*{IDENT})?\s+TO\s+{_NAME}", "RENAME"),
        (rf"^CREATE\s+(?:UNIQUE\s+|FULLTEXT\s+|SPATIAL\s+)?INDEX\s+{_EXISTS}{IDENT}"
         rf"(?:\s+USING\s+\w+)?\s+ON\s+{_NAME}", "CINDEX"),
        (rf"^DROP\s+INDEX\s+{_EXISTS}{IDENT}\s+ON\s+{_NAME}", "DINDEX"),
        (rf"^ALTER\s+(?:ONLINE\s+|IGNORE\s+)*TABLE\s+{_NAME}", "ALTER"),
    )
)
_ALTER_SPECS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p, re.IGNORECASE), t) for p, t in (
        (r"^ADD\s+(?:CONSTRAINT\s+(?:\S+\s+)?)?(?:PRIMARY\s+KEY|FOREIGN\s+KEY|UNIQUE|"
         r"(?:FULLTEXT\s+|SPATIAL\s+)?(?:INDEX|KEY)\b)", "CINDEX"),
        (r"^DROP\s+(?:PRIMARY\s+KEY|FOREIGN\s+KEY|INDEX|KEY)\b", "DINDEX"),
        (rf"^RENAME\s+(?:TO\s+|AS\s+)?(?!(?:INDEX|KEY|COLUMN)\b){_NAME}", "RENAME"),
        (r"^ALTER\s+(?:INDEX|KEY)\s+\S+\s+(?:NOT\s+)?(?:VISIBLE|INVISIBLE|IGNORED)\b", "VISIBILITY"),
    )
)
# RENAME TABLE's list of renames: `old TO new`, either side optionally qualified by a database.
_RENAME_HEAD = re.compile(r"^RENAME\s+TABLES?\s+", re.IGNORECASE)
_RENAME_PAIR = re.compile(rf"{_NAME}\s+TO\s+{_NAME}\s*(,\s*|;?\s*$)", re.IGNORECASE | re.DOTALL)
_QUOTED = re.compile(r"`(?:[^`]|``)*`|'(?:[^'\\]|\\.|'')*'|\"(?:[^\"\\]|\\.)*\"|\([^()]*\)")


def _unquote(ident: str) -> str:
    if ident[:1] in ('"', "`"):
        return ident[1:-1].replace(ident[0] * 2, ident[0])
    return ident


def _target(match: re.Match[str], default: str) -> tuple[str, str]:
    first, second = match.group(1), match.group(2)
    return (_unquote(first), _unquote(second)) if second else (default, _unquote(first))


def ddl_event(change: DdlChange, release: Release = TICDC_CURRENT) -> tuple[str, str, str | None]:
    """(canal type, database, table or None) for a DDL, as `release` writes it."""
    statement = classify(change.query)
    text = re.sub(r"^(?:\s+|/\*(?!!).*?\*/|--[^\n]*\n|#[^\n]*\n)*", "", change.query, flags=re.DOTALL)
    # a MySQL executable comment (`/*!40000 ALTER TABLE t ENABLE KEYS */`, as mysqldump writes) is the
    # statement inside it: a table's DDL, routed with the table's changes
    text = re.sub(r"^/\*!\d*\s*(.*?)\s*\*/\s*;?\s*$", r"\1", text, flags=re.DOTALL)
    for pattern, kind in _DDL_RULES:
        match = pattern.match(text)
        if not match:
            continue
        if kind == "QUERY" or match.lastindex is None:
            return "QUERY", statement.database or change.schema, None
        database, table = _target(match, change.schema)
        if kind == "ALTER":
            specs = text[match.end():]
            while _QUOTED.search(specs):  # drop nested groups and quoted text, innermost first
                specs = _QUOTED.sub("", specs)
            if "," in specs:  # several changes: one multi-schema-change job
                return ("ALTER" if release.at_least("6.2.0") else "QUERY"), database, table
            for spec_pattern, spec_kind in _ALTER_SPECS:
                spec = spec_pattern.match(text[match.end():].strip())
                if spec and spec_kind == "RENAME":
                    return "RENAME", *_target(spec, database)
                if spec and spec_kind == "VISIBILITY":
                    return ("ALTER" if release.at_least("6.2.0") else "QUERY"), database, table
                if spec:
                    return spec_kind, database, table
        return kind, database, table
    return "QUERY", statement.database or change.schema, None


def _quoted(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def per_table(change: DdlChange) -> tuple[DdlChange, ...]:
    """The DDL events TiCDC makes of one statement: a RENAME TABLE of several tables is one event per
    table, each `RENAME TABLE `old_db`.`old` TO `new_db`.`new`` about the renamed table
    (pingcap/tiflow cdc/entry/schema_storage.go buildRenameEvents; cdc/model/sink.go
    FromJobWithArgs, ActionRenameTables). TiCDC prints the names between backticks as they are; a
    backtick inside a name is doubled here, so the statement stays one a server can run. Every
    other statement is one event, as it is."""
    text = re.sub(r"^(?:\s+|/\*(?!!).*?\*/|--[^\n]*\n|#[^\n]*\n)*", "", change.query, flags=re.DOTALL)
    # a MySQL executable comment (`/*!40000 ALTER TABLE t ENABLE KEYS */`, as mysqldump writes) is the
    # statement inside it: a table's DDL, routed with the table's changes
    text = re.sub(r"^/\*!\d*\s*(.*?)\s*\*/\s*;?\s*$", r"\1", text, flags=re.DOTALL)
    head = _RENAME_HEAD.match(text)
    if head is None:
        return (change,)
    pairs, at = [], head.end()
    while at < len(text):
        pair = _RENAME_PAIR.match(text, at)
        if pair is None:
            return (change,)  # not a list this parser knows: carried as it is
        old_db, old = _target_of(pair.group(1), pair.group(2), change.schema)
        new_db, new = _target_of(pair.group(3), pair.group(4), change.schema)
        pairs.append((old_db, old, new_db, new))
        at = pair.end()
        if not pair.group(5).startswith(","):
            break
    if len(pairs) < 2:
        return (change,)
    return tuple(
        replace(change, schema=new_db, query=f"RENAME TABLE {_quoted(old_db)}.{_quoted(old)} TO "
                                             f"{_quoted(new_db)}.{_quoted(new)}")
        for old_db, old, new_db, new in pairs)


def _target_of(first: str, second: str | None, default: str) -> tuple[str, str]:
    return (_unquote(first), _unquote(second)) if second else (default, _unquote(first))
