"""Interop: independent clients read what the pipeline emits, from the embedded Kafka and registry."""

import json
import subprocess
import time

import pytest
from confluent_kafka import DeserializingConsumer, TopicPartition
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer

from sinkmatrix.stack.kafka import MOCK_PARTITIONS

ROWS = 50


def load(ctx):
    ctx.upstream.exec_driver_sql("create table t (id int primary key, name varchar(20), amount decimal(8,2))")
    table = ctx.sql.table("t")
    table.insert_many({"id": i, "name": f"n{i}", "amount": f"{i}.25"} for i in range(ROWS)).wait().check()
    return f"{ctx.database}_t"  # the CDC's topic per table: {schema}_{table}


@pytest.mark.sinks("avro")
def test_confluent_deserializing_consumer_reads_our_avro_topic(ctx, stack):
    topic = load(ctx)
    registry = SchemaRegistryClient({"url": stack.services["schema-registry"].url})
    consumer = DeserializingConsumer({
        "bootstrap.servers": stack.services["kafka"].bootstrap,
        "group.id": "interop",
        "key.deserializer": AvroDeserializer(registry),
        "value.deserializer": AvroDeserializer(registry),
        "fetch.wait.max.ms": 10,
    })
    consumer.assign([TopicPartition(topic, p, 0) for p in range(MOCK_PARTITIONS)])
    seen = {}
    deadline = time.monotonic() + 30
    try:
        while len(seen) < ROWS and time.monotonic() < deadline:
            message = consumer.poll(0.5)
            if message is None or message.error():
                continue
            seen[message.key()["id"]] = message.value()
    finally:
        consumer.close()
    assert sorted(seen) == list(range(ROWS))
    assert seen[7]["name"] == "n7" and str(seen[7]["amount"]) == "7.25"


@pytest.mark.sinks("canal-json")
def test_kcat_reads_our_canal_json_topic(ctx, stack):
    topic = load(ctx)
    done = subprocess.run(
        ["kcat", "-b", stack.services["kafka"].bootstrap, "-C", "-t", topic, "-o", "beginning", "-e",
         "-f", "%s\n", "-q"], capture_output=True, text=True, timeout=60, check=True)
    messages = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    inserts = [m for m in messages if m["type"] == "INSERT"]
    assert sorted(int(m["data"][0]["id"]) for m in inserts) == list(range(ROWS))
    assert all(m["database"] == ctx.database and m["table"] == "t" for m in inserts)
    assert next(m for m in inserts if m["data"][0]["id"] == "7")["data"][0]["amount"] == "7.25"
