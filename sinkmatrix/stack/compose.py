"""The compose backend: a cell's stack as a compose project, one per (run, worker, cell).

The project's files and images come from the cell's version profile (matrix/axes.toml); how its CDC
starts comes from the profile's CDC plug-in (its `compose_flavour()`). The stack
is ready when the pipeline streams: every container healthy, the CDC running, and a probe row
written upstream delivered through the sink. Tests then use it exactly like an embedded stack:
the DSL writes upstream and the sink's adapter reads what the CDC delivered.
"""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import structlog

from sinkmatrix.model import cdc as cdcs
from sinkmatrix.model.cdc_contract import complete_progress, contract
from sinkmatrix.model.cells import Cell, VersionProfile
from sinkmatrix.stack import compose_flavours
from sinkmatrix.stack.compose_project import (
    COMPOSE_DIR,
    ComposeProject,
    owner_label,
    project_name,
    reap_projects,
)
from sinkmatrix.stack.embedded import EmbeddedStack, profile_of
from sinkmatrix.stack.errors import StackError
from sinkmatrix.stack.leases import Lease, reap
from sinkmatrix.stack.ports import free_port
from sinks import registry

log = structlog.get_logger("sinkmatrix.stack")


@dataclass(frozen=True)
class ComposeOptions:
    """How compose stacks are run: kept up after a failure, or with the CDC from a local build."""

    keep_on_failure: bool = False
    cdc_build: Path | None = None  # a binary, a directory with a Dockerfile, or a source tree
    logs_dir: Path | None = None  # where service logs go when something fails (the run's report)
    run: str = "run"
    worker: str = "main"


def image_variable(name: str) -> str:
    return "SM_IMAGE_" + name.upper().replace("-", "_")


def unavailable(cell: Cell) -> str | None:
    """Why this compose cell cannot run here (None: it can). Builds the repo's own images if stale."""
    from python_on_whales import DockerClient

    from sinkmatrix.stack import docker_engine

    try:
        docker_engine.ensure_engine()  # installs docker.io / starts dockerd when root on Debian
    except StackError as exc:
        return str(exc)
    wanted = profile_of(cell).images()
    ours = sorted(name for name, tag in wanted.items() if tag == f"sinkmatrix/{name}:local")
    if ours:
        _ensure_images(ours)
    docker = DockerClient()
    missing = [tag for name, tag in sorted(wanted.items())
               if name not in ours and not docker.image.exists(tag)]
    if missing:
        names = ", ".join(missing)
        return (f"images not present locally: {names}; no image registry is reachable from here, so "
                f"`docker pull`/`docker load` them, or point SINKMATRIX_IMAGE_<NAME> at local builds")
    return None


def _ensure_images(names: list[str]) -> None:
    """Build this repo's images if missing or stale (one builder at a time: ensure() locks)."""
    from sinkmatrix.stack import images

    images.ensure(names)


