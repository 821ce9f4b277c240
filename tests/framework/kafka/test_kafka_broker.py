"""The embedded Kafka broker (sinkmatrix.stack.kafka_broker): Apache Kafka of each release on the
version axis, started from Maven Central's jars, as any Kafka client sees it; killed, started again
on its data, paused and resumed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from sinkmatrix.stack import broker_clients, maven
from sinkmatrix.stack.kafka_broker import RELEASES, KafkaBroker
from sinkmatrix.stack.leases import Lease

pytestmark = pytest.mark.skipif(shutil.which("java") is None, reason="the embedded Kafka needs Java 17+")


def _read(bootstrap: str, topic: str, partitions: int) -> list[bytes]:
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "t", "enable.auto.commit": False})
    try:
        consumer.assign([TopicPartition(topic, p, 0) for p in range(partitions)])
        got: list[bytes] = []
        ends = sum(consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1]
                   for p in range(partitions))
        while len(got) < ends:
            message = consumer.poll(10)
            assert message is not None, f"read {len(got)} of {ends}"
            if message.error() is None:
                got.append(message.value())
        return got
    finally:
        consumer.close()


@pytest.mark.parametrize("release", RELEASES)
def test_a_broker_of_each_release_serves_any_client_and_survives_kill_and_pause(
        tmp_path: Path, lease: Lease, release: str) -> None:
    broker = KafkaBroker.start(tmp_path / "kafka", lease, release)
    try:
        admin = AdminClient({"bootstrap.servers": broker.bootstrap})
        cluster = admin.describe_cluster(request_timeout=10).result()
        assert len(cluster.cluster_id) == 22 and cluster.controller.id == 1
        assert cluster.controller.host == "127.0.0.1" and cluster.controller.port == broker.port
        admin.create_topics([NewTopic("three", 3)], request_timeout=10)["three"].result()
        producer = Producer({"bootstrap.servers": broker.bootstrap, "acks": "all"})
        for i in range(30):
            producer.produce("three", str(i).encode(), partition=i % 3)
        assert producer.flush(10) == 0
        assert sorted(_read(broker.bootstrap, "three", 3)) == sorted(str(i).encode() for i in range(30))

        broker.kill()
        assert not broker.alive()
        with pytest.raises(KafkaException):
            admin.list_topics(timeout=1)
        broker.restart()
        assert broker.alive() and broker.starts == 2
        assert len(_read(broker.bootstrap, "three", 3)) == 30  # the data outlived the kill

        broker.pause()
        with pytest.raises(KafkaException):
            admin.list_topics(timeout=1)  # connections stay open; nothing answers
        broker.resume()
        assert "three" in admin.list_topics(timeout=10).topics
    finally:
        broker.stop()
    assert not broker.alive()


def test_the_default_num_partitions_is_the_profiles(tmp_path: Path, lease: Lease) -> None:
    broker = KafkaBroker.start(tmp_path / "kafka", lease, partitions=3)
    try:
        producer = Producer({"bootstrap.servers": broker.bootstrap})
        producer.produce("auto", b"x")
        assert producer.flush(10) == 0
        admin = AdminClient({"bootstrap.servers": broker.bootstrap})
        assert len(admin.list_topics("auto", timeout=10).topics["auto"].partitions) == 3
    finally:
        broker.stop()


def test_the_broker_names_the_clients_that_produced_to_it(tmp_path: Path, lease: Lease) -> None:
    broker = KafkaBroker.start(tmp_path / "kafka", lease)
    try:
        before = Producer({"bootstrap.servers": broker.bootstrap, "client.id": "before-accounting"})
        before.produce("t", b"x")
        assert before.flush(10) == 0
        broker_clients.account_by_client_id(broker)
        assert broker_clients.producer_client_ids(broker) == set()  # nothing labelled before
        for client in ("connector-producer-x-0", "other"):
            producer = Producer({"bootstrap.servers": broker.bootstrap, "client.id": client})
            producer.produce("t", b"x")
            assert producer.flush(10) == 0
        assert broker_clients.producer_client_ids(broker) == {"connector-producer-x-0", "other"}
        broker_clients._agents.clear()  # another process asks: the agent already in the broker answers
        assert broker_clients.producer_client_ids(broker) == {"connector-producer-x-0", "other"}
    finally:
        broker.stop()


def test_a_warm_cache_needs_no_maven(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, lease: Lease) -> None:
    """Once a release's jars are cached, Maven is never asked again (a run without network works)."""
    maven.resolve(maven.Component("kafka-4.4.0", ("org.apache.kafka:kafka_2.13:4.4.0",
                                                  "org.slf4j:slf4j-simple:1.7.36")))
    which = shutil.which
    monkeypatch.setattr(maven.shutil, "which", lambda name: None if name == "mvn" else which(name))
    broker = KafkaBroker.start(tmp_path / "kafka", lease, "4.4.0")
    broker.stop()


def test_jars_not_cached_without_maven_say_what_to_install(monkeypatch: pytest.MonkeyPatch,
                                                           tmp_path: Path) -> None:
    monkeypatch.setenv("SINKMATRIX_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(maven.shutil, "which", lambda name: None)
    with pytest.raises(maven.ResolutionError, match="apt-get install maven"):
        maven.resolve(maven.Component("x-1", ("org.example:x:1",)))
    assert not any(tmp_path.joinpath("jars").glob("x-1-*"))  # nothing half-written


def test_an_artifact_maven_cannot_resolve_is_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SINKMATRIX_CACHE_DIR", str(tmp_path))
    with pytest.raises(maven.ResolutionError, match=r"org\.example\.none:nothing:0\.0\.1"):
        maven.resolve(maven.Component("nothing", ("org.example.none:nothing:0.0.1",)))
    assert not any(tmp_path.joinpath("jars").glob("nothing-*"))


def test_a_malformed_coordinate_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SINKMATRIX_CACHE_DIR", str(tmp_path))
    with pytest.raises(maven.ResolutionError, match="group:artifact:version"):
        maven.resolve(maven.Component("bad", ("kafka",)))
