"""Changes are judged by the table's version they were written under, even when a fast DDL sequence
has moved the upstream on before the CDC's first message is read (sinkmatrix.model.schema_journal)."""

import pytest

from sinkmatrix.model.schema import Column, TableSchema
from sinkmatrix.model.schema_journal import SchemaJournal


def _version(*names: str) -> TableSchema:
    return TableSchema("d", "t", tuple(Column(n, "int", "int(11)") for n in names), ("id",))


def test_the_journal_keeps_versions_in_the_order_last_seen():
    journal = SchemaJournal()
    first, second = _version("id", "a"), _version("id", "a", "b")
    for version in (first, first, second, first):
        journal.record(version)
    assert journal.versions("d", "t") == (second, first)
    journal.forget("d")
    assert journal.versions("d", "t") == ()


def test_changes_before_a_fast_ddl_sequence_are_judged_by_their_version(ctx):
    run = ctx.upstream.exec_driver_sql
    run("create table t (id int primary key, a int, b varchar(20))")
    run("insert into t values (1, 1, 'one'), (2, 2, 'two')")
    run("alter table t add column c int default 5")  # the inserts above lack c
    run("insert into t values (3, 3, 'three', 6)")
    run("alter table t modify column b varchar(64)")  # same columns, another type
    run("update t set b = 'a value longer than twenty' where id = 1")
    run("alter table t drop column a")
    run("insert into t (id, b) values (4, 'four')")
    found = ctx.sql.sync()
    assert (found.tables, found.rows, found.problems) == (1, 4, [])


@pytest.mark.no_final_check
def test_a_row_written_under_no_version_of_its_table_is_still_a_finding(ctx):
    """The journal widens what counts as a version the upstream had; it does not accept any shape."""
    run = ctx.upstream.exec_driver_sql
    run("create table t (id int primary key, v int)")
    run("insert into t values (1, 1)")
    ctx.sql.sync()
    ctx.downstream.exec_driver_sql("update t set v = 2 where id = 1")
    with pytest.raises(Exception, match="v: expected 1, actual 2"):
        ctx.sql.sync(timeout=5)
