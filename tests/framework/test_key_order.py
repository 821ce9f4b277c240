"""Per-key order tracking, and that its state stays out of the garbage collector's way."""

from __future__ import annotations

import gc

from sinks.key_order import KeyOrder


def test_a_key_going_back_in_time_is_out_of_order_and_not_recorded() -> None:
    order = KeyOrder()
    assert order.see("k", 10, None, {"v": 1}) == "ok"
    assert order.see("k", 9, {"v": 1}, {"v": 2}) == "out-of-order"
    assert order.last_ts("k") == 10
    assert order.see("k", 11, {"v": 1}, {"v": 2}) == "ok"


def test_an_exact_repeat_at_the_same_time_is_a_duplicate() -> None:
    order = KeyOrder()
    assert order.see("k", 10, None, {"v": 1}) == "ok"
    assert order.see("k", 10, {"v": 1}, {"v": 2}) == "ok"
    assert order.see("k", 10, {"v": 1}, {"v": 2}) == "duplicate"


def test_one_key_changed_hundreds_of_times_in_one_transaction_still_catches_a_replay() -> None:
    order = KeyOrder()
    assert order.see("k", 5, None, {"v": 0}) == "ok"
    for v in range(300):  # past the few changes kept in a tuple
        assert order.see("k", 5, {"v": v}, {"v": v + 1}) == "ok"
    assert order.see("k", 5, {"v": 3}, {"v": 4}) == "duplicate"
    assert order.see("k", 5, {"v": 300}, {"v": 0}) == "ok"  # follows on: a real change
    assert order.see("k", 6, {"v": 0}, {"v": 1}) == "ok"


def test_the_state_of_ordinary_keys_is_not_tracked_by_the_collector() -> None:
    order = KeyOrder()
    for key in range(1000):
        order.see(("db", "t", (key,)), 7, None, {"id": key, "note": f"row-{key}"})
    gc.collect()
    gc.collect()  # a tuple is untracked once its items are: nested tuples take a pass each
    assert not any(gc.is_tracked(state) for state in order.last.values())
    assert not any(gc.is_tracked(key) for key in order.last)
