"""The reference CDC against real MariaDB instances: what it carries, in what order, from where."""

from __future__ import annotations

import datetime
import json
import signal
import socket
import statistics
import struct
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pymysql
import pytest
from sqlalchemy import create_engine

from dsl.schema import introspect
from refcdc import ddl, values
from refcdc.apply_mysql import MysqlApplier
from refcdc.binlog import FRAGMENT_ROWS, BinlogReader
from refcdc.changes import DdlChange, Position, RowChange, Transaction
from refcdc.client import RefCdc, master_position, mysql_sink
from refcdc.config import Config, Endpoint
from refcdc.errors import ApplyError
from refcdc.schemas import SchemaCache
from refcdc.status import Status, StatusServer
from stack import mariadb
from stack.errors import StackError
from stack.leases import Lease

WAIT = 30.0


def connect(server: mariadb.MariaDB, *, autocommit: bool) -> pymysql.Connection:
    args = server.connect_args()
    return pymysql.connect(host=str(args["host"]), port=int(args["port"]),  # type: ignore[call-overload]
                           user=str(args["user"]), password=str(args["password"]),
                           autocommit=autocommit, charset="utf8mb4")


class Stack:
    def __init__(self, root: Path, lease: Lease) -> None:
        self.root, self.lease = root, lease
        (root / "up").mkdir()
        (root / "down").mkdir()
        self.up = mariadb.start("up", root=root / "up", lease=lease, binlog=True, server_id=1)
        self.down = mariadb.start("down", root=root / "down", lease=lease, binlog=False,
                                  server_id=2)
        self.cdc = RefCdc.start(upstream=self.up, sink=mysql_sink(self.down),
                                databases=["rc_*"], root=root / "cdc", lease=lease)

    def sql(self, server: mariadb.MariaDB, *statements: str) -> None:
        server.execute(*statements)

    def sync(self) -> Position:
        target = master_position(self.up)
        reached = self.cdc.wait_past(target, time.monotonic() + WAIT)
        assert reached, f"CDC stopped at {self.cdc.position} < {target}: {self.cdc.error}"
        return target

    def rows(self, server: mariadb.MariaDB, table: str) -> list[tuple[Any, ...]]:
        return server.query(f"SELECT * FROM {table} ORDER BY 1")

    def assert_same(self, table: str) -> list[tuple[Any, ...]]:
        self.sync()
        up, down = self.rows(self.up, table), self.rows(self.down, table)
        assert down == up
        return up


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    lease = Lease.acquire("test-refcdc")
    root = Path(tempfile.mkdtemp(prefix="refcdc-test-"))
    lease.add_directory(root)
    try:
        built = Stack(root, lease)
        yield built
        built.cdc.stop()
        assert built.cdc.child is not None and built.cdc.child.process.returncode == 0
    finally:
        lease.release()


def test_insert_update_delete_replicate(stack: Stack) -> None:
    stack.sql(stack.up, "CREATE DATABASE rc_dml", "CREATE TABLE rc_dml.t (id INT PRIMARY KEY, v TEXT)",
              "INSERT INTO rc_dml.t VALUES (1, 'a'), (2, 'b'), (3, 'c')",
              "UPDATE rc_dml.t SET v = 'B' WHERE id = 2", "DELETE FROM rc_dml.t WHERE id = 3")
    assert stack.assert_same("rc_dml.t") == [(1, "a"), (2, "B")]


@pytest.mark.parametrize("rows", [FRAGMENT_ROWS * 3, FRAGMENT_ROWS * 2 + 7])
def test_a_transaction_handed_over_in_fragments_commits_whole(stack: Stack, rows: int) -> None:
    database = f"rc_frag_{rows}"
    values = ",".join(f"({i}, 'v{i}')" for i in range(rows))
    stack.sql(stack.up, f"CREATE DATABASE {database}",
              f"CREATE TABLE {database}.t (id INT PRIMARY KEY, v TEXT)",
              f"INSERT INTO {database}.t VALUES {values}")
    assert len(stack.assert_same(f"{database}.t")) == rows


