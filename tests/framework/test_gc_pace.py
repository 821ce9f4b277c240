"""The collector's young threshold is raised while Kafka views are open, and given back after."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from sinks import gc_pace


@pytest.fixture(autouse=True)
def default_thresholds() -> Iterator[None]:
    saved = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*saved)


def test_raised_while_any_holder_remains_and_restored_after_the_last() -> None:
    pace = gc_pace.Pace()  # its own holders: a view open elsewhere in this process holds the shared one
    first, second = pace.relax(), pace.relax()
    assert gc.get_threshold() == (gc_pace.YOUNG, 10, 10)
    first()
    first()  # a second release of the same holder changes nothing
    assert gc.get_threshold() == (gc_pace.YOUNG, 10, 10)
    second()
    assert gc.get_threshold() == (700, 10, 10)


def test_a_threshold_set_by_the_process_meanwhile_is_left_alone() -> None:
    release = gc_pace.Pace().relax()
    gc.set_threshold(123, 4, 5)
    release()
    assert gc.get_threshold() == (123, 4, 5)


def test_never_lowers_a_higher_threshold_nor_turns_collection_back_on() -> None:
    pace = gc_pace.Pace()
    gc.set_threshold(200_000, 10, 10)
    pace.relax()()
    assert gc.get_threshold() == (200_000, 10, 10)
    gc.set_threshold(0, 10, 10)
    release = pace.relax()
    assert gc.get_threshold() == (0, 10, 10)
    release()
    assert gc.get_threshold() == (0, 10, 10)
