"""Schema compatibility: Avro schema resolution (can a reader read a writer's data) and the levels.

`read_problems` follows the Avro specification's schema-resolution rules; `check` applies a level
(BACKWARD: the new schema reads data written with earlier ones; FORWARD: earlier ones read the
new schema's data; FULL: both; *_TRANSITIVE: against every earlier version, not just the latest).
Logical types are not compared, as Avro's own resolution ignores them.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from sinkmatrix.schemareg.avro_schema import PRIMITIVES, AvroSchema
from sinkmatrix.schemareg.errors import InvalidCompatibilityLevel

# (writer type, reader type) pairs Avro resolves by promoting the written value
_PROMOTIONS = frozenset({
    ("int", "long"), ("int", "float"), ("int", "double"),
    ("long", "float"), ("long", "double"),
    ("float", "double"),
    ("string", "bytes"), ("bytes", "string"),
})
_NAMED = ("record", "error", "enum", "fixed")


class Level(StrEnum):
    """A subject's compatibility level, as the Confluent API spells it."""

    NONE = "NONE"
    BACKWARD = "BACKWARD"
    BACKWARD_TRANSITIVE = "BACKWARD_TRANSITIVE"
    FORWARD = "FORWARD"
    FORWARD_TRANSITIVE = "FORWARD_TRANSITIVE"
    FULL = "FULL"
    FULL_TRANSITIVE = "FULL_TRANSITIVE"

    @classmethod
    def parse(cls, value: object) -> Level:
        """The level named by `value` (any letter case); InvalidCompatibilityLevel otherwise."""
        if isinstance(value, str):
            try:
                return cls(value.upper())
            except ValueError:
                pass
        raise InvalidCompatibilityLevel(value)

    @property
    def transitive(self) -> bool:
        return self.endswith("_TRANSITIVE")

    @property
    def backward(self) -> bool:
        return self.startswith(("BACKWARD", "FULL"))

    @property
    def forward(self) -> bool:
        return self.startswith(("FORWARD", "FULL"))


def check(level: Level, new: AvroSchema, previous: Sequence[tuple[int, AvroSchema]]) -> list[str]:
    """What stops `new` from following `previous` ((version, schema), oldest first) under `level`."""
    targets = previous if level.transitive else previous[-1:]
    problems: list[str] = []
    for version, old in reversed(targets):
        if level.backward:
            problems += [f"the new schema cannot read data written with version {version}: {p}"
                         for p in read_problems(new, old)]
        if level.forward:
            problems += [f"version {version} cannot read data written with the new schema: {p}"
                         for p in read_problems(old, new)]
    return problems


def read_problems(reader: AvroSchema, writer: AvroSchema) -> list[str]:
    """Why data written with `writer` cannot be read with `reader`; empty when it can."""
    return _Resolution(reader.resolved, writer.resolved).problems(reader.resolved, writer.resolved, "")


def _named_types(node: Any, into: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    if isinstance(node, list):
        for branch in node:
            _named_types(branch, into)
    elif isinstance(node, dict):
        if node["type"] in _NAMED:
            into[node["name"]] = node
        for field in node.get("fields", ()):
            _named_types(field["type"], into)
        for key in ("items", "values"):
            if key in node:
                _named_types(node[key], into)
    return into


def _describe(node: Any) -> str:
    if isinstance(node, str):
        return node
    if isinstance(node, list):
        return "union [" + ", ".join(_describe(branch) for branch in node) + "]"
    return f"{node['type']} {node['name']}" if "name" in node else str(node["type"])


def _short(name: str) -> str:
    return name.rpartition(".")[2]


class _Resolution:
    """One reader/writer comparison; remembers named pairs so recursive types terminate."""

    def __init__(self, reader_root: Any, writer_root: Any) -> None:
        self.reader_names = _named_types(reader_root, {})
        self.writer_names = _named_types(writer_root, {})
        self.in_progress: set[tuple[str, str]] = set()
        self.done: dict[tuple[str, str], list[str]] = {}

    def problems(self, reader: Any, writer: Any, path: str) -> list[str]:
        reader = self._deref(reader, self.reader_names)
        writer = self._deref(writer, self.writer_names)
        where = path or "the top level"
        if isinstance(writer, list):
            # every branch the writer may have chosen must be readable
            return [p for branch in writer for p in self.problems(reader, branch, path)]
        if isinstance(reader, list):
            if any(not self.problems(branch, writer, path) for branch in reader):
                return []
            return [f"at {where} the reader's {_describe(reader)} has no branch that reads "
                    f"the writer's {_describe(writer)}"]
        reader_type = reader if isinstance(reader, str) else reader["type"]
        writer_type = writer if isinstance(writer, str) else writer["type"]
        if reader_type in PRIMITIVES or writer_type in PRIMITIVES:
            if reader_type == writer_type or (writer_type, reader_type) in _PROMOTIONS:
                return []
            return [f"at {where} the writer's {_describe(writer)} cannot be read as {_describe(reader)}"]
        if {reader_type, writer_type} <= {"record", "error"}:
            return self._named(reader, writer, path, self._records)
        if reader_type != writer_type:
            return [f"at {where} the writer's {_describe(writer)} cannot be read as {_describe(reader)}"]
        if reader_type == "array":
            return self.problems(reader["items"], writer["items"], f"{path}[]")
        if reader_type == "map":
            return self.problems(reader["values"], writer["values"], f"{path}{{}}")
        return self._named(reader, writer, path,
                           self._enums if reader_type == "enum" else self._fixed)

    @staticmethod
    def _deref(node: Any, names: dict[str, dict[str, Any]]) -> Any:
        return names[node] if isinstance(node, str) and node not in PRIMITIVES else node

    def _named(self, reader: dict[str, Any], writer: dict[str, Any], path: str, compare: Any) -> list[str]:
        where = path or "the top level"
        if _short(reader["name"]) != _short(writer["name"]) and writer["name"] not in reader["aliases"]:
            return [f"at {where} the writer's {_describe(writer)} does not match the reader's "
                    f"{_describe(reader)}: names differ and no reader alias names it"]
        pair = (reader["name"], writer["name"])
        if pair in self.done:
            return self.done[pair]
        if pair in self.in_progress:
            return []  # a recursive reference: assume it matches while its definition is checked
        self.in_progress.add(pair)
        found: list[str] = compare(reader, writer, path or reader["name"])
        self.in_progress.discard(pair)
        self.done[pair] = found
        return found

    def _records(self, reader: dict[str, Any], writer: dict[str, Any], path: str) -> list[str]:
        written = {field["name"]: field for field in writer["fields"]}
        found: list[str] = []
        for field in reader["fields"]:
            field_path = f"{path}.{field['name']}"
            source = next((written[n] for n in (field["name"], *field["aliases"]) if n in written), None)
            if source is not None:
                found += self.problems(field["type"], source["type"], field_path)
            elif "default" not in field:
                found.append(f"reader field {field_path} has no default value and is missing "
                             "from the writer's schema")
        return found

    @staticmethod
    def _enums(reader: dict[str, Any], writer: dict[str, Any], path: str) -> list[str]:
        missing = [s for s in writer["symbols"] if s not in reader["symbols"]]
        if missing and "default" not in reader:
            return [f"at {path} the reader's enum lacks the writer's symbols {missing} "
                    "and has no default symbol"]
        return []

    @staticmethod
    def _fixed(reader: dict[str, Any], writer: dict[str, Any], path: str) -> list[str]:
        if reader["size"] != writer["size"]:
            return [f"at {path} the writer's fixed size {writer['size']} differs from "
                    f"the reader's {reader['size']}"]
        return []
