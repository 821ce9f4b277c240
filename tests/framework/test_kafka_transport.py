"""The Kafka transport against the embedded mock cluster: hosting, producing, consuming, overflow.

The wire format here is a test double (one JSON object per change): these tests are about topics,
partitions, acknowledgements, ordering and materialization, not about Canal-JSON or Avro.
"""

from __future__ import annotations

import json
import os
import re
import select
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from confluent_kafka import Consumer, Producer, TopicPartition

from dsl.schema import Column, TableSchema
from refcdc import apply_kafka
from refcdc.apply_kafka import DeliveryError, KafkaApplier
from refcdc.changes import DdlChange, Position, RowChange, Transaction
from refcdc.client import RefCdc
from refcdc.encoders import Encoded
from sinks.base import Decoded, Finding, Record
from sinks.kafka_view import OVERFLOW_HINT, KafkaView
from stack import leases, mariadb
from stack.embedded import CdcProgress
from stack.kafka import MOCK_PARTITIONS, KafkaHost
from stack.leases import Lease

WAIT = 30.0
ROOT = Path(__file__).resolve().parents[2]
TEST_FORMAT = "tests.framework.test_kafka_transport:JsonTestEncoder"  # importable by the CDC too


# -- the test double of a wire format ---------------------------------------------------------

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

@pytest.fixture(scope="module")
def lease() -> Iterator[Lease]:
    lease = Lease.acquire("kafka-transport")
    yield lease
    lease.release()


@pytest.fixture(scope="module")
def root(lease: Lease) -> Path:
    path = Path(tempfile.mkdtemp(prefix="sinkmatrix-kafka-"))
    lease.add_directory(path)
    return path


@pytest.fixture(scope="module")
def kafka(root: Path, lease: Lease) -> Iterator[KafkaHost]:
    host = KafkaHost.start(root / "kafka", lease)
    yield host
    host.stop()


@pytest.fixture(scope="module")
def servers(root: Path, lease: Lease) -> Iterator[tuple[mariadb.MariaDB, mariadb.MariaDB]]:
    (root / "up").mkdir()
    (root / "down").mkdir()
    up = mariadb.Launch("up", root=root / "up", lease=lease, binlog=True, server_id=1)
    down = mariadb.Launch("down", root=root / "down", lease=lease, binlog=False, server_id=2)
    upstream, downstream = up.ready(), down.ready()
    yield upstream, downstream
    upstream.stop()
    downstream.stop()


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
                out[message.partition()].append(json.loads(message.value()))
        return out
    finally:
        consumer.close()


def wait_exit(pid: int, timeout: float) -> bool:
    """Whether a process (not necessarily our child) exits within timeout."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        readable, _, _ = select.select([fd], [], [], timeout)  # a pidfd turns readable at exit
        return bool(readable) or not leases.alive(pid, None)
    finally:
        os.close(fd)


# -- the embedded cluster ------------------------------------------------------------------------

def test_kafka_host_serves_a_separate_client_and_kcat(kafka):
    topic = unique("host")
    producer = Producer({"bootstrap.servers": kafka.bootstrap})
    for i in range(3):
        producer.produce(topic, f"m{i}".encode(), partition=0)
    assert producer.flush(WAIT) == 0

    listed = subprocess.run(["kcat", "-b", kafka.bootstrap, "-L", "-t", topic], capture_output=True,
                            text=True, timeout=WAIT, check=True).stdout
    assert f"{kafka.brokers} brokers:" in listed
    assert f'topic "{topic}" with {MOCK_PARTITIONS} partitions' in listed
    consumed = subprocess.run(["kcat", "-b", kafka.bootstrap, "-C", "-t", topic, "-p", "0", "-e",
                               "-f", "%o %s\\n"], capture_output=True, text=True, timeout=WAIT,
                              check=True).stdout
    assert consumed.splitlines() == ["0 m0", "1 m1", "2 m2"]


def test_kafka_host_is_gone_after_stop(tmp_path, lease):
    host = KafkaHost.start(tmp_path, lease, brokers=1)
    assert leases.alive(host.pid, None)
    host.stop()
    assert not leases.alive(host.pid, None)
    assert host.child.process.returncode == 0, "SIGTERM is a clean exit"


OWNER = textwrap.dedent("""
    import sys, tempfile
    from pathlib import Path
    from stack.kafka import KafkaHost
    from stack.leases import Lease

    lease = Lease.acquire("kafka-owner")
    root = Path(tempfile.mkdtemp(prefix="kafka-owner-"))
    lease.add_directory(root)
    host = KafkaHost.start(root, lease, brokers=1)
    print("OWNER", host.pid, root, flush=True)
    sys.stdin.read()  # hold the cluster until killed
