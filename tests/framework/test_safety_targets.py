"""Safety: the DSL writes only to the database the run created for the test, unless told otherwise."""

from __future__ import annotations

import pytest

from dsl import DslError, ForeignTargetError
from dsl.identifiers import quote

pytestmark = [pytest.mark.framework, pytest.mark.sinks("mysql")]


@pytest.fixture
def table(ctx):
    ctx.upstream.exec_driver_sql("create table t (id int primary key, v varchar(20))")
    return ctx.sql.table("t")


@pytest.fixture
def foreign(stack):
    """Another database of the run (as another test's would be), with a table named like ours."""
    name = stack.create_database("foreign")
    stack.upstream.execute(f"CREATE TABLE {quote(name)}.t (id int primary key, v varchar(20))")
    yield name
    stack.drop_database(name)


def rows(ctx, database):
    return ctx.upstream.exec_driver_sql(f"select id, v from {quote(database)}.t order by id").all()


@pytest.mark.parametrize("name", ["mysql.user", "`mysql`.`user`", "information_schema.tables"])
def test_a_system_table_is_refused_saying_how_to_allow_it(ctx, name):
    with pytest.raises(ForeignTargetError, match=r"not in this test's database 'sm_.*allow_foreign=True"):
        ctx.sql.table(name)


def test_a_table_of_another_database_of_the_run_is_refused_and_nothing_is_written(ctx, table, foreign):
    with pytest.raises(ForeignTargetError) as raised:
        ctx.sql.table(f"{foreign}.t").insert({"id": 1, "v": "x"}).send()
    assert (raised.value.database, raised.value.table, raised.value.own) == (foreign, "t", ctx.database)
    assert isinstance(raised.value, DslError)
    assert rows(ctx, foreign) == [] and rows(ctx, ctx.database) == []


def test_the_tests_own_database_may_be_named(ctx, table):
    assert ctx.sql.table(f"{ctx.database}.t") is table
    assert ctx.sql.table(f"`{ctx.database}`.`t`") is table


def test_a_malformed_name_is_a_dsl_error(ctx, table):
    with pytest.raises(DslError, match=r"give `table` or `database\.table`"):
        ctx.sql.table("a.b.c")


def test_dsl_writes_stay_in_the_tests_database_after_a_use_of_another(ctx, table, foreign):
    ctx.upstream.exec_driver_sql(f"use {quote(foreign)}")  # the connection's default is now foreign
    table.insert({"id": 1, "v": "mine"}).send().wait().check()
    table.update({"id": 1, "v": "still mine"}).send().wait().check()
    table.insert_many([{"id": 2, "v": "b"}, {"id": 3, "v": "c"}]).wait().check()
    table.delete_many([{"id": 2}, {"id": 3}]).wait().check()
    assert rows(ctx, ctx.database) == [(1, "still mine")]
    assert rows(ctx, foreign) == []


def test_an_explicitly_allowed_foreign_table_is_written_and_checked_in_its_own_database(ctx, table,
                                                                                       foreign):
    other = ctx.sql.table(f"{foreign}.t", allow_foreign=True)
    assert other is not table and other.schema.database == foreign
    other.insert({"id": 7, "v": "theirs"}).send().wait().check()
    table.insert({"id": 7, "v": "mine"}).send().wait().check()
    assert rows(ctx, foreign) == [(7, "theirs")] and rows(ctx, ctx.database) == [(7, "mine")]
