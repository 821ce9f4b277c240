"""Many types: one column per type family, rows of typical, edge and NULL values."""

import datetime as dt
from decimal import Decimal

from dsl import All

DDL = """
create table test (
  id int primary key,
  t_tinyint tinyint, t_smallint smallint, t_mediumint mediumint, t_int int, t_bigint bigint,
  t_decimal decimal(20, 6), t_float float, t_double double,
  t_char char(10), t_varchar varchar(255), t_text text, t_longtext longtext,
  t_binary binary(8), t_varbinary varbinary(64), t_blob blob,
  t_date date, t_datetime datetime(6), t_timestamp timestamp(3) null, t_time time(6), t_year year,
  t_bit bit(12), t_json json, t_enum enum('red', 'green', 'blue'), t_set set('a', 'b', 'c')
)
"""

TYPICAL = {
    "t_tinyint": -128, "t_smallint": 32767, "t_mediumint": -8388608, "t_int": 2147483647,
    "t_bigint": -9223372036854775808, "t_decimal": Decimal("-12345678901234.123456"),
    "t_float": 3.14159, "t_double": 2.718281828459045,
    "t_char": "abc", "t_varchar": "héllo, wörld ✓", "t_text": "line1\nline2\ttab 'quote' \"dq\"",
    "t_longtext": "x" * 5000,
    "t_binary": b"\x00\x01\xfe\xff", "t_varbinary": bytes(range(64)), "t_blob": b"\x00" * 3 + b"blob",
    "t_date": dt.date(2024, 2, 29), "t_datetime": dt.datetime(2024, 2, 29, 23, 59, 59, 999999),
    "t_timestamp": dt.datetime(2038, 1, 19, 3, 14, 7, 123000),
    "t_time": dt.timedelta(hours=-838, minutes=-59, seconds=-59),
    "t_year": 2155, "t_bit": 0b101010101010, "t_json": {"k": [1, 2.5, "three", None, True]},
    "t_enum": "green", "t_set": {"a", "c"},
}


def test_many_types(ctx):
    ctx.upstream.exec_driver_sql(DDL)
    table = ctx.sql.table("test")

    ctx.step("When rows with typical, edge and NULL values are inserted")
    rows = [
        {"id": 1, **TYPICAL},
        {"id": 2, **{c: None for c in TYPICAL}},
        {"id": 3, "t_tinyint": 0, "t_decimal": Decimal("0.000001"), "t_float": -0.0, "t_double": 1e308,
         "t_char": "", "t_varchar": "", "t_binary": b"", "t_varbinary": b"", "t_date": dt.date(1000, 1, 1),
         "t_datetime": dt.datetime(1000, 1, 1), "t_timestamp": dt.datetime(1970, 1, 1, 0, 0, 1),
         "t_time": dt.timedelta(0), "t_year": 1901, "t_bit": 0, "t_json": "[]", "t_enum": "red", "t_set": ""},
        {"id": 4, "t_time": dt.timedelta(hours=838, minutes=59, seconds=59, microseconds=999999),
         "t_bit": 0xFFF, "t_json": '{"nested": {"a": {"b": [{}]}}, "unicode": "\\u00e9"}',
         "t_set": "a,b,c", "t_double": -2.2250738585072014e-308, "t_float": 1.17549435e-38},
    ]
    All(ctx.sql, [table.insert(row).send() for row in rows]).wait().check()

    ctx.step("When every column of a row is updated")
    table.update({"id": 2, **TYPICAL}).send().wait().check()
    table.update({"id": 1, **{c: None for c in TYPICAL}}).send().wait().check()
