"""A CDC that is a program: `ExternalProcessCdc` starts it with a command line and a config file
filled from the cell, waits until it is ready (sinkmatrix.cdcs.readiness: a log line, a port, an
HTTP URL), supervises it (an exit it was not asked for fails the pipeline, with its last output),
kills, restarts and pauses it by signal, and hands its logs to the failure bundles. Processes and
files live under the stack's lease: a killed run's program is reaped by the next run.

A plug-in names the program and what to write; nothing else::

    class Maxwell(ExternalProcessCdc):
        name = "maxwell"
        sinks = {"canal-json": ("",)}
        command = ("maxwell", "--config={config}")
        config_template = "host=${upstream_host}\\nport=${upstream_port}\\n..."
        ready = LogLine("Binlog connected")

It reports no position of its own: waits use the framework's default progress
(sinkmatrix.model.cdc_contract). `restarts = False` says the program cannot resume from a checkpoint
of its own, `pauses = False` that it must not be frozen: cases that need either are skipped.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import string
import sys
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, ClassVar

from sinkmatrix.cdcs.readiness import HttpUrl, LogLine, Port, Readiness
from sinkmatrix.model.cdc import Cdc, CdcEnvironment, CdcOutput
from sinkmatrix.model.cdc_contract import CdcRunBase, detect
from sinkmatrix.model.cells import Cell, VersionProfile
from sinkmatrix.stack.errors import StackError
from sinkmatrix.stack.ports import free_port
from sinkmatrix.stack.supervised import Supervised

__all__ = ["CellSettings", "ExternalProcessCdc", "ExternalProcessRun", "HttpUrl", "LogLine", "Port",
           "Readiness"]


@dataclass(frozen=True)
class CellSettings:
    """What a program's command line and config are filled from (as `{name}` in `command`, `${name}`
    in `config_template`, attributes in `config()`)."""

    sink: str  # the wire format the cell reads: "mysql", "canal-json", "avro", ...
    variant: str
    upstream_host: str
    upstream_port: int
    upstream_user: str
    upstream_password: str
    downstream_host: str  # the target of a MySQL sink
    downstream_port: int
    downstream_user: str
    downstream_password: str
    server_id: int  # distinct for every replication client of the upstream
    binlog_file: str  # the upstream's binlog end when the run began: "capture from now"
    binlog_pos: int
    databases: str  # fnmatch pattern of the databases to capture ("sm_*")
    databases_regex: str  # the same as a regular expression ("sm_.*")
    kafka_bootstrap: str  # "" without Kafka
    registry_url: str  # "" without a schema registry
    topic_prefix: str  # the plug-in's own (its `output.topic_prefix`)
    root: str  # the run's own directory: checkpoints, offsets, logs
    config: str  # the config file's path
    port: int  # a free loopback port, for a program that listens (readiness: Port("{port}"))

    @property
    def upstream_dsn(self) -> str:
        return (f"mysql://{self.upstream_user}:{self.upstream_password}@{self.upstream_host}:"
                f"{self.upstream_port}")

    def fields(self) -> dict[str, str]:
        return {**{k: str(v) for k, v in asdict(self).items()}, "upstream_dsn": self.upstream_dsn}

    @classmethod
    def of(cls, env: CdcEnvironment, output: CdcOutput, config: Path) -> CellSettings:
        up, down = env.upstream.connect_args(), env.downstream.connect_args()
        rows = env.upstream.query("SHOW MASTER STATUS")
        if not rows:
            raise StackError("the upstream has no binlog: a CDC cannot capture from it")
        kafka, registry = env.services.get("kafka"), env.services.get("schema-registry")
        return cls(
            sink=env.cell.sink, variant=env.cell.variant,
            upstream_host=str(up["host"]), upstream_port=int(up["port"]), upstream_user=str(up["user"]),
            upstream_password=str(up["password"]),
            downstream_host=str(down["host"]), downstream_port=int(down["port"]),
            downstream_user=str(down["user"]), downstream_password=str(down["password"]),
            server_id=1000 + secrets.randbelow(2**30),  # two clients with one id: the server drops one
            binlog_file=str(rows[0][0]), binlog_pos=int(rows[0][1]),
            databases=env.databases,
            databases_regex=".*".join(re.escape(part) for part in env.databases.split("*")),
            kafka_bootstrap=kafka.bootstrap if kafka is not None else "",
            registry_url=registry.url if registry is not None else "",
            topic_prefix=output.topic_prefix, root=str(env.root), config=str(config), port=free_port())


class ExternalProcessCdc(Cdc):
    """The plug-in base for a CDC that is a program (see the module's docstring)."""

    name: ClassVar[str]
    backends: ClassVar[tuple[str, ...]] = ("embedded",)
    sinks: ClassVar[dict[str, tuple[str, ...]]]  # sink -> variants it writes
    command: ClassVar[tuple[str, ...]]  # argv; "{config}", "{root}", "{port}"... filled from CellSettings
    config_file: ClassVar[str] = "cdc.conf"  # its name under the run's directory
    config_template: ClassVar[str | None] = None  # string.Template text; or override config()
    environment: ClassVar[dict[str, str]] = {}  # added to the program's environment (filled too)
    ready: ClassVar[Readiness] = LogLine("ready")
    ready_timeout: ClassVar[float] = 60.0
    stop_grace: ClassVar[float] = 10.0  # SIGTERM, then SIGKILL after this many seconds
    restarts: ClassVar[bool] = True  # started again, it resumes from its own checkpoint
    pauses: ClassVar[bool] = True  # SIGSTOP freezes it safely
    output: ClassVar[CdcOutput] = CdcOutput()  # how it names its topics
    log_files: ClassVar[dict[str, str]] = {}  # name -> file under the run's directory it writes

    def emits(self, profile: VersionProfile) -> dict[str, tuple[str, ...]]:
        return dict(self.sinks)

    def config(self, settings: CellSettings) -> str:
        """The config file's text; by default `config_template` with `${name}`s filled in."""
        if self.config_template is None:
            return ""
        try:
            return string.Template(self.config_template).substitute(settings.fields())
        except (KeyError, ValueError) as exc:
            raise StackError(f"the CDC {self.name!r}'s config_template names {exc}, which is not a cell "
                             f"setting; it may name: {', '.join(sorted(settings.fields()))}") from None

    def program(self) -> str | None:
        """The program's path: on PATH, or beside this Python (a console script of its venv)."""
        first = self.command[0]
        beside = Path(sys.executable).parent / first
        return shutil.which(first) or (str(beside) if os.access(beside, os.X_OK) else None)

    def unavailable(self, cell: Cell) -> str | None:
        if self.program() is None:
            return (f"the program {self.command[0]!r} is neither on PATH nor beside {sys.executable}: "
                    "install it")
        return None

    def default_profile(self) -> dict[str, Any] | None:
        return {"name": self.name, "backends": list(self.backends)}

    def start(self, env: CdcEnvironment) -> ExternalProcessRun:
        env.root.mkdir(parents=True, exist_ok=True)
        run = ExternalProcessRun(self, env)
        run.start()
        return run


class ExternalProcessRun(CdcRunBase):
    """The program running for one cell (sinkmatrix.model.cdc.CdcRun)."""

    def __init__(self, plugin: ExternalProcessCdc, env: CdcEnvironment) -> None:
        self.plugin, self.cdc_name, self.root = plugin, plugin.name, env.root
        self.settings = CellSettings.of(env, plugin.output, env.root / plugin.config_file)
        self.state, self.error = "starting", ""
        self.exited = threading.Event()  # set when a program ends unasked (the run has failed)
        fields = self.settings.fields()
        program = plugin.program() or plugin.command[0]
        self.argv = [program, *(arg.format_map(fields) for arg in plugin.command[1:])]
        extra = {k: v.format_map(fields) for k, v in plugin.environment.items()}
        self.program = Supervised(f"{plugin.name}-{env.cell.id}", lease=env.lease,
                                  log_path=env.root / f"{plugin.name}.out", env={**os.environ, **extra},
                                  cwd=env.root, on_exit=self._exited)
        text = plugin.config(self.settings)
        fd = os.open(self.settings.config, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # holds passwords
        with os.fdopen(fd, "w") as out:
            out.write(text)

    def start(self) -> None:
        """Start the program; return once its readiness probe passes."""
        self.state, self.error = "starting", ""
        self.program.spawn(self.argv, ready_marker=self.plugin.ready.marker)
        try:
            self.plugin.ready.wait(self.program, self.plugin.ready_timeout, self.settings.fields())
        except StackError as exc:
            self.program.halt(0.0)
            self.state, self.error = "failed", str(exc)
            raise
        self.state = "streaming"

    def _exited(self, code: int | None, generation: int) -> None:
        if generation == self.program.generation and self.state != "stopped":
            self.state = "failed"
            self.error = f"{self.program.name} exited with code {code} unasked; {self.program.tail()}"
            self.exited.set()

    # -- the core

    def stop(self) -> None:
        self.program.halt(self.plugin.stop_grace)
        self.state = "stopped"

    def kill(self) -> None:
        self.program.halt(0.0)
        self.state = "stopped"

    def close(self) -> None:
        if self.program.running:
            self.stop()

    def logs(self) -> dict[str, Path]:
        own = {name: self.root / path for name, path in self.plugin.log_files.items()}
        name = self.plugin.name
        return {name: self.program.log_path, f"{name}-config": Path(self.settings.config), **own}

    def describe(self) -> str:
        where = f"pid {self.program.pid}" if self.program.running else "not running"
        told = f": {self.error}" if self.error else ""
        return f"{self.program.name} {self.state}, {where}, started {self.program.starts} time(s){told}"

    # -- capabilities (what the plug-in allows)

    def restart(self) -> None:
        """SIGKILL, then start again: the program resumes from its own checkpoint."""
        self.program.halt(0.0)
        self.start()

    def pause(self) -> None:
        self.program.pause()

    def resume(self) -> None:
        self.program.resume()

    def output(self) -> CdcOutput:
        return self.plugin.output

    def capabilities(self) -> frozenset[str]:
        denied = {"restart": not self.plugin.restarts, "pause": not self.plugin.pauses,
                  "output": self.plugin.output == CdcOutput()}
        return frozenset(c for c in detect(self) if not denied.get(c, False))
