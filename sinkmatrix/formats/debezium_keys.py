"""Which columns Debezium's MySQL connector makes a table's message key: its DDL parser's rule, applied to
the statement it parsed and the key it held before.

Debezium does not ask the server for the key: its DDL parser builds a model of each table from the
statements, and the message key is the model's primary key (io.debezium.relational.Key, unless
`message.key.columns` says otherwise). Sources, debezium/debezium v3.6.1.Final, module
debezium-connector-mysql, package io.debezium.connector.mysql.antlr (checked against 3.6.3 here):
- CREATE TABLE, column by column (`listener.ColumnDefinitionParserListener`): an inline
  `PRIMARY KEY` (or bare `KEY`) makes the column the key; an inline `UNIQUE [KEY]` makes the
  column the key when there is none yet, *even when the column is nullable* (exitColumnDefinition:
  "take the first unique constrain if no primary key is set");
- table constraints (`listener.TableCommonParserListener.enterTableConstraintDef`): `PRIMARY KEY
  (..)` sets the key; `UNIQUE (..)` sets it when there is none yet and every column exists, is no
  expression and is NOT NULL (`MySqlAntlrDdlParser.isTableUniqueIndexIncluded`,
  `parseUniqueIndexColumnNames`: "Skip to set unique index columns ... which including optional
  columns");
- ALTER TABLE (`listener.AlterTableParserListener`): `DROP PRIMARY KEY` clears the key
  (handleEnterDropPrimaryKey); `ADD PRIMARY KEY`/`ADD UNIQUE` as table constraints above; `DROP
  INDEX` of any name, `PRIMARY` included, leaves the key alone (no handler); DROP COLUMN takes the
  column out of the key and CHANGE/RENAME COLUMN renames it there (`TableEditorImpl.removeColumn`,
  `renameColumn`);
- `CREATE UNIQUE INDEX` (`listener.CreateUniqueIndexParserListener`): as a table's UNIQUE constraint;
- `RENAME TABLE a TO b`: b keeps a's model;
- a key names its columns as the table's columns name them, whatever the case the statement wrote
  them in (`MySqlAntlrDdlParser.parsePrimaryIndexColumnNames`: `tableEditor.columnWithName`, which
  `TableEditorImpl` looks up lower-cased, then `column.name()`): `PRIMARY KEY (ID)` on a column `id`
  is the key `id`.

So a table without a primary key whose first inline UNIQUE column is nullable is keyed by that
column (its null values included), and after `DROP INDEX \\`PRIMARY\\`` the dropped key stays the
message key while the upstream has none.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

Key = tuple[str, ...]
# whether a column is NOT NULL in the table after the statement (None: no such column)
NotNull = Callable[[str], bool | None]

_TOKEN = re.compile(
    r"\s+|/\*.*?\*/|--[^\n]*|#[^\n]*"  # blanks and comments (skipped)
    r"|(`(?:[^`]|``)*`)"  # 1: a quoted identifier
    r"|('(?:[^'\\]|\\.|'')*'|\"(?:[^\"\\]|\\.|\"\")*\")"  # 2: a string
    r"|([(),;.])"  # 3: punctuation
    r"|([^\s`'\"(),;.]+)",  # 4: a word (a bare identifier, a keyword, a number, an operator)
    re.DOTALL,
)


class Token(str):
    """A token's text; `quoted` for a `quoted` identifier (never a keyword)."""

    quoted: bool = False


def tokens(sql: str) -> list[Token]:
    out: list[Token] = []
    for m in _TOKEN.finditer(sql):
        ident, string, punct, word = m.groups()
        if ident is not None:
            t = Token(ident[1:-1].replace("``", "`"))
            t.quoted = True
        elif string is not None:
            t = Token(string)
            t.quoted = True  # never a keyword either
        elif punct is not None or word is not None:
            t = Token(punct or word)
        else:
            continue
        out.append(t)
    return out


def _kw(token: str | None, *words: str) -> bool:
    return token is not None and not getattr(token, "quoted", False) and token.upper() in words


def _groups(toks: Sequence[Token], start: int) -> tuple[list[list[Token]], int]:
    """The comma-separated items of the parenthesised list opening at `start`, and the index after it."""
    items: list[list[Token]] = [[]]
    depth, i = 0, start
    while i < len(toks):
        t = toks[i]
        if t == "(" and not t.quoted:
            depth += 1
            if depth > 1:
                items[-1].append(t)
        elif t == ")" and not t.quoted:
            depth -= 1
            if depth == 0:
                return [x for x in items if x], i + 1
            items[-1].append(t)
        elif t == "," and not t.quoted and depth == 1:
            items.append([])
        elif depth >= 1:
            items[-1].append(t)
        i += 1
    return [x for x in items if x], i


