"""`ctx.sql.sync()`, the whole-database check: after plain SQL upstream it passes on every cell, and
when the sink is made wrong behind the CDC's back it names the table, the key and the columns."""

import pytest

from dsl import CheckFailed
from dsl.sync import compare_database


@pytest.fixture
def synced(ctx):
    """A table written with plain SQL (no DSL), synced: the sink holds what the upstream holds."""
    ctx.upstream.exec_driver_sql("create table t (id int primary key, v varchar(10), n int)")
    ctx.upstream.exec_driver_sql("insert into t values (1, 'a', 10), (2, 'b', 20), (3, 'c', 30)")
    ctx.upstream.exec_driver_sql("insert into t select id + 100, concat(v, 'x'), n + 1 from t")
    ctx.upstream.exec_driver_sql("update t set n = n * 2 where id > 100")
    ctx.upstream.exec_driver_sql("delete from t where id = 103")
    found = ctx.sql.sync()
    assert (found.tables, found.rows, found.problems) == (1, 5, [])
    return ctx


def _failure(ctx) -> str:
    with pytest.raises(CheckFailed) as failure:
        ctx.sql.sync(timeout=5)
    message = str(failure.value)
    assert f"database {ctx.database}:" in message and "the sink had applied everything" in message
    return message


@pytest.mark.no_final_check
def test_sync_names_a_row_missing_in_the_sink(synced):
    synced.downstream.exec_driver_sql("delete from t where id = 2")
    assert "key (id=2): missing in the sink (expected {id=2, v='b', n=20})" in _failure(synced)


@pytest.mark.no_final_check
def test_sync_names_a_row_only_the_sink_has(synced):
    synced.downstream.exec_driver_sql("insert into t values (9, 'zz', 0)")
    assert "key (id=9): in the sink but not upstream ({id=9, v='zz', n=0})" in _failure(synced)


@pytest.mark.no_final_check
def test_sync_names_a_changed_column(synced):
    synced.downstream.exec_driver_sql("update t set n = 99 where id = 101")
    message = _failure(synced)
    assert "key (id=101): 1 column differs" in message and "n: expected 22, actual 99" in message


@pytest.mark.no_final_check
def test_sync_names_a_column_missing_in_the_sink(synced):
    synced.downstream.exec_driver_sql("alter table t drop column n")
    assert "column n is missing in the sink" in _failure(synced)


@pytest.mark.no_final_check
def test_sync_names_a_table_the_sink_never_got(synced):
    synced.downstream.exec_driver_sql("drop table t")
    assert f"table {synced.database}.t never reached the sink (5 row(s) upstream)" in _failure(synced)


@pytest.mark.no_final_check
@pytest.mark.sinks("mysql", "canal-json")  # elsewhere keyless tables are a declared limit: left out
def test_sync_names_a_keyless_tables_duplicate_row(ctx):
    ctx.upstream.exec_driver_sql("create table k (a int, b varchar(10))")
    ctx.upstream.exec_driver_sql("insert into k values (1, 'x'), (1, 'x'), (2, 'y')")
    ctx.sql.sync()
    ctx.downstream.exec_driver_sql("insert into k values (2, 'y')")
    assert "(no key): the row {a=2, b='y'} is upstream 1×, in the sink 2×" in _failure(ctx)


@pytest.mark.no_final_check
def test_one_row_wrong_among_thousands_is_found_by_key_ranges(ctx):
    ctx.upstream.exec_driver_sql("create table big (id int primary key, v int)")
    ctx.upstream.exec_driver_sql("insert into big select seq, seq * 3 from seq_1_to_20000")  # MariaDB's
    ctx.upstream.exec_driver_sql("alter table big add column w varchar(8) default 'w'")
    ctx.upstream.exec_driver_sql("update big set w = 'changed' where mod(id, 1000) = 0")
    found = ctx.sql.sync()
    assert (found.rows, found.fetched, found.problems) == (20000, 0, [])
    ctx.downstream.exec_driver_sql("update big set v = -1 where id = 12345")
    message = _failure(ctx)
    assert "1 difference(s)" in message and "key (id=12345)" in message
    assert "v: expected 37035, actual -1" in message
    found = compare_database(ctx.sql)
    assert 0 < found.fetched <= 2 * 2000  # only the range around the key was read row by row


@pytest.mark.no_final_check
@pytest.mark.sinks("mysql", "canal-json", "avro")
def test_sync_tells_a_zero_in_date_from_null(ctx):
    ctx.upstream.exec_driver_sql("set sql_mode = ''")
    ctx.upstream.exec_driver_sql("create table z (id int primary key, d date, t datetime)")
    ctx.upstream.exec_driver_sql("insert into z values (1, '2020-00-05', '0000-00-00 00:00:01'), "
                                 "(2, NULL, NULL)")
    assert ctx.sql.sync().problems == []
    ctx.downstream.exec_driver_sql("update z set d = NULL where id = 1")  # what a CDC may write for it
    message = _failure(ctx)
    assert "key (id=1)" in message and "d: expected '2020-00-05', actual NULL" in message, message


@pytest.mark.no_final_check
@pytest.mark.sinks("debezium-json")
def test_sync_excuses_zero_dates_on_a_sink_that_declares_it_cannot_carry_them(ctx):
    ctx.upstream.exec_driver_sql("set sql_mode = ''")
    ctx.upstream.exec_driver_sql("create table z (id int primary key, d date, t datetime, v int)")
    ctx.upstream.exec_driver_sql("insert into z values (1, '2020-00-05', '0000-00-00 00:00:00', 1), "
                                 "(2, '2020-01-05', NULL, 2)")
    found = ctx.sql.sync()  # Debezium writes null for a date without a calendar value
    assert found.problems == []
    assert sorted(str(t).split(" had ")[0] for t in found.left_out) == ["z.d", "z.t"]
    ctx.downstream.exec_driver_sql("update z set d = NULL where id = 2")  # a calendar date lost
    assert "key (id=2)" in _failure(ctx)


@pytest.mark.no_final_check
@pytest.mark.sinks("mysql", "canal-json")
def test_sync_compares_a_table_whose_columns_have_different_character_sets(ctx):
    # (character sets a TiDB has too: a canal-json+tidb cell leaves big5 or ujis tables out)
    ctx.upstream.exec_driver_sql("create table cs (id int primary key, g varchar(8) charset gbk, "
                                 "b varchar(8) charset latin1, u varchar(8) charset ascii, m varchar(8))")
    ctx.upstream.exec_driver_sql("insert into cs values (1, '中文', 'é', 'kana', 'x'), "
                                 "(2, NULL, 'a', 'b', 'y')")
    assert ctx.sql.sync().problems == []  # the checksum used to fail with 1271 (illegal mix)
    ctx.downstream.exec_driver_sql("update cs set b = 'c' where id = 2")
    assert "key (id=2)" in _failure(ctx)
