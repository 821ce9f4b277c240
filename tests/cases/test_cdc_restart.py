"""A CDC killed with SIGKILL while it delivers a load, and restarted from its own checkpoint: every
change arrives, what it delivered again after the restart is tolerated as an at-least-once replay,
and a change it lost would fail the wait naming the key."""

import pytest

from dsl import All


@pytest.mark.cdc_needs("restart")
def test_cdc_restart(ctx):
    ctx.step("Given a table and a load on its way through the CDC")
    ctx.upstream.exec_driver_sql("create table test (id int primary key, v varchar(32), n int)")
    table = ctx.sql.table("test")
    sent = [table.insert_many({"id": i, "v": f"first-{i}", "n": i} for i in range(3000))]
    restarts = len(ctx.cdc.progress.restarts())

    ctx.step("When the CDC is killed with SIGKILL mid-load, and more is written while it is down")
    ctx.cdc.kill()
    sent.append(table.insert_many({"id": i, "v": f"while-down-{i}", "n": i} for i in range(3000, 4000)))
    sent.append(table.update({"id": 7, "v": "updated while down"}).send())
    sent.append(table.delete({"id": 8}).send())

    ctx.step("Then, restarted from its own checkpoint, it delivers every change")
    ctx.cdc.restart()
    All(ctx.sql, sent).wait().check()
    assert len(ctx.cdc.progress.restarts()) == restarts + 1
    assert ctx.downstream.exec_driver_sql("select count(*) from test").scalar() == 3999
