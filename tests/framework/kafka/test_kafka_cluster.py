"""The embedded mock Kafka cluster: serving clients and kcat, stopping, dying with its owner."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from confluent_kafka import Producer

from sinkmatrix.stack import leases
from sinkmatrix.stack.kafka import MOCK_PARTITIONS, KafkaHost
from tests.framework.kafka.support import WAIT, unique

ROOT = Path(__file__).resolve().parents[3]


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
    from sinkmatrix.stack.kafka import KafkaHost
    from sinkmatrix.stack.leases import Lease

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