def test_ddl_replicates_in_order_with_rows(stack: Stack) -> None:
    assert stack.cdc.child is not None
    # Paused, the CDC reads these rows after the DDL that follows them already ran upstream.
    stack.cdc.child.process.send_signal(signal.SIGSTOP)
    try:
        stack.sql(
            stack.up, "CREATE DATABASE rc_ddl", "USE rc_ddl",
            "CREATE TABLE t (id INT PRIMARY KEY)", "INSERT INTO t VALUES (1)",
            "ALTER TABLE t ADD COLUMN v VARCHAR(8) NOT NULL DEFAULT 'x'",
            "INSERT INTO t VALUES (2, 'y')", "RENAME TABLE t TO u", "INSERT INTO u VALUES (3, 'z')",
            "CREATE TABLE k (a INT PRIMARY KEY, b INT NOT NULL, c INT)",
            "INSERT INTO k VALUES (1, 1, 1), (2, 2, 2)", "UPDATE k SET a = 7 WHERE a = 2",
            "ALTER TABLE k DROP PRIMARY KEY, ADD PRIMARY KEY (b)", "UPDATE k SET a = 5 WHERE b = 2",
            "ALTER TABLE k DROP COLUMN c", "INSERT INTO k VALUES (3, 3)",
            "CREATE TABLE gone (id INT PRIMARY KEY)", "INSERT INTO gone VALUES (1)", "DROP TABLE gone",
            "CREATE TABLE emptied (id INT PRIMARY KEY)", "INSERT INTO emptied VALUES (1), (2)",
            "TRUNCATE TABLE emptied", "INSERT INTO emptied VALUES (3)",
        )
    finally:
        stack.cdc.child.process.send_signal(signal.SIGCONT)
    assert stack.assert_same("rc_ddl.u") == [(1, "x"), (2, "y"), (3, "z")]
    assert stack.assert_same("rc_ddl.k") == [(1, 1), (3, 3), (5, 2)]
    assert stack.assert_same("rc_ddl.emptied") == [(3,)]
    assert sorted(stack.down.query("SHOW TABLES FROM rc_ddl")) == [("emptied",), ("k",), ("u",)]
    stack.sql(stack.up, "DROP DATABASE rc_ddl")
    stack.sync()
    assert ("rc_ddl",) not in stack.down.query("SHOW DATABASES")


def test_other_databases_are_ignored_but_position_reaches_master_status(stack: Stack) -> None:
    stack.sql(stack.up, "CREATE DATABASE other_db", "CREATE TABLE other_db.t (id INT PRIMARY KEY)",
              "INSERT INTO other_db.t VALUES (1), (2)", "UPDATE other_db.t SET id = 3 WHERE id = 2")
    target = stack.sync()
    assert stack.cdc.position == target
    assert ("other_db",) not in stack.down.query("SHOW DATABASES")


def test_key_changing_update_moves_the_row(stack: Stack) -> None:
    stack.sql(stack.up, "CREATE DATABASE rc_key", "CREATE TABLE rc_key.t (a INT, b INT, v INT, "
              "PRIMARY KEY (a, b))", "INSERT INTO rc_key.t VALUES (1, 1, 10), (1, 2, 20)",
              "UPDATE rc_key.t SET b = b + 10 WHERE a = 1", "UPDATE rc_key.t SET a = 5 WHERE b = 11")
    assert stack.assert_same("rc_key.t") == [(1, 12, 20), (5, 11, 10)]


def test_table_without_key_changes_one_matching_row(stack: Stack) -> None:
    stack.sql(stack.up, "CREATE DATABASE rc_nokey",
              "CREATE TABLE rc_nokey.t (a INT, b VARCHAR(4), f FLOAT)",
              "INSERT INTO rc_nokey.t VALUES (1, NULL, 1.1), (1, NULL, 1.1), (2, 'x', 0.5)",
              "UPDATE rc_nokey.t SET a = 7 WHERE a = 1 LIMIT 1",
              "DELETE FROM rc_nokey.t WHERE a = 2", "DELETE FROM rc_nokey.t WHERE a = 1")
    assert stack.assert_same("rc_nokey.t") == [(7, None, pytest.approx(1.1))]


def test_not_null_unique_key_serves_as_handle(stack: Stack) -> None:
    stack.sql(stack.up, "CREATE DATABASE rc_handle",
              "CREATE TABLE rc_handle.t (id INT, code VARCHAR(8) NOT NULL, v INT, UNIQUE KEY (code))",
              "INSERT INTO rc_handle.t VALUES (NULL, 'a', 1), (NULL, 'b', 2)",
              "UPDATE rc_handle.t SET code = 'c' WHERE code = 'a'",
              "UPDATE rc_handle.t SET v = 3 WHERE code = 'b'", "DELETE FROM rc_handle.t WHERE v = 3")
    assert stack.assert_same("rc_handle.t") == [(None, "c", 1)]


