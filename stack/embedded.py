"""The embedded backend: upstream and downstream MariaDB plus the reference CDC, as local processes.

One stack per (worker, cell); tests share it, each in its own database. Everything it starts is
under a lease, so a killed run's leftovers are reaped when the next stack starts.
"""

from __future__ import annotations

import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pymysql
import structlog
from sqlalchemy.engine import URL

from dsl.identifiers import quote
from model.cells import Cell
from model.changes import Position
from model.faults import FaultSpec
from refcdc.client import RefCdc
from refcdc.control import ControlError
from sinks import registry
from sinks.base import SinkEnvironment, SinkView
from stack import mariadb, scratch
from stack.errors import FaultRefused, StackError
from stack.leases import Lease, reap
from stack.ports import LOOPBACK

log = structlog.get_logger("sinkmatrix.stack")
DATABASE_PREFIX = "sm_"
_READY_TIMEOUT = 30.0


class CdcProgress:
    """The reference CDC's progress as the DSL's `Progress`: exact binlog positions, pushed."""

    exact = True

    def __init__(self, cdc: RefCdc, upstream: mariadb.MariaDB) -> None:
        self.cdc = cdc
        self._admin = pymysql.connect(host=LOOPBACK, port=upstream.port, user=mariadb.USER,
                                      password=upstream.password, autocommit=True, ssl_disabled=True)
        self._lock = threading.Lock()

    def mark(self) -> Position:
        with self._lock, self._admin.cursor() as cur:
            cur.execute("SHOW MASTER STATUS")
            file, pos = cur.fetchone()[:2]
        return Position.of(file, pos)

    def wait_past(self, mark: Position, deadline: float) -> bool:
        return self.cdc.wait_past(mark, deadline)

    def current(self) -> int:
        return self.cdc.messages

    def wait_change(self, seen: int, deadline: float) -> int:
        return self.cdc.wait_progress(seen, deadline)

    def describe(self) -> str:
        return f"applied through {self.cdc.position}, state {self.cdc.state}"

    def failure(self) -> str | None:
        return self.cdc.error if self.cdc.state == "failed" else None

    def diagnose(self, mark: Position, since: float) -> str | None:
        cdc = self.cdc
        applied, received = cdc.position, cdc.received
        if applied >= mark:
            return None
        if received < mark and cdc.heard_at <= since:
            return (f"no progress: the CDC reported nothing for {time.monotonic() - since:.1f}s and has "
                    f"not taken in the changes (taken in through {received}, the upstream is at {mark}) "
                    f"though it says it is {cdc.state}: it is stalled")
        if received >= mark:
            return (f"the CDC took the changes in (through {received}) but its sink has applied only "
                    f"through {applied}: it lags behind")
        return (f"the CDC is behind: taken in through {received}, applied through {applied}, "
                f"upstream at {mark}")

    def restarts(self) -> list[float]:
        return list(self.cdc.restarts)

    def close(self) -> None:
        self._admin.close()


def _start_services(needs: tuple[str, ...], root: Path, lease: Lease) -> dict[str, Any]:
    """The transport services a sink needs, each in its own process under the stack's lease, started
    side by side (children are forked by one long-lived thread, so any thread may wait for them)."""
    starters: dict[str, Any] = {}
    if "kafka" in needs:
        from stack.kafka import KafkaHost

        starters["kafka"] = lambda: KafkaHost.start(root / "kafka", lease)
    if "schema-registry" in needs:
        from stack.schema_registry import start as start_registry

        starters["schema-registry"] = lambda: start_registry(root / "schema-registry", lease)
    if not starters:
        return {}
    with ThreadPoolExecutor(max_workers=len(starters), thread_name_prefix="service-start") as pool:
        futures = {name: pool.submit(start) for name, start in starters.items()}
        return {name: future.result() for name, future in futures.items()}


def _settings(services: dict[str, Any], cell: Cell) -> dict[str, Any]:
    settings: dict[str, Any] = {"topic_prefix": DATABASE_PREFIX, "changefeed": cell.id}
    if "kafka" in services:
        settings["bootstrap"] = services["kafka"].bootstrap
    if "schema-registry" in services:
        settings["registry_url"] = services["schema-registry"].url
    return settings


