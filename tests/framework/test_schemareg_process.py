"""The embedded schema registry as a process: its store across restarts, its command line, start and stop."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from confluent_kafka.schema_registry import SchemaRegistryClient

from sinkmatrix.schemareg.avro_schema import parse
from sinkmatrix.schemareg.errors import StoreError
from sinkmatrix.schemareg.registry import Registry
from sinkmatrix.stack.leases import Lease
from sinkmatrix.stack.schema_registry import start
from tests.framework.schemareg_support import V1, V2_WITH_DEFAULT, as_json, avro, http, record

pytestmark = pytest.mark.framework
REPO = str(Path(__file__).resolve().parents[2])


@pytest.fixture
def workspace() -> Iterator[tuple[Path, Lease]]:
    with Lease.acquire("test-schemareg") as lease:
        yield lease.scratch_dir("schemareg-test-"), lease


def test_store_keeps_subjects_versions_and_ids_across_a_restart(workspace: tuple[Path, Lease]) -> None:
    root, lease = workspace
    first = start(root, lease)
    before = SchemaRegistryClient({"url": first.url})
    ids = [before.register_schema("a-value", avro(V1)),
           before.register_schema("a-value", avro(V2_WITH_DEFAULT)),
           before.register_schema("b-value", avro(V1))]
    before.set_compatibility("b-value", "NONE")
    first.stop()
    assert first.child.process.returncode == 0

    second = start(root, lease)
    try:
        after = SchemaRegistryClient({"url": second.url})
        assert ids[0] == ids[2] != ids[1]
        assert [after.get_version("a-value", v).schema_id for v in (1, 2)] == ids[:2]
        assert as_json(after.get_schema(ids[1])) == json.loads(V2_WITH_DEFAULT)
        assert after.register_schema("c-value", avro(V2_WITH_DEFAULT)) == ids[1]
        assert after.register_schema("d-value", avro(record("new", ("x", "int")))) == max(ids) + 1
        assert after.get_compatibility("b-value") == "NONE"
    finally:
        second.stop()


def _run(*args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": REPO}
    return subprocess.run([sys.executable, "-m", "sinkmatrix.schemareg", *args], capture_output=True,
                          text=True, env=env, timeout=timeout, check=False)


def test_refuses_to_bind_a_non_loopback_address() -> None:
    done = _run("--host", "0.0.0.0", "--port", "0")
    assert done.returncode == 2
    assert done.stdout == "" and "--allow-remote" in done.stderr


def test_a_damaged_store_stops_the_start_with_what_to_do(workspace: tuple[Path, Lease]) -> None:
    store = workspace[0] / "broken.json"
    store.write_text("{ half a docu")
    done = _run("--store", str(store))
    assert done.returncode == 1
    assert str(store) in done.stderr and "move it away" in done.stderr


def test_announces_its_url_on_one_stdout_line_and_exits_on_sigterm(
        workspace: tuple[Path, Lease]) -> None:
    env = {**os.environ, "PYTHONPATH": REPO}
    with subprocess.Popen([sys.executable, "-m", "sinkmatrix.schemareg", "--port", "0"],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env) as proc:
        workspace[1].add_process(proc.pid)
        deadline = threading.Timer(20, proc.kill)  # a hung start ends the read below with EOF
        deadline.start()
        assert proc.stdout is not None
        line = proc.stdout.readline()
        deadline.cancel()
        assert line.startswith("schemareg listening on http://127.0.0.1:")
        assert http("GET", line.split()[-1])[:2] == (200, {})
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
        assert proc.stdout.read() == ""


def test_a_failed_store_write_answers_50001_and_changes_nothing(tmp_path: Path) -> None:
    (tmp_path / "store").mkdir()
    registry = Registry(tmp_path / "store" / "registry.json")
    registry.register("a-value", parse(V1))
    shutil.rmtree(tmp_path / "store")
    with pytest.raises(StoreError) as caught:
        registry.register("b-value", parse(V1))
    assert caught.value.error_code == 50001
    assert registry.subjects() == ["a-value"]