def test_generated_columns_are_left_to_the_downstream(stack: Stack) -> None:
    stack.sql(stack.up, "CREATE DATABASE rc_gen",
              "CREATE TABLE rc_gen.t (id INT PRIMARY KEY, a INT, v INT AS (a * 2) VIRTUAL, "
              "s INT AS (a * 3) PERSISTENT)",
              "CREATE TABLE rc_gen.nokey (a INT, v INT AS (a + 1) VIRTUAL)",
              "INSERT INTO rc_gen.t (id, a) VALUES (1, 1), (2, 2)", "UPDATE rc_gen.t SET a = 5",
              "INSERT INTO rc_gen.nokey (a) VALUES (1), (2)", "UPDATE rc_gen.nokey SET a = 7 WHERE a = 1",
              "DELETE FROM rc_gen.nokey WHERE a = 2")
    assert stack.assert_same("rc_gen.t") == [(1, 5, 10, 15), (2, 5, 10, 15)]
    assert stack.assert_same("rc_gen.nokey") == [(7, 8)]


TYPES_TABLE = """CREATE TABLE rc_types.t (id INT PRIMARY KEY,
 ti TINYINT, tu TINYINT UNSIGNED, bi BIGINT, bu BIGINT UNSIGNED, mu MEDIUMINT UNSIGNED,
 de DECIMAL(20,6), d0 DECIMAL(5,0), fl FLOAT, db DOUBLE,
 ch CHAR(5), vc VARCHAR(300), tx TEXT, bn BINARY(4), vb VARBINARY(10), bl BLOB,
 d DATE, dt DATETIME(6), dt0 DATETIME, ts TIMESTAMP(6) NULL, tm TIME(6), tm0 TIME, tm3 TIME(3),
 yr YEAR, b1 BIT(1), b64 BIT(64), b10 BIT(10), en ENUM('a','b','c'), st SET('x','y','z'), js JSON)"""
TYPES_ROWS = [
    "(1, -128, 255, -9223372036854775808, 18446744073709551615, 16777215, -12345678901234.123456,"
    " -5, 1.1, 3.141592653589793, 'ab', 'héllo 😀', 'text', 'ab', X'00ff', X'deadbeef',"
    " '2024-02-29', '2024-02-29 23:59:59.123456', '1000-01-01 00:00:00',"
    " '2038-01-19 03:14:07.999999', '-838:59:59.000000', '-00:00:01', '-12:34:56.789', 1901, 1,"
    " 18446744073709551615, 513, 'b', 'z,x', '{\"a\": [1, 2.5, null]}')",
    "(2, 127, 0, 9223372036854775807, 0, 0, 0.000001, 99999, -3.4e38, -1.7976931348623157e308,"
    " '', '', '', X'00000000', '', '', '9999-12-31', '9999-12-31 23:59:59.999999',"
    " '9999-12-31 23:59:59', '1970-01-01 00:00:01', '838:59:59.999999', '25:00:00', '-00:00:00.5',"
    " 2155, 0, 0, 0, 'a', '', '[]')",
    "(3" + ", NULL" * 29 + ")",
    "(4, 0, 1, 1, 9223372036854775808, 1, -0.5, 0, 1.5e-45, 5e-324, 'a', 'b', 'c', X'61', X'61',"
    " X'61', '2000-01-01', '2000-01-01 00:00:00.5', '2000-01-01', '2000-01-01 00:00:00.000001',"
    " '-12:34:56.789001', '123:00:00', '-00:00:01.001', 2000, 0, 1, 1, 'c', 'y', '\"s\"')",
]


def test_every_type_family_round_trips(stack: Stack) -> None:
    stack.sql(stack.up, "CREATE DATABASE rc_types", TYPES_TABLE,
              *(f"INSERT INTO rc_types.t VALUES {row}" for row in TYPES_ROWS),
              "UPDATE rc_types.t SET tm = '-00:00:02.25', st = 'x,y', b10 = 1023 WHERE id = 1",
              "INSERT INTO rc_types.t (id) VALUES (5)", "DELETE FROM rc_types.t WHERE id = 5")
    rows = stack.assert_same("rc_types.t")
    assert len(rows) == 4


