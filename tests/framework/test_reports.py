"""Reports: the HTML page and rerun file, triage's grouping, merging shards, and one real failing run."""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
import sys
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from reports import html, merge, triage

REPO = Path(__file__).resolve().parents[2]
CASES = Path(__file__).resolve().parent / "report_cases"
THEN = "Then check sees the difference"
HOSTILE = "<script>alert('x')</script>"


def entry(nodeid: str, outcome: str = "passed", **details: Any) -> dict[str, Any]:
    cell = nodeid.rpartition("[")[2].rstrip("]") if nodeid.endswith("]") else "-"
    return {"case": nodeid.split("[", 1)[0], "cell": cell, "outcome": outcome, "duration": 0.5, **details}


def check_failed(nodeid: str, database: str, key: int, expected: Any, actual: Any,
                 **details: Any) -> dict[str, Any]:
    """A failure shaped like the DSL's CheckFailed as pytest reports it."""
    headline = f"table {database}.t key (id={key}): 1 column differs"
    longrepr = (f">       sent.wait(timeout=2).check()\n\ndsl/waiting.py:63: in raise_if_different\n"
                f"E       dsl.errors.CheckFailed: {headline}\nE         v: expected {expected!r}, "
                f"actual {actual!r}\n\ndsl/waiting.py:63: CheckFailed")
    fields = {"message": f"dsl.errors.CheckFailed: {headline}", "longrepr": longrepr, "phase": THEN,
              "when": "call", "exception": "CheckFailed", "findings": []}
    return entry(nodeid, "failed", **{**fields, **details})


def write_summary(run_dir: Path, tests: dict[str, dict[str, Any]], run: str | None = None) -> None:
    cells: dict[str, Counter[str]] = {}
    for e in tests.values():
        cells.setdefault(e["cell"], Counter())[e["outcome"]] += 1
    (run_dir / "summary.json").write_text(json.dumps({
        "run": run or run_dir.name, "totals": dict(Counter(e["outcome"] for e in tests.values())),
        "cells": {c: dict(n) for c, n in cells.items()}, "tests": tests}))


def write_run(root: Path, tests: dict[str, dict[str, Any]], *, run: str = "20260101-000000-abcd",
              logs: Sequence[dict[str, Any]] = (), junit: str | None = None) -> Path:
    run_dir = root / run
    (run_dir / "logs").mkdir(parents=True)
    write_summary(run_dir, tests)
    (run_dir / "logs" / "gw0.jsonl").write_text("".join(json.dumps(r) + "\n" for r in logs))
    if junit is not None:
        (run_dir / "junit.xml").write_text(junit)
    return run_dir


def write_bundle(run_dir: Path, nodeid: str, cdc_log: str) -> str:
    relative = f"failures/{re.sub(r'[^A-Za-z0-9_.-]+', '_', nodeid.split('::')[-1])}"
    (run_dir / relative).mkdir(parents=True)
    (run_dir / relative / "failure.txt").write_text("the failure")
    (run_dir / relative / "cdc.log.txt").write_text(cdc_log)
    return relative


def record(test: str, event: str, n: int, **fields: Any) -> dict[str, Any]:
    return {"event": event, "level": "info", "logger": "sinkmatrix.case", "test": test, "cell": "c",
            "run": "r", "worker": "gw0", "phase": THEN, "timestamp": f"2026-01-01T00:00:{n:02d}.000000Z",
            **fields}


A = "tests/cases/test_a.py::test_insert[mysql-mysql-local]"
A_AVRO = "tests/cases/test_a.py::test_insert[avro-kafka-local]"
B = "tests/cases/test_b.py::test_update[mysql-mysql-local]"
C = "tests/cases/test_c.py::test_delete[mysql-mysql-local]"


