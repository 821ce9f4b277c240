"""Safety: a real run's reports, failure bundles and console never carry a stack's passwords.

A small matrix run (mysql and avro cells, embedded stacks) executes a case that does a real DSL
round trip, logs its DSN the way a careless case might, and then fails, so every report file and
bundle is written. The case hands the passwords its stacks generated to a file outside the run
dir; the test then looks for each of them, raw and URL-encoded, in every file of the run dir and
in the run's stdout and stderr.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import urllib.parse
from pathlib import Path

import pytest

pytestmark = pytest.mark.framework
REPO = Path(__file__).resolve().parents[2]
RUN_DEADLINE = 300.0
Done = subprocess.CompletedProcess[bytes]

VICTIM = textwrap.dedent('''
    import os

    import structlog


    def test_fails_after_a_round_trip(ctx, stack):
        with open(os.environ["SM_SECRETS_FILE"], "a") as out:
            for server in (stack.upstream, stack.downstream):
                out.write(f"{stack.cell.id} {server.name} {server.password}\\n")
        ctx.upstream.exec_driver_sql("create table t (id int primary key, v varchar(20))")
        table = ctx.sql.table("t")
        table.insert({"id": 1, "v": "written"}).send().wait().check()
        url = stack.upstream_url(ctx.database)
        structlog.get_logger("victim").warning(
            "connected", dsn=url.render_as_string(hide_password=False), url=url, engine=ctx.upstream.engine)
        assert table.schema.key == ("no such key",), "deliberate failure, so a bundle is written"
''')


def variants(secret: str) -> set[str]:
    """The forms a password takes in text: as is, and URL-encoded (path and form style)."""
    return {secret, urllib.parse.quote(secret, safe=""), urllib.parse.quote_plus(secret)}


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Done, dict[str, str]]:
    root = tmp_path_factory.mktemp("secrets")
    (root / "test_victim.py").write_text(VICTIM)
    secrets_file = root / "passwords.txt"  # outside the reports dir, never searched
    env = {**os.environ, "SM_SECRETS_FILE": str(secrets_file), "SINKMATRIX_REPORTS": str(root / "reports")}
    for inherited in ("PYTEST_XDIST_WORKER", "SINKMATRIX_RUN_ID"):  # a run of its own
        env.pop(inherited, None)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", str(root / "test_victim.py"),
         "--sink=mysql", "--sink=avro", "-p", "no:cacheprovider", "--rootdir", str(root), "-rA"],
        cwd=REPO, env=env, capture_output=True, timeout=RUN_DEADLINE)
    passwords = {}
    for line in secrets_file.read_text().splitlines():
        cell, server, password = line.split()
        passwords[f"{cell} {server}"] = password
    return root / "reports", done, passwords


def test_the_run_failed_as_intended_and_recorded_its_passwords(run):
    _, done, passwords = run
    output = (done.stdout + done.stderr).decode(errors="replace")
    assert done.returncode == 1, output[-4000:]
    assert "2 failed" in output, output[-4000:]
    assert set(passwords) == {f"{cell} {server}" for cell in ("mysql-mysql-local", "avro-kafka-local")
                              for server in ("upstream", "downstream")}
    assert len(set(passwords.values())) == 4 and all(len(p) >= 16 for p in passwords.values())


def test_no_report_file_or_console_output_holds_a_stack_password(run):
    reports, done, passwords = run
    files = sorted(p for p in reports.rglob("*") if p.is_file() and not p.is_symlink())
    names = {p.relative_to(reports).as_posix() for p in files}

    # not vacuous: what is searched includes each kind of report file, the worker log and both
    # cells' bundles with the component logs copied into them
    for suffix in ("junit.xml", "summary.json", "index.html", "logs/main.jsonl"):
        assert any(n.endswith(suffix) for n in names), f"no {suffix} among {sorted(names)}"
    bundles = {n.split("/")[2] for n in names if n.split("/")[1:2] == ["failures"]}
    assert len(bundles) == 2, sorted(names)
    for bundle in bundles:
        inside = {n.rsplit("/", 1)[1] for n in names if f"/failures/{bundle}/" in f"/{n}"}
        assert {"failure.txt", "context.json", "test-log.jsonl", "cdc.log.txt", "upstream.log.txt",
                "downstream.log.txt"} <= inside, (bundle, sorted(inside))
    assert any("kafka.log.txt" in n for n in names) and any("schema-registry.log.txt" in n for n in names)
    worker_log = next(p for p in files if p.name == "main.jsonl").read_text()
    assert '"event": "connected"' in worker_log  # the careless DSN record was written, redacted

    texts = {f"report file {p.relative_to(reports)}": p.read_bytes() for p in files}
    texts["stdout"], texts["stderr"] = done.stdout, done.stderr
    leaks = [f"{where}: {name}'s password" + (" (URL-encoded)" if form != password else "")
             for name, password in passwords.items() for form in variants(password)
             for where, text in texts.items() if form.encode() in text]
    assert not leaks, "passwords found:\n  " + "\n  ".join(sorted(set(leaks)))


def test_redaction_takes_sqlalchemy_urls_and_named_tuples_without_failing_the_log_call():
    # a URL object in a log record used to raise TypeError from inside the log call itself
    from collections import namedtuple

    from sqlalchemy.engine import URL

    from reports.logs import REDACTED, redact

    url = URL.create("mysql+pymysql", username="u", password="s3cret-pw", host="127.0.0.1", database="d")
    login = namedtuple("login", "user password")("u", "s3cret-pw")
    shown = redact({"url": url, "nested": [url, ("x", url)], "login": login})
    assert "s3cret-pw" not in repr(shown)
    assert shown["url"] == f"mysql+pymysql://u:{REDACTED}@127.0.0.1/d"
    assert shown["login"] == {"user": "u", "password": REDACTED}
    assert isinstance(shown["nested"], list) and isinstance(shown["nested"][1], tuple)
