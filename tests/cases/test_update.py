"""Update: values, NULLs, and updates that move a row to another key."""

from dsl import All


def test_update_values(ctx):
    ctx.upstream.exec_driver_sql("create table test (id int primary key, v int, s varchar(20))")
    table = ctx.sql.table("test")
    table.insert_many({"id": i, "v": i, "s": f"s{i}"} for i in range(200)).wait().check()
    All(ctx.sql, [table.update({"id": i, "v": i * 10}).send() for i in range(200)]).wait().check()
    table.update({"id": 7, "s": None}).send().wait().check()


def test_update_changes_key(ctx):
    ctx.upstream.exec_driver_sql("create table test (id int primary key, v int)")
    table = ctx.sql.table("test")
    table.insert_many({"id": i, "v": i} for i in range(10)).wait().check()

    ctx.step("When rows move to new keys")
    table.update({"id": 100, "v": 1}, key={"id": 1}).send().wait().check()
    All(ctx.sql, [table.update({"id": 200 + i}, key={"id": i}).send() for i in range(2, 10)]).wait().check()

    ctx.step("Then the old keys are gone from the sink")
    ids = [r[0] for r in ctx.downstream.exec_driver_sql("select id from test order by id")]
    assert ids == [0, 100, *range(202, 210)]


def test_update_changes_composite_key(ctx):
    ctx.upstream.exec_driver_sql("create table test (a int, b int, v int, primary key (a, b))")
    table = ctx.sql.table("test")
    table.insert_many({"a": i, "b": i, "v": i} for i in range(10)).wait().check()
    table.update({"b": 99, "v": 7}, key={"a": 3, "b": 3}).send().wait().check()
