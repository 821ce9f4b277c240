"""Sessions: `matrix` (one per sink) runs the cases, `tests` the framework's own tests, and tools.

    nox -s matrix                       every sink's cells (the main job)
    nox -s "matrix(sink='avro')"        one sink's cells; protocols and versions expand in pytest
    nox -t kafka                        the sinks that ride Kafka
    nox -s matrix -- --shard 1/3 -k simple   arguments after -- go to pytest

Sessions share environments (matrix.venvs): `cases` (the framework and Debezium's engine) serves
every session that runs cells or reads their reports, `tests` adds the test tools, `lint` holds only
ruff and mypy. Each is made once, with uv where installed, and again only when pyproject.toml changes.
"""

import os
import sys
import tomllib
from datetime import UTC, datetime
from pathlib import Path

import nox

sys.path.insert(0, str(Path(__file__).parent))  # the project's own stdlib-only modules
from matrix import command, venvs

nox.options.sessions = ["matrix"]
SINKS = tomllib.loads(Path("matrix/axes.toml").read_text())["sinks"]
WORKERS = os.environ.get("SINKMATRIX_WORKERS", "auto")
# One run per nox invocation: each sink's pytest writes a part of it, `report` merges the parts.
RUN = os.environ.get("SINKMATRIX_RUN_ID") or f"{datetime.now(UTC):%Y%m%d-%H%M%S}-{os.urandom(2).hex()}"
REPORTS = Path(os.environ.get("SINKMATRIX_REPORTS") or "reports")


def cases() -> venvs.Env:
    return venvs.ready("cases", extras=("debezium",))


def run(session: nox.Session, venv: venvs.Env, *args: str, env: dict[str, str] | None = None,
        **options) -> None:
    """A Python command in a shared environment: `run(session, venv, "-m", "pytest", ...)`."""
    session.run(venv.python, *args, env={**(env or os.environ), **venv.variables}, external=True, **options)


@nox.session(venv_backend="none")
@nox.parametrize("sink", [nox.param(name, tags=sorted({name, *spec.get("protocols", [])}))
                          for name, spec in sorted(SINKS.items())])
def matrix(session: nox.Session, sink: str) -> None:
    """Every case (tests/cases, and the SQL workloads of tests/workloads) on the cells of one sink."""
    env = cases()
    session.notify("report")
    run(session, env, "-m", "pytest", *command.CASE_DIRS, f"--sink={sink}", "-n", WORKERS,
        *command.PYTEST_ARGS, *session.posargs,
        env={**command.environment(), "SINKMATRIX_RUN_ID": f"{RUN}/parts/{sink}"})


@nox.session(venv_backend="none", default=False)
def releases(session: nox.Session) -> None:
    """The Debezium release axis: every case and workload on each release's profile (`--cdc debezium`:
    the profiles of matrix/axes.toml whose CDC is `debezium`, those left out of the default matrix
    too); the known-bug suite (tests/cases/known_bugs) expects each release's own bugs."""
    env = cases()
    session.notify("report")
    run(session, env, "-m", "pytest", *command.CASE_DIRS, "--cdc=debezium", "-n", WORKERS,
        *command.PYTEST_ARGS, *session.posargs,
        env={**command.environment(), "SINKMATRIX_RUN_ID": f"{RUN}/parts/releases"})


@nox.session(venv_backend="none", default=False)
def kafka_versions(session: nox.Session) -> None:
    """The Kafka version axis: every case on the Kafka cells of each broker release's profile
    (`default = false` profiles of matrix/axes.toml that set a kafka_release), besides the default."""
    versions = tomllib.loads(Path("matrix/axes.toml").read_text())["versions"]
    named = [name for name, spec in sorted(versions.items())
             if spec.get("default", True) is False and spec.get("kafka_release")
             and not spec.get("debezium_release")]  # the Debezium releases: `nox -s releases`
    env = cases()
    session.notify("report")
    run(session, env, "-m", "pytest", *command.CASE_DIRS, *(f"--profile={name}" for name in named),
        "-n", WORKERS, *command.PYTEST_ARGS, *session.posargs,
        env={**command.environment(), "SINKMATRIX_RUN_ID": f"{RUN}/parts/kafka-versions"})


@nox.session(venv_backend="none", default=False)
def report(session: nox.Session) -> None:
    """Merge this invocation's matrix runs into one report (runs after the matrix sessions)."""
    parts = sorted(str(p) for p in (REPORTS / RUN / "parts").glob("*") if p.is_dir())
    if not parts:
        session.skip("no matrix run in this invocation")
    env = cases()
    run(session, env, "-m", "reports.merge", "--latest", str(REPORTS / RUN), *parts)
    run(session, env, "-m", "reports.triage", str(REPORTS / RUN), success_codes=[0, 1])


@nox.session(venv_backend="none")
def tests(session: nox.Session) -> None:
    """The framework's own tests: comparator, DSL, reference CDC, sinks, reports, hygiene."""
    env = venvs.ready("tests", extras=("debezium", "test"))
    run(session, env, "-m", "pytest", "tests/framework", "-n", WORKERS, "--dist=loadgroup",
        "-p", "no:cacheprovider", *session.posargs)


@nox.session(venv_backend="none")
def reliability(session: nox.Session) -> None:
    """Inject every CDC fault on every sink; the detection table goes to RELIABILITY.md."""
    run(session, venvs.ready("tests", extras=("debezium", "test")), "-m", "pytest",
        "tests/framework/test_detection.py", "-n", WORKERS, "--dist=loadgroup", "-p", "no:cacheprovider",
        "--reliability-md", "RELIABILITY.md", *session.posargs)


@nox.session(venv_backend="none")
def soak(session: nox.Session) -> None:
    """The full default matrix N times in a row (`-- --runs N`, default 20); summary in SOAK.md."""
    run(session, cases(), "-m", "matrix.soak", "--record", "SOAK.md", *session.posargs)


@nox.session(venv_backend="none")
def triage(session: nox.Session) -> None:
    """Group a run's failures by signature: one bug in five cells, or five bugs? (default: latest run)"""
    run(session, cases(), "-m", "reports.triage", *(session.posargs or ["reports/latest"]))


@nox.session(venv_backend="none")
def lint(session: nox.Session) -> None:
    """ruff and mypy (on the sources alone: the libraries they import are not installed here)."""
    env = venvs.ready("lint", packages=("ruff>=0.5", "mypy>=1.10"), project=False)
    session.run(env.bin("ruff"), "check", ".", external=True)
    session.run(env.bin("mypy"), external=True)


@nox.session(venv_backend="none")
def bench(session: nox.Session) -> None:
    """Measure stack start, DSL overheads and matrix wall time into BENCHMARKS.md."""
    run(session, cases(), "-m", "sinkmatrix.bench", *session.posargs)


@nox.session(venv_backend="none")
def images(session: nox.Session) -> None:
    """Build the compose backend's offline Docker images when missing or stale (`-- --force`: all)."""
    run(session, cases(), "-m", "sinkmatrix.stack.images", *session.posargs)
