"""Representative cases the detection suite runs with a fault injected, and once without.

Each scenario writes upstream through the DSL and waits with a short deadline (`WAIT`), so a fault
that hides a change is reported in seconds. With no fault each must pass on every sink.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal

from dsl import All

WAIT = 3.0  # seconds a wait may take here; the lag fault delivers later than this

TYPES_DDL = """create table t (
    id int primary key, n int, d decimal(12,3), s varchar(20), b varbinary(16), t datetime(3),
    j json, bits bit(8), u bigint unsigned)"""
TYPES_ROW = {"id": 1, "n": 7, "d": Decimal("123.456"), "s": "hello", "b": b"\x01\x02",
             "t": datetime(2024, 1, 2, 3, 4, 5, 678000), "j": '{"a": 1}', "bits": 5,
             "u": 18446744073709551615}


def rows(ctx) -> None:
    """Two rows in two commits, every column checked."""
    ctx.upstream.exec_driver_sql(
        "create table t (id int primary key, v varchar(20) not null, note varchar(20) not null default '')")
    table = ctx.sql.table("t")
    sent = [table.insert({"id": 1, "v": "a", "note": "n1"}).send(),
            table.insert({"id": 2, "v": "b", "note": "n2"}).send()]
    All(ctx.sql, sent).wait(timeout=WAIT).check()


def key_history(ctx) -> None:
    """One key inserted, then updated, in two commits: the order of its changes matters."""
    ctx.upstream.exec_driver_sql("create table t (id int primary key, v varchar(20) not null)")
    table = ctx.sql.table("t")
    table.insert({"id": 1, "v": "a"}).send()
    table.update({"id": 1, "v": "b"}).send().wait(timeout=WAIT).check()


def types(ctx) -> None:
    """One row with a column per type family."""
    ctx.upstream.exec_driver_sql(TYPES_DDL)
    ctx.sql.table("t").insert(TYPES_ROW).send().wait(timeout=WAIT).check()


def replay(ctx) -> None:
    """Changes in several commits, each waited for: a CDC restart falls between them."""
    ctx.upstream.exec_driver_sql("create table t (id int primary key, v varchar(20) not null)")
    table = ctx.sql.table("t")
    table.insert({"id": 1, "v": "a"}).send().wait(timeout=WAIT * 4).check()
    table.update({"id": 1, "v": "b"}).send().wait(timeout=WAIT * 4).check()
    table.insert({"id": 2, "v": "c"}).send().wait(timeout=WAIT * 4).check()


def schema_change(ctx) -> None:
    """A column added between two inserts: the second row needs the DDL applied first."""
    ctx.upstream.exec_driver_sql("create table t (id int primary key, v varchar(20) not null)")
    table = ctx.sql.table("t")
    first = table.insert({"id": 1, "v": "x"}).send()
    first.wait(timeout=WAIT).check()
    ctx.upstream.exec_driver_sql("alter table t add column w int")
    table = ctx.sql.table("t")
    second = table.insert({"id": 2, "v": "y", "w": 7}).send()
    All(ctx.sql, [first, second]).wait(timeout=WAIT).check()


def deletes(ctx) -> None:
    """Two rows, then one of them deleted: the sink must lose it and keep the other."""
    ctx.upstream.exec_driver_sql("create table t (id int primary key, v varchar(20) not null)")
    table = ctx.sql.table("t")
    sent = [table.insert({"id": 1, "v": "a"}).send(), table.insert({"id": 2, "v": "b"}).send()]
    All(ctx.sql, sent).wait(timeout=WAIT).check()
    All(ctx.sql, [table.delete({"id": 1}).send(), sent[1]]).wait(timeout=WAIT).check()


SCENARIOS: dict[str, Callable[..., None]] = {
    f.__name__: f for f in (rows, key_history, types, replay, schema_change, deletes)
}
