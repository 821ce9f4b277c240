"""ExternalProcessCdc on small stand-in programs: readiness by a log line, a port or an HTTP URL; an
exit it was not asked for fails the run with the program's last output; kill, restart, pause by
signal; the config filled from the cell; the process under the stack's lease, reaped with it."""

from __future__ import annotations

import signal
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import pytest

from sinkmatrix.cdcs.external import ExternalProcessCdc, ExternalProcessRun, HttpUrl, LogLine, Port
from sinkmatrix.model.cdc import CdcEnvironment
from sinkmatrix.model.cdc_contract import capabilities
from sinkmatrix.model.cells import Cell
from sinkmatrix.stack.errors import StackError
from sinkmatrix.stack.leases import Lease, alive

pytestmark = pytest.mark.framework

# a stand-in CDC: prints its config and "ready", then idles as a CDC with nothing to do would
ECHO = ("import sys, time; print(open(sys.argv[1]).read()); print('ready', flush=True); "
        "time.sleep(3600)")
# ready, then gives up when told (SIGUSR1): it exits after start() returned, as a CDC that fails later
EXITS = ("import signal, sys\n"
         "def give_up(*_):\n    print('giving up: no binlog', flush=True)\n    sys.exit(3)\n"
         "signal.signal(signal.SIGUSR1, give_up)\nprint('ready', flush=True)\n"
         "while True:\n    signal.pause()\n")


@dataclass
class FakeServer:
    port: int

    def connect_args(self) -> dict[str, Any]:
        return {"host": "127.0.0.1", "port": self.port, "user": "root", "password": "secret"}

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        assert sql == "SHOW MASTER STATUS"
        return [("binlog.000007", 4711)]


class Echo(ExternalProcessCdc):
    name = "echo"
    sinks: ClassVar = {"mysql": ("",)}
    command = (sys.executable, "-c", ECHO, "{config}")
    config_template = ("upstream=${upstream_dsn} id=${server_id} from=${binlog_file}:${binlog_pos} "
                       "db=${databases_regex}")
    ready = LogLine("ready")


@pytest.fixture
def env(tmp_path: Path) -> Any:
    lease = Lease.acquire("test-external")
    try:
        yield CdcEnvironment(cell=Cell("mysql", "mysql", "echo"), upstream=FakeServer(3306),
                             downstream=FakeServer(3307), services={}, root=tmp_path / "cdc", lease=lease,
                             databases="sm_*")
    finally:
        lease.release()


def test_the_config_is_filled_from_the_cell_and_the_program_runs_until_killed(env: Any) -> None:
    run = Echo().start(env)
    try:
        assert run.state == "streaming"
        config = Path(run.settings.config).read_text()
        assert config.startswith("upstream=mysql://root:secret@127.0.0.1:3306 id=")
        assert config.endswith("from=binlog.000007:4711 db=sm_.*")
        assert Path(run.settings.config).stat().st_mode & 0o777 == 0o600  # it holds a password
        assert config in run.logs()["echo"].read_text()  # its output lands in the bundle's log
        pid = run.program.pid
        assert pid is not None and any(p == pid for p, _ in env.lease.processes)  # reaped with the lease
        assert capabilities(run) == {"restart", "pause"}
        run.pause()
        assert run.program.child is not None
        run.resume()
        run.restart()
        assert run.state == "streaming" and run.program.pid != pid and run.program.starts == 2
        run.kill()
        assert run.state == "stopped" and not run.program.running and not run.exited.is_set()
    finally:
        run.close()


def test_a_program_that_exits_unasked_fails_the_run_with_its_last_words(env: Any) -> None:
    class Exits(Echo):
        command = (sys.executable, "-c", EXITS)

    run = Exits().start(env)
    assert run.state == "streaming"
    run.program.signal(signal.SIGUSR1)
    assert run.exited.wait(10), run.describe()
    assert run.state == "failed"
    assert "exited with code 3 unasked" in run.error and "giving up: no binlog" in run.error


def test_readiness_by_port_and_by_url_and_a_clear_error_when_it_never_comes(env: Any) -> None:
    class Serves(Echo):
        command = (sys.executable, "-m", "http.server", "{port}", "--bind", "127.0.0.1")
        ready = HttpUrl("http://127.0.0.1:{port}/")

    class Listens(Serves):
        ready = Port("{port}")

    class Silent(Echo):
        ready_timeout = 0.5
        ready = Port("{port}")  # Echo never listens

    for plugin in (Serves(), Listens()):
        run = plugin.start(env)
        run.close()
        assert run.state == "stopped"
    with pytest.raises(StackError, match=r"was not ready within 0.5s \(Port\('\{port\}'\) never passed\)"):
        Silent().start(env)


def test_a_program_not_installed_makes_its_cells_unavailable_saying_so() -> None:
    class Missing(Echo):
        command = ("no-such-cdc-program", "{config}")

    why = Missing().unavailable(Cell("mysql", "mysql", "echo"))
    assert why is not None and "'no-such-cdc-program' is neither on PATH" in why


def test_a_killed_owner_leaves_no_program_behind(env: Any) -> None:
    run: ExternalProcessRun = Echo().start(env)
    pid = run.program.pid
    assert pid is not None
    env.lease.release()  # what the next run's reaping does for a killed owner's lease
    assert not alive(pid, None)
    assert run.program.child is not None and run.program.child.process.wait(5) == -signal.SIGKILL
