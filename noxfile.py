"""Sessions: `matrix` (one per sink) runs the cases, `tests` the framework's own tests, and tools.

    nox -s matrix                       every sink's cells (the main job)
    nox -s "matrix(sink='avro')"        one sink's cells; protocols and versions expand in pytest
    nox -t kafka                        the sinks that ride Kafka
    nox -s matrix -- --shard 1/3 -k simple   arguments after -- go to pytest
"""

import os
import sys
import tomllib
from datetime import UTC, datetime
from pathlib import Path

import nox

sys.path.insert(0, str(Path(__file__).parent))  # the project's own stdlib-only modules
from matrix import command

nox.options.reuse_existing_virtualenvs = True
nox.options.sessions = ["matrix"]
SINKS = tomllib.loads(Path("matrix/axes.toml").read_text())["sinks"]
WORKERS = os.environ.get("SINKMATRIX_WORKERS", "auto")
# One run per nox invocation: each sink's pytest writes a part of it, `report` merges the parts.
RUN = os.environ.get("SINKMATRIX_RUN_ID") or f"{datetime.now(UTC):%Y%m%d-%H%M%S}-{os.urandom(2).hex()}"
REPORTS = Path(os.environ.get("SINKMATRIX_REPORTS") or "reports")


PACKAGES = ("dsl", "sinks", "matrix", "stack", "refcdc", "reports", "bench", "schemareg")


def install(session: nox.Session) -> None:
    if session.venv_backend != "none":  # `--no-venv` runs in an environment that has it already
        session.install("-e", ".[dev]")
        # Every stack starts Python services (the reference CDC, the registry, the broker host) and
        # every xdist worker imports the framework: compiled once here, they load it as bytecode
        # even where PYTHONDONTWRITEBYTECODE keeps Python from caching what it compiles itself.
        session.run("python", "-m", "compileall", "-q", *PACKAGES, silent=True)


@nox.session
@nox.parametrize("sink", [nox.param(name, tags=sorted({name, *spec.get("protocols", [])}))
                          for name, spec in sorted(SINKS.items())])
def matrix(session: nox.Session, sink: str) -> None:
    """Every case on the cells of one sink."""
    install(session)
    session.notify("report")
    session.run("pytest", "tests/cases", f"--sink={sink}", "-n", WORKERS, *command.PYTEST_ARGS,
                *session.posargs, env={**command.environment(), "SINKMATRIX_RUN_ID": f"{RUN}/parts/{sink}"})


@nox.session(default=False)
def report(session: nox.Session) -> None:
    """Merge this invocation's matrix runs into one report (runs after the matrix sessions)."""
    install(session)
    parts = sorted(str(p) for p in (REPORTS / RUN / "parts").glob("*") if p.is_dir())
    if not parts:
        session.skip("no matrix run in this invocation")
    session.run("python", "-m", "reports.merge", "--latest", str(REPORTS / RUN), *parts)
    session.run("python", "-m", "reports.triage", str(REPORTS / RUN), success_codes=[0, 1])


@nox.session
def tests(session: nox.Session) -> None:
    """The framework's own tests: comparator, DSL, reference CDC, sinks, reports, hygiene."""
    install(session)
    session.run("pytest", "tests/framework", "-n", WORKERS, "--dist=loadgroup", "-p", "no:cacheprovider",
                *session.posargs)


@nox.session
def reliability(session: nox.Session) -> None:
    """Inject every CDC fault on every sink; the detection table goes to RELIABILITY.md."""
    install(session)
    session.run("pytest", "tests/framework/test_detection.py", "-n", WORKERS, "--dist=loadgroup",
                "-p", "no:cacheprovider", "--reliability-md", "RELIABILITY.md", *session.posargs)


@nox.session
def soak(session: nox.Session) -> None:
    """The full default matrix N times in a row (`-- --runs N`, default 20); summary in SOAK.md."""
    install(session)
    session.run("python", "-m", "matrix.soak", "--record", "SOAK.md", *session.posargs)


@nox.session
def triage(session: nox.Session) -> None:
    """Group a run's failures by signature: one bug in five cells, or five bugs? (default: latest run)"""
    install(session)
    session.run("python", "-m", "reports.triage", *(session.posargs or ["reports/latest"]))


@nox.session
def lint(session: nox.Session) -> None:
    """ruff and mypy."""
    install(session)
    session.run("ruff", "check", ".")
    session.run("mypy")


@nox.session
def bench(session: nox.Session) -> None:
    """Measure stack start, DSL overheads and matrix wall time into BENCHMARKS.md."""
    install(session)
    session.run("python", "-m", "bench", *session.posargs)


@nox.session(python="3.11")  # the images' Python is Debian's 3.11: their wheels are built by the same
def images(session: nox.Session) -> None:
    """Build the compose backend's offline Docker images when missing or stale (`-- --force`: all)."""
    install(session)
    session.run("python", "-m", "stack.images", *session.posargs)
