"""The Kafka transport tests' processes, one set per test module: an embedded cluster and two MariaDBs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sinkmatrix.stack import mariadb
from sinkmatrix.stack.kafka import KafkaHost
from sinkmatrix.stack.leases import Lease


@pytest.fixture(scope="module")
def lease() -> Iterator[Lease]:
    with Lease.acquire("kafka-transport") as lease:
        yield lease


@pytest.fixture(scope="module")
def root(lease: Lease) -> Path:
    return lease.scratch_dir("sinkmatrix-kafka-")


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
