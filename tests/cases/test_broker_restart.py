"""The transport taken away under a running pipeline: the Kafka broker killed with SIGKILL mid-load
and started again on its data, or paused (SIGSTOP) and resumed. Every change arrives: a CDC retries
what the broker did not acknowledge (what it sent again is tolerated as an at-least-once replay),
and the view reads on from where it stood. A change that never arrives fails the wait naming it."""

import uuid

import pytest

from dsl import All
from dsl.errors import WaitTimeout

# longer than the clients' request timeouts (the view's 5 s, the reference CDC's producer's 5 s)
PAUSED_FOR = 8.0


def _load(table, ids, label):
    return table.insert_many({"id": i, "v": f"{label}-{i}", "n": i} for i in ids)


def _loading(ctx, rows):
    """The cell's broker, a table, and `rows` rows on their way through the CDC and Kafka."""
    broker = ctx.broker()
    ctx.step("Given a table and a load on its way through the CDC and Kafka")
    ctx.upstream.exec_driver_sql("create table test (id int primary key, v varchar(32), n int)")
    table = ctx.sql.table("test")
    return broker, table, [_load(table, range(rows), "first")]


def test_broker_restart(ctx):
    broker, table, sent = _loading(ctx, 3000)

    ctx.step("When the broker is killed with SIGKILL mid-load, and more is written while it is down")
    broker.kill()
    sent.append(_load(table, range(3000, 4000), "while-down"))
    sent.append(table.update({"id": 7, "v": "updated while down"}).send())
    sent.append(table.delete({"id": 8}).send())

    ctx.step("Then, the broker started again on its data, every change arrives")
    broker.restart()
    All(ctx.sql, sent).wait().check()
    assert ctx.downstream.exec_driver_sql("select count(*) from test").scalar() == 3999


def test_broker_pause(ctx):
    broker, table, sent = _loading(ctx, 2000)

    ctx.step("When the broker is paused (SIGSTOP: connections open, nothing answered) mid-load, "
             "beyond the clients' request timeouts")
    broker.pause()
    try:
        sent.append(_load(table, range(2000, 3000), "while-paused"))
        sent.append(table.update({"id": 7, "v": "updated while paused"}).send())
        with pytest.raises(WaitTimeout) as stalled:
            All(ctx.sql, sent).wait(timeout=PAUSED_FOR)
    finally:
        broker.resume()
    ctx.step("Then the stalled wait blamed the transport, and once resumed every change arrives")
    assert "transport outage" in str(stalled.value), str(stalled.value)[-2000:]
    All(ctx.sql, sent).wait().check()
    assert ctx.downstream.exec_driver_sql("select count(*) from test").scalar() == 3000


def test_broker_is_apache_kafka(ctx):
    """The cell's transport is a real Kafka: it has a cluster id and a KRaft controller, and creates
    a topic with the partitions asked for."""
    from confluent_kafka.admin import AdminClient, NewTopic

    broker = ctx.broker()
    admin = AdminClient({"bootstrap.servers": broker.bootstrap})
    cluster = admin.describe_cluster(request_timeout=10).result()
    assert cluster.cluster_id and len(cluster.cluster_id) == 22, cluster.cluster_id
    assert cluster.controller is not None and cluster.controller.host == "127.0.0.1"
    topic = f"sinkmatrix-probe-{uuid.uuid4().hex}"  # outside the topics the view reads
    admin.create_topics([NewTopic(topic, 3)], request_timeout=10)[topic].result()
    assert len(admin.list_topics(topic, timeout=10).topics[topic].partitions) == 3
    admin.delete_topics([topic], request_timeout=10)[topic].result()
