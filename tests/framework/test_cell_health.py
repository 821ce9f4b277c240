"""Cell health: a failure in one case never poisons the next. A case that kills its cell's CDC fails
with the CDC's own error, and the next case on the cell runs on a new stack and passes — on every
default cell, each poisoned by what really kills its CDC. When no new stack can be started, the
cell's later cases fail at once as not run, naming the death, and triage groups them. A finding
fails its case once."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from matrix import axes
from sinkmatrix.stack.embedded import EmbeddedStack
from sinkmatrix.stack.errors import StackError

pytestmark = pytest.mark.framework

REPO = Path(__file__).resolve().parents[2]

# What kills each CDC, for real:
# - Debezium: MariaDB-only DDL; its DDL parser refuses it and the connector stops (a ParsingException).
# - the reference CDC's MySQL sink: a row the downstream refuses (a CHECK constraint added there only).
# - the reference CDC on Kafka: a row whose message is larger than the producer may send (10 MB).
POISONED = '''
import time

import pytest


def test_a_poison(ctx):
    ctx.upstream.exec_driver_sql("create table t (id int primary key, v int)")
    table = ctx.sql.table("t")
    table.insert({"id": 1, "v": 1}).send().wait().check()
    if ctx.cell.profile.cdc == "debezium":
        ctx.upstream.exec_driver_sql("create or replace table u (id int primary key)")
    elif ctx.cell.profile.cdc == "debezium-connect":  # the MariaDB connector's grammar has no INET6
        ctx.upstream.exec_driver_sql("create table u (id int primary key, ip inet6)")
    elif ctx.cell.sink == "mysql":
        ctx.downstream.exec_driver_sql("alter table t add constraint small check (v < 100)")
    else:
        ctx.upstream.exec_driver_sql("create table big (id int primary key, b longblob)")
        ctx.upstream.exec_driver_sql("insert into big values (1, repeat('x', 11 * 1024 * 1024))")
    table.insert({"id": 2, "v": 500}).send().wait().check()


def test_b_after(ctx):
    ctx.upstream.exec_driver_sql("create table t (id int primary key, v int)")
    ctx.sql.table("t").insert({"id": 1, "v": 1}).send().wait().check()
'''

CAUSES = {  # cell -> what the poisoned case's failure must say: the CDC's own error
    "mysql-mysql-local": ("ApplyError", "CONSTRAINT `small` failed"),
    "canal-json-kafka-local": ("DeliveryError", "Message size too large"),
    "canal-json+tidb-kafka-local": ("DeliveryError", "Message size too large"),
    "avro-kafka-local": ("DeliveryError", "Message size too large"),
    "debezium-json-kafka-debezium-3.6": ("ParsingException", "create or replace table u"),
    "debezium-json+schemaless-kafka-debezium-3.6": ("ParsingException", "create or replace table u"),
    "debezium-avro-kafka-debezium-3.6": ("ParsingException", "create or replace table u"),
    "debezium-json-kafka-debezium-mariadb-3.5": ("ParsingException", "ip inet6"),
    "debezium-json+schemaless-kafka-debezium-mariadb-3.5": ("ParsingException", "ip inet6"),
    "debezium-avro-kafka-debezium-mariadb-3.5": ("ParsingException", "ip inet6"),
}
SINKS = ("avro", "canal-json", "debezium-avro", "debezium-json", "mysql")


def run_cases(tmp_path: Path, cases: str, *args: str) -> tuple[dict[str, dict[str, Any]], str]:
    """Run `cases` through the sinkmatrix plugin in a pytest of their own: each test's summary.json
    entry by name (test[cell]), and the run's output."""
    (tmp_path / "test_health_cases.py").write_text(cases)
    env = {**os.environ, "SINKMATRIX_REPORTS": str(tmp_path / "reports")}
    env.pop("SINKMATRIX_RUNTIME_DIR", None)
    done = subprocess.run([sys.executable, "-m", "pytest", "test_health_cases.py", "-q", "-n", "0",
                           "-p", "no:cacheprovider", *args],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600, check=False)
    summary = json.loads((tmp_path / "reports" / "latest" / "summary.json").read_text())
    return {nodeid.split("::")[-1]: test for nodeid, test in summary["tests"].items()}, done.stdout