@pytest.fixture
def failing_run(tmp_path: Path) -> Path:
    """Two cells; test_insert fails on both (one bug), test_update passes, test_delete skipped."""
    run_dir = write_run(tmp_path, {}, logs=[record(A, "step", 1, step="Given"), record(A, "wait done", 2),
                                           record(B, "unrelated", 3)],
                        junit='<testsuites><testsuite name="pytest" tests="4" time="83.5" '
                              'timestamp="2026-01-01T00:00:00+00:00"/></testsuites>')
    write_summary(run_dir, {
        A: check_failed(A, "sm_test_insert_mysql_mysql_loc_9e6ae4", 1, 1, 2,
                        bundle=write_bundle(run_dir, A, "cdc line 1\ncdc last line\n")),
        A_AVRO: check_failed(A_AVRO, "sm_test_insert_avro_kafka_loc_0b17c2", 7, 30, 31),
        B: entry(B),
        C: entry(C, "skipped", message="not on this sink"),
    })
    return run_dir


# --- the page -------------------------------------------------------------------------------------


def test_grid_has_a_row_per_case_and_a_column_per_cell_coloured_by_outcome(failing_run: Path) -> None:
    page = html.render(failing_run).read_text()
    grid = page[page.index('<table class="grid">'):]
    grid = grid[: grid.index("</table>")]
    assert re.findall(r"<thead><tr><th>case (.*?)</th>(.*?)</tr>", grid) == [
        ('<span class="file">in tests/cases/</span>', "<th>avro-kafka-local</th><th>mysql-mysql-local</th>")]
    assert grid.count('<tr class="failing">') == 1 and grid.count('<tr class="ok">') == 2
    assert grid.count('class="sq failed"') == 2 and grid.count('class="sq passed"') == 1
    assert grid.count('class="sq skipped"') == 1
    assert "0.50s" in grid  # each square shows its duration


def test_a_cell_a_case_did_not_run_on_shows_as_not_run(failing_run: Path) -> None:
    page = html.render(failing_run).read_text()
    row = re.search(r'<tr class="ok"><th class="case"[^>]*><span class="file">test_b.py::</span>'
                    r"test_update</th>(.*?)</tr>", page)
    assert row is not None
    assert 'class="sq notrun"' in row.group(1) and 'class="sq passed"' in row.group(1)


def test_failed_square_opens_its_failure_with_diff_phase_bundle_tail_and_test_log(failing_run: Path) -> None:
    page = html.render(failing_run).read_text()
    anchor = re.search(r'<a class="sq failed" title="failed: ' + re.escape(A) + r'[^"]*" href="#(f-\d+)">',
                       page)
    assert anchor is not None
    section = page[page.index(f'<details class="failure" id="{anchor.group(1)}" open>'):]
    section = section[: section.index("</details>\n")]  # open: the first example of the top group
    assert '<pre class="diff">table sm_test_insert_mysql_mysql_loc_9e6ae4.t key (id=1): 1 column differs\n' \
           "  v: expected 1, actual 2</pre>" in section
    assert '<span class="e">E       dsl.errors.CheckFailed' in section  # the whole traceback, folded
    assert f"<dd>{THEN}</dd>" in section
    assert 'href="failures/test_insert_mysql-mysql-local_/cdc.log.txt"' in section
    assert "cdc last line" in section  # the tail is inlined, not only linked
    assert "wait done" in section and "unrelated" not in section  # only this test's records


def test_sink_findings_are_tabled_with_where_field_and_why(tmp_path: Path) -> None:
    finding = {"kind": "missing-field", "topic": "sm-topic", "partition": 2, "offset": 41,
               "field": "_tidb_op", "why": "absent in an update", "database": "sm_x_aaaaaa", "table": "t",
               "key": [1]}
    run_dir = write_run(tmp_path, {A: check_failed(A, "sm_x_aaaaaa", 1, 1, 2, findings=[finding],
                                                   exception="SinkProtocolError")})
    page = html.render(run_dir).read_text()
    assert ("<tr><td>missing-field</td><td>sm-topic[2]@41</td><td>_tidb_op</td>"
            "<td>absent in an update</td>") in page