def _canonical(value: Any, column: str) -> Any:
    """What refcdc.changes promises for a value PyMySQL read back with SELECT."""
    if column.startswith("b") and column[1:].isdigit() and isinstance(value, bytes):
        return int.from_bytes(value, "big")
    if column == "fl" and value is not None:
        return struct.unpack("<f", struct.pack("<f", value))[0]
    return value


def test_binlog_values_are_canonical(stack: Stack) -> None:
    start = master_position(stack.up)
    stack.sql(stack.up, "CREATE DATABASE rc_canon", TYPES_TABLE.replace("rc_types", "rc_canon"),
              *(f"INSERT INTO rc_canon.t VALUES {row}" for row in TYPES_ROWS))
    expected = {row[0]: row for row in stack.rows(stack.up, "rc_canon.t")}
    names = [c[0] for c in stack.up.query("SELECT COLUMN_NAME FROM information_schema.COLUMNS "
                                          "WHERE TABLE_SCHEMA='rc_canon' ORDER BY ORDINAL_POSITION")]
    args = stack.up.connect_args()
    config = Config(
        upstream=Endpoint(str(args["host"]), int(args["port"]), str(args["user"]),  # type: ignore[call-overload]
                          str(args["password"])),
        sink={}, databases=("rc_canon",), start=start, checkpoint_path=stack.root / "unused",
        status_socket=stack.root / "unused.sock", log_path=stack.root / "unused.log",
        server_id=4242, changefeed_id="canon",
    )
    schemas = SchemaCache(config.upstream)
    seen: dict[int, dict[str, Any]] = {}
    try:
        for item in BinlogReader(config, start, schemas).items():
            if isinstance(item, Transaction):
                for change in item.changes:
                    if isinstance(change, RowChange):
                        assert change.after is not None
                        seen[change.after["id"]] = change.after
            if len(seen) == len(TYPES_ROWS):
                break
    finally:
        schemas.close()
    for key, row in expected.items():
        got = seen[key]
        for name, value in zip(names, row, strict=True):
            want = _canonical(value, name)
            have = _canonical(got[name], name) if name == "fl" else got[name]
            assert (have, type(have)) == (want, type(want)), f"row {key} column {name}"


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


def test_status_push_latency() -> None:
    """Prints how long a published state takes to reach a subscriber thread."""
    with tempfile.TemporaryDirectory() as tmp:
        server = StatusServer(Path(tmp) / "s.sock", Status("streaming", Position.of("b.000001", 4)))
        arrived = threading.Condition()
        got: list[float] = []
        with socket.socket(socket.AF_UNIX) as feed:
            feed.connect(str(server.path))

            def follow() -> None:
                for _line in feed.makefile("rb"):
                    with arrived:
                        got.append(time.perf_counter())
                        arrived.notify_all()

            def received(count: int) -> Callable[[], bool]:
                return lambda: len(got) >= count

            threading.Thread(target=follow, daemon=True).start()
            latencies = []
            for i in range(200):
                with arrived:
                    assert arrived.wait_for(received(i + 1), timeout=WAIT)
                    sent = time.perf_counter()
                    server.publish(position=Position.of("b.000001", 5 + i))
                    assert arrived.wait_for(received(i + 2), timeout=WAIT)
                    latencies.append((got[-1] - sent) * 1000)
            server.close()
    print(f"\nstatus publish → subscriber: median {statistics.median(latencies):.3f} ms")


