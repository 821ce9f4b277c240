"""The CDC contract (sinkmatrix.model.cdc_contract): a run needs only the core; what it lacks takes a
safe default or skips the case that needs it, with the reason — never an AttributeError. Proven on
plug-ins for a program (tests/framework/plugins), registered through an entry point as a user's are."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from sinkmatrix.model.cdc import CdcOutput, ask
from sinkmatrix.model.cdc_contract import (
    CapabilityMissing,
    CdcContractError,
    CdcRunBase,
    capabilities,
    complete_progress,
    contract,
    lacks,
)
from sinkmatrix.model.cells import Cell

pytestmark = pytest.mark.framework

REPO = Path(__file__).resolve().parents[2]
ENTRY_POINTS = """[sinkmatrix.cdcs]
refcdc-program = tests.framework.plugins.refcdc_program:RefcdcProgram
bare-program = tests.framework.plugins.bare_program:BareProgram
no-emits = tests.framework.plugins.broken_plugin:NoEmits
"""
CASES = Path(REPO / "tests" / "cases" / "test_simple.py").read_text() + '''

import pytest

from dsl import All


@pytest.mark.cdc_needs("restart")
def test_restart(ctx):
    ctx.upstream.exec_driver_sql("create table t (id int primary key, v int)")
    table = ctx.sql.table("t")
    sent = [table.insert({"id": 1, "v": 1}).send()]
    ctx.cdc.kill()
    sent.append(table.insert({"id": 2, "v": 2}).send())
    ctx.cdc.restart()
    All(ctx.sql, sent).wait().check()


def test_pause(ctx):
    ctx.upstream.exec_driver_sql("create table t (id int primary key, v int)")
    ctx.cdc.pause()  # a CDC that cannot pause skips the case here
    sent = ctx.sql.table("t").insert({"id": 1, "v": 1}).send()
    ctx.cdc.resume()
    sent.wait().check()


def test_requires(ctx):
    ctx.requires("pause")  # asked up front: a CDC that cannot pause skips the case here
    ctx.upstream.exec_driver_sql("create table t (id int primary key, v int)")


@pytest.mark.fault("drop", side="cdc")  # its own hooks: a CDC without them skips (the framework's side
def test_fault(ctx):                     # commits faults for such a CDC, sinks.consumer_faults)
    ctx.upstream.exec_driver_sql("create table t (id int primary key, v int)")
'''


class CoreOnly:
    """A run with the core and nothing else."""

    state = "streaming"

    def stop(self) -> None: ...
    def kill(self) -> None: ...
    def close(self) -> None: ...
    def logs(self) -> dict[str, Path]:
        return {}
    def describe(self) -> str:
        return "core only"


class Restarts(CdcRunBase, CoreOnly):
    def restart(self) -> None: ...


class BareProgress:
    exact = False

    def mark(self) -> int:
        return 1
    def wait_past(self, mark: Any, deadline: float) -> bool:
        return True
    def current(self) -> int:
        return 0
    def wait_change(self, seen: int, deadline: float) -> int:
        return seen


def test_a_run_with_only_the_core_offers_no_capability_and_says_why_a_case_needing_one_skips() -> None:
    assert capabilities(CoreOnly()) == frozenset()
    why = lacks(CoreOnly(), "restart", cdc="mycdc")
    assert why is not None and why.startswith("the CDC 'mycdc' cannot restart: its run offers no restart()")
    with pytest.raises(ValueError, match="unknown CDC capability 'reboot'"):
        lacks(CoreOnly(), "reboot")


def test_a_base_subclass_offers_what_it_implements_itself() -> None:
    assert capabilities(Restarts()) == frozenset({"restart"})
    assert Restarts().supports("restart") and not Restarts().supports("pause")


def test_the_contracted_run_answers_every_member_and_skips_rather_than_raising_attribute_errors() -> None:
    run = contract(CoreOnly(), "mycdc", lambda handle: BareProgress())  # type: ignore[return-value]
    for action in (run.restart, run.pause, run.resume, lambda: run.inject(None)):  # type: ignore[arg-type]
        with pytest.raises(CapabilityMissing, match="the CDC 'mycdc' cannot"):
            action()
    assert "cannot take faults" in str(run.refuses(None))  # type: ignore[arg-type]
    assert run.faults() == [] and run.output() == CdcOutput()
    run.clear_faults()  # nothing installed, nothing to do
    assert run.progress.restarts() == [] and run.progress.downtime(0.0) == 0.0


def test_a_progress_without_its_optional_members_gets_their_defaults() -> None:
    progress = complete_progress(BareProgress(), "mycdc")
    assert progress.restarts() == [] and progress.downtime(0.0) == 0.0
    assert progress.diagnose(1, 0.0) is None and progress.failure() is None
    assert "mycdc" in progress.describe()


def test_a_run_or_progress_lacking_the_core_is_refused_naming_what_is_missing() -> None:
    class Half:
        state = "streaming"

        def stop(self) -> None: ...

    def fallback(handle: Any) -> Any:
        return BareProgress()

    with pytest.raises(CdcContractError, match=r"its run \(Half\) lacks kill, close, logs, describe"):
        contract(Half(), "mycdc", fallback)
    run = CoreOnly()
    run.progress = object()  # type: ignore[attr-defined]
    with pytest.raises(CdcContractError, match=r"lacks mark, wait_past, current, wait_change"):
        contract(run, "mycdc", fallback)


def test_a_plugin_that_leaves_out_the_optional_members_gets_the_defaults() -> None:
    class Plain:  # not a subclass of sinkmatrix.model.cdc.Cdc
        name = "plain"

    cell = Cell("mysql", "mysql", "plain")
    assert ask(Plain(), "unavailable", cell) is None
    assert ask(Plain(), "upstream_options", cell) == ()
    assert ask(Plain(), "compose_flavour") is None and ask(Plain(), "default_profile") is None


@pytest.fixture(scope="module")
def registered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The example plug-ins registered through an entry point (an installed distribution's
    metadata), as a user's package registers its own; the environment a run needs to see them."""
    site = tmp_path_factory.mktemp("site")
    info = site / "example_cdcs-0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: example-cdcs\nVersion: 0\n")
    (info / "entry_points.txt").write_text(ENTRY_POINTS)
    path = os.pathsep.join([str(site), str(REPO), os.environ.get("PYTHONPATH", "")])
    bindir = str(Path(sys.executable).parent)  # the console script `refcdc` of this environment
    return {**os.environ, "PYTHONPATH": path, "PATH": bindir + os.pathsep + os.environ.get("PATH", "")}