class EmbeddedStack:
    """A running embedded stack for one cell."""

    def __init__(self, cell: Cell, root: Path, lease: Lease, upstream: mariadb.MariaDB,
                 downstream: mariadb.MariaDB, cdc: RefCdc, view: SinkView, progress: CdcProgress,
                 started_in: float) -> None:
        self.cell, self.root, self.lease = cell, root, lease
        self.upstream, self.downstream, self.cdc = upstream, downstream, cdc
        self.view, self.progress = view, progress
        self.started_in = started_in
        self.services: dict[str, Any] = {}  # "kafka", "schema-registry": started for the adapter

    @classmethod
    def start(cls, cell: Cell, *, workdir: Path | None = None) -> EmbeddedStack:
        began = time.perf_counter()
        reap()
        lease = Lease.acquire(f"embedded-{cell.id}")
        try:
            where = workdir or scratch.runtime_dir()  # in memory where the machine allows
            root = lease.scratch_dir(f"sinkmatrix-{cell.id}-", where)
            for role in ("upstream", "downstream"):
                (root / role).mkdir(mode=0o700)
            up = mariadb.Launch("upstream", root=root / "upstream", lease=lease, binlog=True, server_id=1)
            down = mariadb.Launch("downstream", root=root / "downstream", lease=lease, binlog=False,
                                  server_id=2)
            adapter = registry.get(cell.sink)(cell.variant)
            services = _start_services(adapter.needs, root, lease)  # while the servers boot
            upstream, downstream = up.ready(), down.ready()
            env = SinkEnvironment(servers={"upstream": upstream, "downstream": downstream, **services},
                                  settings=_settings(services, cell))
            cdc = RefCdc.start(upstream=upstream, sink=adapter.cdc_target(env),
                               databases=[f"{DATABASE_PREFIX}*"], root=root / "cdc", lease=lease,
                               changefeed_id=cell.id)
            progress = CdcProgress(cdc, upstream)
            view = adapter.open_view(env, progress)
        except BaseException:
            lease.release()
            raise
        stack = cls(cell, root, lease, upstream, downstream, cdc, view, progress,
                    time.perf_counter() - began)
        stack.services = services
        log.info("stack ready", cell=cell.id, seconds=round(stack.started_in, 3))
        return stack

    # -- per-test databases --------------------------------------------------------------------
    def create_database(self, test_name: str) -> str:
        """A fresh upstream database for one test, returned once the sink has it too."""
        slug = re.sub(r"[^a-z0-9]+", "_", test_name.lower()).strip("_")[:40]
        name = f"{DATABASE_PREFIX}{slug}_{Lease.token()}"
        self.upstream.query(f"CREATE DATABASE {quote(name)}")
        if not self.progress.wait_past(self.progress.mark(), time.monotonic() + _READY_TIMEOUT):
            raise StackError(f"the CDC did not replicate CREATE DATABASE {name} within "
                             f"{_READY_TIMEOUT:g}s ({self.progress.describe()}); "
                             f"see {self.cdc_log_hint()}")
        return name

    def cdc_log_hint(self) -> str:
        return str(self.cdc.config.log_path)

    # -- injected faults (refcdc.faults) -------------------------------------------------------
    def inject_fault(self, fault: FaultSpec) -> None:
        """Make the CDC misbehave as `fault` says (see refcdc.faults); FaultRefused if it cannot."""
        inject = getattr(self.cdc, "inject", None)
        if inject is None:
            raise FaultRefused(f"cell {self.cell.id}: its CDC takes no injected faults (they are the "
                               "reference CDC's); run fault cases on cells with the reference CDC")
        try:
            inject(fault)
        except ControlError as exc:
            raise FaultRefused(f"cell {self.cell.id}: {exc}") from exc

    def clear_faults(self, databases: str | None = None) -> None:
        clear = getattr(self.cdc, "clear_faults", None)
        if clear is not None:
            clear(databases)

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
            "cdc_restarts": len(getattr(self.cdc, "restarts", ())),
            "logs": {
                "cdc": self.cdc.config.log_path,
                "cdc-output": self.cdc.root / "refcdc.out",
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
            [self.view.close, self.progress.close, self.cdc.stop],
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
