"""Handle key: a table without a primary key, identified by its NOT NULL unique key."""

from dsl import All


def test_not_null_unique_key_is_the_handle(ctx):
    ctx.upstream.exec_driver_sql(
        "create table test (a int, b varchar(20) not null, c int not null, value int, "
        "unique key maybe (a), unique key handle (c, b))")
    table = ctx.sql.table("test")
    assert table.schema.key == ("c", "b")  # `maybe` allows NULL, so it cannot identify a row

    All(ctx.sql, [table.insert({"a": i, "b": f"b{i}", "c": i, "value": i}).send()
                  for i in range(300)]).wait().check()
    table.update({"c": 5, "b": "b5", "value": -5}).send().wait().check()
    table.delete({"c": 6, "b": "b6"}).send().wait().check()
