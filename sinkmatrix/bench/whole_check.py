"""The whole-database check (ctx.sql.sync()) on one table of 1M rows, next to a plain ordered full
fetch-and-compare of the same table on both sides, in alternating rounds: when both sides match, and
with one row different (which the check must pinpoint)."""

from __future__ import annotations

import time
from typing import Any

from dsl.context import Ctx
from dsl.errors import CheckFailed
from sinkmatrix.bench.measure import Result, alternate

TABLE = "whole_check"


def _load(ctx: Ctx, rows: int) -> None:
    ctx.upstream.exec_driver_sql(f"create table {TABLE} (id int primary key, a bigint, b varchar(32), "
                                 "c decimal(12,2), d datetime)")
    ctx.upstream.exec_driver_sql(  # MariaDB's sequence engine: rows in one statement
        f"insert into {TABLE} select seq, seq * 7, concat('row-', seq), seq / 100, "
        f"'2024-01-01' + interval seq second from seq_1_to_{rows}")
    ctx.sql.sync(timeout=600)  # the sink has caught up: what follows times the check alone


def _plain(ctx: Ctx) -> float:
    """Both tables fetched in key order and compared row by row, on one connection each."""
    started = time.perf_counter()
    sql = f"select id, a, b, c, d from {TABLE} order by id"
    up: Any = ctx.upstream.connection.dbapi_connection
    down: Any = ctx.downstream.connection.dbapi_connection
    ups, downs = up.cursor(), down.cursor()
    try:
        ups.execute(sql)
        downs.execute(sql)
        differing = sum(1 for x, y in zip(ups.fetchall(), downs.fetchall(), strict=False) if x != y)
    finally:
        ups.close()
        downs.close()
    assert differing in (0, 1)
    return time.perf_counter() - started


def _check(ctx: Ctx, expect_failure: bool) -> float:
    started = time.perf_counter()
    try:
        ctx.sql.sync(timeout=60)
        failed: Any = None
    except CheckFailed as exc:
        failed = exc
    took = time.perf_counter() - started
    assert (failed is not None) == expect_failure, failed
    if failed is not None:
        assert "key (id=654321)" in str(failed) and "1 difference(s)" in str(failed), failed
    return took


def run(ctx: Ctx, rows: int = 1_000_000, rounds: int = 3) -> list[Result]:
    _load(ctx, rows)
    same, plain_same = alternate(rounds, lambda _i: _check(ctx, False), lambda _i: _plain(ctx))
    ctx.downstream.exec_driver_sql(f"update {TABLE} set b = 'wrong' where id = 654321")
    one, plain_one = alternate(rounds, lambda _i: _check(ctx, True), lambda _i: _plain(ctx))
    ctx.downstream.exec_driver_sql(f"update {TABLE} set b = 'row-654321' where id = 654321")
    label = f"whole-database check of one table of {rows:,} rows"
    note = (f"baseline: both tables fetched in key order and compared row by row; median of {rounds} "
            "alternating rounds; the check: in-server checksums, key ranges, a row diff where they differ")
    return [
        Result(f"{label}, both sides the same", same, "s", plain_same, same / plain_same, "<= 2 s",
               same <= 2.0, note),
        Result(f"{label}, one row different (pinpointed)", one, "s", plain_one, one / plain_one, "<= 5 s",
               one <= 5.0, note),
    ]
