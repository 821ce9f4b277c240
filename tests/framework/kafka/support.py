"""The Kafka transport tests' shared parts: a wire-format test double and helpers (fixtures: conftest)."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

from sinkmatrix.model.changes import DdlChange, Position, RowChange, Transaction
from sinkmatrix.model.schema import Column, TableSchema
from sinkmatrix.refcdc.apply_kafka import KafkaApplier
from sinkmatrix.refcdc.client import RefCdc
from sinkmatrix.refcdc.encoders import Encoded
from sinkmatrix.refcdc.plugin import RefCdcProgress
from sinkmatrix.stack import mariadb
from sinkmatrix.stack.kafka import KafkaHost
from sinkmatrix.stack.leases import Lease
from sinks.base import Decoded, Finding, Record
from sinks.kafka_view import KafkaView

WAIT = 30.0
TEST_FORMAT = "tests.framework.kafka.support:JsonTestEncoder"  # importable by the CDC too


# -- the test double of a wire format ---------------------------------------------------------
# One JSON object per change: the Kafka transport tests are about topics, partitions,
# acknowledgements, ordering and materialization, not about Canal-JSON or Avro.

_DDL_TABLE = re.compile(r"^\s*(?:CREATE|ALTER|DROP|TRUNCATE)\s+TABLE\s+(?:IF\s+(?:NOT\s+)?EXISTS\s+)?"
                        r"(?:`?\w+`?\.)?`?(\w+)`?", re.IGNORECASE)


def _dumps(data: Any) -> bytes:
    return json.dumps(data, default=str).encode()


class JsonTestEncoder:
    """One JSON message per row change or DDL; watermarks as {"watermark": ts}."""

    def encode(self, txn: Transaction, commit_ts: int) -> list[Encoded]:
        out = []
        for change in txn.changes:
            if isinstance(change, DdlChange):
                m = _DDL_TABLE.match(change.query)
                out.append(Encoded(change.schema, m.group(1) if m else None, None,
                                   _dumps({"ddl": change.query, "db": change.schema, "kind": change.kind,
                                           "ts": commit_ts}), broadcast=True))
                continue
            t = change.table
            image = change.after if change.after is not None else change.before
            handle = change.key_of(image) if t.key and image is not None else None
            body = {"op": change.kind, "db": t.database, "table": t.name, "ts": commit_ts,
                    "columns": [[c.name, c.type, c.column_type, c.nullable] for c in t.columns],
                    "key": list(t.key), "before": change.before, "after": change.after}
            out.append(Encoded(t.database, t.name, _dumps(handle), _dumps(body), handle))
        return out

    def watermark(self, schema: str, table: str, commit_ts: int) -> list[Encoded]:
        return [Encoded(schema, table, None, _dumps({"watermark": commit_ts, "db": schema, "table": table}),
                        broadcast=True)]


class JsonTestDecoder:
    """Reads JsonTestEncoder's messages back into changes."""

    def decode(self, record: Record) -> Decoded:
        data = json.loads(record.value or b"null")
        if not isinstance(data, dict):
            return Decoded(findings=[Finding("malformed", record.topic, record.partition, record.offset,
                                             None, "not a JSON object")])
        if "watermark" in data:
            return Decoded(watermark_ts=data["watermark"])
        if "ddl" in data:
            return Decoded(changes=[DdlChange(data["db"], data["ddl"], data["kind"])])
        columns = tuple(Column(n, t, ct, nullable) for n, t, ct, nullable in data["columns"])
        table = TableSchema(data["db"], data["table"], columns, tuple(data["key"]))
        return Decoded(changes=[RowChange(data["op"], table, data["before"], data["after"])])


# -- fixtures -----------------------------------------------------------------------------------


def unique(prefix: str) -> str:
    return f"{prefix}_{Lease.token()}"


def applier(kafka: KafkaHost, **settings: Any) -> KafkaApplier:
    return KafkaApplier({"type": "kafka", "bootstrap": kafka.bootstrap, "format": TEST_FORMAT,
                         "topic": "{schema}_{table}", **settings})


def table(db: str, name: str = "t", key: tuple[str, ...] = ("id",)) -> TableSchema:
    return TableSchema(db, name, (Column("id", "int", "int(11)", nullable=False),
                                  Column("v", "varchar", "varchar(64)")), key)


_seq = iter(range(4, 10**9))


def txn(*changes: RowChange | DdlChange) -> Transaction:
    return Transaction(changes=changes, end=Position.of("binlog.000001", next(_seq)),
                       commit_time=int(time.time()))


def insert(t: TableSchema, id_: int, v: str = "x") -> RowChange:
    return RowChange("insert", t, None, {"id": id_, "v": v})


# -- the view --------------------------------------------------------------------------------------

class Acked:
    """Test double of the CDC's progress for a view fed by an applier in this process: every
    message was acknowledged (flush() returned) before any wait starts."""

    exact = True

    def mark(self) -> int:
        return 0

    def wait_past(self, mark: int, deadline: float) -> bool:
        return True

    def current(self) -> int:
        return 0

    def wait_change(self, seen: int, deadline: float) -> int:
        return seen

    def describe(self) -> str:
        return "acknowledged"

    def failure(self) -> str | None:
        return None

    def diagnose(self, mark: int, since: float) -> str | None:
        return None

    def downtime(self, since: float) -> float:
        return 0.0

    def restarts(self) -> list[float]:
        return []


def open_view(kafka, servers, prefix: str, *, carries_ddl: bool = True, cdc: Any = None) -> KafkaView:
    upstream, downstream = servers
    return KafkaView(bootstrap=kafka.bootstrap, decoder_factory=JsonTestDecoder, view_server=downstream,
                     upstream=upstream, cdc_progress=cdc or Acked(), topic_prefix=prefix,
                     carries_ddl=carries_ddl)


def caught_up(view: KafkaView) -> bool:
    return view.progress.wait_past(view.progress.mark(), time.monotonic() + WAIT)


def query(server: mariadb.MariaDB, sql: str) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in server.query(sql)]


# -- the whole transport: upstream → reference CDC → Kafka → view ------------------------------------

class Pipeline:
    """A reference CDC capturing one database into the embedded Kafka, in the test double's format."""

    def __init__(self, kafka: KafkaHost, servers: Any, root: Path, lease: Lease, db: str,
                 **sink: Any) -> None:
        self.upstream, self.downstream = servers
        self.db = db
        self.cdc = RefCdc.start(upstream=self.upstream, databases=[db], root=root / f"cdc-{db}",
                                lease=lease, changefeed_id=db,
                                sink={"type": "kafka", "bootstrap": kafka.bootstrap, "format": TEST_FORMAT,
                                      **sink})
        self.progress = RefCdcProgress(self.cdc, self.upstream)

    def sql(self, *statements: str) -> None:
        self.upstream.execute(*statements)

    def delivered(self) -> float:
        """Wait until the CDC has every upstream change acknowledged by Kafka; returns when."""
        assert self.progress.wait_past(self.progress.mark(), time.monotonic() + 120), \
            self.progress.describe()
        return time.monotonic()

    def close(self) -> None:
        self.cdc.stop()
        self.progress.close()