def reported(out: str) -> dict[str, int]:
    """pytest's closing counts ("1 failed, 1 error in 3.2s"): every failed report, teardown's too."""
    last = out.strip().splitlines()[-1]
    return {word.rstrip("s"): int(n) for n, word in re.findall(r"(\d+) (failed|passed|errors?)", last)}


@pytest.mark.parametrize("sink", SINKS)
def test_a_case_that_kills_the_cdc_fails_with_its_cause_and_the_next_case_passes(
        tmp_path: Path, sink: str) -> None:
    tests, out = run_cases(tmp_path, POISONED, "--sink", sink)
    cells = sorted(c for c in CAUSES if c.startswith((f"{sink}-", f"{sink}+")))
    expected = sorted(f"{case}[{c}]" for c in cells for case in ("test_a_poison", "test_b_after"))
    assert sorted(tests) == expected, out[-3000:]
    for cell in cells:
        poisoned, after = tests[f"test_a_poison[{cell}]"], tests[f"test_b_after[{cell}]"]
        assert poisoned["outcome"] == "failed", out[-3000:]
        error = poisoned["longrepr"].split("\nE   ", 1)[-1]
        assert all(part in error for part in CAUSES[cell]), (cell, error[-3000:])
        assert "within 30s" not in error
        assert after["outcome"] == "passed", (cell, after.get("longrepr", "")[-3000:])


REFUSING_DOWNSTREAM = '''
def refusing_downstream(ctx):
    """Table t upstream, and downstream a CHECK (v < 100) the upstream does not have."""
    ctx.upstream.exec_driver_sql("create table t (id int primary key, v int)")
    table = ctx.sql.table("t")
    table.insert({"id": 1, "v": 1}).send().wait().check()
    ctx.downstream.exec_driver_sql("alter table t add constraint small check (v < 100)")
    return table
'''

BROKEN_WHILE_PASSING = REFUSING_DOWNSTREAM + '''
import time

import pytest


@pytest.mark.no_final_check
def test_a_passes_but_breaks_the_cdc(ctx):
    refusing_downstream(ctx)
    ctx.upstream.exec_driver_sql("insert into t values (2, 500)")
    progress = ctx.sql.progress  # no DSL wait: nothing in the case itself fails on the dead CDC
    progress.wait_past(progress.mark(), time.monotonic() + 30)


def test_b_after(ctx):
    ctx.upstream.exec_driver_sql("create table t (id int primary key, v int)")
    ctx.sql.table("t").insert({"id": 1, "v": 1}).send().wait().check()


@pytest.mark.no_final_check
def test_c_fails_on_its_own_and_breaks_the_cdc(ctx):
    refusing_downstream(ctx)
    ctx.upstream.exec_driver_sql("insert into t values (2, 500)")
    progress = ctx.sql.progress
    progress.wait_past(progress.mark(), time.monotonic() + 30)
    assert False, "a failure of the case's own"
'''


def test_a_case_during_which_the_cdc_died_fails_once_and_shows_the_cause(tmp_path: Path) -> None:
    tests, out = run_cases(tmp_path, BROKEN_WHILE_PASSING, "--sink", "mysql")
    broke = tests["test_a_passes_but_breaks_the_cdc[mysql-mysql-local]"]
    assert broke["outcome"] == "error" and broke["when"] == "teardown", out[-3000:]
    assert "the CDC pipeline broke during this case: ApplyError" in broke["message"], broke["message"]
    assert tests["test_b_after[mysql-mysql-local]"]["outcome"] == "passed", out[-3000:]
    own = tests["test_c_fails_on_its_own_and_breaks_the_cdc[mysql-mysql-local]"]
    assert own["outcome"] == "failed" and "a failure of the case's own" in own["message"], out[-3000:]
    section = out.split("the cell's pipeline broke during this case", 1)[-1]
    assert "ApplyError: downstream rejected" in section.split("\n", 2)[1], out[-3000:]
    # the first: its call passed, its teardown failed; the last: its call failed, no teardown error
    assert reported(out) == {"failed": 1, "passed": 2, "error": 1}, out[-3000:]


DEAD_CELL = REFUSING_DOWNSTREAM + '''
import os


def test_a_poison_and_no_room_for_a_new_stack(ctx):
    os.environ["SINKMATRIX_RUNTIME_DIR"] = "/nonexistent/sinkmatrix-runtime"  # where stacks start
    refusing_downstream(ctx).insert({"id": 2, "v": 500}).send().wait().check()


def test_b_later(ctx):
    pass


def test_c_later(ctx):
    pass
'''


