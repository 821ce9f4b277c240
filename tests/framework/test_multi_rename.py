"""A RENAME TABLE of several tables reaches Canal-JSON as TiCDC sends it: one DDL message per table
(pingcap/tiflow cdc/entry/schema_storage.go buildRenameEvents), each on its new table's topic."""

import json

import pytest

from sinkmatrix.formats.canal_ddl import per_table
from sinkmatrix.model.changes import DdlChange, Position, Transaction
from sinkmatrix.refcdc.encode_canal import CanalJsonEncoder


def test_the_encoder_writes_one_rename_message_per_table():
    rename = DdlChange("db", "RENAME TABLE a TO b, other.c TO `d e`", "RENAME")
    messages = CanalJsonEncoder(clock_ms=lambda: 1).encode(
        Transaction((rename,), Position.of("binlog.000001", 4), 0), 1 << 18)
    bodies = [json.loads(m.value or b"") for m in messages]
    assert [(m.schema, m.table, m.broadcast) for m in messages] == [("db", "b", True), ("db", "d e", True)]
    assert [(b["database"], b["table"], b["type"], b["sql"]) for b in bodies] == [
        ("db", "b", "RENAME", "RENAME TABLE `db`.`a` TO `db`.`b`"),
        ("db", "d e", "RENAME", "RENAME TABLE `other`.`c` TO `db`.`d e`"),
    ]


@pytest.mark.parametrize("query", ["RENAME TABLE a TO b", "ALTER TABLE a RENAME TO b", "DROP TABLE a, b",
                                   "RENAME TABLE a TO b, c"])
def test_other_statements_stay_one_event(query):
    change = DdlChange("db", query, "RENAME")
    assert per_table(change) == (change,)


@pytest.mark.framework
@pytest.mark.sinks("canal-json")
def test_rows_after_a_multi_table_rename_follow_their_tables(ctx):
    ctx.upstream.exec_driver_sql("create table first (id int primary key, v int)")
    ctx.upstream.exec_driver_sql("create table second (id int primary key, v int)")
    ctx.sql.table("first").insert({"id": 1, "v": 1}).send().wait().check()
    ctx.sql.table("second").insert({"id": 1, "v": 2}).send().wait().check()
    ctx.upstream.exec_driver_sql("rename table first to renamed_first, second to renamed_second")
    # the rows go to the new names' topics: the RENAME must be there before them
    ctx.sql.table("renamed_second").insert({"id": 2, "v": 20}).send().wait().check()
    ctx.sql.table("renamed_first").insert({"id": 2, "v": 10}).send().wait().check()
    ctx.sql.sync()