def test_hostile_text_is_escaped_everywhere(tmp_path: Path) -> None:
    nodeid = f"tests/cases/test_x.py::test_x[{HOSTILE}]"
    failure = check_failed(nodeid, "sm_x_aaaaaa", 1, HOSTILE, "b", phase=HOSTILE, message=HOSTILE,
                           findings=[{"kind": HOSTILE, "topic": HOSTILE, "partition": 0, "offset": 0,
                                      "field": HOSTILE, "why": HOSTILE}])
    run_dir = write_run(tmp_path, {nodeid: failure}, logs=[record(nodeid, HOSTILE, 1, value=HOSTILE)])
    failure["bundle"] = write_bundle(run_dir, "hostile", HOSTILE)
    write_summary(run_dir, {nodeid: failure}, run=HOSTILE)
    page = html.render(run_dir).read_text()
    assert page.count("<script>") == 1  # the page's own
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "alert('x')" not in page


def test_a_bundle_path_leading_out_of_the_run_is_not_read(tmp_path: Path) -> None:
    secret = tmp_path / "elsewhere"
    secret.mkdir()
    (secret / "secret.log.txt").write_text("do not show")
    run_dir = write_run(tmp_path, {A: check_failed(A, "sm_x_aaaaaa", 1, 1, 2, bundle="../elsewhere")})
    assert "do not show" not in html.render(run_dir).read_text()


def test_rerun_file_lists_failed_and_errored_node_ids_one_per_line(tmp_path: Path) -> None:
    errored = entry(C, "error", message="setup broke", when="setup")
    run_dir = write_run(tmp_path, {A: check_failed(A, "sm_x_aaaaaa", 1, 1, 2), B: entry(B), C: errored})
    html.render(run_dir)
    assert (run_dir / "rerun.txt").read_text() == f"{A}\n{C}\n"


def test_header_shows_run_totals_and_wall_time_from_junit(failing_run: Path) -> None:
    page = html.render(failing_run).read_text()
    header = page[page.index("<header>"): page.index("</header>")]
    assert '<span class="chip failed">2 failed</span>' in header and "1 passed" in header
    assert "wall time 1m24s" in header and "started 2026-01-01 00:00:00 UTC" in header


def test_page_is_self_contained(failing_run: Path) -> None:
    page = html.render(failing_run).read_text()
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "<link" not in page and "@import" not in page


# --- triage -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "normal"), [
    ("table sm_test_insert_mysql_mysql_loc_9e6ae4.t key (id=12): 1 column differs",
     "table <db>.t key (id=<n>): <n> column differs"),
    ("v2: expected -1.5, actual 99", "v2: expected <n>, actual <n>"),
    ("applied through binlog.000001:4184619 within 120s", "applied through <binlog-pos> within <n>s"),
    ("see /tmp/sinkmatrix-mysql-x/cdc/refcdc.log and dsl/waiting.py", "see <path> and dsl/waiting.py"),
    ("connect to 127.0.0.1:34241 failed", "connect to <addr> failed"),
    ("Connection object at 0x7fea7f721350, token 9e6ae4b1", "Connection object at <hex>, token <hex>"),
    ("commit at 2026-11-21T10:57:01.680295Z", "commit at <time>"),
    ("col_1 and created_at differ", "col_1 and created_at differ"),
])
def test_normalise_strips_run_noise_and_keeps_columns_and_structure(raw: str, normal: str) -> None:
    assert triage.normalise(raw) == normal


def test_two_failures_differing_only_by_database_and_numbers_form_one_group(failing_run: Path) -> None:
    groups = triage.triage([failing_run])
    assert len(groups) == 1
    (g,) = groups
    assert g.count == 2 and g.cells == ("avro-kafka-local", "mysql-mysql-local")
    assert g.cases == ("tests/cases/test_a.py::test_insert",)
    assert g.signature.exception == "CheckFailed" and "v: expected <n>, actual <n>" in g.signature.message


def test_example_carries_its_last_log_records(failing_run: Path) -> None:
    (g,) = triage.triage([failing_run])
    assert g.example.nodeid == A
    assert [r["event"] for r in g.example.log] == ["step", "wait done"]
    assert g.example.bundle == failing_run / "failures/test_insert_mysql-mysql-local_"


