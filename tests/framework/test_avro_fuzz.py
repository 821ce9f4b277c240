"""The Avro decoder never raises: random and mutated messages only ever yield findings (fuzzed)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from confluent_kafka.schema_registry._sync.mock_schema_registry_client import MockSchemaRegistryClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sinks.avro_decode import AvroDecoder
from sinks.base import Record
from tests.framework.avro_support import FAMILIES, TS, at, col, encoder, insert, registry, table, txn

pytestmark = pytest.mark.framework

KINDS = {"bad-magic", "malformed", "unknown-schema-id", "bad-naming", "key-value-disagree",
         "missing-key", "missing-field", "extra-field", "type-mismatch", "bad-value",
         "out-of-order", "duplicate"}

# no deadline: a shared, loaded machine makes any per-example time limit a flaky timed assert
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_only_findings(dec: AvroDecoder, record: Record) -> None:
    decoded = dec.decode(record)
    assert {f.kind for f in decoded.findings} <= KINDS, decoded.findings
    assert all(f.offset == record.offset for f in decoded.findings)


@pytest.fixture(scope="module")
def fuzz_target() -> tuple[MockSchemaRegistryClient, tuple[bytes, bytes]]:
    reg = registry()
    t = table(FAMILIES[1][0], col("d", "decimal", "decimal(10,2)", precision=10, scale=2),
              col("t", "time", fsp=0), col("s", "set", "set('a','b')", members=("a", "b")))
    (e,) = encoder(reg, enable_tidb_extension=True).encode(txn(insert(t, {
        "id": 1, "c": 5, "d": Decimal("1.50"), "t": timedelta(hours=-1), "s": "a,b"})), TS)
    assert e.key is not None and e.value is not None
    return reg, (e.key, e.value)


@FUZZ
@given(key=st.none() | st.binary(max_size=40), value=st.none() | st.binary(max_size=80))
def test_random_bytes_only_ever_yield_findings(
    fuzz_target: Any, key: bytes | None, value: bytes | None
) -> None:
    reg, _ = fuzz_target
    assert_only_findings(AvroDecoder(reg, enable_tidb_extension=True), at(key, value))


@FUZZ
@given(data=st.data())
def test_mutated_messages_only_ever_yield_findings(fuzz_target: Any, data: st.DataObject) -> None:
    reg, message = fuzz_target
    parts = list(message)
    for _ in range(data.draw(st.integers(1, 3))):
        which = data.draw(st.integers(0, 1))
        raw = bytearray(parts[which])
        i = data.draw(st.integers(0, len(raw)))
        action = data.draw(st.sampled_from(["flip", "cut", "insert"]))
        if action == "flip" and i < len(raw):
            raw[i] ^= data.draw(st.integers(1, 255))
        elif action == "cut":
            del raw[i:]
        else:
            raw[i:i] = data.draw(st.binary(min_size=1, max_size=4))
        parts[which] = bytes(raw)
    assert_only_findings(AvroDecoder(reg, enable_tidb_extension=True), at(parts[0], parts[1]))