""")


def test_kafka_host_dies_with_its_killed_owner_and_its_lease_is_reaped(tmp_path, monkeypatch):
    monkeypatch.setenv("SINKMATRIX_STATE_DIR", str(tmp_path / "state"))
    owner = subprocess.Popen([sys.executable, "-c", OWNER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             text=True, cwd=ROOT, env=os.environ.copy())
    assert owner.stdout is not None
    line = next(line for line in owner.stdout if line.startswith("OWNER "))
    host_pid, host_root = int(line.split()[1]), Path(line.split()[2])

    owner.send_signal(signal.SIGKILL)
    owner.wait()

    assert wait_exit(host_pid, WAIT), "the cluster outlived its owner"
    assert leases.reap() and not host_root.exists()


# -- the applier -----------------------------------------------------------------------------------

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
                        for m in ms)
        consumer.assign([TopicPartition(f"{db}_{name}", p, 0)
                         for name in ("a", "b") for p in range(MOCK_PARTITIONS)])
        missing = {(f"{db}_{name}", p) for name in ("a", "b") for p in range(MOCK_PARTITIONS)}
        deadline = time.monotonic() + WAIT
        while missing:
            assert time.monotonic() < deadline, f"no watermark {commit_ts} in {sorted(missing)}"
            message = consumer.poll(0.5)
            if (message is not None and message.error() is None
                    and json.loads(message.value()).get("watermark") == commit_ts):
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


def test_view_applies_ddl_between_rows_of_every_partition_and_waits_until_consumed(kafka, servers):
    db = unique("sm_view")
    t2 = table(db)
    t3 = TableSchema(db, "t", (*t2.columns, Column("w", "int", "int(11)")), ("id",))
    t_w = TableSchema(db, "t", (t2.columns[0], t3.columns[2]), ("id",))
    sink = applier(kafka, dispatch="key")  # rows spread over partitions; DDL is in all of them
    try:
        sink.apply(txn(DdlChange(db, f"CREATE DATABASE {db}", "CREATE")))
        sink.apply(txn(DdlChange(db, "CREATE TABLE t (id int primary key, v varchar(64))", "CREATE")))
        sink.apply(txn(*(insert(t2, k, f"v{k}") for k in range(100))))
        sink.apply(txn(DdlChange(db, "ALTER TABLE t ADD COLUMN w int", "ALTER")))
        sink.apply(txn(*(RowChange("update", t3, {"id": k, "v": f"v{k}", "w": None},
                                   {"id": k, "v": f"v{k}", "w": k}) for k in range(100))))
        sink.apply(txn(DdlChange(db, "ALTER TABLE t DROP COLUMN v", "ALTER")))
        sink.apply(txn(*(RowChange("insert", t_w, None, {"id": k, "w": k}) for k in range(100, 200))))
        sink.apply(txn(RowChange("delete", t_w, {"id": 0, "w": 0}, None)))
        sink.flush()
    finally:
        sink.close()

    view = open_view(kafka, servers, db)
    try:
        assert caught_up(view), view.progress.describe()
        assert view.findings(db) == []
        rows = query(servers[1], f"SELECT * FROM {db}.t ORDER BY id")
        assert rows == [(k, k) for k in range(1, 200)]
        assert view.progress.failure() is None
    finally:
        view.close()


def test_view_without_ddl_creates_and_alters_tables_like_the_upstream(kafka, servers):
    upstream, downstream = servers
    db = unique("sm_noddl")
    upstream.query(f"CREATE DATABASE {db}")
    upstream.query(f"CREATE TABLE {db}.t (id int primary key, v varchar(64) NOT NULL DEFAULT 'd')")
    before = table(db)
    sink = applier(kafka)
    view = open_view(kafka, servers, db, carries_ddl=False)
    try:
        assert view.database(db) == db  # the DSL connects to it before any change arrives
        sink.apply(txn(*(insert(before, k, "a") for k in range(10))))
        sink.flush()
        assert caught_up(view), view.progress.describe()
        assert query(downstream, f"SELECT count(*) FROM {db}.t") == [(10,)]

        upstream.query(f"ALTER TABLE {db}.t ADD COLUMN w bigint unsigned NOT NULL DEFAULT 7")
        after = TableSchema(db, "t", (*before.columns, Column("w", "bigint", "bigint(20) unsigned", False)),
                            ("id",))
        sink.apply(txn(RowChange("insert", after, None, {"id": 10, "v": "b", "w": 2**64 - 1})))
        sink.flush()
        assert caught_up(view), view.progress.describe()
        assert view.findings(db) == []
        columns = query(downstream, f"SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE FROM "
                                    f"information_schema.COLUMNS WHERE TABLE_SCHEMA = '{db}' "
                                    "ORDER BY ORDINAL_POSITION")
        assert columns == [("id", "int(11)", "NO"), ("v", "varchar(64)", "NO"),
                           ("w", "bigint(20) unsigned", "NO")]
        assert query(downstream, f"SELECT * FROM {db}.t WHERE id >= 9 ORDER BY id") == \
            [(9, "a", 7), (10, "b", 2**64 - 1)]
    finally:
        view.close()
        sink.close()


def test_a_record_the_view_cannot_apply_is_a_finding_and_the_rest_still_applies(kafka, servers):
    db = unique("sm_bad")
    good, bad = table(db, "good"), table(db, "never_created")
    sink = applier(kafka)
    try:
        sink.apply(txn(DdlChange(db, f"CREATE DATABASE {db}", "CREATE")))
        sink.apply(txn(DdlChange(db, "CREATE TABLE good (id int primary key, v varchar(64))", "CREATE")))
        sink.apply(txn(insert(good, 1), insert(bad, 1), insert(good, 2)))
        sink.flush()
    finally:
        sink.close()
    view = open_view(kafka, servers, db)
    try:
        assert caught_up(view), view.progress.describe()
        [finding] = view.findings(db)
        assert (finding.kind, finding.database, finding.table, finding.key) == \
            ("apply-failed", db, "never_created", (1,))
        assert finding.topic == f"{db}_never_created" and finding.offset == 0
        assert query(servers[1], f"SELECT id FROM {db}.good ORDER BY id") == [(1,), (2,)]
        assert view.findings("some_other_database") == []
    finally:
        view.close()


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
        self.progress = CdcProgress(self.cdc, self.upstream)

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


@pytest.fixture
def pipeline(kafka, servers, root, lease, request) -> Iterator[Pipeline]:
    settings = getattr(request, "param", {})
    running = Pipeline(kafka, servers, root, lease, unique("sm_e2e"), **settings)
    yield running
    running.close()


@pytest.mark.parametrize("pipeline", [{"dispatch": "key"}], indirect=True)
def test_changes_travel_from_the_upstream_through_the_cdc_and_kafka_into_the_view(kafka, servers, pipeline,
                                                                               capsys):
    db, rows = pipeline.db, 20_000
    began = time.monotonic()
    pipeline.sql(f"CREATE DATABASE {db}",
                 f"CREATE TABLE {db}.t (id int primary key, v varchar(64), n int)",
                 *(f"INSERT INTO {db}.t VALUES " + ",".join(f"({i}, 'v{i}', {i % 7})"
                                                            for i in range(start, start + 1000))
                   for start in range(0, rows, 1000)),
                 f"UPDATE {db}.t SET v = 'updated' WHERE id < 100",
                 f"DELETE FROM {db}.t WHERE id >= {rows - 100}",
                 f"ALTER TABLE {db}.t ADD COLUMN w int DEFAULT 3")
    produced = pipeline.delivered()

    view = open_view(kafka, servers, db, cdc=pipeline.progress)  # reads the whole backlog
    try:
        assert caught_up(view), view.progress.describe()
        consumed = time.monotonic()
        assert view.findings(db) == []
        assert query(servers[1], f"SELECT count(*), sum(v = 'updated'), max(id) FROM {db}.t") == \
            [(rows - 100, 100, rows - 101)]
        messages = rows + 200 + 3  # rows, updates, deletes and DDL copies in each partition
        with capsys.disabled():
            print(f"\n  CDC → Kafka: {rows + 200} row changes in {produced - began:.2f}s "
                  f"({(rows + 200) / (produced - began):,.0f}/s incl. binlog read); "
                  f"view consume+apply of the backlog: {messages / (consumed - produced):,.0f} msgs/s")

        latencies = []
        for i in range(1, 21):  # the view follows live changes too
            pipeline.sql(f"INSERT INTO {db}.t (id, v, n) VALUES ({-i}, 'late', 0)")
            start = time.monotonic()
            assert caught_up(view), view.progress.describe()
            latencies.append(time.monotonic() - start)
        assert query(servers[1], f"SELECT v, w FROM {db}.t WHERE id = -1") == [("late", 3)]
        with capsys.disabled():
            print(f"  one-row change, upstream commit → view applied: median "
                  f"{sorted(latencies)[10] * 1000:.1f} ms")
    finally:
        view.close()


def test_a_log_truncated_before_the_view_read_it_is_transport_overflow_not_cdc_loss(kafka, servers,
                                                                                   pipeline):
    db = pipeline.db
    doc = "x" * 100_000
    pipeline.sql(f"CREATE DATABASE {db}", f"CREATE TABLE {db}.t (id int primary key, doc longtext)",
                 *(f"INSERT INTO {db}.t VALUES " + ",".join(f"({i}, '{doc}')" for i in range(s, s + 10))
                   for s in range(0, 80, 10)))  # ≈8 MB into the table's one partition
    pipeline.delivered()

    view = open_view(kafka, servers, db, cdc=pipeline.progress)
    try:
        began = time.monotonic()
        assert not view.progress.wait_past(view.progress.mark(), time.monotonic() + WAIT)
        assert time.monotonic() - began < 5, "the wait should fail at once, not time out"
        failure = view.progress.failure()
        assert failure is not None and failure.startswith(f"embedded Kafka dropped messages on {db}_t[")
        assert "produce less per cell" in failure and "compose backend" in failure
        assert [f.kind for f in view.findings(db)] == ["transport-overflow"]
        assert "not the CDC" in view.findings(db)[0].why
        assert pipeline.progress.failure() is None and pipeline.cdc.state == "streaming"
    finally:
        view.close()


def test_a_partition_truncated_past_what_the_view_read_is_found_by_its_low_watermark(kafka, servers):
    db = unique("sm_low")
    t = table(db)
    sink = applier(kafka)
    view = None
    try:
        sink.apply(txn(DdlChange(db, f"CREATE DATABASE {db}", "CREATE")))
        sink.apply(txn(DdlChange(db, "CREATE TABLE t (id int primary key, v longtext)", "CREATE")))
        sink.apply(txn(insert(t, 0)))
        sink.flush()
        view = open_view(kafka, servers, db)
        assert caught_up(view)
        partition = apply_kafka.stable_hash(db, "t") % MOCK_PARTITIONS  # the table's partition
        # A view that is not reading this partition (busy elsewhere) while the broker truncates it:
        # no fetch, so no out-of-range error; only the low watermark tells.
        view._consumer.pause([TopicPartition(f"{db}_t", partition)])
        for start in range(1, 81, 10):
            sink.apply(txn(*(insert(t, k, "y" * 100_000) for k in range(start, start + 10))))
            sink.flush()
        began = time.monotonic()
        assert not view.progress.wait_past(view.progress.mark(), time.monotonic() + WAIT)
        assert time.monotonic() - began < 5, "the wait should fail at once, not time out"
        [finding] = view.findings(db)
        assert finding.kind == "transport-overflow" and "the log starts at offset" in finding.why
        # offsets 0 and 1 (CREATE TABLE, the first row) were read before the pause
        assert (finding.topic, finding.partition, finding.offset) == (f"{db}_t", partition, 2)
        assert view.progress.failure() == (f"embedded Kafka dropped messages on {db}_t[{partition}] "
                                           f"{OVERFLOW_HINT}")
    finally:
        sink.close()
        if view is not None:
            view.close()


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
