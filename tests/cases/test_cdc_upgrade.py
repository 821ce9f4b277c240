"""An upgrade in place: the CDC streams on its release, is stopped as an operator stops it, and the
next release of the matrix's axis resumes from the same offsets and schema history. Nothing is lost
— not what was written while it was down, nor a schema change made then — and what arrives twice
is only an at-least-once replay. Cells whose CDC cannot be upgraded, or whose release is the
newest of its axis, skip."""

import pytest

from dsl import All
from matrix import axes
from matrix.known_bugs import identity
from sinkmatrix.formats.releases import Release


def _next_release(cell):
    """The release after the cell's on its axis (profiles running the same connector the same way)
    and the Kafka Connect it runs on, or None for the newest."""
    mine = identity(cell)
    if mine is None or cell.profile is None:
        return None
    _family, connector, release = mine
    runtime = cell.profile.components.get("runtime")
    axis = sorted({(Release.parse(text), text, p.components.get("connect_release"))
                   for p in axes.versions().values()
                   if p.cdc == cell.profile.cdc and p.components.get("runtime") == runtime
                   and (p.components.get("debezium_connector") or connector) == connector
                   and (text := p.components.get("debezium_release"))})
    later = [(text, connect) for found, text, connect in axis if found > release]
    return later[0] if later else None


def test_cdc_upgrade_to_the_next_release(ctx):
    upgrade = getattr(ctx.cdc, "upgrade", None)
    following = _next_release(ctx.cell) if callable(upgrade) else None
    if following is None:
        pytest.skip(f"cell {ctx.cell.id}: its CDC has no later release to upgrade to in place")
    target, runtime = following
    ctx.step("Given rows streamed by the cell's release")
    ctx.upstream.exec_driver_sql("create table test (id int primary key, v varchar(32), n int)")
    table = ctx.sql.table("test")
    sent = [table.insert_many({"id": i, "v": f"before-{i}", "n": i} for i in range(1000))]
    All(ctx.sql, sent).wait()

    ctx.step(f"When it is stopped, more is written and the table altered, and {target} takes over")
    ctx.retire_stack(f"its CDC was upgraded to {target}")  # the next case runs on the cell's release
    getattr(ctx.cdc, "shut_down", ctx.cdc.stop)()  # as an operator stops it, where the CDC can
    sent.append(table.insert_many({"id": i, "v": f"while-down-{i}", "n": i} for i in range(1000, 1500)))
    sent.append(table.update({"id": 7, "v": "updated while down"}).send())
    sent.append(table.delete({"id": 8}).send())
    ctx.upstream.exec_driver_sql("alter table test add column note varchar(20) default 'upgraded'")
    sent.append(table.insert({"id": 1500, "v": "after the alter", "n": 0, "note": "new"}).send())
    upgrade(target, runtime)  # on the Kafka Connect its profile names
    sent.append(table.insert_many({"id": i, "v": f"after-{i}", "n": i} for i in range(1501, 2000)))

    ctx.step("Then every change arrives, the alter with them, written by the new release")
    All(ctx.sql, sent).wait().check()
    assert ctx.downstream.exec_driver_sql("select count(*) from test").scalar() == 1999
    assert target in ctx.cdc.describe(), ctx.cdc.describe()
