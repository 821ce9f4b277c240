"""Datetime: epoch edges, fractional seconds at every precision, time zones."""

import datetime as dt

from dsl import All


def test_timestamp_epoch_edges(ctx):
    ctx.upstream.exec_driver_sql(
        "create table test (id int primary key, ts timestamp(6) null, dt datetime(6), d date)")
    table = ctx.sql.table("test")
    edges = [
        dt.datetime(1970, 1, 1, 0, 0, 1),
        dt.datetime(1970, 1, 1, 0, 0, 1, 1),
        dt.datetime(2038, 1, 19, 3, 14, 7, 999999),
        dt.datetime(2000, 2, 29, 12, 0, 0, 500000),
    ]
    reqs = [table.insert({"id": i, "ts": v, "dt": v, "d": v.date()}).send() for i, v in enumerate(edges)]
    reqs.append(table.insert({"id": 100, "ts": None, "dt": dt.datetime(9999, 12, 31, 23, 59, 59, 999999),
                              "d": dt.date(9999, 12, 31)}).send())
    reqs.append(table.insert({"id": 101, "dt": dt.datetime(1000, 1, 1), "d": dt.date(1000, 1, 1)}).send())
    All(ctx.sql, reqs).wait().check()


def test_fractional_seconds_at_every_precision(ctx):
    columns = ", ".join(f"dt{p} datetime({p}), ts{p} timestamp({p}) null, t{p} time({p})" for p in range(7))
    ctx.upstream.exec_driver_sql(f"create table test (id int primary key, {columns})")
    table = ctx.sql.table("test")
    value = dt.datetime(2021, 6, 30, 23, 59, 58, 987654)
    row = {"id": 1}
    for p in range(7):
        row |= {f"dt{p}": value, f"ts{p}": value, f"t{p}": dt.timedelta(hours=-1, microseconds=987654)}
    table.insert(row).send().wait().check()


def test_aware_datetimes_are_stored_as_utc(ctx):
    ctx.upstream.exec_driver_sql("create table test (id int primary key, ts timestamp(3) null)")
    table = ctx.sql.table("test")
    tz = dt.timezone(dt.timedelta(hours=5, minutes=30))
    table.insert({"id": 1, "ts": dt.datetime(2020, 1, 1, 5, 30, tzinfo=tz)}).send().wait().check()
    stored = ctx.downstream.exec_driver_sql("select ts from test").scalar()
    assert stored == dt.datetime(2020, 1, 1, 0, 0)