def test_different_exceptions_phases_or_finding_kinds_form_different_groups(tmp_path: Path) -> None:
    kinds = [{"kind": "duplicate", "topic": "t", "partition": 0, "offset": 1, "field": None, "why": "again"}]
    tests = {
        A: check_failed(A, "sm_a_aaaaaa", 1, 1, 2),
        A_AVRO: check_failed(A_AVRO, "sm_a_bbbbbb", 1, 1, 2, exception="WaitTimeout"),
        B: check_failed(B, "sm_b_cccccc", 1, 1, 2, phase="When the CDC restarts"),
        C: check_failed(C, "sm_c_dddddd", 1, 1, 2, findings=kinds),
    }
    groups = triage.triage([write_run(tmp_path, tests)])
    assert len(groups) == 4 and all(g.count == 1 for g in groups)


def test_groups_rank_by_count_across_runs(tmp_path: Path) -> None:
    one = write_run(tmp_path, {A: check_failed(A, "sm_a_aaaaaa", 1, 1, 2),
                               B: entry(B, "error", message="E boom", longrepr="E   RuntimeError: boom",
                                        exception="RuntimeError")}, run="shard1")
    two = write_run(tmp_path, {A_AVRO: check_failed(A_AVRO, "sm_a_bbbbbb", 3, 4, 5)}, run="shard2")
    groups = triage.triage([one, two])
    assert [(g.count, g.signature.exception) for g in groups] == [(2, "CheckFailed"), (1, "RuntimeError")]


