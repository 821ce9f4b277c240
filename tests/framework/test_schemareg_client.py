"""The embedded schema registry through confluent-kafka's client and raw REST requests to a real process."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from confluent_kafka.schema_registry import SchemaRegistryClient, SchemaRegistryError
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

from sinkmatrix.schemareg.avro_schema import parse
from sinkmatrix.stack.leases import Lease
from sinkmatrix.stack.schema_registry import RegistryProcess, start
from tests.framework.schemareg_support import (
    CONTENT_TYPE,
    V1,
    V2_WITH_DEFAULT,
    V2_WITHOUT_DEFAULT,
    as_json,
    avro,
    http,
    record,
)

pytestmark = pytest.mark.framework


@pytest.fixture(scope="module")
def registry() -> Iterator[RegistryProcess]:
    with Lease.acquire("test-schemareg") as lease:
        running = start(lease.scratch_dir("schemareg-test-"), lease)
        yield running
        running.stop()
        assert running.child.process.returncode == 0, "SIGTERM should end the registry cleanly"


@pytest.fixture(scope="module")
def client(registry: RegistryProcess) -> SchemaRegistryClient:
    return SchemaRegistryClient({"url": registry.url})


@pytest.fixture
def subject(registry: RegistryProcess) -> str:
    return f"t{Lease.token()}-value"


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