def test_when_no_new_stack_starts_the_cells_later_cases_fail_at_once_as_not_run(tmp_path: Path) -> None:
    tests, out = run_cases(tmp_path, DEAD_CELL, "--sink", "mysql")
    poison = "test_a_poison_and_no_room_for_a_new_stack[mysql-mysql-local]"
    assert tests[poison]["outcome"] == "failed" and "ApplyError" in tests[poison]["message"], out[-3000:]
    for name in ("test_b_later[mysql-mysql-local]", "test_c_later[mysql-mysql-local]"):
        later = tests[name]
        assert later["outcome"] == "error" and later["not_run"], out[-3000:]
        assert f"not run: the CDC died in test_health_cases.py::{poison}: ApplyError" in later["message"]
        assert "/nonexistent/sinkmatrix-runtime" in later["longrepr"]  # why no new stack started
        assert later["duration"] < 5, later  # no wait of its own
    assert "mysql-mysql-local                error 2  failed 1  (2 not run: the CDC died)" in out, out[-3000:]
    triaged = subprocess.run([sys.executable, "-m", "reports.triage", str(tmp_path / "reports" / "latest")],
                             cwd=REPO, capture_output=True, text=True, timeout=60, check=False)
    lines = triaged.stdout.splitlines()
    assert lines[0] == "3 failures in 2 groups (2 of them not run: their cell's CDC had died)", triaged.stdout
    assert "#1  1x  in 1 cell: mysql-mysql-local" in lines, triaged.stdout
    assert "#2  2x  not run in 1 cell: mysql-mysql-local" in lines, triaged.stdout


FINDINGS = '''
import time

import pytest


@pytest.mark.fault("truncate")
def test_a_wait_fails_on_a_finding(ctx):
    ctx.upstream.exec_driver_sql("create table t (id int primary key, v int)")
    ctx.sql.table("t").insert({"id": 1, "v": 1}).send().wait().check()


@pytest.mark.fault("truncate")
@pytest.mark.no_final_check
def test_b_finding_after_the_last_wait(ctx):
    ctx.upstream.exec_driver_sql("create table t (id int primary key, v int)")
    ctx.upstream.exec_driver_sql("insert into t values (1, 1)")
    progress = ctx.sql.progress  # no DSL wait: the finding is first seen at the case's end
    assert progress.wait_past(progress.mark(), time.monotonic() + 30)
'''


def test_a_finding_fails_its_case_once(tmp_path: Path) -> None:
    tests, out = run_cases(tmp_path, FINDINGS, "--sink", "canal-json", "-k", "not tidb")
    seen_in_wait = tests["test_a_wait_fails_on_a_finding[canal-json-kafka-local]"]
    assert seen_in_wait["outcome"] == "failed" and "SinkProtocolError" in seen_in_wait["message"], out[-3000:]
    seen_after = tests["test_b_finding_after_the_last_wait[canal-json-kafka-local]"]
    assert seen_after["outcome"] == "error" and seen_after["when"] == "teardown", out[-3000:]
    assert "SinkProtocolError" in seen_after["message"]
    # the first: its call failed, no teardown error more; the second: its call passed, its teardown failed
    assert reported(out) == {"failed": 1, "passed": 1, "error": 1}, out[-3000:]


def test_a_new_database_on_a_failed_pipeline_fails_at_once_naming_the_cause() -> None:
    stack = EmbeddedStack.start(axes.cell("mysql", "mysql", "local"))
    try:
        database = stack.create_database("poisoned")
        stack.upstream.query(f"CREATE TABLE {database}.t (id INT PRIMARY KEY, v INT)")
        stack.progress.wait_past(stack.progress.mark(), time.monotonic() + 30)
        stack.downstream.query(f"ALTER TABLE {database}.t ADD CONSTRAINT small CHECK (v < 100)")
        stack.upstream.query(f"INSERT INTO {database}.t VALUES (1, 500)")
        assert not stack.progress.wait_past(stack.progress.mark(), time.monotonic() + 30)
        began = time.monotonic()
        with pytest.raises(StackError) as failed:
            stack.create_database("next")
        assert time.monotonic() - began < 5
        assert "the CDC pipeline failed before CREATE DATABASE" in str(failed.value)
        assert "ApplyError: downstream rejected" in str(failed.value) and "within" not in str(failed.value)
    finally:
        stack.close()
