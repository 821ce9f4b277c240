"""Cells go to xdist workers whole, heaviest first, and only when a worker is about to run dry."""

from __future__ import annotations

import heapq
from types import SimpleNamespace
from typing import Any

from matrix.scheduling import CellScheduling


class FakeWorker:
    """What the scheduler drives of an xdist worker: it queues test indices and runs them in order."""

    def __init__(self, name: str) -> None:
        self.gateway = SimpleNamespace(id=name)
        self.queued: list[int] = []
        self.shutting_down = False

    def send_runtest_some(self, indices: list[int]) -> None:
        self.queued += indices

    def shutdown(self) -> None:
        self.shutting_down = True

    def __repr__(self) -> str:
        return self.gateway.id


def config(workers: int) -> Any:
    values = {"tx": [f"{workers}*popen"], "dist": "loadgroup"}
    return SimpleNamespace(getvalue=values.get, option=SimpleNamespace(loadscopereorder=True),
                           getoption=lambda name, default=None: values.get(name, default))


def collection(cells: dict[str, int]) -> list[str]:
    return [f"tests/cases/test_{n}.py::test[{cell}]" for cell, count in cells.items()
            for n in range(count)]


def cell_of(nodeid: str) -> str:
    return nodeid.rpartition("[")[2].rstrip("]")


def simulate(cells: dict[str, int], seconds: dict[str, float],
             workers: int) -> tuple[dict[str, list[str]], float]:
    """Run a collection through the scheduler with each test of a cell taking `seconds[cell]`:
    which cells each worker ran, in order, and when the last test ended. A worker runs a test only
    once it knows the next one (or is shut down), as xdist's workers do."""
    ids = collection(cells)
    durations = {i: seconds[cell_of(i)] for i in ids}
    sched = CellScheduling(config(workers), cells=list(cells), durations=durations)
    nodes = [FakeWorker(f"gw{n}") for n in range(workers)]
    for node in nodes:
        sched.add_node(node)
        sched.add_node_collection(node, ids)
    sched.schedule()
    ran: dict[str, list[str]] = {n.gateway.id: [] for n in nodes}
    clock: list[tuple[float, int, FakeWorker, int]] = []
    busy: set[FakeWorker] = set()

    def start(node: FakeWorker, now: float) -> None:
        if node in busy or not node.queued or (len(node.queued) < 2 and not node.shutting_down):
            return
        index = node.queued.pop(0)
        cell = cell_of(ids[index])
        if not ran[node.gateway.id] or ran[node.gateway.id][-1] != cell:
            ran[node.gateway.id].append(cell)
        busy.add(node)
        heapq.heappush(clock, (now + seconds[cell], index, node, index))

    for node in nodes:
        start(node, 0.0)
    now = 0.0
    while clock:
        now, _, node, index = heapq.heappop(clock)
        busy.discard(node)
        sched.mark_test_complete(node, index)
        for other in nodes:
            start(other, now)
    assert sched.tests_finished
    return ran, now


def test_cells_are_never_split_and_every_test_runs_once() -> None:
    ran, _ = simulate({"a": 5, "b": 5, "c": 5, "d": 5}, {"a": 1, "b": 1, "c": 1, "d": 1}, workers=2)
    cells = [c for worker in ran.values() for c in worker]
    assert sorted(cells) == ["a", "b", "c", "d"]


def test_the_heaviest_cell_goes_first_whatever_the_collection_order() -> None:
    # collected light to heavy: taking them in that order ends at 4 s (l+h on one worker)
    ran, ended = simulate({"l": 10, "m": 10, "h": 10}, {"l": 0.1, "m": 0.2, "h": 0.3}, workers=2)
    assert sorted(ran.values()) == [["h"], ["m", "l"]]
    assert round(ended, 6) == 3.0


def test_a_worker_takes_its_next_cell_only_as_it_runs_dry() -> None:
    # handing out the next cell three tests ahead (xdist's rule for small groups) lets the worker
    # of a short cell take two more cells while the other is still busy: 9 s instead of 8
    ran, ended = simulate({"x": 5, "y": 3, "z": 3, "w": 3}, {"x": 1.0, "y": 1.0, "z": 1.0, "w": 1.0},
                          workers=2)
    assert sorted(len(cells) for cells in ran.values()) == [2, 2]
    assert round(ended, 6) == 8.0


def test_a_test_belongs_to_the_cell_named_among_its_parameters() -> None:
    cells = ["canal-json-kafka-local", "canal-json+tidb-kafka-local", "avro-kafka-local", "kafka-local"]
    sched = CellScheduling(config(2), cells=cells, durations={})
    assert sched._split_scope("tests/cases/test_a.py::test[canal-json-kafka-local]") == \
        "canal-json-kafka-local"
    assert sched._split_scope("tests/cases/test_a.py::test[3-avro-kafka-local-x]") == "avro-kafka-local"
    assert sched._split_scope("tests/cases/test_a.py::test[canal-json+tidb-kafka-local]") == \
        "canal-json+tidb-kafka-local"
    assert sched._split_scope("tests/cases/test_a.py::test[avro-kafka-local]@custom") == "custom"
    free = "tests/framework/test_b.py::test_x[1-2]"  # of no cell: a unit of its own, as in loadgroup
    assert sched._split_scope(free) == free
