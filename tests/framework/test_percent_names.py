"""Names with a % travel through every DSL path: quoted once for the driver's %-formatting, not twice.

Not on avro: Avro names allow only letters, digits and _, so `t%1` arrives as `t_1` (reported as
bad-naming, the protocol's limit, not the DSL's).
"""

import pytest

pytestmark = [pytest.mark.framework, pytest.mark.sinks("mysql", "canal-json")]


def test_a_table_and_key_column_with_percent_signs(ctx):
    ctx.upstream.exec_driver_sql("create table `t%%1` (`k%%1` int primary key, `v%%x` varchar(10))")
    table = ctx.sql.table("t%1")
    table.insert({"k%1": 1, "v%x": "a"}).send().wait().check()
    table.insert_many({"k%1": i, "v%x": f"r{i}"} for i in range(2, 120)).wait().check()
    table.update({"k%1": 1, "v%x": "b"}).send().wait().check()
    table.delete({"k%1": 2}).send().wait().check()
    table.delete_many({"k%1": i} for i in range(3, 100)).wait().check()
