"""Bad input is a clear error at the call that made it, and nothing is half-written."""

import pytest

from dsl import All, BadValue, DslError, MissingKey, NoKey, NotSent, NotWaited, UnknownColumn, UnknownTable


@pytest.fixture
def table(ctx):
    ctx.upstream.exec_driver_sql("create table test (id int primary key, value tinyint, s varchar(3))")
    return ctx.sql.table("test")


def upstream_count(ctx):
    return ctx.upstream.exec_driver_sql("select count(*) from test").scalar()


def test_unknown_table_suggests_the_closest(ctx, table):
    with pytest.raises(UnknownTable, match=r"'tset' does not exist.*did you mean 'test'"):
        ctx.sql.table("tset")


def test_unknown_column_lists_the_columns(table):
    with pytest.raises(UnknownColumn, match=r"no column 'valeu' \(did you mean 'value'\?\).*id, value, s"):
        table.insert({"id": 1, "valeu": 2})


def test_missing_key_columns_are_named(table):
    with pytest.raises(MissingKey, match=r"needs the key columns \(id\); missing: id"):
        table.update({"value": 1})
    with pytest.raises(MissingKey):
        table.delete({"value": 1})


def test_table_without_key_is_refused(ctx):
    ctx.upstream.exec_driver_sql("create table nokey (a int, b int)")
    with pytest.raises(NoKey, match="neither a primary key nor a NOT NULL unique key"):
        ctx.sql.table("nokey").insert({"a": 1, "b": 2})


def test_value_out_of_range_names_the_column_and_writes_nothing(ctx, table):
    with pytest.raises(BadValue, match=r"test\.value cannot hold 300"):
        table.insert({"id": 1, "value": 300}).send()
    assert upstream_count(ctx) == 0


def test_too_long_string_names_the_column(table):
    with pytest.raises(BadValue, match=r"test\.s cannot hold 'abcd'"):
        table.insert({"id": 1, "s": "abcd"}).send()


def test_bad_row_in_insert_many_rolls_back_every_row(ctx, table):
    rows = [{"id": i, "value": 1} for i in range(2500)]
    rows[2100]["value"] = 1000
    with pytest.raises(BadValue, match=r"cannot hold 1000"):
        table.insert_many(rows)
    assert upstream_count(ctx) == 0


def test_duplicate_insert_says_to_use_upsert(table):
    table.insert({"id": 1}).send()
    with pytest.raises(DslError, match="use upsert"):
        table.insert({"id": 1}).send()


def test_update_of_a_missing_row_is_refused(table):
    with pytest.raises(DslError, match=r"no row with key \(id=5\)"):
        table.update({"id": 5, "value": 1}).send()


def test_wait_before_send_says_to_send(table):
    with pytest.raises(NotSent, match=r"call .send\(\) first"):
        table.insert({"id": 1}).wait()
    with pytest.raises(NotSent):
        All(None, [table.insert({"id": 2})])


def test_check_before_wait_says_to_wait(table):
    with pytest.raises(NotWaited, match=r"call .wait\(\) before .check\(\)"):
        table.insert({"id": 1}).send().check()