def _top_level(toks: Sequence[Token]) -> list[list[Token]]:
    """`toks` split at commas outside parentheses."""
    items: list[list[Token]] = [[]]
    depth = 0
    for t in toks:
        if not t.quoted and t == "(":
            depth += 1
        elif not t.quoted and t == ")":
            depth -= 1
        elif not t.quoted and t == "," and depth == 0:
            items.append([])
            continue
        items[-1].append(t)
    return [x for x in items if x]


def _key_parts(toks: Sequence[Token], start: int) -> tuple[list[str | None], int]:
    """The columns of a key list `(a, b(10) DESC, (expr))` at `start`: None for an expression."""
    parts, end = _groups(toks, start)
    return [None if p[0] == "(" and not p[0].quoted else str(p[0]) for p in parts], end


def _after_name(toks: Sequence[Token], i: int) -> int:
    """Skip an optional index name and `USING x` up to the key list's parenthesis."""
    while i < len(toks) and not (toks[i] == "(" and not toks[i].quoted):
        i += 1
    return i


def _name(toks: Sequence[Token], i: int) -> tuple[str, int]:
    """A possibly qualified object name at `i`: its last part, and the index after it."""
    name = str(toks[i])
    i += 1
    while i + 1 < len(toks) and toks[i] == "." and not toks[i].quoted:
        name, i = str(toks[i + 1]), i + 2
    return name, i


def _unique_key(columns: list[str | None], not_null: NotNull) -> Key | None:
    """A UNIQUE constraint's columns as the key, if Debezium takes them."""
    if not columns or any(c is None or not_null(c) is not True for c in columns):
        return None
    return tuple(c for c in columns if c is not None)


class _Model:
    def __init__(self, key: Key, not_null: NotNull) -> None:
        self.key, self.not_null = key, not_null

    def constraint(self, item: Sequence[Token], at: int) -> bool:
        """A table constraint at `at` (after an optional CONSTRAINT name); True if it was one."""
        i = at
        if _kw(item[i] if i < len(item) else None, "CONSTRAINT"):
            i += 1
            if i < len(item) and not _kw(item[i], "PRIMARY", "UNIQUE", "FOREIGN", "CHECK"):
                i += 1
        head = item[i] if i < len(item) else None
        if _kw(head, "PRIMARY"):
            columns, _ = _key_parts(item, _after_name(item, i + 2))
            self.key = tuple(c for c in columns if c is not None)
            return True
        if _kw(head, "UNIQUE"):
            columns, _ = _key_parts(item, _after_name(item, i + 1))
            if not self.key:
                self.key = _unique_key(columns, self.not_null) or self.key
            return True
        return _kw(head, "KEY", "INDEX", "FULLTEXT", "SPATIAL", "FOREIGN", "CHECK", "CONSTRAINT",
                   "PERIOD", "SYSTEM")

    def column(self, item: Sequence[Token], *, inline_unique: bool) -> None:
        """A column definition: its inline PRIMARY KEY / KEY / UNIQUE attributes."""
        name, depth, prev = str(item[0]), 0, None
        for t in item[1:]:
            if not t.quoted and t == "(":
                depth += 1
            elif not t.quoted and t == ")":
                depth -= 1
            elif depth == 0 and _kw(t, "UNIQUE"):
                if inline_unique and not self.key:
                    self.key = (name,)
            elif depth == 0 and _kw(t, "KEY") and not _kw(prev, "UNIQUE"):
                self.key = (name,)  # PRIMARY KEY, or KEY alone: MySQL's column-level primary key
            if depth == 0:
                prev = t


def created(sql: str, not_null: NotNull) -> Key | None:
    """The key Debezium gives a table made by `sql` (a CREATE TABLE); None if the statement is not
    one this rule reads (CREATE TABLE ... LIKE, ... AS SELECT)."""
    toks = tokens(sql)
    i = 1
    while i < len(toks) and not _kw(toks[i], "TABLE"):
        i += 1
    i += 1
    if _kw(toks[i] if i < len(toks) else None, "IF"):
        i += 3
    if i >= len(toks):
        return None
    _, i = _name(toks, i)
    if i >= len(toks) or toks[i] != "(" or toks[i].quoted:
        return None
    items, _ = _groups(toks, i)
    if items and _kw(items[0][0], "LIKE"):
        return None
    model = _Model((), not_null)
    for item in items:
        if not model.constraint(item, 0):
            model.column(item, inline_unique=True)
    return model.key


