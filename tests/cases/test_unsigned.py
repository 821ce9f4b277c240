"""Unsigned: INT and BIGINT UNSIGNED and BIT(64) at their maxima."""

from dsl import All


def test_unsigned_maxima(ctx):
    ctx.upstream.exec_driver_sql(
        "create table test (id bigint unsigned primary key, t_tiny tinyint unsigned, "
        "t_small smallint unsigned, t_medium mediumint unsigned, t_int int unsigned, "
        "t_big bigint unsigned, t_bit bit(64), t_dec decimal(65, 0) unsigned)")
    table = ctx.sql.table("test")
    top = 2**64 - 1
    rows = [
        {"id": top, "t_tiny": 255, "t_small": 65535, "t_medium": 16777215, "t_int": 4294967295,
         "t_big": top, "t_bit": top, "t_dec": 10**65 - 1},
        {"id": 2**63, "t_tiny": 128, "t_small": 32768, "t_medium": 8388608, "t_int": 2**31,
         "t_big": 2**63, "t_bit": 2**63, "t_dec": 2**64},
        {"id": 0, "t_tiny": 0, "t_small": 0, "t_medium": 0, "t_int": 0, "t_big": 0, "t_bit": 0, "t_dec": 0},
    ]
    All(ctx.sql, [table.insert(row).send() for row in rows]).wait().check()
    table.update({"id": top, "t_big": top - 1, "t_bit": 1}).send().wait().check()
    table.delete({"id": 2**63}).send().wait().check()
