"""The reference CDC's position, restarts, failures and shutdown."""

from __future__ import annotations

import json
import socket
import threading
import time

import pytest

from sinkmatrix.model.changes import DdlChange, Position, Transaction
from sinkmatrix.refcdc.client import RefCdc, master_position, mysql_sink
from sinkmatrix.stack.errors import StackError
from sinks.apply_mysql import ApplyError, MysqlApplier
from tests.framework.refcdc.support import WAIT, Stack, connect


def test_position_equals_master_status_when_idle(stack: Stack) -> None:
    stack.sql(stack.up, "CREATE DATABASE IF NOT EXISTS rc_pos",
              "CREATE TABLE rc_pos.t (id INT PRIMARY KEY)", "INSERT INTO rc_pos.t VALUES (1)",
              "FLUSH BINARY LOGS", "CREATE DATABASE IF NOT EXISTS other_pos",
              "CREATE TABLE other_pos.t (id INT)", "INSERT INTO other_pos.t VALUES (1)")
    target = stack.sync()
    assert target.file.endswith(".000002") or target.seq >= 2
    assert stack.cdc.position == target
    assert stack.cdc.state == "streaming"


def test_restart_resumes_without_loss(stack: Stack) -> None:
    stack.sql(stack.up, "CREATE DATABASE rc_restart",
              "CREATE TABLE rc_restart.t (id INT PRIMARY KEY, v VARCHAR(32), n BIGINT)")
    stack.sync()
    done = threading.Event()

    def load() -> None:
        conn = connect(stack.up, autocommit=False)
        with conn.cursor() as cur:
            for batch in range(100):
                rows = [(batch * 1000 + i, f"row {i}", i * batch) for i in range(1000)]
                cur.executemany("INSERT INTO rc_restart.t VALUES (%s, %s, %s)", rows)
                cur.execute("UPDATE rc_restart.t SET n = n + 1 WHERE id %% 7 = 0 AND id >= %s",
                            (batch * 1000,))
                conn.commit()
        conn.close()
        done.set()

    loader = threading.Thread(target=load)
    loader.start()
    seen = stack.cdc.messages
    stack.cdc.wait_progress(seen + 20, time.monotonic() + WAIT)  # mid-stream
    stack.cdc.restart()
    resumed_at = stack.cdc.position
    loader.join()
    assert done.is_set()
    checksum = "SELECT COUNT(*), SUM(CRC32(CONCAT_WS('|', id, v, n))) FROM rc_restart.t"
    assert resumed_at < stack.sync(), "the load ended before the restart; make it bigger"
    assert stack.down.query(checksum) == stack.up.query(checksum)
    assert stack.up.query(checksum)[0][0] == 100_000


def test_failure_is_published_with_the_error(stack: Stack) -> None:
    stack.sql(stack.down, "CREATE DATABASE rcfail_x")  # the downstream diverges: CREATE will fail
    cdc = RefCdc.start(upstream=stack.up, sink=mysql_sink(stack.down), databases=["rcfail_*"],
                       root=stack.root / "cdc-fail", lease=stack.lease, changefeed_id="fail")
    try:
        stack.sql(stack.up, "CREATE DATABASE rcfail_x")
        assert not cdc.wait_past(master_position(stack.up), time.monotonic() + WAIT)
        assert cdc.state == "failed"
        assert "rcfail_x" in (cdc.error or "") and "database exists" in (cdc.error or "")
        assert cdc.child is not None and cdc.child.process.wait(WAIT) == 1
    finally:
        cdc.stop()


def test_start_from_a_missing_binlog_fails_with_the_reason(stack: Stack) -> None:
    with pytest.raises(StackError, match=r"binlog\.000099"):
        RefCdc.start(upstream=stack.up, sink=mysql_sink(stack.down), databases=["rcmiss_*"],
                     root=stack.root / "cdc-missing", lease=stack.lease, changefeed_id="missing",
                     start=Position.of("binlog.000099", 4))


def test_sigterm_exits_cleanly_and_feed_starts_with_current_state(stack: Stack) -> None:
    cdc = RefCdc.start(upstream=stack.up, sink=mysql_sink(stack.down), databases=["rcterm_*"],
                       root=stack.root / "cdc-term", lease=stack.lease, changefeed_id="term")
    try:
        with socket.socket(socket.AF_UNIX) as feed:
            feed.connect(str(cdc.config.status_socket))
            first = json.loads(feed.makefile("rb").readline())
        assert set(first) == {"state", "file", "pos", "txns", "rows", "error", "applied_at", "received"}
        assert first["state"] == "streaming"
        assert Position.of(first["file"], first["pos"]) == cdc.position
    finally:
        cdc.stop()
    assert cdc.state == "stopped"
    assert cdc.child is not None and cdc.child.process.returncode == 0


def test_replayed_ddl_is_tolerated_only_after_a_restart(stack: Stack) -> None:
    stack.sql(stack.down, "CREATE DATABASE rc_replay", "CREATE TABLE rc_replay.t (id INT)")
    create = Transaction((DdlChange("rc_replay", "CREATE TABLE t (id INT)", "CREATE"),),
                         end=Position.of("binlog.000001", 4), commit_time=0)
    fresh = MysqlApplier(mysql_sink(stack.down))
    with pytest.raises(ApplyError, match="already exists"):
        fresh.apply(create)
    fresh.close()
    resumed = MysqlApplier(mysql_sink(stack.down), resumed={})
    resumed.apply(create)
    resumed.flush()
    resumed.close()
