"""The whole Kafka transport: upstream → reference CDC → Kafka → view, throughput and overflow."""

from __future__ import annotations

import base64
import os
import time
from collections.abc import Iterator

import pytest
from confluent_kafka import TopicPartition

from sinkmatrix.model.changes import DdlChange
from sinkmatrix.refcdc import apply_kafka
from sinkmatrix.stack.kafka import MOCK_PARTITIONS
from sinks.kafka_view import OVERFLOW_HINT
from tests.framework.kafka.support import (
    WAIT,
    Pipeline,
    applier,
    caught_up,
    insert,
    open_view,
    query,
    table,
    txn,
    unique,
)


@pytest.fixture
def pipeline(kafka, servers, root, lease, request) -> Iterator[Pipeline]:
    settings = getattr(request, "param", {})
    running = Pipeline(kafka, servers, root, lease, unique("sm_e2e"), **settings)
    yield running
    running.close()


@pytest.mark.parametrize("pipeline", [{"dispatch": "key"}], indirect=True)

def incompressible(size: int = 100_000) -> str:
    """Text the transport's compression (lz4) cannot shrink: a partition fills as the bytes say."""
    return base64.b64encode(os.urandom(size * 3 // 4)).decode()

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
    pipeline.sql(f"CREATE DATABASE {db}", f"CREATE TABLE {db}.t (id int primary key, doc longtext)",
                 *(f"INSERT INTO {db}.t VALUES " + ",".join(f"({i}, '{incompressible()}')"
                                                            for i in range(s, s + 10))
                   for s in range(0, 80, 10)))  # ≈8 MB into the table's one partition, lz4 or not
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
            sink.apply(txn(*(insert(t, k, incompressible()) for k in range(start, start + 10))))
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
