"""Where the reference CDC delivers transactions: the Applier protocol and the sink-type registry."""

from __future__ import annotations

import importlib
from typing import Any, Protocol

from sinkmatrix.model.changes import RowChange, Transaction
from sinkmatrix.refcdc.errors import UnknownSink
from sinkmatrix.refcdc.faults import Faults


class Applier(Protocol):
    """Delivers upstream transactions to one sink, in upstream commit order."""

    def apply(self, txn: Transaction) -> None:
        """Add one upstream transaction to the current batch (after everything added before)."""

    def apply_part(self, changes: tuple[RowChange, ...], started_at: int) -> None:
        """Apply rows of a transaction whose end comes later; nothing may be durable before flush().
        `started_at`: when the transaction began in the binlog (seconds), for formats that stamp
        every message with a commit time before the transaction's end is read."""

    def flush(self) -> None:
        """Make the batch durable in the sink; after it returns the checkpoint may pass it."""

    def close(self) -> None:
        """Release connections; an unflushed batch is dropped (it will be replayed)."""

    def state(self) -> dict[str, Any]:
        """What the applier must get back to resume exactly here (saved with each checkpoint)."""


# Sink type → "module:factory"; imported on use so one sink's client library is not needed by another.
# A factory takes (settings, resumed=, faults=): settings is the config's "sink" object; resumed is
# None on a first start, else the state() saved with the checkpoint the CDC resumes from (its first
# batch may repeat what the previous process delivered after that checkpoint); faults are the
# process's injected faults (sinkmatrix.refcdc.faults), for appliers with a message layer.
APPLIERS: dict[str, str] = {
    "mysql": "sinks.apply_mysql:MysqlApplier",
    "kafka": "sinkmatrix.refcdc.apply_kafka:KafkaApplier",
}


def open_applier(sink: dict[str, Any], *, resumed: dict[str, Any] | None, faults: Faults) -> Applier:
    kind = str(sink.get("type", ""))
    if kind not in APPLIERS:
        raise UnknownSink(kind, list(APPLIERS))
    module, _, name = APPLIERS[kind].partition(":")
    factory = getattr(importlib.import_module(module), name)
    return factory(sink, resumed=resumed, faults=faults)
