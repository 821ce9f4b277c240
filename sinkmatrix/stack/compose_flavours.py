"""What differs between compose stacks is the CDC: each CDC plug-in's `compose_flavour()` starts its
stack's services, its CDC and the sink's view (a `Flavour`). What they share is here: the parts a
flavour hands back, the services as servers and endpoints, a local CDC build, and the probe that
shows the pipeline streams end to end.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from dsl.identifiers import quote
from sinkmatrix.stack import mariadb
from sinkmatrix.stack.compose_project import ComposeProject
from sinkmatrix.stack.errors import StackError
from sinkmatrix.stack.leases import Lease
from sinks.base import SinkAdapter, SinkView

if TYPE_CHECKING:
    from sinkmatrix.model.cells import Cell
    from sinkmatrix.stack.compose import ComposeOptions, ComposeStack

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


def server(project: ComposeProject, service: str, password: str, binlog: bool,
           port: int = 3306) -> mariadb.MariaDB:
    """A MariaDB/MySQL service of the project as the stack's server object (reached via 127.0.0.1)."""
    return mariadb.MariaDB(name=service, port=project.port(service, port), socket=Path("/nonexistent"),
                           root=project.root, password=password, child=None, binlog=binlog)


def transport(project: ComposeProject, root: Path, needs: tuple[str, ...]) -> dict[str, Any]:
    services: dict[str, Any] = {}
    if "kafka" in needs:
        # the broker advertises the host port the driver gave it: published as itself
        # (kafka-kraft.yml) or bound on the host network (kafka-apache.yml)
        services["kafka"] = KafkaEndpoint(f"127.0.0.1:{int(env_value(project, 'SM_KAFKA_PORT'))}")
    if "schema-registry" in needs:
        port = project.port("schema-registry", 8081)
        services["schema-registry"] = RegistryEndpoint(f"http://127.0.0.1:{port}")
    return services


def env_value(project: ComposeProject, key: str) -> str:
    for line in project.env_file.read_text().splitlines():
        name, _, value = line.partition("=")
        if name == key:
            return value
    raise StackError(f"{project.name}: {key} is not set")


def local_build(project: ComposeProject, build: Path | None, *, service: str) -> bool:
    """Point the CDC service at a local build: an override file for the project; True when compose
    must build an image (a directory with a Dockerfile)."""
    if build is None:
        return False
    from sinkmatrix.stack.compose_build import override_for

    override, needs_build = override_for(build, service=service)
    path = project.root / "cdc-build.yml"
    path.write_text(override)
    project.add_file(path)
    return needs_build


def probe_pipeline(stack: ComposeStack, timeout: float = _PROBE_TIMEOUT) -> None:
    """A row written upstream and acknowledged by the sink: the pipeline streams end to end."""
    name = stack.create_database("probe")
    stack.upstream.execute(f"CREATE TABLE {quote(name)}.`probe` (`id` INT PRIMARY KEY)",
                           f"INSERT INTO {quote(name)}.`probe` VALUES (1)")
    mark = stack.progress.mark()
    if not stack.progress.wait_past(mark, time.monotonic() + timeout):
        raise StackError(f"probe row not delivered within {timeout:g}s ({stack.progress.describe()})")
    stack.drop_database(name)
