"""The default progress of a CDC run that reports no position: beats through the sink's own view.

Beats live in one table, `sm__heartbeat`.`beat` (sinkmatrix.model.heartbeat): every CDC under test
captures the databases matching the stack's pattern `sm_*`, and `sm__…` is never a test's database
(test databases are `sm_<slug>_<token>`, the slug starting with a letter or digit), so the beats
never enter a case's whole-database check or its key comparisons, which read the test's database
only. A mark sets the table's one row (id 1) to the next counter value, in its own autocommit
transaction, after every write the case committed.

What a beat showing in the view proves, and what settles the rest:

- The CDC reads the upstream's log in commit order, so once it emitted the beat it has read every
  change committed before it and handed it to its output. That much is all the reference CDC's
  exact progress and Debezium's beat say too (sinkmatrix.cdcs.debezium: a beat forces a record past
  the mark, whose binlog position the hand-off reports); here the beat's arrival is seen in the
  sink itself, so the CDC need report nothing.
- Per-table order is all a CDC promises: tables (and keys) travel on topics and partitions of their
  own and may arrive out of order relative to each other. The beat is one more table, so its
  arrival says nothing of another partition by itself; the view settles on its own per-partition
  watermarks instead (`lagging`): once the beat shows, it reads every partition's end offset and
  the beat counts as past when every partition has been applied through the offset it had then —
  every partition has delivered all it held when the beat was seen. (A Kafka view's own progress
  does the same once more after the heartbeat, sinks.kafka_view.KafkaProgress: a cheap second look.)
- What that relies on: a change the CDC produced before the beat is in the broker's log by the time
  the beat has come through the view (consumed, decoded, applied, read back) and the end offsets
  were read. True of a CDC that awaits its acknowledgements per batch (the reference CDC flushes
  each batch before the next) and of a producer whose requests to one broker go in order on one
  connection (librdkafka's, the Java client's, Kafka Connect's); a record to another broker can
  overtake the beat only by less than the beat's whole trip through the view. It holds alike for
  the Canal-JSON layouts (a topic per table or per database; partitions by key, table or value;
  DDL broadcast to every partition), TiCDC's Avro (a topic per table, keyed) and Debezium's (a topic
  per table keyed by its primary key, plus the schema-change topic the view also follows): each
  layout is a set of partitions, and the rule asks nothing of which partition holds what.
- MySQL sink: the view is the downstream database. A CDC that applies in commit order (one
  connection, transaction after transaction, as the reference CDC does) has applied every earlier
  change once the beat's row is there; nothing more to settle. A CDC applying tables in parallel
  workers gives no such order between tables; a wait may then look too early, and a key not there
  yet fails it rather than passing late.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from typing import Any

import pymysql

from dsl.identifiers import quote
from sinkmatrix.model.heartbeat import BEAT_DATABASE, BEAT_TABLE, HeartbeatProgress

__all__ = ["DownstreamBeats", "PartitionedBeats", "SinkHeartbeat", "UpstreamBeats", "default_progress",
           "lagging", "open_view"]

TP = tuple[str, int]
_MISSING = (1049, 1146)  # unknown database / table: the beats have not reached the view yet
_POLL_FIRST, _POLL_MOST = 0.0005, 0.01  # seconds between looks at a downstream that cannot push
# rows the downstream's tables took and DDL it ran, in counters a look at them leaves alone (the
# status is read through an internal temporary table: Handler_tmp_write moves, Handler_write does not;
# Innodb_rows_* do not follow the applier's writes on MariaDB 10.11)
_WRITES = ("Handler_write", "Handler_update", "Handler_delete", "Com_commit", "Com_create_table",
           "Com_alter_table", "Com_drop_table", "Com_rename_table", "Com_create_db", "Com_drop_db",
           "Com_truncate")
_QUALIFIED = f"{quote(BEAT_DATABASE)}.{quote(BEAT_TABLE)}"


def lagging(ends: Mapping[TP, int], applied: Mapping[TP, int]) -> list[tuple[TP, int, int]]:
    """The partitions not yet applied through the end offset they had when the beat showed, each with
    (applied, end), in topic/partition order. A partition the view has not assigned yet counts as
    applied through 0; one that appeared after the ends were read is not waited for (it held
    nothing then)."""
    return sorted((tp, applied.get(tp, 0), end) for tp, end in ends.items() if applied.get(tp, 0) < end)


def _connect(args: Mapping[str, Any]) -> Any:
    return pymysql.connect(**args, autocommit=True, charset="utf8mb4")


class UpstreamBeats:
    """The beat table upstream: created on first use, each beat one committed UPDATE of row 1."""

    def __init__(self, upstream: Any) -> None:
        """`upstream`: the upstream server (sinkmatrix.model.servers.DatabaseServer)."""
        self._conn = _connect(upstream.connect_args())
        self._lock = threading.Lock()
        with self._conn.cursor() as cur:
            cur.execute(f"CREATE DATABASE IF NOT EXISTS {quote(BEAT_DATABASE)}")
            cur.execute(f"CREATE TABLE IF NOT EXISTS {_QUALIFIED} (id INT PRIMARY KEY, n BIGINT NOT NULL)")
            cur.execute(f"INSERT IGNORE INTO {_QUALIFIED} VALUES (1, 0)")
            cur.execute(f"SELECT n FROM {_QUALIFIED} WHERE id = 1")
            self._next = int(cur.fetchone()[0])  # a stack started again on the same server goes on

    def write(self) -> int:
        with self._lock, self._conn.cursor() as cur:
            self._next += 1
            cur.execute(f"UPDATE {_QUALIFIED} SET n = %s WHERE id = 1", (self._next,))
            return self._next

    def describe(self) -> str:
        return f"beats written to {BEAT_DATABASE}.{BEAT_TABLE} upstream"

    def close(self) -> None:
        if self._conn.open:  # a stack and a run's handle may both close it
            self._conn.close()


class _ViewBeats:
    """What the view shows of the beat table, read through the view's own database (`url`)."""

    def __init__(self, view: Any) -> None:
        url = view.url(BEAT_DATABASE)
        self.view = view
        self._conn = _connect({"host": url.host, "port": url.port, "user": url.username,
                               "password": url.password, "ssl_disabled": True})
        self._lock = threading.Lock()
        self._lag: str | None = None

    def seen(self) -> int:
        with self._lock, self._conn.cursor() as cur:
            try:
                cur.execute(f"SELECT n FROM {_QUALIFIED} WHERE id = 1")
            except pymysql.err.ProgrammingError as exc:
                if exc.args and exc.args[0] in _MISSING:
                    return 0
                raise
            row = cur.fetchone()
        return int(row[0]) if row else 0

    def lagging(self) -> str | None:
        return self._lag

    def close(self) -> None:
        if self._conn.open:  # a stack and a run's handle may both close it
            self._conn.close()


