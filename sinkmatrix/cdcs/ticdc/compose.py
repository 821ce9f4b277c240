"""The TiCDC stack: TiDB (PD, TiKV, TiDB) upstream, a TiCDC server, and the cell's changefeed created
with TiCDC's own CLI; progress is the changefeed's checkpoint TSO from TiCDC's open API.

TiCDC pushes no progress to clients, so waits poll the open API (a few ms apart, backing off to
100 ms, always against a deadline); a checkpoint at or past a mark TSO means every transaction
committed before the mark is in the sink.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from python_on_whales.exceptions import DockerException

from sinkmatrix.cdcs.ticdc import commands as ticdc
from sinkmatrix.model.cdc import CdcOutput
from sinkmatrix.model.faults import FaultSpec
from sinkmatrix.stack.compose_flavours import Parts, env_value, local_build, probe_pipeline, server, transport
from sinkmatrix.stack.compose_project import ComposeProject
from sinkmatrix.stack.embedded import sink_environment
from sinkmatrix.stack.errors import FaultRefused, StackError
from sinkmatrix.stack.leases import Lease
from sinks.base import SinkAdapter

if TYPE_CHECKING:
    from sinkmatrix.model.cells import Cell
    from sinkmatrix.stack.compose import ComposeOptions, ComposeStack

_POLL_FIRST, _POLL_MAX = 0.005, 0.1
_NO_FAULTS = ("TiCDC runs from its public image: faults of the message layer need a hand-off between it "
              "and Kafka, which its compose stack has not")


class TicdcProgress:
    """A changefeed's checkpoint as the DSL's Progress (marks are upstream TSOs)."""

    exact = True

    def __init__(self, api: str, changefeed_id: str, upstream: object) -> None:
        self.api, self.changefeed_id, self.upstream = api, changefeed_id, upstream
        self._status: ticdc.ChangefeedStatus | None = None
        self._polls = 0
        self._closed = threading.Event()

    def _poll(self) -> ticdc.ChangefeedStatus:
        url = self.api + ticdc.changefeed_api_path(self.changefeed_id)
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                status = ticdc.parse_changefeed(response.read())
        except urllib.error.HTTPError as exc:
            status = ticdc.parse_changefeed(exc.read())
        except OSError as exc:
            raise StackError(f"TiCDC's open API at {self.api} did not answer: {exc}") from None
        if self._status is None or status.checkpoint_ts != self._status.checkpoint_ts:
            self._polls += 1
        self._status = status
        return status

    def _until(self, done: Callable[[ticdc.ChangefeedStatus], bool], deadline: float) -> bool:
        pause = _POLL_FIRST
        while True:
            status = self._poll()
            if done(status):
                return True
            if status.ended or time.monotonic() + pause > deadline:
                return False
            self._closed.wait(pause)  # between two reads of the checkpoint: there is no push feed
            pause = min(pause * 2, _POLL_MAX)

    def mark(self) -> int:
        return int(self.upstream.query("SELECT TIDB_CURRENT_TSO()")[0][0])  # type: ignore[attr-defined]

    def wait_past(self, mark: int, deadline: float) -> bool:
        return self._until(lambda s: s.checkpoint_ts >= mark, deadline)

    def current(self) -> int:
        return self._polls

    def wait_change(self, seen: int, deadline: float) -> int:
        self._until(lambda _s: self._polls > seen, deadline)
        return self._polls

    def describe(self) -> str:
        return self._status.describe() if self._status else f"changefeed {self.changefeed_id} not read yet"

    def failure(self) -> str | None:
        status = self._status
        return status.describe() if status is not None and status.ended else None

    def diagnose(self, mark: int, since: float) -> str | None:
        return None  # the open API's checkpoint alone cannot tell a stall from a lag

    def downtime(self, since: float) -> float:
        return 0.0  # its recoveries are unseen from here (below)

    def restarts(self) -> list[float]:
        return []  # TiCDC restarts its processors itself, unseen from here

    def close(self) -> None:
        self._closed.set()


class TicdcRun:
    """TiCDC as the cell's CDC: a compose service whose changefeed the cell created. Its lifecycle
    goes through compose (kill, restart: TiCDC resumes from the checkpoint PD keeps) and through
    TiCDC's CLI (pause and resume of the changefeed)."""

    def __init__(self, project: ComposeProject, cell: Cell, progress: TicdcProgress) -> None:
        self.project, self.cell, self.progress = project, cell, progress
        self.changefeed = ticdc.changefeed_id_for(cell)

    @property
    def state(self) -> str:
        return "failed" if self.progress.failure() else "streaming"

    def output(self) -> CdcOutput:
        # topics are <database>_<table> (ticdc.TOPIC_EXPRESSION); protocol=debezium is TiCDC's own;
        # the decoders hold messages to the rules of the release that runs (sinkmatrix.formats.releases)
        profile = self.cell.profile
        release = profile.components.get("cdc_version") if profile is not None else None
        return CdcOutput(producer="ticdc", release=release)

    def stop(self) -> None:
        self.project.docker.compose.stop(["ticdc"])

    def close(self) -> None:
        self.progress.close()  # the project's teardown takes the service down

    def kill(self) -> None:
        self.project.docker.compose.kill(["ticdc"], signal="SIGKILL")

    def restart(self) -> None:
        self.kill()
        self.project.docker.compose.start(["ticdc"])

    def pause(self) -> None:
        self._cli("pause")

    def resume(self) -> None:
        self._cli("resume")

    def _cli(self, verb: str) -> None:
        argv = [ticdc.CDC, "cli", "changefeed", verb, f"--server={ticdc.SERVER}",
                f"--changefeed-id={self.changefeed}"]
        self.project.docker.compose.execute("ticdc", argv, tty=False)

    def refuses(self, fault: FaultSpec) -> str | None:
        return _NO_FAULTS

    def faults(self) -> list[dict[str, object]]:
        return []

    def inject(self, fault: FaultSpec) -> None:
        raise FaultRefused(_NO_FAULTS)

    def clear_faults(self, databases: str | None = None) -> None:
        pass

    def logs(self) -> dict[str, Path]:
        logs = self.project.root / "logs"
        return {f"file-{p.stem}": p for p in sorted(logs.glob("*.log"))} if logs.is_dir() else {}

    def describe(self) -> str:
        return self.progress.describe()


