"""Safety: every port an embedded stack listens on is bound to loopback, never to a reachable address.

The sockets are read from /proc (no psutil): LISTEN entries of /proc/net/tcp and tcp6, their inodes
matched to the file descriptors of this process's descendants, so what is checked is what the
stack's processes really hold, not what their command lines claim.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from matrix import axes
from sinkmatrix.stack.embedded import EmbeddedStack

pytestmark = pytest.mark.framework

_LISTEN = "0A"  # TCP_LISTEN in /proc/net/tcp's `st` column
CELLS = [
    axes.cell("mysql", "mysql", "local"),
    axes.cell("canal-json", "kafka", "local"),
    axes.cell("canal-json", "kafka", "local", variant="tidb"),
    axes.cell("avro", "kafka", "local"),
]


@dataclass(frozen=True)
class Listener:
    pid: int
    process: str
    address: ipaddress.IPv4Address | ipaddress.IPv6Address
    port: int

    @property
    def loopback(self) -> bool:
        address = self.address
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        return address.is_loopback

    def __str__(self) -> str:
        return f"pid {self.pid} ({self.process}) on {self.address}:{self.port}"


def _address(hex_address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    raw = bytes.fromhex(hex_address)
    # the kernel prints each 32-bit word in host byte order
    words = struct.unpack(f"={len(raw) // 4}I", raw)
    return ipaddress.ip_address(b"".join(struct.pack("!I", w) for w in words))


def listening_inodes() -> dict[int, tuple[ipaddress.IPv4Address | ipaddress.IPv6Address, int]]:
    """Socket inode → (address, port) of every TCP/TCP6 socket in LISTEN state in this namespace."""
    found = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except FileNotFoundError:  # no IPv6 in this kernel
            continue
        for line in lines:
            fields = line.split()
            local, state, inode = fields[1], fields[3], int(fields[9])
            if state != _LISTEN:
                continue
            host, port = local.split(":")
            found[inode] = (_address(host), int(port, 16))
    return found


def descendants(root: int) -> set[int]:
    """Every live process below `root` (children, their children, …)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # exited while we looked
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])  # the name in (…) may hold spaces
        parents.setdefault(ppid, []).append(int(entry.name))
    found: set[int] = set()
    todo = [root]
    while todo:
        for child in parents.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _process(pid: int) -> str:
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return "?"
    return " ".join(a.decode(errors="replace") for a in argv[:4] if a)


def socket_inodes(pid: int) -> Iterator[int]:
    try:
        fds = list(Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return
    for fd in fds:
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            yield int(target[len("socket:[") : -1])


def listeners_of(pids: set[int]) -> list[Listener]:
    table = listening_inodes()
    found = []
    for pid in sorted(pids):
        for inode in set(socket_inodes(pid)):
            if inode in table:
                address, port = table[inode]
                found.append(Listener(pid, _process(pid), address, port))
    return found


def _port_of(url: Any) -> int:
    return int(str(url).rsplit(":", 1)[1].split("/")[0])


@pytest.fixture(params=CELLS, ids=lambda cell: cell.id)
def stack(request: pytest.FixtureRequest) -> Iterator[EmbeddedStack]:
    running = EmbeddedStack.start(request.param)  # its own short temp dir: socket paths have a limit
    try:
        yield running
    finally:
        running.close()


def test_listener_parsing_reads_a_socket_this_process_holds():
    # the /proc reading itself, against a socket whose address we know (v4 and, if present, v6)
    with socket.socket() as v4:
        v4.bind(("127.0.0.1", 0))
        v4.listen()
        ours = listeners_of({os.getpid()})
        assert Listener(os.getpid(), _process(os.getpid()), ipaddress.ip_address("127.0.0.1"),
                        v4.getsockname()[1]) in ours
    if socket.has_ipv6 and Path("/proc/net/tcp6").exists():
        try:
            v6 = socket.socket(socket.AF_INET6)
            v6.bind(("::1", 0))
        except OSError:
            return  # IPv6 loopback not configured here
        with v6:
            v6.listen()
            ours = listeners_of({os.getpid()})
            assert any(lst.port == v6.getsockname()[1] and str(lst.address) == "::1" and lst.loopback
                       for lst in ours)


def test_a_wildcard_listener_is_reported_as_not_loopback():
    with socket.socket() as wild:
        wild.bind(("0.0.0.0", 0))
        wild.listen()
        mine = [lst for lst in listeners_of({os.getpid()}) if lst.port == wild.getsockname()[1]]
        assert len(mine) == 1 and not mine[0].loopback


def test_every_port_the_stack_listens_on_is_bound_to_loopback(stack: EmbeddedStack):
    pids = descendants(os.getpid()) | {os.getpid()}  # in-process listeners count too
    listeners = listeners_of(pids)
    offenders = [str(lst) for lst in listeners if not lst.loopback]
    assert not offenders, "the stack listens on non-loopback addresses:\n  " + "\n  ".join(offenders)

    # not vacuous: the ports we know the stack opened were among those seen
    seen = {(lst.pid, lst.port) for lst in listeners}
    expected = {"upstream MariaDB": (stack.upstream.child.process.pid, stack.upstream.port),
                "downstream MariaDB": (stack.downstream.child.process.pid, stack.downstream.port)}
    kafka = stack.services.get("kafka")
    if kafka is not None:
        brokers = [_port_of(address) for address in kafka.bootstrap.split(",")]
        assert len(brokers) == getattr(kafka, "brokers", 1)
        expected.update({f"Kafka broker {port}": (kafka.pid, port) for port in brokers})
    registry = stack.services.get("schema-registry")
    if registry is not None:
        expected["schema registry"] = (registry.child.process.pid, _port_of(registry.url))
    missing = {what: where for what, where in expected.items() if where not in seen}
    assert not missing, f"listeners not found (pid, port): {missing}; seen: {sorted(seen)}"
    assert stack.cell.protocol != "kafka" or kafka is not None
    assert stack.cell.sink != "avro" or registry is not None
