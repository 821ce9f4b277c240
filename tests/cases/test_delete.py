"""Delete: 1000 inserts, then 1000 deletes; the sink ends empty."""

from dsl import All


def test_delete(ctx):
    ctx.upstream.exec_driver_sql("create table test (id int primary key, value varchar(64))")
    table = ctx.sql.table("test")

    ctx.step("Given 1000 rows in the sink")
    All(ctx.sql, [table.insert({"id": i, "value": f"v{i}"}).send() for i in range(1000)]).wait().check()

    ctx.step("When every row is deleted one by one")
    All(ctx.sql, [table.delete({"id": i}).send() for i in range(1000)]).wait().check()

    ctx.step("Then the sink table is empty")
    assert ctx.downstream.exec_driver_sql("select count(*) from test").scalar() == 0


def test_delete_many(ctx):
    ctx.upstream.exec_driver_sql("create table test (id int primary key, value varchar(64))")
    table = ctx.sql.table("test")
    table.insert_many({"id": i, "value": f"v{i}"} for i in range(1000)).wait().check()
    table.delete_many({"id": i} for i in range(0, 1000, 2)).wait().check()
    assert ctx.downstream.exec_driver_sql("select count(*) from test").scalar() == 500