class TicdcFlavour:
    """TiDB upstream -> TiCDC (its changefeed created with its CLI) -> downstream MySQL or Kafka."""

    def start(self, project: ComposeProject, cell: Cell, adapter: SinkAdapter, lease: Lease, root: Path,
              options: ComposeOptions) -> Parts:
        for sub in ("logs", "changefeeds"):
            (root / sub).mkdir(mode=0o755, exist_ok=True)
        project.up(build=local_build(project, options.cdc_build, service="ticdc"))
        password = env_value(project, "SM_DB_PASSWORD")
        upstream = server(project, "tidb", password, binlog=False, port=4000)
        downstream = server(project, "downstream", password, binlog=False)
        services = transport(project, root, adapter.needs)
        changefeed = ticdc.changefeed_id_for(cell)
        (root / "changefeeds" / f"{changefeed}.toml").write_text(ticdc.changefeed_config(cell))
        argv = ticdc.changefeed_create_argv(
            cell, changefeed_id=changefeed, config_path=ticdc.config_path_for(changefeed),
            downstream=ticdc.Downstream("downstream", 3306, "sinkmatrix", password))
        try:
            project.docker.compose.execute("ticdc", argv, tty=False)
        except DockerException as exc:
            out = (exc.stderr or exc.stdout or "").strip()[-800:]
            raise StackError(f"creating changefeed {changefeed} failed: {out}") from None
        progress = TicdcProgress(f"http://127.0.0.1:{project.port('ticdc', 8300)}", changefeed, upstream)
        if not progress.wait_past(progress.mark(), time.monotonic() + 60):
            raise StackError(f"changefeed {changefeed} is not replicating: {progress.describe()}")
        cdc = TicdcRun(project, cell, progress)
        env = sink_environment({"upstream": upstream, "downstream": downstream}, services, cell, cdc)
        view = adapter.open_view(env, progress)
        return Parts(upstream, downstream, cdc, view, progress, services)

    def probe(self, stack: ComposeStack) -> None:
        probe_pipeline(stack)

    def local_logs(self, stack: ComposeStack) -> dict[str, Path]:
        found = stack.cdc.logs()
        query = ticdc.changefeed_query_argv(ticdc.changefeed_id_for(stack.cell))
        try:
            answer = stack.project.docker.compose.execute("ticdc", query, tty=False)
            path = stack.root / "changefeed.json"
            path.write_text(answer if isinstance(answer, str) else json.dumps(answer))
            found["changefeed"] = path
        except DockerException:
            pass
        return found
