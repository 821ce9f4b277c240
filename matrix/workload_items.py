"""SQL-file workloads as pytest cases: every `workload.sql` pytest walks to is a case expanded over
the cells, wherever it lives — `tests/workloads/`, or a suite from a CDC's own repository or a peer
project given with `--workloads PATH` (repeatable).

A workload file is collected as a module holding one case, `test_workload`, so its items have the
node id `<folder>/workload.sql::test_workload[<cell>]`, take the `ctx` and `cell` fixtures like any
case, and select with `-k <folder name>`.
"""

from __future__ import annotations

import types
from pathlib import Path
from typing import Any

import pytest

WORKLOAD_FILE = "workload.sql"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("sinkmatrix")
    group.addoption("--workloads", action="append", default=[], metavar="PATH",
                    help="also run the SQL-file workloads under PATH (folders holding workload.sql, at any "
                         "depth) on every selected cell; repeatable")


def pytest_configure(config: pytest.Config) -> None:
    for given in config.getoption("workloads"):
        path = Path(given).expanduser()
        if not path.exists():
            raise pytest.UsageError(f"--workloads {given}: no such file or directory")
        if path.name != WORKLOAD_FILE and not any(path.rglob(WORKLOAD_FILE)):
            raise pytest.UsageError(f"--workloads {given}: no {WORKLOAD_FILE} under it; a workload is a "
                                    f"folder holding {WORKLOAD_FILE} (and optionally prepare.sql)")
        if str(path) not in config.args:
            config.args.append(str(path))


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.name != WORKLOAD_FILE:
        return None
    return WorkloadModule.from_parent(parent, path=file_path)


class WorkloadModule(pytest.Module):
    """A workload folder's `workload.sql`, seen by pytest as a module with one case in it."""

    def _getobj(self) -> Any:
        from dsl import limits, workload  # the DSL (and its drivers) loads where cases run

        try:
            load = workload.load(self.path.parent)
        except workload.WorkloadError as exc:
            raise self.CollectError(str(exc)) from None
        module = types.ModuleType(f"sinkmatrix_workload_{load.name}", load.describe())
        module.__file__ = str(self.path)

        def test_workload(ctx: Any, cell: Any) -> None:
            why = workload.limit_met(load, cell.sink, ctx.sql.limits)
            if why:
                pytest.skip(f"adapter limit: {why}")
            catch = load.catch_on(cell.id)
            try:
                workload.run(ctx, load)
            except limits.LimitMet as met:  # the CDC stopped where a declared limit says it does
                pytest.skip(f"adapter limit: {met}")
            except Exception as exc:  # a declared catch, or a failure of its own (which stands)
                if catch is None or catch.match not in f"{type(exc).__name__}: {exc}":
                    raise
                pytest.xfail(f"catch: {catch.why}")
            if catch is not None:
                pytest.fail(f"the catch declared for {cell.id} did not happen ({catch.why}); the CDC no "
                            f"longer shows it: narrow or remove the declaration in {self.path}",
                            pytrace=False)

        test_workload.__doc__ = load.describe()
        test_workload.__module__ = module.__name__
        module.test_workload = test_workload  # type: ignore[attr-defined]
        return module
