"""The embedded Kafka's process: hosts librdkafka's mock cluster and prints its bootstrap address.

librdkafka starts mock brokers on 127.0.0.1 inside any client created with
`test.mock.num.brokers`; they serve every Kafka client for as long as that client object lives.
So the cluster gets a process of its own, which a stack starts, watches and kills like a server.

    python -m sinkmatrix.stack.kafka_host --brokers 3

prints one line `kafka mock cluster bootstrap=HOST:PORT,...` (and with `--announce FILE` also writes
the bootstrap list to FILE, atomically: a container's healthcheck and its host read it) and lives
until SIGTERM or SIGINT, or until stdin reaches its end when stdin is a pipe (so a parent holding
the pipe takes it along).
"""

from __future__ import annotations

import argparse
import os
import signal
import stat
import sys
import threading
from pathlib import Path
from types import FrameType

from confluent_kafka import Producer

READY_PREFIX = "kafka mock cluster bootstrap="
_METADATA_TIMEOUT = 10.0


def bootstrap_of(client: Producer, timeout: float = _METADATA_TIMEOUT) -> str:
    """The brokers' addresses as a client's metadata lists them, in broker id order."""
    brokers = client.list_topics(timeout=timeout).brokers
    return ",".join(f"{brokers[i].host}:{brokers[i].port}" for i in sorted(brokers))


def _watch_stdin(stop: threading.Event) -> None:
    # Only a pipe means "someone holds us"; /dev/null (how stacks spawn children) ends at once.
    try:
        if not stat.S_ISFIFO(os.fstat(0).st_mode):
            return
    except OSError:
        return

    def drain() -> None:
        while os.read(0, 65536):
            pass
        stop.set()

    threading.Thread(target=drain, name="stdin", daemon=True).start()


def _announce(path: Path, bootstrap: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(bootstrap + "\n")
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sinkmatrix.stack.kafka_host",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--brokers", type=int, default=3, help="mock brokers to start (default 3)")
    parser.add_argument("--announce", type=Path, metavar="FILE",
                        help="also write the bootstrap list to FILE once the cluster is up")
    args = parser.parse_args(argv)
    if args.brokers < 1:
        parser.error("--brokers must be at least 1")

    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    cluster = Producer({"test.mock.num.brokers": args.brokers, "client.id": "kafka-host"})
    try:
        bootstrap = bootstrap_of(cluster)
        if args.announce is not None:
            _announce(args.announce, bootstrap)
        print(f"{READY_PREFIX}{bootstrap}", flush=True)
    except Exception as exc:  # any failure here means no cluster: say why, then exit
        print(f"kafka mock cluster did not come up: {type(exc).__name__}: {exc}", flush=True)
        return 1
    _watch_stdin(stop)
    stop.wait()  # signal handlers run between the waits' lock attempts, so this returns on SIGTERM
    del cluster  # destroying the client stops the brokers before the process exits
    print("kafka mock cluster stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