def test_triage_cli_answers_in_one_screen_and_exits_1_on_failures(failing_run: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert triage.main([str(failing_run)]) == 1
    out = capsys.readouterr().out
    assert out.startswith("2 failures in 1 group\n")
    assert "#1  2x  in 2 cells: avro-kafka-local, mysql-mysql-local" in out
    assert "v: expected 1, actual 2" in out and "wait done" in out
    assert "    whose fault: CDC: the sink does not hold what the upstream holds" in out
    assert len(out.splitlines()) <= 25


def test_triage_cli_exits_0_without_failures(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert triage.main([str(write_run(tmp_path, {B: entry(B)}))]) == 0
    assert capsys.readouterr().out.strip() == "no failures"


# --- merge ------------------------------------------------------------------------------------------


def junit(cases: int, failures: int, start: str) -> str:
    return (f'<?xml version="1.0"?><testsuites><testsuite name="pytest" tests="{cases}" '
            f'failures="{failures}" errors="0" skipped="0" time="10.0" timestamp="{start}">'
            '<testcase name="x"/></testsuite></testsuites>')


def test_merge_of_two_shards_is_their_union_with_bundles_and_logs_kept_apart(tmp_path: Path) -> None:
    one = write_run(tmp_path, {B: entry(B)}, run="shard-one", logs=[record(A, "one", 1)],
                    junit=junit(1, 0, "2026-01-01T00:00:00+00:00"))
    two = write_run(tmp_path, {}, run="shard-two", logs=[record(A, "two", 2)],
                    junit=junit(2, 1, "2026-01-01T00:00:05+00:00"))
    failed = check_failed(A, "sm_a_aaaaaa", 1, 1, 2, bundle=write_bundle(two, A, "cdc\n"))
    write_summary(two, {A: failed, C: entry(C)})

    page = merge.merge([one, two], tmp_path / "merged")

    merged = json.loads((tmp_path / "merged" / "summary.json").read_text())
    assert set(merged["tests"]) == {A, B, C}
    assert merged["tests"][B] == entry(B)
    assert merged["tests"][A] == {**failed, "bundle": "failures/shard-two/test_insert_mysql-mysql-local_"}
    assert merged["totals"] == {"passed": 2, "failed": 1}
    assert merged["run"] == "merged" and set(merged["cells"]) == {"mysql-mysql-local"}
    assert (tmp_path / "merged" / merged["tests"][A]["bundle"] / "cdc.log.txt").read_text() == "cdc\n"
    assert sorted(p.name for p in (tmp_path / "merged" / "logs").iterdir()) == ["shard-one", "shard-two"]
    junit_xml = (tmp_path / "merged" / "junit.xml").read_text()
    assert junit_xml.count("<testsuite ") == 2 and 'tests="3"' in junit_xml and 'failures="1"' in junit_xml
    assert page.is_file() and "wall time 15.0s" in page.read_text()
    (g,) = triage.triage([tmp_path / "merged"])
    assert [r["event"] for r in g.example.log] == ["one", "two"]  # both shards' logs are found


def test_merge_keeps_the_worse_outcome_when_shards_ran_one_test_twice(tmp_path: Path) -> None:
    one = write_run(tmp_path, {A: check_failed(A, "sm_a_aaaaaa", 1, 1, 2)}, run="same")
    two = write_run(tmp_path / "b", {A: entry(A)}, run="same")
    merge.merge([one, two], tmp_path / "merged")
    merged = json.loads((tmp_path / "merged" / "summary.json").read_text())
    assert merged["tests"][A]["outcome"] == "failed"
    assert merge.shard_names([one, two]) == ["same", "same-2"]


def test_merge_refuses_to_write_into_one_of_its_shards(tmp_path: Path) -> None:
    one = write_run(tmp_path, {B: entry(B)})
    with pytest.raises(merge.MergeError, match="both a shard and the output"):
        merge.merge([one], one)


# --- end to end -------------------------------------------------------------------------------------

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def chromium() -> str:
    """A headless Chromium; installed from Debian when missing and this session may (root, apt-get)."""
    found = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if found:
        return found
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        pytest.skip("chromium is not installed, and installing it needs root and apt-get")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "--no-install-recommends", "chromium"]
    if subprocess.run(install, env=env, capture_output=True, timeout=900).returncode != 0:
        subprocess.run(["apt-get", "update"], env=env, capture_output=True, timeout=300, check=True)
        subprocess.run(install, env=env, capture_output=True, timeout=900, check=True)
    return shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture
def failing_cases() -> Iterator[Path]:
    """The failing cases copied under the repository, where its conftest loads the plugin."""
    directory = CASES / f".run-{uuid.uuid4().hex[:8]}"
    directory.mkdir()
    shutil.copy(CASES / "test_report_cases.py.txt", directory / "test_report_cases.py")
    yield directory
    shutil.rmtree(directory)


def browse(chromium: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=120)


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_a_failing_run_gets_a_summary_one_triage_group_and_a_page_a_browser_renders(
        failing_cases: Path, chromium: str, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "SINKMATRIX_RUN_ID"}
    env["SINKMATRIX_REPORTS"] = str(tmp_path / "reports")
    # the same injected failure in two cells: one bug, so one triage group of two
    run = subprocess.run([sys.executable, "-m", "pytest", str(failing_cases), "-p", "no:cacheprovider", "-q",
                          "--sink", "mysql", "--sink", "avro"],
                         cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 1, run.stdout[-3000:] + run.stderr[-3000:]
    run_dir = (tmp_path / "reports" / "latest").resolve()

    summary = json.loads((run_dir / "summary.json").read_text())
    assert summary["totals"] == {"failed": 2, "passed": 2}, summary["totals"]
    failed = [e for e in summary["tests"].values() if e["outcome"] == "failed"]
    assert all(e["exception"] == "CheckFailed" and e["phase"] == THEN and e["bundle"] for e in failed)

    triaged = subprocess.run([sys.executable, "-m", "reports.triage", str(run_dir)], cwd=REPO, env=env,
                             capture_output=True, text=True, timeout=60)
    assert triaged.returncode == 1, triaged.stderr
    assert triaged.stdout.startswith("2 failures in 1 group\n"), triaged.stdout
    assert "#1  2x  in 2 cells: avro-kafka-local, mysql-mysql-local" in triaged.stdout, triaged.stdout

    page = html.render(run_dir)
    dom = browse(chromium, tmp_path / "profile", "--dump-dom", page.as_uri())
    assert '<table class="grid">' in dom.stdout, dom.stderr[-2000:]
    assert "v: expected 1, actual 2" in dom.stdout
    shot = run_dir / "report.png"
    browse(chromium, tmp_path / "profile", f"--screenshot={shot}", "--window-size=1400,1000", page.as_uri())
    assert shot.is_file() and shot.stat().st_size > 10_000
    assert png_size(shot) == (1400, 1000)
