"""The reference CDC on the compose backend: MariaDB upstream, the reference CDC in a container (its
status feed on a Unix socket in the shared stack dir gives exact, pushed progress as on the embedded
backend), downstream MariaDB or Kafka."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from python_on_whales.exceptions import DockerException

from sinkmatrix.model.cdc import CdcEnvironment
from sinkmatrix.refcdc.client import RefCdc
from sinkmatrix.refcdc.plugin import RefCdcRun, sink_target
from sinkmatrix.stack.compose_flavours import Parts, env_value, local_build, probe_pipeline, server, transport
from sinkmatrix.stack.compose_project import ComposeProject
from sinkmatrix.stack.embedded import DATABASE_PREFIX, sink_environment
from sinkmatrix.stack.errors import StackError
from sinkmatrix.stack.leases import Lease
from sinks.base import SinkAdapter

if TYPE_CHECKING:
    from sinkmatrix.model.cells import Cell
    from sinkmatrix.stack.compose import ComposeOptions, ComposeStack

_STREAMING_TIMEOUT = 60.0


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
        password = env_value(project, "SM_DB_PASSWORD")
        upstream = server(project, "upstream", password, binlog=True)
        downstream = server(project, "downstream", password, binlog=False)
        upstream.query("SELECT 1")
        services = transport(project, root, adapter.needs)
        cdc_root = root / "cdc"
        cdc_env = CdcEnvironment(cell=cell, upstream=upstream, downstream=downstream, services=services,
                                 root=cdc_root, lease=lease, databases=f"{DATABASE_PREFIX}*")
        client = RefCdc.start(upstream=upstream, sink=sink_target(cdc_env), databases=[cdc_env.databases],
                              root=cdc_root, lease=lease, changefeed_id=cell.id,
                              runner=lambda _cdc: ComposeCdcRunner(project, cdc_root / "status.sock", build))
        _wait_streaming(client)
        cdc = RefCdcRun(client, upstream)
        env = sink_environment({"upstream": upstream, "downstream": downstream}, services, cell, cdc)
        view = adapter.open_view(env, cdc.progress)
        return Parts(upstream, downstream, cdc, view, cdc.progress, services)

    def probe(self, stack: ComposeStack) -> None:
        probe_pipeline(stack)

    def local_logs(self, stack: ComposeStack) -> dict[str, Path]:
        return stack.cdc.logs()


def _wait_streaming(cdc: RefCdc) -> None:
    deadline = time.monotonic() + _STREAMING_TIMEOUT
    seen = cdc.messages
    while cdc.state == "starting" and time.monotonic() < deadline:
        seen = cdc.wait_progress(seen, deadline)
    if cdc.state != "streaming":
        raise StackError(f"the CDC did not start streaming (state {cdc.state}: {cdc.error}); "
                         f"see {cdc.config.log_path}")
