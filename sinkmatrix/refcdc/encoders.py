"""How the reference CDC turns transactions into messages: the Encoder protocol and the encoded unit.

An encoder knows a wire format (Canal-JSON, Avro); the Kafka applier knows topics, partitions and
acknowledgements. Encoders never choose a topic or a partition: they say what a message is about
(schema, table, row handle) and whether it goes to every partition (DDL, watermarks).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from sinkmatrix.model.changes import Transaction


@dataclass(frozen=True, slots=True)
class Encoded:
    """One message to send, before dispatch."""

    schema: str
    table: str | None  # None: not about one table (CREATE/DROP DATABASE)
    key: bytes | None  # the Kafka message key (Avro: the encoded handle key; Canal-JSON: none)
    value: bytes | None  # None is a tombstone (Avro delete)
    handle: tuple[Any, ...] | None = None  # the row's key values, for dispatch by key
    broadcast: bool = False  # DDL and watermarks go to every partition of the topic


class Encoder(Protocol):
    """A wire format. `commit_ts` is the transaction's TiDB-style timestamp (see sinkmatrix.model.tso)."""

    def encode(self, txn: Transaction, commit_ts: int) -> list[Encoded]:
        """Messages for one upstream transaction, in order: its DDL or its row changes."""

    def watermark(self, schema: str, table: str, commit_ts: int) -> list[Encoded]:
        """Messages saying "everything up to commit_ts was sent" for a table; empty if the format has none."""