class PartitionedBeats(_ViewBeats):
    """A Kafka view's beats (sinks.kafka_view.KafkaView): settles on its per-partition watermarks."""

    def settle(self, deadline: float) -> bool:
        from sinks.kafka_transport import TransportDown

        try:  # read after the beat showed; a broker that does not answer is asked again until the deadline
            ends = self.view.high_watermarks(deadline)
        except TransportDown as down:
            self._lag = str(down)
            return False
        seen = self.view.batches
        while True:
            behind = lagging(ends, self.view.applied_offsets())
            if not behind:
                self._lag = None
                return True
            if self.failure() or time.monotonic() >= deadline:
                shown = ", ".join(f"{t}[{p}] applied through {a} of {e}" for (t, p), a, e in behind[:5])
                self._lag = f"{len(behind)} partition(s) behind: {shown}"
                return False
            seen = self.view.wait_batch(seen, deadline, lambda: None)

    def current(self) -> int:
        return int(self.view.batches)

    def wait_change(self, seen: int, deadline: float) -> int:
        return int(self.view.wait_batch(seen, deadline, lambda: None))

    def describe(self) -> str:
        return str(self.view.describe())

    def failure(self) -> str | None:
        return self.view.failure


class DownstreamBeats(_ViewBeats):
    """A downstream database's beats (the MySQL sink): it pushes nothing, so it is looked at on a short
    poll; its own counters (rows written, commits, DDL run) and the beat it shows tell when it changed.
    The beat counts too: a row's counter moves when it is written, and the commit that makes it
    visible may come after the look that saw the counter move."""

    def settle(self, deadline: float) -> bool:
        return True  # the beat's row is applied after every change committed before it (see above)

    def current(self) -> int:
        with self._lock, self._conn.cursor() as cur:
            cur.execute("SHOW GLOBAL STATUS WHERE Variable_name IN %s", (_WRITES,))
            written = sum(int(value) for _, value in cur.fetchall())
        return written + self.seen()  # each only grows

    def wait_change(self, seen: int, deadline: float) -> int:
        pause, gate = _POLL_FIRST, threading.Event()
        while (now := self.current()) == seen:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            gate.wait(min(pause, left))  # a poll step of a bounded wait: no push to wait on
            pause = min(pause * 2, _POLL_MOST)
        return now

    def describe(self) -> str:
        return "the downstream database is the view"

    def failure(self) -> str | None:
        return None  # the CDC's own failure is the heartbeat's to ask (its run)


class SinkHeartbeat(HeartbeatProgress):
    """The heartbeat as a stack builds it: beats written to `upstream` now, read through the sink's
    view once the stack opened the view on this progress and attached it."""

    def __init__(self, upstream: Any, run: Any = None) -> None:
        """`upstream`: the upstream server (sinkmatrix.model.servers.DatabaseServer); `run`: the CDC run."""
        super().__init__(UpstreamBeats(upstream), None, run)

    def attach(self, view: Any) -> None:
        """Read the beats through the sink's view (sinks.base.SinkView)."""
        partitioned = hasattr(view, "high_watermarks")  # a Kafka view (sinks.kafka_view)
        self.bind(PartitionedBeats(view) if partitioned else DownstreamBeats(view))


def default_progress(run: Any, view: Any, upstream: Any) -> SinkHeartbeat:
    """The framework's progress for a CDC run without one of its own (`run.progress` missing or None),
    read through `view`, however the view was opened (a measurement opens it on a native progress)."""
    progress = SinkHeartbeat(upstream, run)
    try:
        progress.attach(view)
    except BaseException:
        progress.close()
        raise
    return progress


def open_view(adapter: Any, env: Any, run: Any, upstream: Any) -> tuple[Any, Any]:
    """Open the sink's view on the run's own progress or, where the run has none, on the heartbeat,
    attached to the view once it is open: (the view, the progress the stack waits on)."""
    native = getattr(run, "progress", None)
    if native is not None:
        return adapter.open_view(env, native), native
    progress = SinkHeartbeat(upstream, run)
    try:
        view = adapter.open_view(env, progress)
    except BaseException:
        progress.close()
        raise
    progress.attach(view)
    return view, progress
