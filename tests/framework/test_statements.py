"""Statements compiled once per shape render each database exactly as compiling for it would."""

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

from dsl import identifiers, statements
from sinkmatrix.model.schema import Column, TableSchema

DATABASES = ["sm_x", "we%ird", "select", "a`b", "Ünï", "UPPER", "sinkmatrix stand-in database"]
TABLES = ["t", "order", "t%1", "t`1"]
COLUMNS = ("id", "v%x", "select")


def compiled(stmt: sa.ClauseElement) -> str:
    return stmt.compile(dialect=statements.DIALECT).string


def table(database: str | None, name: str) -> sa.TableClause:
    return sa.table(name, *(sa.column(c) for c in COLUMNS), schema=database)


@pytest.mark.parametrize("database", [None, *DATABASES])
@pytest.mark.parametrize("name", TABLES)
def test_write_statements_match_a_direct_compile(database, name):
    t = table(database, name)
    insert = mysql.insert(t).values({c: sa.bindparam(c) for c in COLUMNS})
    assert statements.insert(name, COLUMNS, database=database).sql == compiled(insert)
    # SQLAlchemy's own VALUES() escapes a % in the name twice (VALUES(`v%%%%x`)): the DSL writes its own
    upsert = f"{compiled(insert)} ON DUPLICATE KEY UPDATE `v%%x` = VALUES(`v%%x`)"
    assert statements.insert(name, COLUMNS, True, ("v%x",), database).sql == upsert
    where = sa.and_(t.c["id"] == sa.bindparam("key_id"))
    update = sa.update(t).where(where).values({"v%x": sa.bindparam("v%x")})
    assert statements.update(name, ("v%x",), ("id",), database).sql == compiled(update)
    assert statements.delete(name, ("id",), database).sql == compiled(sa.delete(t).where(where))


@pytest.mark.parametrize("database", [None, *DATABASES])
@pytest.mark.parametrize("name", TABLES)
def test_select_heads_match_a_direct_compile(database, name):
    columns = tuple(Column(c, "int", "int", True) for c in COLUMNS)
    schema = TableSchema(database or "d", name, columns, ("id",))
    head = compiled(sa.select(*(sa.column(c) for c in COLUMNS)).select_from(table(database, name)))
    assert statements.select_rows(schema, database, COLUMNS, "P") == f"{head} WHERE P"


def test_the_same_shape_in_another_database_is_not_compiled_again():
    statements.insert("shape_probe", ("id",), database="first_db")
    before = statements._insert.cache_info()
    other = statements.insert("shape_probe", ("id",), database="second_db")
    after = statements._insert.cache_info()
    assert (after.hits, after.misses) == (before.hits + 1, before.misses)
    assert "second_db" in other.sql and "first_db" not in other.sql


@pytest.mark.parametrize("name", [*DATABASES, *TABLES, *COLUMNS, "``", ""])
def test_hand_quoting_matches_the_dialect(name):
    """The reference CDC quotes without SQLAlchemy: the same text as the dialect renders (for its
    driver's %-formatting, so a % doubled)."""
    dialect = statements.DIALECT.identifier_preparer.quote_identifier(name)
    assert identifiers.quote_for_format(name) == dialect
    assert identifiers.quote(name) == dialect.replace("%%", "%")


@pytest.mark.parametrize("name", ["offset", "window", "rows", "range", "key", "order", "select", "id", "t"])
def test_every_identifier_is_quoted_reserved_by_mariadb_or_not(name):
    """MySQL's reserved words are not MariaDB's (`offset` is reserved in MariaDB only): quoting every
    identifier is the one rule that holds on both."""
    sql = statements.insert(name, (name, "v"), True, database=name).sql
    assert sql.startswith(f"INSERT INTO `{name}`.`{name}` (`{name}`, `v`) VALUES (%s, %s)")
    assert f"`{name}` = VALUES(`{name}`)" in sql
    assert f"WHERE `{name}`.`{name}`.`{name}` = %s" in statements.delete(name, (name,), name).sql
