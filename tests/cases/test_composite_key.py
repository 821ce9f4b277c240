"""Composite primary key: rows located by every key column, in index column order."""

from dsl import All


def test_composite_primary_key(ctx):
    ctx.upstream.exec_driver_sql(
        "create table test (tenant varchar(16), id int, seq bigint, value int, "
        "primary key (id, tenant, seq))")
    table = ctx.sql.table("test")
    assert table.schema.key == ("id", "tenant", "seq")

    reqs = [table.insert({"tenant": f"t{i % 3}", "id": i // 3, "seq": i, "value": i}).send()
            for i in range(600)]
    All(ctx.sql, reqs).wait().check()

    table.update({"tenant": "t0", "id": 0, "seq": 0, "value": 42}).send().wait().check()
    table.delete({"tenant": "t1", "id": 0, "seq": 1}).send().wait().check()
    table.upsert({"tenant": "t9", "id": 9, "seq": 9, "value": 9}).send().wait().check()
