"""Names the upstream allows travel through every path: the DSL's statements, the CDC, the view and
the whole-database check. MariaDB reserves words MySQL does not (`offset`), and allows any BMP
character in a quoted name; Avro allows [A-Za-z0-9_] only, so its names come back by the sanitising
rule (sinks.upstream_schema.resolve)."""

import pytest

pytestmark = [pytest.mark.framework, pytest.mark.sinks("mysql", "canal-json", "avro")]


def test_a_table_and_columns_named_by_mariadb_reserved_words(ctx):
    ctx.upstream.exec_driver_sql("create table `offset` (`offset` int primary key, `window` varchar(10), "
                                 "`rows` int, `range` int, `key` int)")
    table = ctx.sql.table("offset")
    table.insert({"offset": 1, "window": "w", "rows": 1, "range": 1, "key": 1}).send().wait().check()
    table.insert_many({"offset": i, "window": f"w{i}", "rows": i, "range": -i, "key": i}
                      for i in range(2, 50)).wait().check()
    table.update({"offset": 1, "window": "v", "rows": 2, "range": 3, "key": 4}).send().wait().check()
    table.upsert({"offset": 2, "window": "u", "rows": 0, "range": 0, "key": 0}).send().wait().check()
    table.delete({"offset": 3}).send().wait().check()
    table.delete_many({"offset": i} for i in range(10, 20)).wait().check()
    ctx.sql.sync()


def test_a_table_and_columns_named_in_cjk_and_accents(ctx):
    ctx.upstream.exec_driver_sql("create table `中文` (`编号` int primary key, `值` varchar(10), `Ünï` int)")
    table = ctx.sql.table("中文")
    table.insert({"编号": 1, "值": "一", "Ünï": 1}).send().wait().check()
    table.insert_many({"编号": i, "值": f"值{i}", "Ünï": i} for i in range(2, 30)).wait().check()
    table.update({"编号": 1, "值": "二", "Ünï": 2}).send().wait().check()
    table.delete({"编号": 2}).send().wait().check()
    ctx.sql.sync()
