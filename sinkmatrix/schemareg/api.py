"""The registry's HTTP face: the Confluent Schema Registry REST routes TiCDC and Confluent clients use."""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from aiohttp import web

from sinkmatrix.schemareg.avro_schema import AvroSchema, parse
from sinkmatrix.schemareg.compatibility import Level
from sinkmatrix.schemareg.errors import (
    BadRequest,
    InvalidSchema,
    InvalidVersion,
    RegistryError,
    SchemaNotFound,
    UnsupportedMediaType,
)
from sinkmatrix.schemareg.registry import Registry, Version

log = structlog.get_logger("sinkmatrix.schemareg.api")

CONTENT_TYPE = "application/vnd.schemaregistry.v1+json"
_BODY_TYPES = frozenset({CONTENT_TYPE, "application/vnd.schemaregistry+json", "application/json"})
_MAX_VERSION = 2**31 - 1
REGISTRY = web.AppKey("registry", Registry)
routes = web.RouteTableDef()
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def make_app(registry: Registry) -> web.Application:
    """An aiohttp application serving `registry`."""
    # wide tables give large schemas; the aiohttp default of 1 MiB is too tight for them
    app = web.Application(middlewares=[_log_requests, _errors], client_max_size=16 * 1024 * 1024)
    app[REGISTRY] = registry
    app.add_routes(routes)
    return app


def _reply(data: Any, status: int = 200) -> web.Response:
    return web.json_response(data, status=status, content_type=CONTENT_TYPE,
                             dumps=lambda v: json.dumps(v, ensure_ascii=False))


@web.middleware
async def _log_requests(request: web.Request, handler: Handler) -> web.StreamResponse:
    started = time.perf_counter()
    response = await handler(request)
    log.debug("request", method=request.method, path=request.path, query=request.query_string,
              status=response.status, ms=round((time.perf_counter() - started) * 1000, 2))
    return response


