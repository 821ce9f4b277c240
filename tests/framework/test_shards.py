"""Shards split items deterministically, cover each exactly once, and balance by duration."""

import pytest

from matrix import shards


def test_shards_together_run_every_item_exactly_once():
    ids = [f"tests/cases/test_{i}.py::test[cell-{i % 3}]" for i in range(50)]
    parts = shards.split(ids, 3, {})
    assert sorted(i for part in parts for i in part) == sorted(ids)


def test_the_split_is_the_same_whatever_the_collection_order():
    ids = [f"t{i}" for i in range(20)]
    durations = {f"t{i}": float(i % 7) for i in range(20)}
    assert shards.split(ids, 4, durations) == shards.split(list(reversed(ids)), 4, durations)


def test_recorded_durations_balance_the_shards():
    ids = ["slow"] + [f"fast{i}" for i in range(10)]
    parts = shards.split(ids, 2, {"slow": 10.0, **{f"fast{i}": 1.0 for i in range(10)}})
    assert ["slow"] in parts  # the long item alone balances the ten short ones


def test_items_without_a_record_weigh_the_median():
    parts = shards.split(["a", "b", "new"], 2, {"a": 2.0, "b": 4.0})
    assert sorted(len(p) for p in parts) == [1, 2]


@pytest.mark.parametrize("text", ["3", "0/2", "3/2", "a/b", "1/0"])
def test_a_malformed_shard_is_refused_with_the_expected_form(text):
    with pytest.raises(shards.ShardError, match=r"I/N|between 1 and N"):
        shards.parse(text)


def test_stored_durations_merge_with_the_record(tmp_path):
    path = tmp_path / "durations.json"
    shards.store_durations({"a": 1.0}, path)
    shards.store_durations({"b": 2.0, "a": 3.0}, path)
    assert shards.load_durations(path) == {"a": 3.0, "b": 2.0}