def test_program_plugins_run_the_simple_cases_and_skip_what_they_cannot_do(
        registered: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "test_cases.py").write_text(CASES)
    env = {**registered, "SINKMATRIX_REPORTS": str(tmp_path / "reports")}
    done = subprocess.run([sys.executable, "-m", "pytest", "test_cases.py", "-q", "-rs",
                           "-p", "no:cacheprovider", "--cdc", "refcdc-program", "--cdc", "bare-program"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    summary = json.loads((tmp_path / "reports" / "latest" / "summary.json").read_text())
    outcomes = {nodeid.split("::")[1]: test["outcome"] for nodeid, test in summary["tests"].items()}
    expected = {}
    for cell in ("mysql-mysql", "canal-json-kafka"):
        expected |= {f"test_simple[{cell}-refcdc-program]": "passed",
                     f"test_restart[{cell}-refcdc-program]": "passed",
                     f"test_pause[{cell}-refcdc-program]": "passed",
                     f"test_requires[{cell}-refcdc-program]": "passed",
                     f"test_fault[{cell}-refcdc-program]": "skipped",
                     f"test_simple[{cell}-bare-program]": "passed",
                     f"test_restart[{cell}-bare-program]": "skipped",
                     f"test_pause[{cell}-bare-program]": "skipped",
                     f"test_requires[{cell}-bare-program]": "skipped",
                     f"test_fault[{cell}-bare-program]": "skipped"}
    assert outcomes == expected, done.stdout[-4000:]
    assert "the CDC 'bare-program' cannot restart: its run offers no restart()" in done.stdout
    assert "the CDC 'bare-program' cannot pause: its run offers no pause(), resume()" in done.stdout
    assert "the CDC 'refcdc-program' cannot take faults" in done.stdout
    assert "AttributeError" not in done.stdout and "INTERNALERROR" not in done.stdout


def _doctor(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sinkmatrix", "doctor", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def test_doctor_reports_what_a_plugin_lacks_and_smoke_runs_it(registered: dict[str, str],
                                                               tmp_path: Path) -> None:
    done = _doctor(registered, tmp_path, "--check", "bare-program")
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    for capability in ("restart", "pause", "progress", "faults", "output"):
        assert f"    {capability:<18} missing — " in out, out
    assert "compose_flavour    missing — its cells run on the embedded backend only" in out
    steps = {line.split()[0]: line.split()[1] for line in out.splitlines()
             if line.startswith("    ") and " s" in line and line.split()[0] in ("start", "kill", "restart")}
    assert steps == {"start": "ok", "kill": "ok", "restart": "skipped"}, out
    assert "progress past a mark                     ok" in out
    assert "conforms; optional capabilities it lacks: restart, pause, progress, faults, output" in out


def test_doctor_fails_a_plugin_without_a_required_member(registered: dict[str, str], tmp_path: Path) -> None:
    done = _doctor(registered, tmp_path, "--check", "no-emits", "--no-smoke")
    assert done.returncode == 1
    assert "emits              MISSING" in done.stdout
    assert "lacks emits (required of every CDC plug-in" in done.stdout
