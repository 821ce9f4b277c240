"""The Kafka applier: dispatch, DDL broadcast, acknowledgements, fragments, watermarks, settings."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from confluent_kafka import Consumer, TopicPartition

from sinkmatrix.model.changes import DdlChange, RowChange
from sinkmatrix.model.schema import TableSchema
from sinkmatrix.refcdc import apply_kafka
from sinkmatrix.refcdc.apply_kafka import DeliveryError, KafkaApplier
from sinkmatrix.stack.kafka import MOCK_PARTITIONS, KafkaHost
from tests.framework.kafka.support import (
    WAIT,
    applier,
    insert,
    table,
    txn,
    unique,
)


def update(t: TableSchema, id_: int, old: str, new: str) -> RowChange:
    return RowChange("update", t, {"id": id_, "v": old}, {"id": id_, "v": new})


def read_topic(kafka: KafkaHost, topic: str) -> dict[int, list[dict[str, Any]]]:
    """Every message of a topic, per partition, in offset order (up to the high watermarks now)."""
    consumer = Consumer({"bootstrap.servers": kafka.bootstrap, "group.id": unique("read"),
                         "enable.auto.commit": False, "fetch.wait.max.ms": 5})
    try:
        ends = {p: consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=WAIT)[1]
                for p in range(MOCK_PARTITIONS)}
        consumer.assign([TopicPartition(topic, p, 0) for p in ends])
        out: dict[int, list[dict[str, Any]]] = {p: [] for p in ends}
        deadline = time.monotonic() + WAIT
        while any(len(out[p]) < ends[p] for p in ends):
            assert time.monotonic() < deadline, f"read {[len(v) for v in out.values()]} of {ends}"
            message = consumer.poll(0.5)
            if message is not None and message.error() is None:
                out[message.partition()].append(json.loads(message.value()))  # type: ignore[index, arg-type]
        return out
    finally:
        consumer.close()


def test_dispatch_by_table_keeps_a_tables_changes_in_one_partition_in_order(kafka):
    db = unique("sm_disp")
    t = table(db)
    sink = applier(kafka, dispatch="table")
    try:
        for batch in range(5):
            sink.apply(txn(*(insert(t, batch * 20 + i) for i in range(20))))
            sink.flush()
    finally:
        sink.close()
    parts = read_topic(kafka, f"{db}_t")
    used = [p for p, messages in parts.items() if messages]
    assert len(used) == 1
    assert [m["after"]["id"] for m in parts[used[0]]] == list(range(100))


def test_dispatch_by_key_spreads_keys_and_keeps_each_keys_order(kafka):
    db = unique("sm_disp")
    t = table(db)
    sink = applier(kafka, dispatch="key")
    try:
        sink.apply(txn(*(insert(t, k, "v0") for k in range(40))))
        for step in range(1, 4):
            sink.apply(txn(*(update(t, k, f"v{step - 1}", f"v{step}") for k in range(40))))
        sink.flush()
    finally:
        sink.close()
    parts = read_topic(kafka, f"{db}_t")
    assert sum(1 for messages in parts.values() if messages) > 1, "keys should spread over partitions"
    home: dict[int, int] = {}
    for partition, messages in parts.items():
        for m in messages:
            key = m["after"]["id"]
            assert home.setdefault(key, partition) == partition, f"key {key} in two partitions"
        for key in {m["after"]["id"] for m in messages}:
            assert [m["after"]["v"] for m in messages if m["after"]["id"] == key] == \
                ["v0", "v1", "v2", "v3"]
    assert len(home) == 40


def test_ddl_is_broadcast_to_every_partition_between_the_rows(kafka):
    db = unique("sm_ddl")
    t = table(db)
    sink = applier(kafka, dispatch="key")
    try:
        sink.apply(txn(DdlChange(db, "CREATE TABLE t (id int primary key, v varchar(64))", "CREATE")))
        sink.apply(txn(*(insert(t, k) for k in range(20))))
        sink.apply(txn(DdlChange(db, "ALTER TABLE t ADD COLUMN w int", "ALTER")))
        sink.flush()
    finally:
        sink.close()
    parts = read_topic(kafka, f"{db}_t")
    assert len(parts) == MOCK_PARTITIONS
    for messages in parts.values():
        ddl = [i for i, m in enumerate(messages) if "ddl" in m]
        assert len(ddl) == 2 and ddl[0] == 0 and ddl[1] == len(messages) - 1


def test_flush_returns_only_once_the_brokers_acknowledged_every_message(kafka):
    db = unique("sm_ack")
    t = table(db)
    sink = applier(kafka, dispatch="key")
    probe = Consumer({"bootstrap.servers": kafka.bootstrap, "group.id": unique("probe")})
    try:
        sink.apply(txn(*(insert(t, k) for k in range(500))))
        sink.flush()
        # No waiting here: what flush() returned after must be on the brokers already.
        ends = [probe.get_watermark_offsets(TopicPartition(f"{db}_t", p), timeout=WAIT)[1]
                for p in range(MOCK_PARTITIONS)]
    finally:
        probe.close()
        sink.close()
    assert sum(ends) == 500


def test_flush_raises_when_the_brokers_are_gone(tmp_path, lease):
    host = KafkaHost.start(tmp_path, lease, brokers=1)
    t = table(unique("sm_gone"))
    sink = applier(host, delivery_timeout=2)
    try:
        sink.apply(txn(insert(t, 1)))
        sink.flush()
        host.stop()
        sink.apply(txn(insert(t, 2)))
        began = time.monotonic()
        with pytest.raises(DeliveryError, match=r"did not acknowledge the batch ending at binlog\.000001"):
            sink.flush()
        assert time.monotonic() - began < 10
    finally:
        sink.close()
        host.stop()


def test_a_fragmented_transaction_is_sent_whole_at_its_end(kafka):
    db = unique("sm_frag")
    t = table(db)
    sink = applier(kafka)
    try:
        sink.apply_part(tuple(insert(t, k) for k in range(10)))
        sink.apply_part(tuple(insert(t, k) for k in range(10, 20)))
        sink.apply(txn(insert(t, 20)))
        sink.flush()
    finally:
        sink.close()
    messages = [m for ms in read_topic(kafka, f"{db}_t").values() for m in ms]
    assert [m["after"]["id"] for m in messages] == list(range(21))
    assert len({m["ts"] for m in messages}) == 1, "one transaction, one commit timestamp"


def test_watermarks_follow_the_transactions_of_every_table_seen(kafka):
    db = unique("sm_wm")
    a, b = table(db, "a"), table(db, "b")
    sink = applier(kafka, watermark_interval=0.2)
    consumer = Consumer({"bootstrap.servers": kafka.bootstrap, "group.id": unique("wm"),
                         "fetch.wait.max.ms": 5})
    try:
        sink.apply(txn(insert(a, 1), insert(b, 1)))
        sink.flush()  # the interval is not up yet: the timer sends them, no other flush comes
        commit_ts = max(m["ts"] for name in ("a", "b") for ms in read_topic(kafka, f"{db}_{name}").values()
                        for m in ms if "ts" in m)  # (the timer's watermark may be there already)
        consumer.assign([TopicPartition(f"{db}_{name}", p, 0)
                         for name in ("a", "b") for p in range(MOCK_PARTITIONS)])
        missing = {(f"{db}_{name}", p) for name in ("a", "b") for p in range(MOCK_PARTITIONS)}
        deadline = time.monotonic() + WAIT
        while missing:
            assert time.monotonic() < deadline, f"no watermark {commit_ts} in {sorted(missing)}"
            message = consumer.poll(0.5)
            if (message is not None and message.error() is None
                    and json.loads(message.value()).get("watermark") == commit_ts):  # type: ignore[arg-type]
                missing.discard((message.topic(), message.partition()))
    finally:
        consumer.close()
        sink.close()


def test_unknown_format_and_bad_settings_say_what_to_fix(kafka):
    with pytest.raises(apply_kafka.KafkaSettingsError, match=r"'format'.*known: avro, canal-json"):
        KafkaApplier({"type": "kafka", "bootstrap": kafka.bootstrap, "format": "protobuf"})
    with pytest.raises(apply_kafka.KafkaSettingsError, match="'dispatch'"):
        applier(kafka, dispatch="random")
    with pytest.raises(apply_kafka.KafkaSettingsError, match=r"'topics'.*unknown"):
        applier(kafka, topics="x")


def test_a_transaction_sent_in_parts_is_produced_early_with_one_commit_timestamp(kafka: KafkaHost) -> None:
    db = unique("parts")
    t = table(db)
    sink = applier(kafka)
    try:
        sink.apply_part(tuple(insert(t, i) for i in range(3)), int(time.time()))
        sink.apply_part(tuple(insert(t, i) for i in range(3, 6)), int(time.time()))
        sink.flush()  # the parts reach the broker before the transaction's end is read
        assert sum(len(ms) for ms in read_topic(kafka, f"{db}_t").values()) == 6
        sink.apply(txn(insert(t, 6)))
        sink.flush()
        stamps = {m["ts"] for ms in read_topic(kafka, f"{db}_t").values() for m in ms}
        assert len(stamps) == 1
    finally:
        sink.close()
