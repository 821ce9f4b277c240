"""The embedded backend: upstream and downstream MariaDB, the sink's transport services and the
cell's CDC (the plug-in its version profile names, sinkmatrix.model.cdc), as local processes.

One stack per (worker, cell); tests share it, each in its own database. Everything it starts is
under a lease, so a killed run's leftovers are reaped when the next stack starts.
"""

from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import structlog
from sqlalchemy.engine import URL

from dsl.identifiers import quote
from sinkmatrix.model import cdc as cdcs
from sinkmatrix.model.cdc import CdcEnvironment, CdcOutput
from sinkmatrix.model.cdc_contract import ContractedRun, contract
from sinkmatrix.model.cells import Cell, VersionProfile
from sinkmatrix.model.faults import FaultError, FaultSpec, side_for
from sinkmatrix.stack import mariadb, scratch
from sinkmatrix.stack.errors import FaultRefused, StackError
from sinkmatrix.stack.leases import Lease, reap
from sinks import registry
from sinks.base import SinkEnvironment, SinkView
from sinks.heartbeat import SinkHeartbeat

log = structlog.get_logger("sinkmatrix.stack")
DATABASE_PREFIX = "sm_"
_READY_TIMEOUT = 30.0


def _start_services(needs: tuple[str, ...], root: Path, lease: Lease,
                    profile: VersionProfile) -> dict[str, Any]:
    """The transport services a sink needs, each in its own process under the stack's lease, started
    side by side (children are forked by one long-lived thread, so any thread may wait for them)."""
    starters: dict[str, Any] = {}
    if "kafka" in needs:
        starters["kafka"] = lambda: start_kafka(root / "kafka", lease, profile)
    if "schema-registry" in needs:
        from sinkmatrix.stack.schema_registry import start as start_registry

        starters["schema-registry"] = lambda: start_registry(root / "schema-registry", lease)
    if not starters:
        return {}
    with ThreadPoolExecutor(max_workers=len(starters), thread_name_prefix="service-start") as pool:
        futures = {name: pool.submit(start) for name, start in starters.items()}
        return {name: future.result() for name, future in futures.items()}


def start_kafka(root: Path, lease: Lease, profile: VersionProfile) -> Any:
    """The profile's Kafka: Apache Kafka of its `kafka_release` (sinkmatrix.stack.kafka_broker, the
    default), or librdkafka's mock cluster for `kafka_release = "mock"` (no Java needed)."""
    release = profile.components.get("kafka_release", "")
    if release == "mock":
        from sinkmatrix.stack.kafka import KafkaHost

        return KafkaHost.start(root, lease)
    from sinkmatrix.stack.kafka_broker import DEFAULT_RELEASE, KafkaBroker

    partitions = profile.components.get("kafka_partitions", "1")
    if not partitions.isdigit() or int(partitions) < 1:
        raise StackError(f"version profile {profile.name!r}: kafka_partitions = {partitions!r}; "
                         "give a whole number of at least 1 (as a string)")
    return KafkaBroker.start(root, lease, release or DEFAULT_RELEASE, int(partitions))


def output_of(run: Any) -> CdcOutput:
    """How the run names and writes its output (sinkmatrix.model.cdc.CdcOutput; the default when it
    does not say)."""
    told = getattr(run, "output", None)
    return told() if callable(told) else CdcOutput()


def sink_environment(servers: dict[str, Any], services: dict[str, Any], cell: Cell,
                     cdc: Any) -> SinkEnvironment:
    """What the sink's adapter is told: the servers, the transports' addresses, and how the CDC
    names and writes its output (its topics: the CDC's prefix, then the test databases')."""
    output = output_of(cdc)
    settings: dict[str, Any] = {"topic_prefix": output.topic_prefix + DATABASE_PREFIX, "changefeed": cell.id}
    if "kafka" in services:
        settings["bootstrap"] = services["kafka"].bootstrap
    if "schema-registry" in services:
        settings["registry_url"] = services["schema-registry"].url
    return SinkEnvironment(servers={**servers, **services}, settings=settings, output=output)


def profile_of(cell: Cell) -> VersionProfile:
    """The cell's version profile: cells come from matrix.axes, which attaches it."""
    if cell.profile is None:
        raise StackError(f"cell {cell.id} carries no version profile; take cells from the matrix "
                         "(matrix.axes.cells() or matrix.axes.cell(sink, protocol, version, ...))")
    return cell.profile


