"""The embedded schema registry: Confluent clients against a real process, and the compatibility rules."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from confluent_kafka.schema_registry import Schema, SchemaRegistryClient, SchemaRegistryError
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

from schemareg.avro_schema import parse
from schemareg.compatibility import Level, check, read_problems
from schemareg.errors import InvalidCompatibilityLevel, InvalidSchema, StoreError
from schemareg.process import RegistryProcess, start
from schemareg.registry import Registry
from stack.leases import Lease

pytestmark = pytest.mark.framework
CONTENT_TYPE = "application/vnd.schemaregistry.v1+json"
REPO = str(Path(__file__).resolve().parents[2])


def record(name: str, *fields: Any, namespace: str = "default.test") -> str:
    """A record schema as JSON text; a field is a (name, type) pair or a full field object."""
    specs = [f if isinstance(f, dict) else {"name": f[0], "type": f[1]} for f in fields]
    return json.dumps({"type": "record", "name": name, "namespace": namespace, "fields": specs})


def avro(text: str) -> Schema:
    return Schema(text, "AVRO")


def as_json(schema: Schema) -> Any:
    assert schema.schema_str is not None
    return json.loads(schema.schema_str)


_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def http(method: str, url: str, body: Any = None) -> tuple[int, Any, str]:
    """(status, decoded JSON body, content type) of one raw request."""
    data = None if body is None else json.dumps(body).encode()
    headers = {"Content-Type": CONTENT_TYPE} if data is not None else {}
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with _NO_PROXY.open(request, timeout=10) as response:
            return response.status, json.loads(response.read()), response.headers.get_content_type()
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read()), error.headers.get_content_type()


@pytest.fixture
def workspace() -> Iterator[tuple[Path, Lease]]:
    lease = Lease.acquire("test-schemareg")
    root = Path(tempfile.mkdtemp(prefix="schemareg-test-"))
    lease.add_directory(root)
    try:
        yield root, lease
    finally:
        lease.release()


@pytest.fixture(scope="module")
def registry() -> Iterator[RegistryProcess]:
    lease = Lease.acquire("test-schemareg")
    root = Path(tempfile.mkdtemp(prefix="schemareg-test-"))
    lease.add_directory(root)
    try:
        running = start(root, lease)
        yield running
        running.stop()
        assert running.child.process.returncode == 0, "SIGTERM should end the registry cleanly"
    finally:
        lease.release()


@pytest.fixture(scope="module")
def client(registry: RegistryProcess) -> SchemaRegistryClient:
    return SchemaRegistryClient({"url": registry.url})


@pytest.fixture
def subject(registry: RegistryProcess) -> str:
    return f"t{Lease.token()}-value"


V1 = record("t", ("id", "int"))
V2_WITH_DEFAULT = record("t", ("id", "int"), {"name": "note", "type": ["null", "string"], "default": None})
V2_WITHOUT_DEFAULT = record("t", ("id", "int"), ("note", "string"))


# -- the registry through confluent-kafka's client -------------------------------------------------

def test_client_reads_back_a_registered_schema_by_id_version_and_latest(
        client: SchemaRegistryClient, subject: str) -> None:
    # a schema of its own: the registry is shared, and one schema text has one id across subjects
    mine = record("t", ("id", "int"), namespace=f"default.{subject.replace('-', '_')}")
    schema_id = client.register_schema(subject, avro(mine))
    assert as_json(client.get_schema(schema_id)) == json.loads(mine)
    by_version = client.get_version(subject, 1)
    latest = client.get_latest_version(subject)
    assert (by_version.schema_id, by_version.version) == (schema_id, 1)
    assert (latest.schema_id, latest.version, latest.subject) == (schema_id, 1, subject)
    found = client.lookup_schema(subject, avro(mine))
    assert (found.schema_id, found.version) == (schema_id, 1)
    assert [(v.subject, v.version) for v in client.get_schema_versions(schema_id)] == [(subject, 1)]


def test_registering_the_same_schema_again_returns_its_id_without_a_new_version(
        client: SchemaRegistryClient, subject: str) -> None:
    first = client.register_schema(subject, avro(V1))
    fresh = SchemaRegistryClient({"url": client._rest_client.base_urls[0]})  # no client-side cache
    reformatted = json.dumps(json.loads(V1), indent=4)
    assert fresh.register_schema(subject, avro(reformatted)) == first
    assert fresh.get_versions(subject) == [1]


def test_identical_schemas_share_one_global_id_across_subjects(
        client: SchemaRegistryClient, subject: str) -> None:
    unique = record(f"g{Lease.token()}", ("id", "long"))
    spelled_differently = json.dumps({"fields": [{"type": {"type": "long"}, "name": "id"}],
                                      "name": f"default.test.{json.loads(unique)['name']}",
                                      "type": "record"})
    first = client.register_schema(subject, avro(unique))
    second = client.register_schema(f"other-{subject}", avro(spelled_differently))
    different = client.register_schema(f"third-{subject}", avro(record("x", ("id", "string"))))
    assert first == second != different


def test_subjects_are_listed_soft_deleted_then_permanently_deleted(
        client: SchemaRegistryClient, subject: str) -> None:
    client.set_compatibility(subject, "NONE")
    schema_id = client.register_schema(subject, avro(V1))
    client.register_schema(subject, avro(V2_WITHOUT_DEFAULT))
    assert subject in client.get_subjects()
    assert client.delete_version(subject, 2) == 2
    assert client.get_versions(subject) == [1]
    with pytest.raises(SchemaRegistryError) as caught:
        client.delete_subject(subject, permanent=True)
    assert caught.value.error_code == 40405, "a permanent delete needs a soft delete first"
    assert client.delete_subject(subject) == [1]
    assert subject not in client.get_subjects()
    assert subject in client.get_subjects(deleted=True)
    assert as_json(client.get_schema(schema_id)) == json.loads(V1), "ids outlive soft deletes"
    assert client.delete_subject(subject, permanent=True) == [1, 2]
    assert subject not in client.get_subjects(deleted=True)


def test_versions_are_soft_deleted_once_then_permanently(client: SchemaRegistryClient, subject: str) -> None:
    client.set_compatibility(subject, "NONE")
    client.register_schema(subject, avro(V1))
    client.register_schema(subject, avro(V2_WITHOUT_DEFAULT))
    codes = []
    for permanent in (True, False, False, True):
        try:
            client.delete_version(subject, 1, permanent=permanent)
            codes.append(0)
        except SchemaRegistryError as exc:
            codes.append(exc.error_code)
    assert codes == [40407, 0, 40406, 0]
    assert client.get_versions(subject, deleted=True) == [2]


def test_compatibility_level_is_set_and_read_per_subject_and_globally(
        client: SchemaRegistryClient, subject: str) -> None:
    assert client.get_compatibility() == "BACKWARD"
    assert client.set_compatibility(subject, "full_transitive") == {"compatibility": "FULL_TRANSITIVE"}
    assert client.get_compatibility(subject) == "FULL_TRANSITIVE"
    client.set_compatibility(level="FORWARD")
    try:
        assert client.get_compatibility() == "FORWARD"
        assert client.get_compatibility(subject) == "FULL_TRANSITIVE"
    finally:
        client.set_compatibility(level="BACKWARD")
    deleted = client.delete_config(subject).compatibility_level
    assert deleted is not None and deleted.value == "FULL_TRANSITIVE"
    with pytest.raises(SchemaRegistryError) as caught:
        client.get_compatibility(subject)
    assert caught.value.error_code == 40408


def test_backward_rejects_a_field_added_without_default_with_409(
        client: SchemaRegistryClient, subject: str) -> None:
    client.set_compatibility(subject, "BACKWARD")
    client.register_schema(subject, avro(V1))
    with pytest.raises(SchemaRegistryError) as caught:
        client.register_schema(subject, avro(V2_WITHOUT_DEFAULT))
    assert (caught.value.http_status_code, caught.value.error_code) == (409, 409)
    assert "note" in caught.value.error_message
    assert client.get_versions(subject) == [1]


def test_backward_accepts_a_field_added_with_default(client: SchemaRegistryClient, subject: str) -> None:
    client.set_compatibility(subject, "BACKWARD")
    client.register_schema(subject, avro(V1))
    client.register_schema(subject, avro(V2_WITH_DEFAULT))
    assert client.get_versions(subject) == [1, 2]


def test_none_accepts_any_change(client: SchemaRegistryClient, subject: str) -> None:
    client.set_compatibility(subject, "NONE")
    client.register_schema(subject, avro(V1))
    client.register_schema(subject, avro(record("t", ("id", "string"), ("other", "bytes"))))
    client.register_schema(subject, avro('"string"'))
    assert client.get_versions(subject) == [1, 2, 3]


def test_compatibility_check_answers_without_registering(
        registry: RegistryProcess, client: SchemaRegistryClient, subject: str) -> None:
    client.set_compatibility(subject, "BACKWARD")
    client.register_schema(subject, avro(V1))
    assert client.test_compatibility(subject, avro(V2_WITH_DEFAULT)) is True
    assert client.test_compatibility(subject, avro(V2_WITHOUT_DEFAULT), version=1) is False
    status, body, _ = http("POST", f"{registry.url}/compatibility/subjects/{subject}/versions/latest"
                           "?verbose=true", {"schema": V2_WITHOUT_DEFAULT})
    assert status == 200 and body["is_compatible"] is False
    assert any("note" in message for message in body["messages"])
    assert client.get_versions(subject) == [1]


def test_avro_serializer_and_deserializer_round_trip_keys_and_values(
        client: SchemaRegistryClient) -> None:
    topic = f"rt{Lease.token()}"
    key_schema = record("t_key", ("id", "int"))
    value_schema = record("t", ("id", "int"), ("name", ["null", "string"]), ("amount", "double"))
    key_ctx = SerializationContext(topic, MessageField.KEY)
    value_ctx = SerializationContext(topic, MessageField.VALUE)
    key_bytes = AvroSerializer(client, key_schema)({"id": 7}, key_ctx)
    row = {"id": 7, "name": "seven", "amount": 7.5}
    value_bytes = AvroSerializer(client, value_schema)(row, value_ctx)
    mine = sorted(s for s in client.get_subjects() if s.startswith(topic))
    assert mine == [f"{topic}-key", f"{topic}-value"]
    value_id = client.get_latest_version(f"{topic}-value").schema_id
    assert value_bytes[0] == 0 and int.from_bytes(value_bytes[1:5], "big") == value_id
    fresh = SchemaRegistryClient({"url": client._rest_client.base_urls[0]})  # fetches by id over HTTP
    assert AvroDeserializer(fresh)(key_bytes, key_ctx) == {"id": 7}
    assert AvroDeserializer(fresh)(value_bytes, value_ctx) == row


def test_deserializer_reads_old_data_through_a_newer_reader_schema(client: SchemaRegistryClient) -> None:
    topic = f"ev{Lease.token()}"
    ctx = SerializationContext(topic, MessageField.VALUE)
    old = AvroSerializer(client, V1)({"id": 1}, ctx)
    AvroSerializer(client, V2_WITH_DEFAULT)({"id": 2, "note": "x"}, ctx)
    assert client.get_versions(f"{topic}-value") == [1, 2]
    assert AvroDeserializer(client, V2_WITH_DEFAULT)(old, ctx) == {"id": 1, "note": None}


def test_answers_ticdc_style_raw_requests_as_confluent_does(registry: RegistryProcess, subject: str) -> None:
    url = registry.url
    assert http("GET", url) == (200, {}, CONTENT_TYPE)  # TiCDC's probe wants exactly `{}`
    status, body, _ = http("POST", f"{url}/subjects/{subject}/versions", {"schema": V1})
    assert status == 200 and list(body) == ["id"]
    assert http("GET", f"{url}/schemas/ids/{body['id']}")[1] == {"schema": parse(V1).canonical}
    assert http("GET", f"{url}/subjects/{subject}/versions/-1/schema")[1] == json.loads(V1)
    assert http("DELETE", f"{url}/subjects/{subject}")[:2] == (200, [1])
    assert http("GET", f"{url}/mode")[:2] == (200, {"mode": "READWRITE"})


@pytest.mark.parametrize(("method", "path", "body", "status", "code"), [
    ("GET", "/subjects/nobody-value/versions", None, 404, 40401),
    ("GET", "/subjects/{subject}/versions/99", None, 404, 40402),
    ("GET", "/schemas/ids/987654", None, 404, 40403),
    ("POST", "/subjects/{subject}/versions", {"schema": "{not json"}, 422, 42201),
    ("POST", "/subjects/{subject}/versions", {"schema": '{"type": "record", "name": "r"}'}, 422, 42201),
    ("POST", "/subjects/{subject}/versions", {"schema": '{"type": "object"}', "schemaType": "JSON"},
     422, 42201),
    ("GET", "/subjects/{subject}/versions/first", None, 422, 42202),
    ("PUT", "/config", {"compatibility": "SIDEWAYS"}, 422, 42203),
    ("PUT", "/config/{subject}", {"compatibility": ""}, 422, 42203),
    ("POST", "/subjects/{subject}", {"schema": '"bytes"'}, 404, 40403),
])
def test_errors_carry_confluent_error_codes(
        registry: RegistryProcess, client: SchemaRegistryClient, subject: str,
        method: str, path: str, body: Any, status: int, code: int) -> None:
    client.register_schema(subject, avro(V1))
    got_status, got, content_type = http(method, registry.url + path.format(subject=subject), body)
    assert (got_status, got["error_code"]) == (status, code), got
    assert got["message"] and content_type == CONTENT_TYPE


def test_client_surfaces_error_codes(client: SchemaRegistryClient) -> None:
    with pytest.raises(SchemaRegistryError) as caught:
        client.get_latest_version("nobody-value")
    assert (caught.value.http_status_code, caught.value.error_code) == (404, 40401)
    with pytest.raises(SchemaRegistryError) as caught:
        client.set_compatibility(level="SIDEWAYS")
    assert caught.value.error_code == 42203


# -- the process -----------------------------------------------------------------------------------

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
    return subprocess.run([sys.executable, "-m", "schemareg", *args], capture_output=True, text=True,
                          env=env, timeout=timeout, check=False)


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
    with subprocess.Popen([sys.executable, "-m", "schemareg", "--port", "0"], stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, text=True, env=env) as proc:
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


# -- canonical form and compatibility rules (no process) -------------------------------------------

def test_canonical_form_ignores_spelling_but_keeps_meaning() -> None:
    base = parse(record("t", ("id", "int"), namespace="ns"))
    same = parse(json.dumps({"name": "ns.t", "type": "record",
                             "fields": [{"type": {"type": "int"}, "name": "id", "order": "ascending"}]}))
    assert base == same and parse(base.canonical).canonical == base.canonical
    with_doc = parse(json.dumps({**json.loads(record("t", ("id", "int"), namespace="ns")), "doc": "d"}))
    with_prop = parse(record("t", ("id", {"type": "int", "connect.parameters": {"tidb_type": "INT"}}),
                             namespace="ns"))
    assert len({base, with_doc, with_prop}) == 3
    assert json.loads(with_prop.canonical)["namespace"] == "ns"


@pytest.mark.parametrize("text", [
    record("t", ("a", "int"), ("a", "long")),
    '["int", "int"]',
    '["null", ["int"]]',
    record("t", ("a", "nowhere.Defined")),
    record("1t", ("a", "int")),
    '{"type": "fixed", "name": "f"}',
])
def test_invalid_schemas_are_refused(text: str) -> None:
    with pytest.raises(InvalidSchema):
        parse(text)


def _enum(*symbols: str, default: str | None = None) -> dict[str, Any]:
    spec: dict[str, Any] = {"type": "enum", "name": "E", "symbols": list(symbols)}
    return spec if default is None else {**spec, "default": default}


_LIST = {"type": "record", "name": "Node", "fields": [
    {"name": "value", "type": "int"}, {"name": "next", "type": ["null", "Node"]}]}
_LIST_WIDER = {"type": "record", "name": "Node", "fields": [
    {"name": "value", "type": "long"}, {"name": "next", "type": ["null", "Node"]}]}


@pytest.mark.parametrize(("reader", "writer", "readable"), [
    (record("t", ("a", "int")), record("t", ("a", "int"), ("b", "string")), True),  # writer field dropped
    (record("t", ("a", "int"), ("b", "string")), record("t", ("a", "int")), False),  # no default
    (record("t", ("a", "int"), {"name": "b", "type": "string", "default": ""}), record("t", ("a", "int")),
     True),
    *[(record("t", ("a", r)), record("t", ("a", w)), ok) for w, r, ok in [
        ("int", "long", True), ("int", "float", True), ("int", "double", True), ("long", "float", True),
        ("long", "double", True), ("float", "double", True), ("long", "int", False),
        ("double", "float", False), ("string", "bytes", True), ("bytes", "string", True),
        ("string", "int", False), (["null", "int"], ["null", "long"], True), (["null", "int"], "int", False),
        ("int", ["null", "int"], True), (["int", "string"], ["null", "string"], False),
        ({"type": "array", "items": "int"}, {"type": "array", "items": "long"}, True),
        ({"type": "map", "values": "string"}, {"type": "map", "values": "int"}, False),
        (_enum("A", "B"), _enum("A"), False), (_enum("A", "B"), _enum("A", default="A"), True),
        (_enum("A"), _enum("A", "B"), True),
        ({"type": "fixed", "name": "F", "size": 4}, {"type": "fixed", "name": "F", "size": 8}, False),
        (_LIST, _LIST_WIDER, True), (_LIST_WIDER, _LIST, False),
    ]],
    (record("t", ("inner", {"type": "record", "name": "I", "fields": [{"name": "x", "type": "int"}]})),
     record("t", ("inner", {"type": "record", "name": "I", "fields": [{"name": "x", "type": "string"}]})),
     False),
    (record("t", ("a", "int")), record("renamed", ("a", "int")), False),
    (json.dumps({**json.loads(record("t", ("a", "int"))), "aliases": ["old"]}),
     record("old", ("a", "int")), True),
    (record("t", {"name": "a", "type": "int", "aliases": ["before"]}), record("t", ("before", "int")), True),
])
def test_reader_reads_writer_data_per_avro_resolution(reader: str, writer: str, readable: bool) -> None:
    assert (not read_problems(parse(reader), parse(writer))) is readable


def test_problems_name_the_nested_field_that_breaks() -> None:
    inner = {"type": "record", "name": "I", "fields": [{"name": "x", "type": "int"}]}
    reader = parse(record("t", ("inner", {**inner, "fields": [{"name": "x", "type": "string"}]})))
    (problem,) = read_problems(reader, parse(record("t", ("inner", inner))))
    assert "default.test.t.inner.x" in problem


def test_levels_check_the_directions_and_versions_they_name() -> None:
    v1, v2 = parse(V1), parse(V2_WITH_DEFAULT)
    v3 = parse(record("t", ("id", "int"), ("note", ["null", "string"])))  # default dropped
    history = [(1, v1), (2, v2)]
    assert check(Level.BACKWARD, v3, history) == []
    assert check(Level.BACKWARD_TRANSITIVE, v3, history)
    assert check(Level.FORWARD, v1, [(1, v2)]) == []
    assert check(Level.FORWARD, parse(V2_WITHOUT_DEFAULT), [(1, v1)]) == []
    assert check(Level.FULL, parse(V2_WITHOUT_DEFAULT), [(1, v1)])
    assert check(Level.NONE, parse('"string"'), history) == []
    assert Level.parse("full_transitive") is Level.FULL_TRANSITIVE
    with pytest.raises(InvalidCompatibilityLevel):
        Level.parse("SIDEWAYS")
