"""The progress the stack gives a CDC whose run reports none of its own (sinkmatrix.model.cdc_contract:
a run's `progress` is None): a beat counter written upstream, in a database the CDC captures like a
test's, and awaited in the sink's view. A CDC that delivers in order has delivered everything
written before a beat once the sink shows it.

`default_progress` is the one seam: the framework's heartbeat progress takes its place when it lands.
The beat is read from the view's database (the downstream, or the Kafka view's materialization)
every few milliseconds: the sink has no way to say it changed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pymysql

from sinkmatrix.model.cdc import CdcEnvironment
from sinkmatrix.model.cdc_contract import ContractedRun
from sinkmatrix.model.progress import Progress

BEAT_DATABASE = "sm__progress"  # captured as the test databases are (sm_*); no test database is named so
_LOOK_EVERY = 0.02  # seconds between looks at the sink's beat


def default_progress(env: CdcEnvironment, run: ContractedRun) -> Progress:
    """The framework's progress for a run that has none. The run says when it was restarted (an
    at-least-once sink may deliver again what followed its checkpoint) and whether it failed."""
    return BeatProgress(env.upstream, run)


class BeatProgress:
    """Progress as a beat: `mark()` writes the next beat upstream; `wait_past` returns once the sink
    shows it. Exact for a CDC that delivers in binlog order."""

    exact = True

    def __init__(self, upstream: Any, run: ContractedRun) -> None:
        self._run = run
        self._up = pymysql.connect(**upstream.connect_args(), autocommit=True)
        self._lock = threading.Lock()  # the upstream connection's
        self._reading = threading.Lock()  # the reader's: a connection serves one thread at a time
        self._closed = threading.Event()
        self._view: Any = None
        self._reader: Any = None
        self._sent = self._seen = 0
        with self._up.cursor() as cur:  # after the CDC streams: it carries the table to the sink
            cur.execute(f"CREATE DATABASE IF NOT EXISTS {BEAT_DATABASE}")
            cur.execute(f"CREATE TABLE IF NOT EXISTS {BEAT_DATABASE}.beat "
                        "(id INT PRIMARY KEY, n BIGINT NOT NULL)")
            cur.execute(f"INSERT IGNORE INTO {BEAT_DATABASE}.beat VALUES (1, 0)")

    def attach(self, view: Any) -> None:
        """The sink's view, where the beat is read (the stack calls this once the view is open)."""
        self._view = view

    def mark(self) -> int:
        with self._lock, self._up.cursor() as cur:
            self._sent += 1
            cur.execute(f"UPDATE {BEAT_DATABASE}.beat SET n = %s WHERE id = 1", (self._sent,))
            return self._sent

    def wait_past(self, mark: int, deadline: float) -> bool:
        return self._until(lambda seen: seen >= mark, deadline) >= mark

    def current(self) -> int:
        return self._look()

    def wait_change(self, seen: int, deadline: float) -> int:
        return self._until(lambda now: now > seen, deadline)

    def describe(self) -> str:
        return (f"the sink shows beat {self._seen} of {self._sent} (the framework's default progress: "
                "the CDC reports no position of its own)")

    def failure(self) -> str | None:
        return f"the CDC failed: {self._run.describe()}" if self._run.state == "failed" else None

    def diagnose(self, mark: Any, since: float) -> str | None:
        return None  # a beat that has not arrived cannot tell a stall from a lag

    def downtime(self, since: float) -> float:
        return 0.0

    def restarts(self) -> list[float]:
        return list(self._run.restarted_at)

    def close(self) -> None:
        self._closed.set()
        with self._lock, self._reading:
            for conn in (self._up, self._reader):
                if conn is not None:
                    conn.close()
            self._reader = None

    def _until(self, done: Callable[[int], bool], deadline: float) -> int:
        while True:
            seen = self._look()
            remaining = deadline - time.monotonic()
            if done(seen) or remaining <= 0 or self._closed.wait(min(_LOOK_EVERY, remaining)):
                return seen

    def _look(self) -> int:
        """The beat the sink shows now (what it showed last while its database is not there yet)."""
        view = self._view
        if view is None or self._closed.is_set():
            return self._seen
        with self._reading:
            return self._read(view)

    def _read(self, view: Any) -> int:
        try:
            if self._reader is None:
                url = view.url(view.database(BEAT_DATABASE))
                self._reader = pymysql.connect(host=url.host, port=url.port, user=url.username,
                                               password=url.password or "", database=url.database,
                                               autocommit=True)
            with self._reader.cursor() as cur:
                cur.execute("SELECT n FROM beat WHERE id = 1")
                row = cur.fetchone()
        except pymysql.MySQLError:  # not there yet: the database or the table is on its way
            reader, self._reader = self._reader, None
            if reader is not None:
                reader.close()
            return self._seen
        if row is not None:
            self._seen = max(self._seen, int(row[0]))
        return self._seen
