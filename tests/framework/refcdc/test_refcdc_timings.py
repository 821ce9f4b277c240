"""Timings the reference CDC prints (status push, apply, catching up); they assert only correctness."""

from __future__ import annotations

import datetime
import signal
import socket
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from sqlalchemy import create_engine

from dsl.schema import introspect
from sinkmatrix.model.changes import Position, RowChange, Transaction
from sinkmatrix.refcdc.client import RefCdc, master_position, mysql_sink
from sinkmatrix.refcdc.status import Status, StatusServer
from sinks.apply_mysql import MysqlApplier
from tests.framework.refcdc.support import WAIT, Stack, connect


def test_status_push_latency() -> None:
    """Prints how long a published state takes to reach a subscriber thread."""
    with tempfile.TemporaryDirectory() as tmp:
        server = StatusServer(Path(tmp) / "s.sock", Status("streaming", Position.of("b.000001", 4)))
        arrived = threading.Condition()
        got: list[float] = []
        with socket.socket(socket.AF_UNIX) as feed:
            feed.connect(str(server.path))

            def follow() -> None:
                for _line in feed.makefile("rb"):
                    with arrived:
                        got.append(time.perf_counter())
                        arrived.notify_all()

            def received(count: int) -> Callable[[], bool]:
                return lambda: len(got) >= count

            threading.Thread(target=follow, daemon=True).start()
            latencies = []
            for i in range(200):
                with arrived:
                    assert arrived.wait_for(received(i + 1), timeout=WAIT)
                    sent = time.perf_counter()
                    server.publish(position=Position.of("b.000001", 5 + i))
                    assert arrived.wait_for(received(i + 2), timeout=WAIT)
                    latencies.append((got[-1] - sent) * 1000)
            server.close()
    print(f"\nstatus publish → subscriber: median {statistics.median(latencies):.3f} ms")


def test_apply_throughput_and_wait_latency(stack: Stack) -> None:
    """Prints numbers; asserts only correctness (timings depend on the machine)."""
    stack.sql(stack.down, "CREATE DATABASE rc_bench_direct",
              "CREATE TABLE rc_bench_direct.t (id INT PRIMARY KEY, v VARCHAR(32), n BIGINT, "
              "d DECIMAL(10,2), ts DATETIME(6))")
    engine = create_engine(stack.down.url())
    with engine.connect() as conn:
        table = introspect(conn, "rc_bench_direct", "t")
    engine.dispose()
    now = datetime.datetime(2024, 1, 1, 12, 0, 0, 123456)
    txns = [
        Transaction(tuple(RowChange("insert", table, None, {
            "id": b * 1000 + i, "v": f"value {i}", "n": i * b, "d": Decimal("12.34"), "ts": now,
        }) for i in range(1000)), end=Position.of("binlog.000001", 4 + b), commit_time=0)
        for b in range(100)
    ]
    applier = MysqlApplier(mysql_sink(stack.down))
    started = time.perf_counter()
    for txn in txns:
        applier.apply(txn)
        applier.flush()
    direct = 100_000 / (time.perf_counter() - started)
    applier.close()
    assert stack.down.query("SELECT COUNT(*) FROM rc_bench_direct.t") == [(100_000,)]

    # A second changefeed, paused while the load is written, then timed catching up on it.
    catchup = RefCdc.start(upstream=stack.up, sink=mysql_sink(stack.down), databases=["rcb_*"],
                           root=stack.root / "cdc-bench", lease=stack.lease, changefeed_id="bench")
    assert catchup.child is not None
    conn = connect(stack.up, autocommit=False)
    try:
        catchup.child.process.send_signal(signal.SIGSTOP)
        with conn.cursor() as cur:
            cur.execute("CREATE DATABASE rcb_bench")
            cur.execute("CREATE TABLE rcb_bench.t (id INT PRIMARY KEY, v VARCHAR(32), n BIGINT)")
            for b in range(100):
                cur.executemany("INSERT INTO rcb_bench.t VALUES (%s, %s, %s)",
                                [(b * 1000 + i, f"value {i}", i) for i in range(1000)])
                conn.commit()
        target = master_position(stack.up)
        started = time.perf_counter()
        catchup.child.process.send_signal(signal.SIGCONT)
        assert catchup.wait_past(target, time.monotonic() + WAIT), catchup.error
        catching_up = 100_000 / (time.perf_counter() - started)
    finally:
        catchup.stop()
    assert stack.down.query("SELECT COUNT(*) FROM rcb_bench.t") == [(100_000,)]
    stack.sql(stack.up, "CREATE DATABASE rc_bench",
              "CREATE TABLE rc_bench.t (id INT PRIMARY KEY, v VARCHAR(32), n BIGINT)")
    stack.sync()

    latencies = []
    with conn.cursor() as cur:
        for i in range(50):
            cur.execute("INSERT INTO rc_bench.t VALUES (%s, 'x', 0)", (1_000_000 + i,))
            conn.commit()
            committed = time.perf_counter()
            cur.execute("SHOW MASTER STATUS")
            file, pos = cur.fetchone()[:2]
            assert stack.cdc.wait_past(Position.of(file, pos), time.monotonic() + WAIT)
            latencies.append((time.perf_counter() - committed) * 1000)
    conn.close()
    print(f"\napply (MysqlApplier, 1000-row transactions): {direct:,.0f} rows/s"
          f"\nCDC catching up on 100 x 1000-row transactions: {catching_up:,.0f} rows/s"
          f"\nupstream commit → wait_past returned: median {statistics.median(latencies):.2f} ms, "
          f"max {max(latencies):.2f} ms")
