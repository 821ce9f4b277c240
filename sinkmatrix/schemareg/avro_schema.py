"""Avro schemas as the registry keeps them: validated, identified by a canonical text, names resolved.

Two schemas are the same registry schema when their canonical texts are equal. The canonical text
keeps everything that can change meaning or that readers inspect (docs, defaults, aliases, logical
types, custom properties such as TiCDC's `connect.parameters`) and drops what cannot: whitespace,
attribute order, `{"type": "int"}` spelled out, a full name where name + namespace says the same.
It is also what the registry serves back, so parsing a canonical text gives it unchanged.

`resolved` is the form the compatibility checker reads: every name fully qualified, each named
type defined at its first use and referred to by full name afterwards.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import fastavro

from sinkmatrix.schemareg.errors import InvalidSchema

PRIMITIVES = frozenset({"null", "boolean", "int", "long", "float", "double", "bytes", "string"})
_NAMED = frozenset({"record", "error", "enum", "fixed"})
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_KNOWN = {
    "record": {"type", "name", "namespace", "doc", "aliases", "fields"},
    "error": {"type", "name", "namespace", "doc", "aliases", "fields"},
    "enum": {"type", "name", "namespace", "doc", "aliases", "symbols", "default"},
    "fixed": {"type", "name", "namespace", "doc", "aliases", "size"},
    "array": {"type", "items"},
    "map": {"type", "values"},
}
_FIELD_KNOWN = {"name", "type", "doc", "default", "order", "aliases"}


@dataclass(frozen=True)
class AvroSchema:
    """One registry schema: its canonical text (identity and what is served) and its resolved form."""

    canonical: str
    resolved: Any = field(compare=False, repr=False)


def parse(text: str) -> AvroSchema:
    """Validate an Avro schema given as JSON text; raise InvalidSchema saying what is wrong."""
    try:
        node = json.loads(text)
    except ValueError as exc:
        raise InvalidSchema(f"Invalid schema: not JSON ({exc}); send the Avro schema as JSON text") from exc
    try:
        fastavro.parse_schema(node, named_schemas={}, _force=True)
    except KeyError as exc:  # fastavro's word for a missing attribute
        raise _invalid(f"missing attribute {exc}") from exc
    except Exception as exc:  # fastavro raises several types for bad schemas
        raise _invalid(str(exc) or type(exc).__name__) from exc
    canonical, resolved = _Walker().walk(node, "")
    return AvroSchema(json.dumps(canonical, separators=(",", ":"), ensure_ascii=False), resolved)


def _invalid(why: str) -> InvalidSchema:
    return InvalidSchema(f"Invalid schema: {why}")


def _sorted(value: Any) -> Any:
    """A JSON value with object keys in a fixed order, so equal values print equally."""
    if isinstance(value, dict):
        return {key: _sorted(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_sorted(item) for item in value]
    return value


def _qualify(name: str, namespace: str) -> str:
    return name if "." in name or not namespace else f"{namespace}.{name}"


def _check_name(name: object, what: str) -> str:
    """A name, or a full name whose last part is one. As the registry's Avro (Java, 1.10-1.11:
    org.apache.avro.Schema.Name) checks it: the namespace part is not checked (`a.DBZ.1834.Value`,
    which Debezium's Avro name adjuster leaves as it is, parses)."""
    if not isinstance(name, str) or not _NAME.fullmatch(name.rpartition(".")[2]):
        raise _invalid(f"{what} {name!r} is not a valid Avro name ([A-Za-z_][A-Za-z0-9_]*, dotted)")
    return name


def _check_namespace(space: object) -> str:
    """A namespace: any text (Java Avro 1.11's Schema.Name keeps it unchecked)."""
    if not isinstance(space, str):
        raise _invalid(f"namespace {space!r} is not a string")
    return space


class _Walker:
    """One pass over a schema, producing its canonical and resolved forms side by side."""

    def __init__(self) -> None:
        self.defined: set[str] = set()

    def walk(self, node: Any, namespace: str) -> tuple[Any, Any]:
        if isinstance(node, str):
            return self._reference(node, namespace)
        if isinstance(node, list):
            return self._union(node, namespace)
        if isinstance(node, dict):
            return self._complex(node, namespace)
        raise _invalid(f"{node!r} is not a type (expected a name, an object or a union list)")

    def _reference(self, name: str, namespace: str) -> tuple[str, str]:
        if name in PRIMITIVES:
            return name, name
        # Avro looks a short name up in the enclosing namespace first, then in the null namespace.
        full = _qualify(name, namespace)
        if full not in self.defined:
            full = name
        if full not in self.defined:
            raise _invalid(f"unknown type {name!r}")
        space, _, short = full.rpartition(".")
        return (short if space == namespace else full), full

    def _union(self, branches: list[Any], namespace: str) -> tuple[list[Any], list[Any]]:
        canonical, resolved, seen = [], [], set()
        for branch in branches:
            if isinstance(branch, list):
                raise _invalid("a union may not directly contain another union")
            c, r = self.walk(branch, namespace)
            key = r if isinstance(r, str) else r.get("name", r["type"])
            if key in seen:
                raise _invalid(f"union {branches!r} has more than one branch of type {key}")
            seen.add(key)
            canonical.append(c)
            resolved.append(r)
        return canonical, resolved

    def _complex(self, node: dict[str, Any], namespace: str) -> tuple[Any, Any]:
        kind = node.get("type")
        if not isinstance(kind, str):
            raise _invalid(f"'type' must be a type name, got {kind!r}")
        if kind in PRIMITIVES:
            props = {k: _sorted(v) for k, v in sorted(node.items()) if k != "type"}
            return ({"type": kind, **props} if props else kind), kind
        if kind not in _KNOWN:
            # {"type": "some.Named"} is a reference spelled as an object
            return self._reference(kind, namespace)
        if kind == "array":
            items = self.walk(node.get("items"), namespace)
            head: tuple[dict[str, Any], dict[str, Any]] = (
                {"type": kind, "items": items[0]}, {"type": kind, "items": items[1]})
        elif kind == "map":
            values = self.walk(node.get("values"), namespace)
            head = {"type": kind, "values": values[0]}, {"type": kind, "values": values[1]}
        else:
            head = self._named(node, kind, namespace)
        canonical, resolved = head
        canonical.update((k, _sorted(node[k])) for k in sorted(node) if k not in _KNOWN[kind])
        return canonical, resolved

    def _named(self, node: dict[str, Any], kind: str, namespace: str) -> tuple[dict, dict]:
        name = _check_name(node.get("name"), f"{kind} name")
        explicit = node.get("namespace")
        if explicit not in (None, ""):
            _check_namespace(explicit)
        space = name.rpartition(".")[0] if "." in name else (namespace if explicit is None else explicit)
        full = _qualify(name, space)
        self.defined.add(full)
        canonical: dict[str, Any] = {"type": kind, "name": full.rpartition(".")[2]}
        if space != namespace:
            canonical["namespace"] = space
        if "doc" in node:
            canonical["doc"] = node["doc"]
        aliases = [_qualify(_check_name(a, "alias"), space) for a in node.get("aliases", [])]
        resolved: dict[str, Any] = {"type": kind, "name": full, "aliases": aliases}
        if kind in ("record", "error"):
            canonical["fields"], resolved["fields"] = self._fields(node.get("fields"), full, space)
        elif kind == "enum":
            canonical["symbols"] = resolved["symbols"] = list(node["symbols"])
            if "default" in node:
                canonical["default"] = resolved["default"] = node["default"]
        else:
            canonical["size"] = resolved["size"] = node["size"]
        if node.get("aliases"):
            canonical["aliases"] = list(node["aliases"])
        return canonical, resolved

    def _fields(self, fields: Any, record: str, space: str) -> tuple[list[Any], list[Any]]:
        if not isinstance(fields, list):
            raise _invalid(f"record {record} needs a 'fields' list")
        canonical, resolved, names = [], [], set()
        for spec in fields:
            name = _check_name(spec.get("name"), f"field of {record}")
            if name in names:
                raise _invalid(f"record {record} has two fields named {name!r}")
            names.add(name)
            c_type, r_type = self.walk(spec.get("type"), space)
            c: dict[str, Any] = {"name": name, "type": c_type}
            r: dict[str, Any] = {"name": name, "type": r_type, "aliases": list(spec.get("aliases", []))}
            if "doc" in spec:
                c["doc"] = spec["doc"]
            if "default" in spec:
                c["default"] = _sorted(spec["default"])
                r["default"] = c["default"]
            if spec.get("order", "ascending") != "ascending":
                c["order"] = spec["order"]
            if spec.get("aliases"):
                c["aliases"] = list(spec["aliases"])
            c.update((k, _sorted(spec[k])) for k in sorted(spec) if k not in _FIELD_KNOWN)
            canonical.append(c)
            resolved.append(r)
        return canonical, resolved
