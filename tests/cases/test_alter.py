"""Alter: rounds of ADD COLUMN, each followed by batched inserts that use the new column."""

from dsl import All


def test_alter_add_columns(ctx):
    ctx.upstream.exec_driver_sql("create table test (id int primary key, value int)")
    table = ctx.sql.table("test")
    All(ctx.sql, [table.insert({"id": i, "value": i}).send() for i in range(100)]).wait().check()

    for round_ in range(1, 6):
        ctx.step(f"When column c{round_} is added")
        ctx.upstream.exec_driver_sql(
            f"alter table test add column c{round_} varchar(32) default 'd{round_}'")

        ctx.step("Then rows written with it arrive with every column")
        base = round_ * 100
        rows = [{"id": base + i, "value": i, f"c{round_}": f"r{round_}-{i}"} for i in range(100)]
        All(ctx.sql, [table.insert(row).send() for row in rows]).wait().check()

    ctx.step("Then old rows carry the defaults of the added columns")
    table.update({"id": 0, "value": -1}).send().wait().check()


def test_alter_modify_and_drop_column(ctx):
    ctx.upstream.exec_driver_sql("create table test (id int primary key, a int, b varchar(10))")
    table = ctx.sql.table("test")
    table.insert_many({"id": i, "a": i, "b": str(i)} for i in range(50)).wait().check()
    ctx.upstream.exec_driver_sql("alter table test modify column a bigint, drop column b")
    table.insert_many({"id": 100 + i, "a": 2**40 + i} for i in range(50)).wait().check()
    table.update({"id": 1, "a": 2**41}).send().wait().check()
