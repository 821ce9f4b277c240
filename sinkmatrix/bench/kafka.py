"""Kafka measurements: the embedded broker's start, and a Kafka cell's verified rate next to the
raw rate of its CDC (a bare consumer counting the CDC's records on Kafka from the first write)."""

from __future__ import annotations

import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from confluent_kafka import Consumer, TopicPartition
from confluent_kafka.admin import AdminClient

from dsl.context import Ctx
from sinkmatrix.bench.measure import (
    Result,
    _bare_landed,
    _median,
    _raw_cursor,
    alternate,
    bulk_rows,
    verified_round,
)
from sinkmatrix.stack import jvm, kafka_broker
from sinkmatrix.stack.embedded import EmbeddedStack
from sinkmatrix.stack.leases import Lease
from sinkmatrix.stack.maven import cache_root, resolve


def broker_start(release: str, rounds: int = 3) -> list[Result]:
    """A broker of `release` started to its first served request: cold (no class-data archive: the
    first start on a machine, which writes it) and warm (mapping it); its jars are cached in both."""
    jars = resolve(kafka_broker.component(release))
    archives = cache_root().parent / "jvm"
    cold: list[float] = []
    warm: list[float] = []
    with Lease.acquire("bench-kafka") as lease, tempfile.TemporaryDirectory(prefix="sm-bench-kafka-") as tmp:
        for n in range(rounds):
            option, _ = jvm.class_archive("kafka", [jars], kafka_broker.JVM_OPTIONS)
            for archive in archives.glob(f"kafka-{option.rpartition('kafka-')[2][:16]}-*.jsa"):
                archive.unlink()  # the next start is a first one: it writes the archive at its exit
            cold.append(_started(Path(tmp) / f"cold-{n}", lease, release))
            warm.append(_started(Path(tmp) / f"warm-{n}", lease, release))
    c, w = _median(cold), _median(warm)
    note = f"median of {rounds}, alternating; from the JVM's start to `Kafka Server started`, storage copied"
    return [Result(f"Apache Kafka {release} broker start, cold", c, "s", target="<= 3 s", met=c <= 3.0,
                   note=note + "; no class-data archive yet"),
            Result(f"Apache Kafka {release} broker start, warm", w, "s", target="<= 1.5 s", met=w <= 1.5,
                   note=note + "; the archive the first start wrote")]


def _started(root: Path, lease: Lease, release: str) -> float:
    began = time.perf_counter()
    broker = kafka_broker.KafkaBroker.start(root, lease, release)
    elapsed = time.perf_counter() - began
    broker.stop()
    return elapsed


class _Counter:
    """A bare consumer counting the records of one table's topic (tombstones left out)."""

    def __init__(self, bootstrap: str, names: tuple[str, ...]) -> None:
        self.bootstrap, self.names = bootstrap, names
        self.count = 0
        self.done = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bench-counter", daemon=True)

    def start(self, wanted: int) -> None:
        self.wanted = wanted
        self._thread.start()

    def _run(self) -> None:
        admin = AdminClient({"bootstrap.servers": self.bootstrap})
        consumer = Consumer({"bootstrap.servers": self.bootstrap, "group.id": "bench-counter",
                             "enable.auto.commit": False, "fetch.wait.max.ms": 5})
        try:
            topic = None
            while topic is None and not self._stop.is_set():
                found = [t for t in admin.list_topics(timeout=5).topics if t.endswith(self.names)]
                if found:
                    topic = found[0]
                else:
                    self._stop.wait(0.01)  # the topic appears with the CDC's first record: look again
            if topic is None:
                return
            parts = admin.list_topics(topic, timeout=5).topics[topic].partitions
            consumer.assign([TopicPartition(topic, p, 0) for p in parts])
            while self.count < self.wanted and not self._stop.is_set():
                for message in consumer.consume(10_000, 0.05):
                    if message.error() is None and message.value() is not None:
                        self.count += 1
            self.done.set()
        finally:
            consumer.close()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)


def bulk(stack: EmbeddedStack, ctx: Ctx, rows: int = 100_000, rounds: int = 3) -> Result:
    """insert_many + wait().check() of `rows` rows, next to the raw pipeline: the same rows written in
    one transaction, timed from the first write until a bare consumer counted them all on Kafka."""
    data = bulk_rows(rows)
    bootstrap = stack.services["kafka"].bootstrap

    def verified(r: int) -> float:
        return verified_round(stack, ctx, data, r)

    def raw(r: int) -> float:
        name = f"bulk_raw_{r}"
        ctx.upstream.exec_driver_sql(f"create table {name} (id int primary key, value int, note varchar(32))")
        _bare_landed(stack)
        counter = _Counter(bootstrap, (f"{ctx.database}_{name}", f"{ctx.database}.{name}"))
        counter.start(rows)
        cur: Any = _raw_cursor(ctx)
        sql = f"INSERT INTO {name} (id, value, note) VALUES (%s, %s, %s)"
        try:
            began = time.perf_counter()
            cur.execute("BEGIN")
            for start in range(0, rows, 1000):
                cur.executemany(sql, [(d["id"], d["value"], d["note"]) for d in data[start:start + 1000]])
            cur.execute("COMMIT")
            if not counter.done.wait(300):
                raise RuntimeError(f"the bare consumer counted {counter.count} of {rows} records")
            return time.perf_counter() - began
        finally:
            counter.stop()
            _bare_landed(stack)  # the view catches up before the next round

    d, b = alternate(rounds, verified, raw)
    rate, raw_rate = rows / d, rows / b
    ratio = rate / raw_rate
    return Result(f"{stack.cell.id}: {rows} rows, verified (insert_many + wait().check()) next to raw",
                  rate, "verified rows/s", raw_rate, ratio, ">= 0.9x raw", ratio >= 0.9,
                  f"raw: the CDC's records counted on Kafka by a bare consumer, from the first write; "
                  f"median of {rounds} alternating rounds")