def altered(sql: str, key: Key, not_null: NotNull) -> Key:
    """The key after an ALTER TABLE `sql` of a table whose key was `key`."""
    toks = tokens(sql)
    i = 1
    while i < len(toks) and not _kw(toks[i], "TABLE"):
        i += 1
    if i + 1 >= len(toks):
        return key
    _, i = _name(toks, i + 1)
    model = _Model(key, not_null)
    for spec in _top_level(toks[i:]):
        _alter_spec(model, spec)
    return model.key


def _alter_spec(model: _Model, spec: Sequence[Token]) -> None:
    verb = spec[0]
    if _kw(verb, "ADD"):
        at = 1
        if model.constraint(spec, at):
            return
        if _kw(spec[at] if at < len(spec) else None, "COLUMN"):
            at += 1
        if _kw(spec[at] if at < len(spec) else None, "IF"):
            at += 3
        if at < len(spec) and spec[at] == "(" and not spec[at].quoted:
            return  # ADD (a INT, b INT): columns only
        if at < len(spec):
            model.column(spec[at:], inline_unique=False)  # ALTER's columns: no inline UNIQUE rule
    elif _kw(verb, "DROP"):
        nxt = spec[1] if len(spec) > 1 else None
        if _kw(nxt, "PRIMARY"):
            model.key = ()
        elif not _kw(nxt, "INDEX", "KEY", "FOREIGN", "CHECK", "CONSTRAINT", "PARTITION"):
            at = 2 if _kw(nxt, "COLUMN") else 1
            if _kw(spec[at] if at < len(spec) else None, "IF"):
                at += 2
            if at < len(spec):
                model.key = tuple(k for k in model.key if k.lower() != spec[at].lower())
    elif _kw(verb, "CHANGE") or (_kw(verb, "RENAME") and _kw(spec[1] if len(spec) > 1 else None, "COLUMN")):
        at = 2 if _kw(spec[1] if len(spec) > 1 else None, "COLUMN") else 1
        if _kw(spec[at] if at < len(spec) else None, "IF"):
            at += 2
        if at + 1 < len(spec):
            old = spec[at]
            new = spec[at + 2] if _kw(verb, "RENAME") and at + 2 < len(spec) else spec[at + 1]
            model.key = tuple(str(new) if k.lower() == old.lower() else k for k in model.key)


def unique_index(sql: str, key: Key, not_null: NotNull) -> Key:
    """The key after `CREATE UNIQUE INDEX name ON t (...)`."""
    toks = tokens(sql)
    if key or not any(_kw(t, "UNIQUE") for t in toks[:2]):
        return key
    i = next((n for n, t in enumerate(toks) if _kw(t, "ON")), len(toks))
    if i + 1 >= len(toks):
        return key
    _, i = _name(toks, i + 1)
    columns, _ = _key_parts(toks, _after_name(toks, i))
    return _unique_key(columns, not_null) or key


def after(sql: str, key: Key | None, not_null: NotNull, columns: Sequence[str] = ()) -> Key | None:
    """The key Debezium holds for a table after `sql` ran on it (`key`: before; None at creation),
    its columns named as `columns` (the table's, after the statement) name them. None when the rule
    cannot tell (a statement it does not read)."""
    spelled = {c.lower(): c for c in columns}

    def named(name: str) -> bool | None:  # MySQL's column names are case-insensitive
        return not_null(spelled.get(name.lower(), name))

    found = _after(sql, key, named)
    return None if found is None else tuple(spelled.get(k.lower(), k) for k in found)


def _after(sql: str, key: Key | None, not_null: NotNull) -> Key | None:
    toks = tokens(sql)
    head = [t.upper() for t in toks[:4] if not t.quoted]
    if head[:1] == ["CREATE"] and "TABLE" in head:
        return created(sql, not_null)
    if (head[:1] == ["CREATE"] and "INDEX" in head) or head[:2] == ["UNIQUE", "INDEX"]:
        # (Debezium 3.6 writes a CREATE UNIQUE INDEX event's statement without CREATE)
        return None if key is None else unique_index(sql, key, not_null)
    if head[:1] == ["ALTER"] and key is not None:
        return altered(sql, key, not_null)
    return key
