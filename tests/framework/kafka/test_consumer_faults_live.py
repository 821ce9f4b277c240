"""Consumer-side faults on the real transport: the embedded Kafka and a Kafka view over the test format.
What the detection suite does not show: a consumer-side fault counts as consumed what it drops, and
clearing a stall lets everything it held through, in order."""

from __future__ import annotations

import time

from sinkmatrix.model.changes import DdlChange
from sinkmatrix.model.faults import FaultSpec
from tests.framework.kafka.support import applier, caught_up, insert, open_view, query, table, txn, unique

_HELD = 1.0  # seconds a wait is given to prove that nothing comes through (its deadline, not a sleep)


def _produce(kafka, db: str, ids: range) -> None:
    """The rows (the test format's records are all row changes to the consumer, which does not know it)."""
    sink = applier(kafka, dispatch="key")
    try:
        for k in ids:
            sink.apply(txn(insert(table(db), k)))
        sink.flush()
    finally:
        sink.close()


def _opened(kafka, servers, db: str):
    """A view of `db` whose table exists, caught up."""
    sink = applier(kafka, dispatch="key")
    try:
        sink.apply(txn(DdlChange(db, f"CREATE DATABASE {db}", "CREATE")))
        sink.apply(txn(DdlChange(db, "CREATE TABLE t (id int primary key, v varchar(64))", "CREATE")))
        sink.flush()
    finally:
        sink.close()
    view = open_view(kafka, servers, db)
    view.database(db)
    assert caught_up(view), view.progress.describe()
    return view


def test_a_dropped_record_is_consumed_so_the_view_catches_up_without_it(kafka, servers):
    db = unique("sm_cdrop")
    view = _opened(kafka, servers, db)
    try:
        view.framework_faults.install(FaultSpec("drop", databases=db, nth=3))
        _produce(kafka, db, range(5))
        assert caught_up(view), view.progress.describe()
        assert len(query(servers[1], f"SELECT id FROM {db}.t")) == 4
        [fault] = view.framework_faults.listing()
        assert (fault["fired"], fault["seen"]) == (True, 3)
    finally:
        view.close()


def test_a_stall_holds_every_row_until_cleared_then_lets_them_all_through(kafka, servers):
    db = unique("sm_cstall")
    view = _opened(kafka, servers, db)
    try:
        view.framework_faults.install(FaultSpec("stall", databases=db))
        _produce(kafka, db, range(20))
        progress = view.progress
        assert not progress.wait_past(progress.mark(), time.monotonic() + _HELD)
        assert progress.diagnose(progress.mark(), time.monotonic() - _HELD).startswith(
            "no progress: the transport has handed the view none of 20 record(s)")
        assert query(servers[1], f"SELECT count(*) FROM {db}.t") == [(0,)]
        view.framework_faults.clear(db)
        assert caught_up(view), view.progress.describe()
        assert query(servers[1], f"SELECT count(*) FROM {db}.t") == [(20,)]
        assert view.findings(db) == []  # released in each partition's order: nothing out of place
        assert not view.framework_faults.busy
    finally:
        view.close()
