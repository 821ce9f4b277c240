"""A victim pytest run to SIGKILL at a chosen point, and an inventory of what it started.

The victim runs one generated case on one cell through the sinkmatrix plugin, with a state dir, temp
dir, reports dir and run id of its own. Progress reaches the killer as lines on pipes, read as they
come (a selector, no polling): a conftest next to the case prints `POINT stack-start` when the
embedded stack's lease gets its first process and `POINT teardown` when a stack's close begins; the
case prints `POINT mid-case` once its first row went through the sink, then keeps writing rows. A
compose stack's start shows on `docker events`: its first container starts.

The inventory lists processes (the victim's session and descendants, and the processes of its
containers), listening TCP sockets (by inode, so a port reused later by someone else is not
mistaken for a leftover), directories named by its leases, its temp dir, and the containers,
networks and volumes labelled with its run.
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from sinkmatrix.stack import leases
from sinkmatrix.stack.compose_project import LABEL_STACK

REPO = Path(__file__).resolve().parents[2]
LABEL_RUN = "org.sinkmatrix.run"
LABEL_PROJECT = "com.docker.compose.project"

VICTIM_CONFTEST = textwrap.dedent('''
    """Progress markers for the test that kills this run (tests/framework/kill_victim.py)."""

    from sinkmatrix.stack.compose import ComposeStack
    from sinkmatrix.stack.embedded import EmbeddedStack
    from sinkmatrix.stack.leases import Lease


    def point(name, detail=""):
        print(f"\\nPOINT {name} {detail}", flush=True)


    def _first_process_announced(add_process):
        def add(self, pid):
            add_process(self, pid)
            if self.name.startswith("embedded-") and len(self.processes) == 1:
                point("stack-start", self.name)
        return add


    def _close_announced(close):
        def announced(self):
            point("teardown", self.cell.id)
            close(self)
        return announced


    Lease.add_process = _first_process_announced(Lease.add_process)
    EmbeddedStack.close = _close_announced(EmbeddedStack.close)
    ComposeStack.close = _close_announced(ComposeStack.close)
''')

VICTIM_CASE = textwrap.dedent('''
    import itertools
    import os


    def test_victim(ctx):
        ctx.upstream.exec_driver_sql("create table t (id int primary key, v varchar(20))")
        table = ctx.sql.table("t")
        table.insert({"id": 0, "v": "written"}).send().wait().check()
        if os.environ["VICTIM_POINT"] != "mid-case":
            return
        print("\\nPOINT mid-case", ctx.database, flush=True)
        for i in itertools.count(1):  # keeps the stack busy until the kill lands
            table.insert({"id": i, "v": "written"}).send().wait().check()
''')


# -- the victim --------------------------------------------------------------------------------------

@dataclass
class Victim:
    """A running victim: its process (leader of its own session) and where it keeps its state."""

    process: subprocess.Popen[bytes]
    run_id: str
    state: Path  # its SINKMATRIX_STATE_DIR
    tmp: Path  # its TMPDIR: every temp dir it or its children make is in here
    since: int  # unix time of its launch, for `docker events --since`


def launch(where: Path, tmp: Path, *, backend: str, point: str, sink: str) -> Victim:
    """Start the victim pytest run on one local cell of `backend`; it stops at nothing by itself."""
    (where / "conftest.py").write_text(VICTIM_CONFTEST)
    (where / "test_victim.py").write_text(VICTIM_CASE)
    run_id = f"kill-{backend}-{point}-{leases.Lease.token()}"
    state = where / "state"
    env = {**os.environ, "VICTIM_POINT": point, "SINKMATRIX_STATE_DIR": str(state), "TMPDIR": str(tmp),
           "SINKMATRIX_RUN_ID": run_id, "SINKMATRIX_REPORTS": str(where / "reports")}
    argv = [sys.executable, "-m", "pytest", str(where / "test_victim.py"),
            f"--backend={backend}", f"--sink={sink}", "--profile=local", "-s", "-q",
            "-p", "no:cacheprovider", "--rootdir", str(where)]
    since = int(time.time()) - 1
    process = subprocess.Popen(argv, cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, start_new_session=True)
    return Victim(process, run_id, state, tmp, since)


def container_starts(run_id: str, since: int) -> subprocess.Popen[bytes]:
    """`docker events` for the run's containers starting (replayed from `since`, then live)."""
    return subprocess.Popen(
        ["docker", "events", "--since", str(since), "--filter", "type=container", "--filter", "event=start",
         "--filter", f"label={LABEL_RUN}={run_id}",
         "--format", "POINT container-start {{.Actor.Attributes.name}}"],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def kill_group(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the process's whole process group (it leads one) and collect it."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(30)


class Lines:
    """Lines of several pipes, read as they arrive (a selector, no polling), with a tail for messages.
    Reading stops early once the main source (the first one added) has reached its end."""

    def __init__(self) -> None:
        self._selector = selectors.DefaultSelector()
        self._partial: dict[int, bytes] = {}
        self._main: int | None = None
        self.seen: list[str] = []

    def add(self, name: str, pipe: IO[bytes] | None) -> None:
        assert pipe is not None
        self._selector.register(pipe.fileno(), selectors.EVENT_READ, name)
        self._partial[pipe.fileno()] = b""
        self._main = pipe.fileno() if self._main is None else self._main

    def _open(self) -> bool:
        return self._main in self._selector.get_map()

    def _read(self, timeout: float) -> list[str]:
        """Whole lines that arrive within `timeout` seconds (a source at its end closes its last line)."""
        lines: list[str] = []
        for key, _ in self._selector.select(max(timeout, 0.0)):
            fd = int(key.fd)
            chunk = os.read(fd, 65536)
            if not chunk:  # the writer is gone: its last line ends here
                self._selector.unregister(fd)
                chunk = b"\n"
            *complete, self._partial[fd] = (self._partial[fd] + chunk).split(b"\n")
            lines += [f"{key.data}: {raw.decode(errors='replace')}" for raw in complete if raw.strip()]
        self.seen += lines
        return lines

    def first(self, match: Callable[[str], bool], deadline: float) -> str | None:
        """The first line that matches, read until `deadline` (time.monotonic()); None if none came."""
        while self._open() and time.monotonic() < deadline:
            for line in self._read(deadline - time.monotonic()):
                if match(line):
                    return line
        return None

    def drain(self, until: float) -> None:
        """Keep reading (so no writer blocks on a full pipe) until `until` (time.monotonic())."""
        while self._open() and time.monotonic() < until:
            self._read(until - time.monotonic())

    def tail(self, count: int = 40) -> str:
        return "\n".join(self.seen[-count:])

    def close(self) -> None:
        self._selector.close()


# -- processes and sockets, from /proc -------------------------------------------------------------

@dataclass(frozen=True)
class Proc:
    """A process as it was seen: its start time tells it apart from a later one with the same pid."""

    pid: int
    start: int
    cmd: str

    def alive(self) -> bool:
        return leases.alive(self.pid, self.start)

    def __str__(self) -> str:
        return f"pid {self.pid}: {self.cmd[:160]}"


@dataclass(frozen=True)
class Sock:
    """A listening TCP socket, by inode (a new socket on the same port is another one)."""

    inode: int
    port: int
    owner: str

    def __str__(self) -> str:
        return f"port {self.port} (socket {self.inode}, {self.owner})"


def _stat(pid: int) -> tuple[int, int, int] | None:
    """(ppid, session, start time) of a live process; None if it is gone or a zombie."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    if fields[0] in ("Z", "X"):
        return None
    return int(fields[1]), int(fields[3]), int(fields[19])


def _cmdline(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        raw = b""
    return raw.replace(b"\0", b" ").decode(errors="replace").strip() or "(exited)"


def process_table() -> dict[int, tuple[int, int, int]]:
    """Every live process: pid -> (ppid, session, start time)."""
    table = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (stat := _stat(int(entry))) is not None:
            table[int(entry)] = stat
    return table


def family(roots: Iterable[int], session: int | None = None) -> list[Proc]:
    """The roots, their descendants, and (given a session id) every process of that session."""
    table = process_table()
    members = {pid for pid in roots if pid in table}
    members |= {pid for pid, (_, sid, _) in table.items() if session is not None and sid == session}
    children: dict[int, list[int]] = {}
    for pid, (ppid, _, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    pending = list(members)
    while pending:
        for child in children.get(pending.pop(), []):
            if child not in members:
                members.add(child)
                pending.append(child)
    return [Proc(pid, table[pid][2], _cmdline(pid)) for pid in sorted(members)]


def listening() -> dict[int, int]:
    """Listening TCP sockets of this network namespace (v4 and v6): inode -> port."""
    found = {}
    for name in ("tcp", "tcp6"):
        with contextlib.suppress(FileNotFoundError):
            for line in Path(f"/proc/net/{name}").read_text().splitlines()[1:]:
                cols = line.split()
                if cols[3] == "0A":  # TCP_LISTEN
                    found[int(cols[9])] = int(cols[1].rpartition(":")[2], 16)
    return found


def _socket_inodes(pid: int) -> set[int]:
    inodes = set()
    with contextlib.suppress(OSError):
        for fd in os.listdir(f"/proc/{pid}/fd"):
            with contextlib.suppress(OSError):
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
                if target.startswith("socket:["):
                    inodes.add(int(target[8:-1]))
    return inodes


def sockets_of(procs: Iterable[Proc], ports: Iterable[int] = ()) -> list[Sock]:
    """Listening sockets held by these processes, and any listening on these ports."""
    now, wanted = listening(), set(ports)
    found = {inode: Sock(inode, port, "listening") for inode, port in now.items() if port in wanted}
    for proc in procs:
        for inode in _socket_inodes(proc.pid) & now.keys():
            found[inode] = Sock(inode, now[inode], proc.cmd.split(" ")[0].rsplit("/", 1)[-1])
    return list(found.values())


# -- docker objects of a run ---------------------------------------------------------------------------

def _docker(*argv: str) -> list[str]:
    done = subprocess.run(["docker", *argv], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise AssertionError(f"docker {' '.join(argv)} failed: {done.stderr.strip()}")
    return [line for line in done.stdout.splitlines() if line.strip()]


@dataclass
class DockerObjects:
    """Containers, networks and volumes of the compose projects labelled with one run."""

    projects: set[str] = field(default_factory=set)
    containers: set[str] = field(default_factory=set)
    networks: set[str] = field(default_factory=set)
    volumes: set[str] = field(default_factory=set)
    pids: set[int] = field(default_factory=set)  # the containers' main processes
    ports: set[int] = field(default_factory=set)  # host ports they publish


def docker_objects(run_id: str, projects: Iterable[str] = ()) -> DockerObjects:
    """What exists now of the run (its label) or of the named projects (their compose label)."""
    found = DockerObjects(projects=set(projects))
    fields = '{{.ID}}\t{{.Label "' + LABEL_PROJECT + '"}}'
    for kind in (["ps", "--all"], ["network", "ls"]):
        for line in _docker(*kind, "--filter", f"label={LABEL_RUN}={run_id}", "--format", fields):
            found.projects.add(line.split("\t")[1])
    for project in sorted(found.projects):
        label = f"label={LABEL_PROJECT}={project}"
        found.containers |= set(_docker("ps", "--all", "--filter", label, "--format", "{{.Names}}"))
        found.networks |= set(_docker("network", "ls", "--filter", label, "--format", "{{.Name}}"))
        found.volumes |= set(_docker("volume", "ls", "--filter", label, "--format", "{{.Name}}"))
    if found.containers:
        _inspect_containers(found)
    return found


def _inspect_containers(found: DockerObjects) -> None:
    """Add the containers' main pids, published host ports and anonymous volumes."""
    template = ("{{.State.Pid}}\t{{range $p, $b := .NetworkSettings.Ports}}{{range $b}}{{.HostPort}} "
                "{{end}}{{end}}\t{{range .Mounts}}{{if eq .Type \"volume\"}}{{.Name}} {{end}}{{end}}")
    done = subprocess.run(["docker", "inspect", "--format", template, *sorted(found.containers)],
                          capture_output=True, text=True, check=False)  # one may vanish meanwhile
    for line in done.stdout.splitlines():
        pid, ports, volumes = [*line.split("\t"), "", ""][:3]
        if pid.isdigit() and int(pid) > 0:
            found.pids.add(int(pid))
        found.ports |= {int(p) for p in ports.split() if p.isdigit()}
        found.volumes |= set(volumes.split())


# -- the inventory -------------------------------------------------------------------------------------

@dataclass
class Inventory:
    """Everything the victim was seen to start, gathered before and right after the kill."""

    processes: dict[tuple[int, int], Proc] = field(default_factory=dict)
    sockets: dict[int, Sock] = field(default_factory=dict)
    directories: set[str] = field(default_factory=set)
    docker: DockerObjects = field(default_factory=DockerObjects)
    lease_files: list[str] = field(default_factory=list)

    def add_processes(self, procs: Iterable[Proc]) -> None:
        for proc in procs:  # the first sighting has the command line; later ones may not
            self.processes.setdefault((proc.pid, proc.start), proc)

    def add_sockets(self, socks: Iterable[Sock]) -> None:
        self.sockets.update({s.inode: s for s in socks})


def before_kill(victim: Victim) -> Inventory:
    """The victim's processes and their listening sockets, while they live (quick: /proc only)."""
    inventory = Inventory()
    procs = family([victim.process.pid], session=victim.process.pid)
    inventory.add_processes(procs)
    inventory.add_sockets(sockets_of(procs))
    return inventory


def after_kill(victim: Victim, inventory: Inventory, docker: bool) -> None:
    """Add what outlives the kill or was started between the first look and the kill: the leases'
    processes and directories and, for a compose victim, the run's containers with their processes,
    ports and volumes (an embedded victim needs no Docker, so none is asked)."""
    held = victim.state / "leases"
    for path in sorted(held.iterdir() if held.is_dir() else []):  # a kill inside a write leaves a .tmp
        inventory.lease_files.append(path.name)
        with contextlib.suppress(OSError, ValueError):
            data = json.loads(path.read_text())
            inventory.directories |= set(data["directories"])
            for pid, start in data["processes"]:
                if start is not None:
                    inventory.add_processes([Proc(pid, start, _cmdline(pid))])
    if not docker:
        return
    inventory.docker = docker_objects(victim.run_id)
    container_procs = family(inventory.docker.pids)
    inventory.add_processes(container_procs)
    inventory.add_sockets(sockets_of(container_procs, inventory.docker.ports))


def leftovers(victim: Victim, inventory: Inventory, docker: bool) -> dict[str, list[str]]:
    """What of the inventory still exists, by kind (every list empty: nothing was left)."""
    now = listening()
    left = {
        "processes": [str(p) for p in inventory.processes.values() if p.alive()],
        "listening sockets": [str(s) for s in inventory.sockets.values() if s.inode in now],
        "lease files": sorted(os.listdir(victim.state / "leases")),
        "lease directories": sorted(d for d in inventory.directories if os.path.lexists(d)),
        "temp dir entries": sorted(os.listdir(victim.tmp)),
    }
    if docker:
        still = docker_objects(victim.run_id, inventory.docker.projects)
        existing_volumes = set(_docker("volume", "ls", "--format", "{{.Name}}"))
        left["containers"] = sorted(still.containers)
        left["networks"] = sorted(still.networks)
        left["volumes"] = sorted(still.volumes | (inventory.docker.volumes & existing_volumes))
        left["labelled projects"] = sorted(still.projects & set(labelled_projects()))
    return left


def labelled_projects() -> list[str]:
    """Every compose project with the sinkmatrix label that has a container or network."""
    fields = '{{.Label "' + LABEL_PROJECT + '"}}'
    names = _docker("ps", "--all", "--filter", f"label={LABEL_STACK}", "--format", fields)
    return sorted(set(names) | set(_docker("network", "ls", "--filter", f"label={LABEL_STACK}",
                                           "--format", fields)))


def describe(inventory: Inventory) -> str:
    """The inventory in a few lines, for assertion messages."""
    parts = [
        f"processes: {', '.join(str(p) for p in inventory.processes.values()) or '-'}",
        f"sockets: {', '.join(str(s) for s in inventory.sockets.values()) or '-'}",
        f"lease files: {', '.join(inventory.lease_files) or '-'}",
        f"lease directories: {', '.join(sorted(inventory.directories)) or '-'}",
        f"projects: {', '.join(sorted(inventory.docker.projects)) or '-'}; containers: "
        f"{', '.join(sorted(inventory.docker.containers)) or '-'}; networks: "
        f"{', '.join(sorted(inventory.docker.networks)) or '-'}; volumes: "
        f"{', '.join(sorted(inventory.docker.volumes)) or '-'}",
    ]
    return "\n  ".join(parts)


@contextlib.contextmanager
def watched(victim: Victim, docker_events: bool) -> Iterator[Lines]:
    """The victim's output (and its containers' starts) as lines; kills what is left on the way out."""
    lines = Lines()
    lines.add("victim", victim.process.stdout)
    events = container_starts(victim.run_id, victim.since) if docker_events else None
    if events is not None:
        lines.add("docker", events.stdout)
    try:
        yield lines
    finally:
        lines.close()
        if victim.process.poll() is None:
            kill_group(victim.process)
        for process in (victim.process, events):
            if process is not None:
                process.kill()
                process.wait(30)
                assert process.stdout is not None
                process.stdout.close()
