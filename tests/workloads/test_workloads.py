"""Every folder here with a workload.sql is a case (dsl.workload): its statements run upstream in the
test's database, then the whole-database check compares the sink with the upstream."""

from pathlib import Path

import pytest

from dsl import workload
from sinks import registry

WORKLOADS = workload.discover(Path(__file__).parent)


@pytest.mark.parametrize("load", WORKLOADS, ids=[w.name for w in WORKLOADS])
def test_workload(ctx, cell, load):
    why = workload.limit_met(load, cell.sink, getattr(registry.get(cell.sink), "limits", {}))
    if why:
        pytest.skip(f"adapter limit: {why}")
    workload.run(ctx, load)
