"""The DSL fails loudly and precisely when the sink is wrong."""

import pytest

from dsl import All, CheckFailed, WaitTimeout


@pytest.fixture
def table(ctx):
    ctx.upstream.exec_driver_sql("create table test (id int primary key, value int, note varchar(20))")
    return ctx.sql.table("test")


@pytest.mark.no_final_check  # the sink is left wrong on purpose
def test_check_after_wait_sees_the_row_changed_in_between(ctx, table):
    checkable = table.insert({"id": 1, "value": 1, "note": "n"}).send().wait()
    ctx.downstream.exec_driver_sql("update test set value = 99 where id = 1")

    with pytest.raises(CheckFailed) as failure:
        checkable.check()
    assert "key (id=1)" in str(failure.value) and "value: expected 1, actual 99" in str(failure.value)


@pytest.mark.no_final_check
def test_check_after_wait_sees_a_row_deleted_in_between(ctx, table):
    checkable = table.insert({"id": 2, "value": 2}).send().wait()
    ctx.downstream.exec_driver_sql("delete from test where id = 2")
    with pytest.raises(CheckFailed, match=r"key \(id=2\): missing in the sink"):
        checkable.check()


def test_check_leaves_a_key_a_later_request_wrote_to_that_request(ctx, table):
    first = table.insert({"id": 1, "value": 1}).send().wait()
    table.update({"id": 1, "value": 2}).send().wait().check()
    first.check()  # the sink shows 2 now, rightly: the update owns the key


@pytest.mark.no_final_check
def test_check_names_the_column_changed_behind_the_cdcs_back(ctx, table):
    sent = table.insert({"id": 1, "value": 1, "note": "n"}).send()
    sent.wait().check()
    ctx.downstream.exec_driver_sql("update test set value = 99 where id = 1")

    with pytest.raises(CheckFailed) as failure:
        sent.wait(timeout=5).check()
    message = str(failure.value)
    assert f"{ctx.database}.test" in message
    assert "id=1" in message
    assert "value: expected 1, actual 99" in message
    assert "note" not in message.split("\n", 1)[1]  # only the differing column is listed


@pytest.mark.no_final_check
def test_wait_times_out_naming_the_key_deleted_behind_the_cdcs_back(ctx, table):
    sent = table.insert({"id": 7, "value": 7}).send()
    sent.wait().check()
    ctx.downstream.exec_driver_sql("delete from test where id = 7")

    with pytest.raises(WaitTimeout) as timeout:
        sent.wait(timeout=0.5)
    message = str(timeout.value)
    assert "key (id=7)" in message and "missing in the sink" in message


@pytest.mark.no_final_check
def test_wait_times_out_naming_a_row_the_sink_failed_to_delete(ctx, table):
    table.insert({"id": 3, "value": 3}).send().wait().check()
    ctx.downstream.exec_driver_sql("insert into test (id, value) values (4, 4)")
    with pytest.raises(WaitTimeout, match=r"key \(id=4\): still present in the sink"):
        table.delete({"id": 4}).send().wait(timeout=0.5)


@pytest.mark.no_final_check
def test_batch_check_lists_every_differing_key(ctx, table):
    reqs = [table.insert({"id": i, "value": i}).send() for i in range(100)]
    All(ctx.sql, reqs).wait().check()
    ctx.downstream.exec_driver_sql("update test set value = -value where id in (10, 20)")
    with pytest.raises(CheckFailed) as failure:
        All(ctx.sql, reqs).wait(timeout=5).check()
    message = str(failure.value)
    assert "2 of 100 rows differ" in message
    assert "key (id=10)" in message and "key (id=20)" in message


def test_expectation_is_the_row_as_stored_at_send(ctx, table):
    sent = table.insert({"id": 1, "value": 1}).send()
    ctx.upstream.exec_driver_sql("update test set value = 2 where id = 1")
    with pytest.raises(CheckFailed, match="value: expected 1, actual 2"):
        sent.wait(timeout=5).check()


# 100k rows of Debezium's JSON (≈0.4-2 KB each) overflow the embedded Kafka's ≈5 MB partitions
@pytest.mark.sinks("mysql", "canal-json", "avro", "debezium-avro")
def test_insert_many_verifies_100k_rows(ctx, table):
    table.insert_many({"id": i, "value": i % 977, "note": f"n{i}"} for i in range(100_000)).wait().check()
    assert ctx.downstream.exec_driver_sql("select count(*) from test").scalar() == 100_000


def test_matching_rows_are_verified_in_the_servers_without_fetching(ctx, table):
    verdict = table.insert_many({"id": i, "value": i, "note": None} for i in range(3000)).wait().verdict
    assert verdict.checked == 3000
    assert verdict.fetched == 0


@pytest.mark.no_final_check
def test_only_the_chunk_with_a_difference_is_fetched(ctx, table):
    sent = table.insert_many({"id": i * 2, "value": i} for i in range(20_000))  # scattered keys: IN lists
    sent.wait().check()
    ctx.downstream.exec_driver_sql("update test set note = 'x' where id = 2")
    with pytest.raises(CheckFailed, match="note: expected NULL, actual 'x'"):
        checkable = sent.wait(timeout=5)
        assert 0 < checkable.verdict.fetched < 20_000
        checkable.check()


@pytest.mark.no_final_check
def test_failures_name_their_keys_for_the_bundles(ctx, table):
    sent = table.insert({"id": 5, "value": 5}).send()
    sent.wait().check()
    ctx.downstream.exec_driver_sql("update test set value = 6 where id = 5")
    with pytest.raises(CheckFailed) as failure:
        sent.wait(timeout=5).check()
    assert failure.value.keys == [(ctx.database, "test", (5,))]


@pytest.mark.sinks("canal-json", "avro")
def test_the_kafka_view_keeps_what_the_sink_delivered_for_each_key(ctx, table, stack):
    table.insert({"id": 1, "value": 1}).send().wait().check()
    table.update({"id": 1, "value": 2}).send().wait().check()
    history = stack.view.history(ctx.database, "test", (1,))
    assert [event["kind"] for event in history][-2:] in (["insert", "update"], ["insert", "insert"])
    assert all(event["topic"].startswith(ctx.database) and event["offset"] >= 0 for event in history)