@web.middleware
async def _errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every failure as a Confluent error body: {"error_code": N, "message": "..."}."""
    try:
        return await handler(request)
    except RegistryError as exc:
        return _reply({"error_code": exc.error_code, "message": exc.message}, exc.http_status)
    except web.HTTPException as exc:  # no such route or method
        return _reply({"error_code": exc.status, "message": f"HTTP {exc.status} {exc.reason}"}, exc.status)
    except Exception as exc:
        log.exception("request failed", method=request.method, path=request.path)
        return _reply({"error_code": 500, "message": f"internal error: {type(exc).__name__}: {exc}"}, 500)


# -- request parsing -------------------------------------------------------------------------------

def _registry(request: web.Request) -> Registry:
    return request.app[REGISTRY]


def _flag(request: web.Request, *names: str) -> bool:
    # the Python client sends both `true` and Python's `True`
    return any(request.query.get(name, "").lower() == "true" for name in names)


def _page(request: web.Request, items: list[Any]) -> list[Any]:
    try:
        offset = int(request.query.get("offset", 0))
        limit = int(request.query.get("limit", -1))
    except ValueError as exc:
        raise BadRequest(f"offset and limit must be integers ({exc})") from exc
    items = items[max(offset, 0):]
    return items if limit < 0 else items[:limit]


def _version(request: web.Request) -> int | None:
    """The {version} path part: a number, or None for `latest` / -1."""
    text = request.match_info["version"]
    if text in ("latest", "-1"):
        return None
    if text.isdigit() and 1 <= int(text) <= _MAX_VERSION:
        return int(text)
    raise InvalidVersion(text)


def _schema_id(request: web.Request) -> int:
    text = request.match_info["id"]
    if not text.isdigit():
        raise SchemaNotFound(f"Schema {text} not found: schema ids are positive integers")
    return int(text)


async def _body(request: web.Request) -> dict[str, Any]:
    if "Content-Type" in request.headers and request.content_type not in _BODY_TYPES:
        raise UnsupportedMediaType(
            f"Content-Type {request.content_type} is not accepted; send {CONTENT_TYPE} or application/json")
    text = await request.text()
    try:
        body = json.loads(text) if text.strip() else {}
    except ValueError as exc:
        raise BadRequest(f"the request body is not JSON ({exc})") from exc
    if not isinstance(body, dict):
        raise BadRequest("the request body must be a JSON object")
    return body


async def _schema(request: web.Request) -> AvroSchema:
    body = await _body(request)
    schema_type = body.get("schemaType") or "AVRO"
    if str(schema_type).upper() != "AVRO":
        raise InvalidSchema(f"Invalid schema: schemaType {schema_type} is not supported; "
                            "this registry serves AVRO schemas only")
    if body.get("references"):
        raise InvalidSchema("Invalid schema: schema references are not supported; inline the "
                            "referenced types into the schema")
    text = body.get("schema")
    if not isinstance(text, str) or not text.strip():
        raise InvalidSchema('Invalid schema: empty schema; send {"schema": "<Avro schema as JSON text>"}')
    return parse(text)


def _version_body(version: Version) -> dict[str, Any]:
    return {"subject": version.subject, "version": version.version, "id": version.id,
            "schema": version.schema.canonical}


# -- schemas ---------------------------------------------------------------------------------------

@routes.get("/")
async def root(request: web.Request) -> web.Response:
    return _reply({})  # TiCDC checks for exactly `{}` before it uses a registry


@routes.get("/schemas/types")
async def schema_types(request: web.Request) -> web.Response:
    return _reply(["AVRO"])


@routes.get("/schemas/ids/{id}")
async def schema_by_id(request: web.Request) -> web.Response:
    # `subject` is accepted and not needed: ids are global here
    return _reply({"schema": _registry(request).schema(_schema_id(request)).canonical})


@routes.get("/schemas/ids/{id}/schema")
async def raw_schema_by_id(request: web.Request) -> web.Response:
    return _reply(json.loads(_registry(request).schema(_schema_id(request)).canonical))


@routes.get("/schemas/ids/{id}/versions")
async def versions_of_id(request: web.Request) -> web.Response:
    registry, schema_id = _registry(request), _schema_id(request)
    registry.schema(schema_id)
    pairs = registry.versions_of(schema_id, deleted=_flag(request, "deleted"))
    return _reply(_page(request, [{"subject": s, "version": v} for s, v in pairs]))


@routes.get("/schemas/ids/{id}/subjects")
async def subjects_of_id(request: web.Request) -> web.Response:
    registry, schema_id = _registry(request), _schema_id(request)
    registry.schema(schema_id)
    pairs = registry.versions_of(schema_id, deleted=_flag(request, "deleted"))
    return _reply(_page(request, sorted({s for s, _ in pairs})))


# -- subjects --------------------------------------------------------------------------------------

@routes.get("/subjects")
async def subjects(request: web.Request) -> web.Response:
    found = _registry(request).subjects(
        deleted=_flag(request, "deleted"), deleted_only=_flag(request, "deletedOnly", "deleted_only"),
        prefix=request.query.get("subjectPrefix", ""))
    return _reply(_page(request, found))


@routes.post("/subjects/{subject}")
async def lookup(request: web.Request) -> web.Response:
    schema = await _schema(request)
    found = _registry(request).lookup(request.match_info["subject"], schema,
                                      deleted=_flag(request, "deleted"))
    return _reply(_version_body(found))


@routes.delete("/subjects/{subject}")
async def delete_subject(request: web.Request) -> web.Response:
    subject = request.match_info["subject"]
    permanent = _flag(request, "permanent")
    versions = _registry(request).delete_subject(subject, permanent=permanent)
    log.info("subject deleted", subject=subject, versions=versions, permanent=permanent)
    return _reply(versions)


@routes.get("/subjects/{subject}/versions")
async def versions(request: web.Request) -> web.Response:
    found = _registry(request).versions(
        request.match_info["subject"], deleted=_flag(request, "deleted"),
        deleted_only=_flag(request, "deletedOnly", "deleted_only"))
    return _reply(_page(request, found))


@routes.post("/subjects/{subject}/versions")
async def register(request: web.Request) -> web.Response:
    subject = request.match_info["subject"]
    schema = await _schema(request)
    schema_id = _registry(request).register(subject, schema)
    log.info("schema registered", subject=subject, id=schema_id)
    return _reply({"id": schema_id})


@routes.get("/subjects/{subject}/versions/{version}")
async def version(request: web.Request) -> web.Response:
    found = _registry(request).get(request.match_info["subject"], _version(request),
                                   deleted=_flag(request, "deleted"))
    return _reply(_version_body(found))


@routes.get("/subjects/{subject}/versions/{version}/schema")
async def version_schema(request: web.Request) -> web.Response:
    found = _registry(request).get(request.match_info["subject"], _version(request),
                                   deleted=_flag(request, "deleted"))
    return _reply(json.loads(found.schema.canonical))


@routes.delete("/subjects/{subject}/versions/{version}")
async def delete_version(request: web.Request) -> web.Response:
    subject = request.match_info["subject"]
    permanent = _flag(request, "permanent")
    deleted = _registry(request).delete_version(subject, _version(request), permanent=permanent)
    log.info("version deleted", subject=subject, version=deleted, permanent=permanent)
    return _reply(deleted)


# -- compatibility ---------------------------------------------------------------------------------

async def _compatibility(request: web.Request, version: int | None, all_versions: bool) -> web.Response:
    subject = request.match_info["subject"]
    schema = await _schema(request)
    problems = _registry(request).test(subject, schema, version, all_versions=all_versions)
    answer: dict[str, Any] = {"is_compatible": not problems}
    if _flag(request, "verbose"):
        answer["messages"] = problems
    return _reply(answer)


@routes.post("/compatibility/subjects/{subject}/versions/{version}")
async def compatible_with_version(request: web.Request) -> web.Response:
    return await _compatibility(request, _version(request), all_versions=False)


@routes.post("/compatibility/subjects/{subject}/versions")
async def compatible_with_all(request: web.Request) -> web.Response:
    return await _compatibility(request, None, all_versions=True)


# -- config and mode -------------------------------------------------------------------------------

async def _level_from_body(request: web.Request) -> Level:
    body = await _body(request)
    return Level.parse(body.get("compatibility", body.get("compatibilityLevel")))


@routes.get("/config")
async def global_config(request: web.Request) -> web.Response:
    return _reply({"compatibilityLevel": str(_registry(request).level())})


@routes.put("/config")
async def set_global_config(request: web.Request) -> web.Response:
    level = _registry(request).set_level(None, await _level_from_body(request))
    log.info("compatibility set", level=str(level))
    return _reply({"compatibility": str(level)})


@routes.delete("/config")
async def delete_global_config(request: web.Request) -> web.Response:
    return _reply({"compatibilityLevel": str(_registry(request).delete_level(None))})


@routes.get("/config/{subject}")
async def subject_config(request: web.Request) -> web.Response:
    level = _registry(request).level(request.match_info["subject"],
                                     default_to_global=_flag(request, "defaultToGlobal"))
    return _reply({"compatibilityLevel": str(level)})


@routes.put("/config/{subject}")
async def set_subject_config(request: web.Request) -> web.Response:
    subject = request.match_info["subject"]
    level = _registry(request).set_level(subject, await _level_from_body(request))
    log.info("compatibility set", subject=subject, level=str(level))
    return _reply({"compatibility": str(level)})


@routes.delete("/config/{subject}")
async def delete_subject_config(request: web.Request) -> web.Response:
    old = _registry(request).delete_level(request.match_info["subject"])
    return _reply({"compatibilityLevel": str(old)})


@routes.get("/mode")
async def mode(request: web.Request) -> web.Response:
    return _reply({"mode": "READWRITE"})  # imports and read-only modes are not offered
