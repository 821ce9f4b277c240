"""Sessions: `matrix` (one per sink) runs the cases, `tests` the framework's own tests, `lint`, `bench`."""

import os
import tomllib
from pathlib import Path

import nox

nox.options.reuse_existing_virtualenvs = True
nox.options.sessions = ["matrix"]
AXES = tomllib.loads(Path("matrix/axes.toml").read_text())
SINKS = sorted(AXES["sinks"])
WORKERS = os.environ.get("SINKMATRIX_WORKERS", "auto")


def install(session: nox.Session) -> None:
    session.install("-e", ".[dev]")


@nox.session
@nox.parametrize("sink", SINKS, ids=SINKS)
def matrix(session: nox.Session, sink: str) -> None:
    """Run every case on the cells of one sink (protocols and versions expand inside pytest)."""
    install(session)
    session.run("pytest", "tests/cases", f"--sink={sink}", "-n", WORKERS, "--dist=loadgroup",
                "-p", "no:cacheprovider", *session.posargs)


@nox.session
def tests(session: nox.Session) -> None:
    """The framework's own tests: comparator, DSL, reference CDC, stack hygiene."""
    install(session)
    session.run("pytest", "tests/framework", "-n", WORKERS, "-p", "no:cacheprovider", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff and mypy."""
    install(session)
    session.run("ruff", "check", ".")
    session.run("mypy")


@nox.session
def bench(session: nox.Session) -> None:
    """Measure stack start, the seed pattern, bulk verification and wait latency into BENCHMARKS.md."""
    install(session)
    session.run("python", "-m", "bench", *session.posargs)
