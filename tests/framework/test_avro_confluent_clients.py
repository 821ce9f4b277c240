"""Avro interop with Confluent's own clients: their deserializer and the embedded schema registry."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer
from confluent_kafka.serialization import MessageField, SerializationContext

from tests.framework.avro_support import (
    TOPIC,
    TS,
    at,
    col,
    decoder,
    encoder,
    insert,
    records,
    registry,
    rows,
    table,
    txn,
)

pytestmark = pytest.mark.framework


def confluent_reads_what_we_send(reg: SchemaRegistryClient) -> None:
    t = table(col("d", "decimal", "decimal(10,2)", precision=10, scale=2), col("s", "varchar", "varchar(8)"),
              col("u", "bigint", "bigint(20) unsigned", unsigned=True))
    row = {"id": 7, "d": Decimal("-1.28"), "s": "ü", "u": 2**64 - 1}
    (e,) = encoder(reg, enable_tidb_extension=True).encode(txn(insert(t, row)), TS)
    deserialize = AvroDeserializer(reg)
    key = deserialize(e.key, SerializationContext(TOPIC, MessageField.KEY))
    value = deserialize(e.value, SerializationContext(TOPIC, MessageField.VALUE))
    assert key == {"id": 7}
    assert value == {**row, "u": -1, "_tidb_op": "c", "_tidb_commit_ts": TS,
                     "_tidb_commit_physical_time": 1_700_000_000_000}
    decoded = decoder(reg, t, enable_tidb_extension=True).decode(records([e])[0])
    assert decoded.findings == [] and rows(decoded)[0].after == row


def test_confluent_deserializer_reads_our_messages() -> None:
    confluent_reads_what_we_send(registry())


@pytest.fixture(scope="module")
def real_registry() -> Iterator[str]:
    from sinkmatrix.stack import schema_registry as process
    from sinkmatrix.stack.leases import Lease

    with Lease.acquire("test-avro") as lease:
        service = process.start(lease.scratch_dir("avro-test-"), lease)
        yield service.url
        service.stop()


def test_against_the_embedded_registry(real_registry: str) -> None:
    reg = SchemaRegistryClient({"url": real_registry})
    confluent_reads_what_we_send(reg)
    before, after = table(col("v", "int")), table(col("v", "int"), col("w", "int"))
    enc, dec = encoder(reg), decoder(reg)
    sent = enc.encode(txn(insert(before, {"id": 1, "v": 1})), TS) + enc.encode(
        txn(insert(after, {"id": 2, "v": 2, "w": 3})), TS + 1)
    assert reg.get_versions("db1_t1-value") == [1, 2, 3]  # the interop table, then the two versions
    assert [f for r in records(sent) for f in dec.decode(r).findings] == []
    assert sent[0].key is not None
    elsewhere = dec.decode(at(sent[0].key, sent[0].value, topic="db1.other"))
    assert [(f.kind, f.field) for f in elsewhere.findings] == [("bad-naming", "subject")] * 2