class EmbeddedStack:
    """A running embedded stack for one cell."""

    def __init__(self, cell: Cell, root: Path, lease: Lease, upstream: mariadb.MariaDB,
                 downstream: mariadb.MariaDB, cdc: ContractedRun, view: SinkView, progress: Any,
                 started_in: float) -> None:
        self.cell, self.root, self.lease = cell, root, lease
        self.upstream, self.downstream, self.cdc = upstream, downstream, cdc
        self.view, self.progress = view, progress
        self.started_in = started_in
        self.services: dict[str, Any] = {}  # "kafka", "schema-registry": started for the adapter
        self.limits: dict[str, str] = {}  # what the sink's adapter declares it cannot carry
        self.retired: str | None = None  # why a case left it unfit for the next (sinkmatrix.stack.keeper)

    def retire(self, why: str) -> None:
        """A case changed what the cell runs (its CDC upgraded to another release): the next case
        gets a new stack. No failure: the case that did it passes or fails on its own."""
        self.retired = why

    @classmethod
    def start(cls, cell: Cell, *, workdir: Path | None = None) -> EmbeddedStack:
        began = time.perf_counter()
        plugin = cdcs.get(profile_of(cell).cdc)
        reap()
        lease = Lease.acquire(f"embedded-{cell.id}")
        try:
            where = workdir or scratch.runtime_dir()  # in memory where the machine allows
            root = lease.scratch_dir(f"sinkmatrix-{cell.id}-", where)
            for role in ("upstream", "downstream"):
                (root / role).mkdir(mode=0o700)
            up = mariadb.Launch("upstream", root=root / "upstream", lease=lease, binlog=True, server_id=1,
                                options=cdcs.ask(plugin, "upstream_options", cell))
            down = mariadb.Launch("downstream", root=root / "downstream", lease=lease, binlog=False,
                                  server_id=2)
            adapter = registry.get(cell.sink)(cell.variant)
            services = _start_services(adapter.needs, root, lease, profile_of(cell))  # while the servers boot
            warm = cdcs.ask(plugin, "warm_up", cell, root / "cdc", lease)  # and so may the CDC's runtime
            upstream, downstream = up.ready(), down.ready()
            cdc_env = CdcEnvironment(cell=cell, upstream=upstream, downstream=downstream,
                                     services=services, root=root / "cdc", lease=lease,
                                     databases=f"{DATABASE_PREFIX}*", warm=warm)
            run = plugin.start(cdc_env)
            # a run without progress of its own waits on beats through the view (sinks.heartbeat)
            cdc = contract(run, plugin.name, lambda handle: SinkHeartbeat(upstream, handle))
            env = sink_environment({"upstream": upstream, "downstream": downstream}, services, cell, cdc)
            view = adapter.open_view(env, cdc.progress)
            if isinstance(cdc.progress, SinkHeartbeat):  # it reads the beats through the view
                cdc.progress.attach(view)
            broker = services.get("kafka")
            interruptions = getattr(broker, "interruptions", None)
            if hasattr(view, "transport_interruptions") and interruptions is not None:
                view.transport_interruptions = lambda: list(interruptions)
            progress = cdc.progress
        except BaseException:
            lease.release()
            raise
        stack = cls(cell, root, lease, upstream, downstream, cdc, view, progress,
                    time.perf_counter() - began)
        stack.services = services
        stack.limits = dict(adapter.limits)
        log.info("stack ready", cell=cell.id, seconds=round(stack.started_in, 3))
        return stack

    # -- per-test databases --------------------------------------------------------------------
    def create_database(self, test_name: str) -> str:
        """A fresh upstream database for one test, returned once the sink has it too."""
        slug = re.sub(r"[^a-z0-9]+", "_", test_name.lower()).strip("_")[:40]
        name = f"{DATABASE_PREFIX}{slug}_{Lease.token()}"
        self.upstream.query(f"CREATE DATABASE {quote(name)}")
        if not self.progress.wait_past(self.progress.mark(), time.monotonic() + _READY_TIMEOUT):
            if cause := self.failure():  # the wait ended at once: say why, not that time ran out
                raise StackError(f"the CDC pipeline failed before CREATE DATABASE {name} reached the "
                                 f"sink: {cause}; see {self.cdc_log_hint()}")
            raise StackError(f"the CDC did not replicate CREATE DATABASE {name} within "
                             f"{_READY_TIMEOUT:g}s ({self.progress.describe()}); "
                             f"see {self.cdc_log_hint()}")
        return name

    def failure(self) -> str | None:
        """Why this stack's pipeline cannot carry another case, in the words of what broke (the CDC's
        own error, or the view's), or None while it can. A CDC left stopped counts as broken too."""
        if cause := self.view.progress.failure():  # the view's failure, else the CDC's
            return cause
        broker = self.services.get("kafka")
        if getattr(broker, "paused", False):
            return "the Kafka broker was paused and not resumed"
        if broker is not None and not getattr(broker, "alive", lambda: True)():
            return "the Kafka broker is down (killed and not started again)"
        state = getattr(self.cdc, "state", None)
        if state == "failed":
            return f"the CDC failed ({self.cdc.describe()})"
        if state == "stopped":
            return "the CDC was stopped and not started again"
        return None

    def cdc_log_hint(self) -> str:
        return ", ".join(str(path) for path in self.cdc.logs().values())

    # -- injected faults (sinkmatrix.model.faults) --------------------------------------------------------
    def refuses(self, fault: FaultSpec) -> str | None:
        """Why neither the CDC nor the framework can commit `fault` on this cell; None if one can."""
        try:
            self._side(fault)
        except FaultError as exc:
            return str(exc)
        return None

    def _side(self, fault: FaultSpec) -> str:
        """Where `fault` is committed (model.faults.side_for): the CDC's hooks ("cdc") or the view's own
        (sinks.base.FrameworkFaults: "sink"). A CDC without `refuses` offers no hooks."""
        framework = getattr(self.view, "framework_faults", None)
        sink_why = (framework.refuses(fault) if framework is not None
                    else f"the {self.cell.sink} sink's view commits no faults of its own")
        cdc_refuses = getattr(self.cdc, "refuses", None)
        cdc_why = cdc_refuses(fault) if cdc_refuses is not None else "the CDC offers no fault hooks"
        return side_for(fault, cdc_why, sink_why)

    def inject_fault(self, fault: FaultSpec) -> str:
        """Make the CDC (or its output's path) misbehave as `fault` says, on the side `side_for` picks;
        which side it went to. FaultRefused if no side can."""
        try:
            side = self._side(fault)
            if side == "sink":
                self.view.framework_faults.install(fault)  # type: ignore[attr-defined]
                return side
            self.cdc.inject(fault)
        except (FaultRefused, FaultError) as exc:
            raise FaultRefused(f"cell {self.cell.id}: {exc}") from exc
        return side

    def faults(self) -> list[dict[str, Any]]:
        """The faults installed on either side, each with its "side" and its count of changes "seen"."""
        framework = getattr(self.view, "framework_faults", None)
        listed = getattr(self.cdc, "faults", None)
        return ([{**f, "side": "cdc"} for f in (listed() if listed is not None else [])]
                + [{**f, "side": "sink"} for f in (framework.listing() if framework is not None else [])])

    def clear_faults(self, databases: str | None = None) -> None:
        if (clear := getattr(self.cdc, "clear_faults", None)) is not None:
            clear(databases)
        if (framework := getattr(self.view, "framework_faults", None)) is not None:
            framework.clear(databases)

    def drop_database(self, name: str) -> None:
        self.upstream.query(f"DROP DATABASE IF EXISTS {quote(name)}")

    def upstream_url(self, database: str) -> URL:
        return self.upstream.url(database)

    def diagnostics(self) -> dict[str, Any]:
        """The stack's state for a failure report, and its components' logs by name."""
        return {
            "cell": self.cell.id,
            "sink": self.progress.describe(),
            "cdc_state": self.cdc.state,
            "cdc_restarts": len(self.progress.restarts()),
            "logs": {
                **self.cdc.logs(),
                **{server.name: server.child.log_path for server in (self.upstream, self.downstream)
                   if server.child is not None},
                **{name: service.child.log_path for name, service in self.services.items()
                   if getattr(service, "child", None) is not None},
            },
        }

    def close(self) -> None:
        # Who reads and who writes first, the servers they talk to after, so nothing sees a peer
        # vanish; the steps of a phase side by side (one after the other: 0.3 s for an avro cell).
        phases = [
            [self.view.close, self.cdc.close],  # the run's close closes a heartbeat made for it
            [self.upstream.stop, self.downstream.stop, *(service.stop for service in self.services.values())],
        ]
        with ThreadPoolExecutor(max_workers=max(map(len, phases)), thread_name_prefix="stack-stop") as pool:
            for phase in phases:
                for step, done in [(step, pool.submit(step)) for step in phase]:
                    try:
                        done.result()
                    except Exception as exc:  # keep tearing down; the lease catches what is left
                        log.warning("teardown step failed", step=getattr(step, "__qualname__", str(step)),
                                    error=str(exc))
        self.lease.release()
