"""What reaches Kafka is Debezium's own: a plain Kafka consumer, with none of sinkmatrix's decoding,
finds Debezium's connector and release in every change event."""

from __future__ import annotations

import json
import time

import pytest
from confluent_kafka import Consumer, TopicPartition

pytestmark = [pytest.mark.framework, pytest.mark.xdist_group("debezium-module")]


def test_a_plain_consumer_reads_debeziums_own_events(debezium_stack) -> None:
    database = debezium_stack.create_database("plain_consumer")
    debezium_stack.upstream.execute(f"CREATE TABLE `{database}`.t (id INT PRIMARY KEY, v VARCHAR(8))",
                                    f"INSERT INTO `{database}`.t VALUES (1, 'one')")
    progress = debezium_stack.progress
    assert progress.wait_past(progress.mark(), time.monotonic() + 30), progress.describe()
    topic = f"sinkmatrix.{database}.t"
    consumer = Consumer({"bootstrap.servers": debezium_stack.services["kafka"].bootstrap,
                         "group.id": "plain", "enable.auto.commit": False})
    try:
        partitions = consumer.list_topics(topic, timeout=10).topics[topic].partitions
        consumer.assign([TopicPartition(topic, p, 0) for p in partitions])
        events = []
        deadline = time.monotonic() + 10
        while not events and time.monotonic() < deadline:
            message = consumer.poll(0.2)
            if message is not None and message.error() is None:
                events.append(json.loads(message.value()))
    finally:
        consumer.close()
    assert events, f"nothing on {topic}"
    payload = events[0]["payload"]
    assert payload["source"]["connector"] == "mysql"
    assert payload["source"]["version"].startswith("3.6.")
    assert payload["source"]["name"] == "sinkmatrix"
    assert (payload["op"], payload["after"]) == ("c", {"id": 1, "v": "one"})
    assert events[0]["schema"]["name"] == f"sinkmatrix.{database}.t.Envelope"
