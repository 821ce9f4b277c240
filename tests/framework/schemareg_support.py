"""The schema registry tests' shared parts: schema builders, the test schemas and a raw HTTP helper."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from confluent_kafka.schema_registry import Schema

CONTENT_TYPE = "application/vnd.schemaregistry.v1+json"


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


V1 = record("t", ("id", "int"))
V2_WITH_DEFAULT = record("t", ("id", "int"), {"name": "note", "type": ["null", "string"], "default": None})
V2_WITHOUT_DEFAULT = record("t", ("id", "int"), ("note", "string"))