def test_apply_throughput_and_wait_latency(stack: Stack) -> None:
    """Prints numbers; asserts only correctness (timings depend on the machine)."""
    stack.sql(stack.down, "CREATE DATABASE rc_bench_direct",
              "CREATE TABLE rc_bench_direct.t (id INT PRIMARY KEY, v VARCHAR(32), n BIGINT, "
              "d DECIMAL(10,2), ts DATETIME(6))")
    engine = create_engine(stack.down.url())
    with engine.connect() as conn:
        table = introspect(conn, "rc_bench_direct", "t")
    engine.dispose()
    now = datetime.datetime(2024, 1, 1, 12, 0, 0, 123456)
    txns = [
        Transaction(tuple(RowChange("insert", table, None, {
            "id": b * 1000 + i, "v": f"value {i}", "n": i * b, "d": Decimal("12.34"), "ts": now,
        }) for i in range(1000)), end=Position.of("binlog.000001", 4 + b), commit_time=0)
        for b in range(100)
    ]
    applier = MysqlApplier(mysql_sink(stack.down))
    started = time.perf_counter()
    for txn in txns:
        applier.apply(txn)
        applier.flush()
    direct = 100_000 / (time.perf_counter() - started)
    applier.close()
    assert stack.down.query("SELECT COUNT(*) FROM rc_bench_direct.t") == [(100_000,)]

    # A second changefeed, paused while the load is written, then timed catching up on it.
    catchup = RefCdc.start(upstream=stack.up, sink=mysql_sink(stack.down), databases=["rcb_*"],
                           root=stack.root / "cdc-bench", lease=stack.lease, changefeed_id="bench")
    assert catchup.child is not None
    conn = connect(stack.up, autocommit=False)
    try:
        catchup.child.process.send_signal(signal.SIGSTOP)
        with conn.cursor() as cur:
            cur.execute("CREATE DATABASE rcb_bench")
            cur.execute("CREATE TABLE rcb_bench.t (id INT PRIMARY KEY, v VARCHAR(32), n BIGINT)")
            for b in range(100):
                cur.executemany("INSERT INTO rcb_bench.t VALUES (%s, %s, %s)",
                                [(b * 1000 + i, f"value {i}", i) for i in range(1000)])
                conn.commit()
        target = master_position(stack.up)
        started = time.perf_counter()
        catchup.child.process.send_signal(signal.SIGCONT)
        assert catchup.wait_past(target, time.monotonic() + WAIT), catchup.error
        catching_up = 100_000 / (time.perf_counter() - started)
    finally:
        catchup.stop()
    assert stack.down.query("SELECT COUNT(*) FROM rcb_bench.t") == [(100_000,)]
    stack.sql(stack.up, "CREATE DATABASE rc_bench",
              "CREATE TABLE rc_bench.t (id INT PRIMARY KEY, v VARCHAR(32), n BIGINT)")
    stack.sync()

    latencies = []
    with conn.cursor() as cur:
        for i in range(50):
            cur.execute("INSERT INTO rc_bench.t VALUES (%s, 'x', 0)", (1_000_000 + i,))
            conn.commit()
            committed = time.perf_counter()
            cur.execute("SHOW MASTER STATUS")
            file, pos = cur.fetchone()[:2]
            assert stack.cdc.wait_past(Position.of(file, pos), time.monotonic() + WAIT)
            latencies.append((time.perf_counter() - committed) * 1000)
    conn.close()
    print(f"\napply (MysqlApplier, 1000-row transactions): {direct:,.0f} rows/s"
          f"\nCDC catching up on 100 x 1000-row transactions: {catching_up:,.0f} rows/s"
          f"\nupstream commit → wait_past returned: median {statistics.median(latencies):.2f} ms, "
          f"max {max(latencies):.2f} ms")


@pytest.mark.parametrize(("query", "role", "kind", "database"), [
    ("BEGIN", "begin", "QUERY", None),
    ("CREATE DATABASE IF NOT EXISTS `a``b`", "ddl", "CREATE", "a`b"),
    ("ALTER TABLE db1.t ADD c INT", "ddl", "ALTER", "db1"),
    ("/* c */ TRUNCATE TABLE t", "ddl", "TRUNCATE", None),
    ("DROP TABLE IF EXISTS `t` /* generated by server */", "ddl", "DROP", None),
    ("GRANT ALL ON *.* TO x", "ignore", "QUERY", None),
    ("SAVEPOINT s", "ignore", "QUERY", None),
    ("ROLLBACK", "commit", "QUERY", None),
])
def test_query_events_are_classified(query: str, role: str, kind: str, database: str | None) -> None:
    statement = ddl.classify(query)
    assert (statement.role, statement.kind, statement.database) == (role, kind, database)


def test_value_fixes_match_what_the_server_stores() -> None:
    assert values.float32(1.100000023841858) == 1.1
    assert values.bit("1000000001") == 513
    assert values.year(1900) == 0
    # python-mysql-replication decodes -12:34:56.789 as -12:34:56.211
    wrong = -datetime.timedelta(hours=12, minutes=34, seconds=56, microseconds=211000)
    assert values.negative_time(wrong) == -datetime.timedelta(hours=12, minutes=34, seconds=56,
                                                              microseconds=789000)


def test_config_never_shows_the_password() -> None:
    endpoint = Endpoint("127.0.0.1", 1, "u", "s3cret")
    assert "s3cret" not in repr(endpoint)


def test_float32_spelling_survives_the_largest_float() -> None:
    largest = 3.4028234663852886e38
    assert values.float32(largest) == 3.4028235e38
    assert values.float32(-largest) == -3.4028235e38
