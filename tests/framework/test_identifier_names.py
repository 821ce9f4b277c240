"""Any name MariaDB takes travels through the DSL (insert, update, delete, their waits and checks), the
CDC, the view and the whole-database check: reserved words of MySQL and MariaDB, CJK, accents, BMP
symbols, quotes, backticks, %, :, spaces, names of exactly 64 characters.

MariaDB's own rules bound the names (verified on 10.11): characters of the Basic Multilingual Plane
only, no trailing space, 64 characters; a table's name also becomes a file name, where a character
outside [A-Za-z0-9_] takes up to five bytes of the 255 a name may have; column names are compared
case-insensitively. Avro names allow only [A-Za-z0-9_]: there, names must sanitise apart (TiCDC's
rule, sinkmatrix.formats.ticdc_avro.sanitize_name), within a table and across the test's tables, so the view
can
map them back. Examples are few and derandomized: each one is a table through a live pipeline.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from dsl.identifiers import quote
from sinkmatrix.formats.ticdc_avro import sanitize_name

pytestmark = [pytest.mark.framework, pytest.mark.sinks("mysql", "canal-json", "avro")]

RESERVED = ("offset", "window", "rows", "range", "key", "order", "select", "from", "where", "group",
            "limit", "table", "index", "column", "desc", "interval", "return", "over", "returning",
            "except", "intersect", "lateral", "recursive", "OFFSET", "Window")
ODD = " '\"`%:;.,()[]{}\\/?*+-=!@#$^&|~<>"
WORDS = "abcXYZ019_中文字表ÜéñßçøΩЖ☃★→€"
_NAME_BYTES = 240  # of a table's file name (255, less room for the extension)
_USED: dict[str, dict[str, tuple[str, ...]]] = {}  # per test database: the tables its examples made


def _file_bytes(name: str) -> int:
    return sum(1 if (c.isascii() and (c.isalnum() or c == "_")) else 5 for c in name)


def _valid(name: str) -> bool:
    return bool(name) and not name.endswith(" ") and len(name) <= 64


names = st.one_of(
    st.sampled_from(RESERVED),
    st.text(alphabet=WORDS + ODD, min_size=1, max_size=20),
    st.text(alphabet=WORDS, min_size=64, max_size=64),
    st.sampled_from(["a" * 64, "中" * 64, "%" * 64, "`" * 64, "é" * 63 + "x", "x" * 63 + ":"]),
).filter(_valid)
tables = names.filter(lambda n: _file_bytes(n) <= _NAME_BYTES)


@st.composite
def shapes(draw: st.DrawFn) -> tuple[str, str, str, str]:
    """A table name and three column names MariaDB tells apart (case-insensitively)."""
    table = draw(tables)
    columns = draw(st.lists(names, min_size=3, max_size=3, unique_by=str.casefold))
    return table, columns[0], columns[1], columns[2]


@settings(max_examples=25, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
@given(shape=shapes())
def test_generated_names_travel_through_every_path(ctx, cell, shape):
    table_name, key, text, number = shape
    used = _USED.setdefault(ctx.database, {})  # the test's tables so far, by name: their shapes
    assume(used.get(table_name, shape) == shape)
    if cell.sink == "avro":  # names come back only where they sanitise apart
        assume(len({sanitize_name(c) for c in (key, text, number)}) == 3)
        assume(all(sanitize_name(t) != sanitize_name(table_name) for t in used if t != table_name))
    if table_name in used:  # the same example again (hypothesis replays a failure): afresh
        ctx.upstream.exec_driver_sql(f"drop table {quote(table_name)}".replace("%", "%%"))
    used[table_name] = shape
    ctx.upstream.exec_driver_sql(
        f"create table {quote(table_name)} ({quote(key)} int primary key, {quote(text)} varchar(20), "
        f"{quote(number)} bigint)".replace("%", "%%"))
    table = ctx.sql.table(quote(table_name))  # quoted: a '.' in it is no database qualifier
    table.insert({key: 1, text: "one", number: 1}).send().wait().check()
    table.insert_many({key: i, text: f"row {i}", number: -i} for i in range(2, 12)).wait().check()
    table.update({key: 1, text: "uno", number: 10}).send().wait().check()
    table.upsert({key: 2, text: "dos", number: 20}).send().wait().check()
    table.delete({key: 3}).send().wait().check()
    table.delete_many({key: i} for i in range(8, 12)).wait().check()
    ctx.sql.sync()
