"""Simple: one insert, 999 batched inserts, an upsert and a delete on an int-keyed table."""

from dsl import All


def test_simple(ctx):
    ctx.step("Given a table with an int primary key")
    ctx.upstream.exec_driver_sql("create table test (id int primary key, value int)")
    table = ctx.sql.table("test")

    ctx.step("When one row and then 999 rows are inserted")
    table.insert({"id": 0, "value": 0}).send().wait().check()
    reqs = [table.insert({"id": i, "value": i}).send() for i in range(1, 1000)]

    ctx.step("Then the sink shows all of them")
    All(ctx.sql, reqs).wait().check()

    ctx.step("When a row is upserted and another deleted")
    table.upsert({"id": 0, "value": 1}).send().wait().check()
    table.delete({"id": 1}).send().wait().check()

    ctx.step("Then the sink has 999 rows")
    assert ctx.downstream.exec_driver_sql("select count(*) from test").scalar() == 999