class ComposeStack(EmbeddedStack):
    """A running compose stack for one cell; the same surface as an embedded stack."""

    project: ComposeProject
    options: ComposeOptions
    flavour: compose_flavours.Flavour
    failures: int = 0  # failed tests on this stack (the plugin counts): --keep-on-failure keeps it

    @classmethod
    def start_compose(cls, cell: Cell, options: ComposeOptions) -> ComposeStack:
        began = time.perf_counter()
        reap()
        reap_projects()
        profile = profile_of(cell)
        lease = Lease.acquire(f"compose-{cell.id}")
        project: ComposeProject | None = None
        try:
            root = lease.scratch_dir("sinkmatrix-")  # short: it holds a Unix socket
            root.chmod(0o755)  # services in containers read their config files from it
            project = _project(cell, profile, options, root)
            flavour = cdcs.ask(cdcs.get(profile.cdc), "compose_flavour")
            if flavour is None:
                raise StackError(f"the CDC {profile.cdc!r} has no compose_flavour(): it runs on the "
                                 "embedded backend only; leave compose out of the backends of profile "
                                 f"{profile.name!r}")
            adapter = registry.get(cell.sink)(cell.variant)
            parts = flavour.start(project, cell, adapter, lease, root, options)
            cdc = contract(parts.cdc, profile.cdc, _no_default_progress)
        except BaseException as exc:
            if project is not None:
                where = _save_logs(project, options, cell)
                project.down()
                if isinstance(exc, StackError) and where:
                    lease.release()
                    raise StackError(f"{exc}\n  service logs: {where}") from None
            lease.release()
            raise
        stack = cls(cell, root, lease, parts.upstream, parts.downstream, cdc, parts.view,
                    complete_progress(parts.progress, profile.cdc), time.perf_counter() - began)
        stack.services, stack.project, stack.options = parts.services, project, options
        stack.flavour = flavour
        stack.limits = dict(adapter.limits)
        try:
            flavour.probe(stack)
        except BaseException:
            where = _save_logs(project, options, cell)
            stack.close()
            raise StackError(f"{cell.id}: the pipeline did not deliver a probe row; "
                             f"service logs: {where}") from None
        log.info("compose stack ready", cell=cell.id, project=project.name,
                 seconds=round(stack.started_in, 3))
        return stack

    def cdc_log_hint(self) -> str:
        return f"the services' logs: {self.project.command('logs')}"

    def diagnostics(self) -> dict[str, Any]:
        saved = self.project.save_logs(self.root / "service-logs")
        return {
            "cell": self.cell.id,
            "project": self.project.name,
            "attach": self.project.command("ps"),
            "sink": self.progress.describe(),
            "cdc_state": getattr(self.cdc, "state", None),
            "logs": {**{f"service-{name}": path for name, path in saved.items()},
                     **self.flavour.local_logs(self)},
        }

    def close(self) -> None:
        keep = self.options.keep_on_failure and self.failures > 0
        for step in (self.view.close, self.cdc.close):
            try:
                step()
            except Exception as exc:  # keep tearing down; the reaper catches what is left
                log.warning("teardown step failed", step=getattr(step, "__qualname__", str(step)),
                            error=str(exc))
        if keep:
            self.project.keep()
            self.lease.forget()  # its directory holds the env file and the services' files
            print(f"\nsinkmatrix: kept {self.cell.id} up after {self.failures} failure(s); attach with\n"
                  f"  {self.project.command('ps')}\n  {self.project.command('exec upstream bash')}\n"
                  f"and remove it with  python -m sinkmatrix.stack.compose_project down {self.project.name}",
                  flush=True)
            return
        self.project.down()
        self.lease.release()


def _project(cell: Cell, profile: VersionProfile, options: ComposeOptions, root: Path) -> ComposeProject:
    env = {
        "SM_RUN": options.run,
        "SM_OWNER": owner_label(),
        "SM_STACK_ROOT": str(root),
        "SM_DB_PASSWORD": secrets.token_urlsafe(18),
        "SM_KAFKA_PORT": str(free_port()),
        **{image_variable(name): image for name, image in profile.images().items()},
    }
    needs = registry.get(cell.sink).needs  # a transport file is only started for sinks that ride it
    files = [COMPOSE_DIR / name for name in profile.compose_files
             if not (name.startswith("kafka-") and "kafka" not in needs)
             and not (name.startswith("registry-") and "schema-registry" not in needs)]
    run = re.sub(r"[^a-z0-9]+", "", options.run.lower())[-12:]
    # the token keeps two runs that share a run id (nested pytest runs inherit it) apart
    return ComposeProject(project_name(run, Lease.token(), options.worker, cell.id), files, env, root)


def _save_logs(project: ComposeProject, options: ComposeOptions, cell: Cell) -> Path | None:
    into = (options.logs_dir or project.root) / "compose-logs" / re.sub(r"[^\w.+-]+", "_", cell.id)
    try:
        project.save_logs(into)
    except Exception as exc:  # the engine itself may be what failed
        log.warning("could not save service logs", project=project.name, error=str(exc))
        return None
    return into


def _no_default_progress(restarts: Any) -> Any:
    raise StackError("a compose flavour's CDC must report its own progress (its Parts.progress); the "
                     "framework's default progress runs on the embedded backend only")
