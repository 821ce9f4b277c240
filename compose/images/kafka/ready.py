#!/usr/bin/python3
"""sinkmatrix-kafka-ready [--once]: exit 0 once the broker on 127.0.0.1:$SINKMATRIX_KAFKA_PORT serves
requests, i.e. answers a Metadata request (v4) listing a broker: itself, registered with its
controller and unfenced. Speaks the Kafka protocol directly, so a check costs no JVM.

--once: after the first success leave MARKER, and answer from it from then on (a check every 250 ms
costs a Python start otherwise; a broker that dies ends the container). The entrypoint removes it
at each start."""

import os
import socket
import struct
import sys

METADATA, VERSION = 3, 4
MARKER = "/var/lib/kafka/ready"


def request(sock: socket.socket, api: int, version: int, body: bytes) -> bytes:
    client = b"sinkmatrix-ready"
    header = struct.pack(">hhih", api, version, 1, len(client)) + client
    sock.sendall(struct.pack(">i", len(header) + len(body)) + header + body)
    size = struct.unpack(">i", receive(sock, 4))[0]
    response = receive(sock, size)
    if struct.unpack(">i", response[:4])[0] != 1:
        raise ValueError("the response's correlation id is not the request's")
    return response[4:]


def receive(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise ConnectionError("the broker closed the connection")
        data += chunk
    return data


def main() -> int:
    once = sys.argv[1:] == ["--once"]
    if once and os.path.exists(MARKER):
        return 0
    port = int(os.environ.get("SINKMATRIX_KAFKA_PORT") or 9092)
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=4) as sock:
            # topics: null (all), allow_auto_topic_creation: false
            body = request(sock, METADATA, VERSION, struct.pack(">i?", -1, False))
    except (OSError, ValueError, struct.error) as exc:
        print(f"not serving: {exc}", file=sys.stderr)
        return 1
    brokers = struct.unpack(">i", body[4:8])[0]  # after throttle_time_ms
    if brokers < 1:
        print("serving, but no broker registered yet", file=sys.stderr)
        return 1
    if once:
        open(MARKER, "w").close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
