"""What differs between compose stacks: which CDC runs, how it is started, and how progress is read.

`refcdc`: MariaDB upstream, the reference CDC in a container (its status feed on a Unix socket in the
shared stack dir gives exact, pushed progress like the embedded backend), downstream / Kafka.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from python_on_whales.exceptions import DockerException

from refcdc.client import RefCdc
from sinks.base import SinkAdapter, SinkEnvironment, SinkView
from stack import mariadb
from stack.compose_project import ComposeProject
from stack.embedded import DATABASE_PREFIX, CdcProgress, _settings
from stack.errors import StackError
from stack.leases import Lease

if TYPE_CHECKING:
    from model.cells import Cell
    from stack.compose import ComposeOptions, ComposeStack

_STREAMING_TIMEOUT = 60.0
_PROBE_TIMEOUT = 60.0


@dataclass
class Parts:
    upstream: mariadb.MariaDB
    downstream: mariadb.MariaDB
    cdc: Any
    view: SinkView
    progress: Any
    services: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class KafkaEndpoint:
    bootstrap: str


@dataclass(frozen=True)
class RegistryEndpoint:
    url: str


class Flavour(Protocol):
    def start(self, project: ComposeProject, cell: Cell, adapter: SinkAdapter, lease: Lease, root: Path,
              options: ComposeOptions) -> Parts: ...

    def probe(self, stack: ComposeStack) -> None: ...

    def local_logs(self, stack: ComposeStack) -> dict[str, Path]: ...


def for_files(files: tuple[str, ...]) -> Flavour:
    if "refcdc.yml" in files:
        return RefcdcFlavour()
    if "ticdc.yml" in files:
        from stack.compose_ticdc import TicdcFlavour

        return TicdcFlavour()
    raise StackError(f"no compose driver knows the stack in {', '.join(files)}; "
                     f"a profile's files must include refcdc.yml or ticdc.yml")


def server(project: ComposeProject, service: str, password: str, binlog: bool,
           port: int = 3306) -> mariadb.MariaDB:
    """A MariaDB/MySQL service of the project as the stack's server object (reached via 127.0.0.1)."""
    return mariadb.MariaDB(name=service, port=project.port(service, port), socket=Path("/nonexistent"),
                           root=project.root, password=password, child=None, binlog=binlog)


def transport(project: ComposeProject, root: Path, needs: tuple[str, ...]) -> dict[str, Any]:
    services: dict[str, Any] = {}
    if "kafka" in needs:
        announced = root / "kafka" / "bootstrap"
        if announced.exists():  # the mock cluster announces its own brokers
            services["kafka"] = KafkaEndpoint(announced.read_text().strip())
        else:  # a real broker advertises the host port the driver gave it
            port = project.port("kafka", int(_env(project, "SM_KAFKA_PORT")))
            services["kafka"] = KafkaEndpoint(f"127.0.0.1:{port}")
    if "schema-registry" in needs:
        port = project.port("schema-registry", 8081)
        services["schema-registry"] = RegistryEndpoint(f"http://127.0.0.1:{port}")
    return services


def _env(project: ComposeProject, key: str) -> str:
    for line in project.env_file.read_text().splitlines():
        name, _, value = line.partition("=")
        if name == key:
            return value
    raise StackError(f"{project.name}: {key} is not set")


class ComposeCdcRunner:
    """The reference CDC as the compose service `cdc`: started, stopped and waited for there."""

    def __init__(self, project: ComposeProject, socket: Path, build: bool) -> None:
        self.project, self.socket, self.build = project, socket, build

    def launch(self, timeout: float) -> None:
        self.socket.unlink(missing_ok=True)  # a killed run's socket would look healthy
        self.project.up(["cdc"], profiles=["cdc"], build=self.build)

    def stop(self, grace: float) -> None:
        self.project.halt("cdc", grace, profiles=["cdc"])

    def wait(self) -> int | None:
        try:
            return int(self.project.docker.container.wait(self.project.container("cdc", ["cdc"])))
        except (DockerException, StackError):
            return None  # the container is gone: the project was taken down

    def where(self) -> str:
        return f"its container log: {self.project.command('logs cdc')}"


class RefcdcFlavour:
    """MariaDB upstream -> reference CDC (a container) -> downstream MariaDB or Kafka."""

    def start(self, project: ComposeProject, cell: Cell, adapter: SinkAdapter, lease: Lease, root: Path,
              options: ComposeOptions) -> Parts:
        build = local_build(project, options.cdc_build, service="cdc")
        project.up()  # everything but the CDC, whose config needs the ports published now
        password = _env(project, "SM_DB_PASSWORD")
        upstream = server(project, "upstream", password, binlog=True)
        downstream = server(project, "downstream", password, binlog=False)
        upstream.query("SELECT 1")
        services = transport(project, root, adapter.needs)
        env = SinkEnvironment(servers={"upstream": upstream, "downstream": downstream, **services},
                              settings=_settings(services, cell))
        cdc_root = root / "cdc"
        cdc = RefCdc.start(upstream=upstream, sink=adapter.cdc_target(env),
                           databases=[f"{DATABASE_PREFIX}*"], root=cdc_root, lease=lease,
                           changefeed_id=cell.id,
                           runner=lambda _cdc: ComposeCdcRunner(project, cdc_root / "status.sock", build))
        _wait_streaming(cdc)
        progress = CdcProgress(cdc, upstream)
        view = adapter.open_view(env, progress)
        return Parts(upstream, downstream, cdc, view, progress, services)

    def probe(self, stack: ComposeStack) -> None:
        """A row written upstream and acknowledged by the sink: the pipeline streams end to end."""
        name = stack.create_database("probe")
        stack.upstream.execute(f"CREATE TABLE `{name}`.probe (id INT PRIMARY KEY)",
                               f"INSERT INTO `{name}`.probe VALUES (1)")
        mark = stack.progress.mark()
        if not stack.progress.wait_past(mark, time.monotonic() + _PROBE_TIMEOUT):
            raise StackError(f"probe row not delivered within {_PROBE_TIMEOUT:g}s "
                             f"({stack.progress.describe()})")
        stack.drop_database(name)

    def local_logs(self, stack: ComposeStack) -> dict[str, Path]:
        return {"cdc": stack.cdc.config.log_path}


def _wait_streaming(cdc: RefCdc) -> None:
    deadline = time.monotonic() + _STREAMING_TIMEOUT
    seen = cdc.messages
    while cdc.state == "starting" and time.monotonic() < deadline:
        seen = cdc.wait_progress(seen, deadline)
    if cdc.state != "streaming":
        raise StackError(f"the CDC did not start streaming (state {cdc.state}: {cdc.error}); "
                         f"see {cdc.config.log_path}")


def local_build(project: ComposeProject, build: Path | None, *, service: str) -> bool:
    """Point the CDC service at a local build: an override file for the project; True when compose
    must build an image (a directory with a Dockerfile)."""
    if build is None:
        return False
    from stack.compose_build import override_for

    override, needs_build = override_for(build, service=service)
    path = project.root / "cdc-build.yml"
    path.write_text(override)
    project.add_file(path)
    return needs_build
