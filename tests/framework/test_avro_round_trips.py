"""Avro round trips: every type family decodes to its canonical value, in the bytes goavro and TiDB write."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from sinkmatrix.model.schema import Column
from tests.framework.avro_support import (
    FAMILIES,
    TS,
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


@pytest.mark.parametrize("extension", [False, True], ids=["plain", "tidb-extension"])
@pytest.mark.parametrize(("column", "value", "options"), FAMILIES,
                         ids=[f"{c.column_type}-{o}" for c, _v, o in FAMILIES])
def test_each_type_family_round_trips_to_its_canonical_value(
    column: Column, value: Any, options: dict[str, Any], extension: bool
) -> None:
    reg, t = registry(), table(column)
    options = {**options, "enable_tidb_extension": extension}
    sent = encoder(reg, **options).encode(txn(insert(t, {"id": 1, "c": value})), TS)
    for upstream in (t, None):  # the upstream's column, or only what the schema says
        decoded = decoder(reg, upstream, **options).decode(records(sent)[0])
        assert decoded.findings == []
        (change,) = rows(decoded)
        assert change.kind == "insert" and change.before is None
        assert change.after == {"id": 1, "c": value}
        assert type(change.after["c"]) is type(value)


def test_decimal_and_bit_bytes_are_what_goavro_and_tidb_write() -> None:
    # goavro toSignedBytes: shortest two's complement (-128 is one byte 0x80, where fastavro writes two);
    # types.NewBinaryLiteralFromUint(v, -1): big-endian without leading zero bytes.
    reg = registry()
    t = table(col("d", "decimal", "decimal(10,2)", precision=10, scale=2, nullable=False),
              col("b", "bit", "bit(16)", precision=16, nullable=False))
    (_key, value) = [m for e in encoder(reg).encode(txn(insert(t, {"id": 1, "d": Decimal("-1.28"),
                                                                     "b": 5})), TS) for m in (e.key, e.value)]
    assert value is not None and value[:1] == b"\x00"
    assert value[5:] == b"\x02" + b"\x02\x80" + b"\x02\x05"  # id 1, bytes(len 1) 0x80, bytes(len 1) 0x05
