"""Debezium as its users deploy it: a connector in a Kafka Connect worker, producing with
Connect's own Java producer straight to the broker. Cells whose CDC is not a Connect connector skip."""

import pytest

from sinkmatrix.stack import broker_clients


def test_debezium_produces_from_kafka_connect(ctx):
    status = getattr(ctx.cdc, "connect_status", None)
    if status is None:
        pytest.skip(f"cell {ctx.cell.id}: its CDC is not a Kafka Connect connector")
    broker = ctx.broker()
    ctx.step("Given a broker that counts what it serves per client id")
    broker_clients.account_by_client_id(broker)

    ctx.step("When a row is written upstream and arrives")
    ctx.upstream.exec_driver_sql("create table test (id int primary key, v varchar(32))")
    ctx.sql.table("test").insert({"id": 1, "v": "through Connect"}).send().wait().check()

    ctx.step("Then Connect's REST status shows the connector and its task running, and the broker "
             "served produce requests from the task's own producer")
    answer = status()
    assert answer["connector"]["state"] == "RUNNING", answer
    assert [task["state"] for task in answer["tasks"]] == ["RUNNING"], answer
    served = broker_clients.producer_client_ids(broker)
    assert ctx.cdc.producer_client_id in served, sorted(served)
