"""The nox sessions select the matrix as documented: one session per sink, tags per protocol."""

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def nox(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "nox", *args], cwd=REPO, capture_output=True, text=True,
                          timeout=600, env={**os.environ, **(env or {})})


def test_nox_lists_one_matrix_session_per_sink():
    listed = nox("--list").stdout
    assert {line.split()[1] for line in listed.splitlines() if line.startswith("* matrix(")} == {
        "matrix(sink='avro')", "matrix(sink='canal-json')", "matrix(sink='debezium-avro')",
        "matrix(sink='debezium-json')", "matrix(sink='mysql')"}


def test_the_kafka_tag_selects_the_kafka_sinks_only():
    selected = [line.split()[1] for line in nox("-t", "kafka", "--list").stdout.splitlines()
                if line.startswith("* ")]
    assert sorted(selected) == ["matrix(sink='avro')", "matrix(sink='canal-json')",
                                "matrix(sink='debezium-avro')", "matrix(sink='debezium-json')"]


def test_the_avro_session_runs_exactly_the_avro_cells(tmp_path):
    done = nox("-s", "matrix(sink='avro')", "--", "-k", "test_simple or test_delete",
               env={"SINKMATRIX_REPORTS": str(tmp_path), "SINKMATRIX_RUN_ID": "avro-only",
                    "SINKMATRIX_PYTHON": sys.executable})  # this environment: nothing to install
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]

    junit = ET.parse(tmp_path / "avro-only" / "junit.xml")  # merged by the report session
    cells = [prop.get("value") for prop in junit.iter("property") if prop.get("name") == "cell"]
    cases = list(junit.iter("testcase"))
    assert cases and len(cells) == len(cases)
    assert set(cells) == {"avro-kafka-local"}

