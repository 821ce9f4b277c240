"""Strict decoder of TiCDC's Avro: every deviation from what TiCDC emits is a located Finding.

Kinds of change: a tombstone (a key, no value) is a delete whose `before` holds the key columns
only. With the TiDB extension `_tidb_op` says "c" (insert) or "u" (update; its `before` holds the key
columns only, as Avro carries no pre-image). Without the extension Avro does not tell them apart:
every value is the row's whole after-image, decoded as an insert that must be applied as an upsert
(TiCDC's own consumer writes it with REPLACE). An update that changed the key arrives as a tombstone
and an insert.

Checks, per record: the Confluent header (bad-magic, malformed), the schema id (unknown-schema-id),
the subject the id is registered under, the record name and namespace and, given `lookup`, that the
table exists (bad-naming); the body (malformed); key against value (key-value-disagree, missing-key);
the value schema against TiCDC's mapping and, given `lookup`, the upstream table (missing-field,
extra-field, type-mismatch; reported once per schema); each value against its type (bad-value); and
per key within a partition, exact repeats (duplicate) and commit timestamps going back (out-of-order,
extension only). `lookup(database, table)` answers the upstream table as the record's change saw it.
"""

from __future__ import annotations

import copy
import hashlib
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

import fastavro
from confluent_kafka.schema_registry import SchemaRegistryClient, SchemaRegistryError

from dsl.compare import canonical
from dsl.schema import Column, TableSchema
from refcdc.changes import RowChange, RowKind
from refcdc.encode_avro import (
    EXTENSION_FIELDS,
    HEADER,
    MAGIC,
    NAMESPACE,
    TIDB_COMMIT_TS,
    TIDB_OP,
    TIDB_PHYSICAL_TIME,
    AvroOptions,
    DecimalMode,
    UnsignedMode,
    avro_type,
    key_columns,
    sanitize_name,
    subject_of,
)
from refcdc.tso import physical_ms
from refcdc.values import float32
from sinks.base import Decoded, Finding, Record

LIMITS: dict[str, str] = {
    "update-pre-image": "Avro carries no pre-image: an update's `before` is its key columns only, and "
    "without the TiDB extension an update looks like an insert (apply values as upserts).",
    "key-change": "an update that changes the handle key arrives as a delete and an insert; TiCDC "
    "also splits updates of other unique keys, which the reference encoder does not know.",
    "order": "without the TiDB extension there is no commit timestamp: order cannot be checked.",
    "ddl": "no DDL or watermark messages (TiCDC sends them only in its testing mode "
    "avro-enable-watermark); a schema change shows as a new schema version on the next row.",
    "keyless-tables": "a table without a handle key has no message key, so its deletes cannot be sent.",
    "names": "names are sanitised (characters outside [A-Za-z0-9_] become '_', a leading digit gets "
    "'_' before it; '.' in a topic becomes '_' in its subjects): originals only come back via lookup.",
    "integer-width": "tidb_type INT covers TINYINT..INT; the exact width only comes from lookup.",
    "string-types": "CHAR/VARCHAR/TEXT are all TEXT and BINARY/VARBINARY/BLOB all BLOB: lengths are lost.",
    "temporal": "DATE/DATETIME/TIMESTAMP/TIME are TiDB's text; the fractional digits are the column's "
    "fsp; TIMESTAMP text is in the changefeed time zone (UTC assumed here).",
    "bigint-unsigned": "in 'long' mode BIGINT UNSIGNED values of 2^63 and more wrap to negative longs; "
    "they are unwrapped by tidb_type.",
    "enum-set": "members are joined with ',' (escaped '\\,'); TiCDC's escaping also folds '' and \\' "
    "to ', so such members come back altered.",
    "json": "JSON is text: TiDB sends its normalised form, the reference encoder the upstream's text.",
    "defaults": "TiCDC gives each field the column's DEFAULT (a nullable column with a non-null "
    "DEFAULT becomes [T, \"null\"]); the reference encoder knows no defaults: null for nullable columns.",
}

Lookup = Callable[[str, str], TableSchema | None]
_EXTENSION = {f["name"]: f for f in EXTENSION_FIELDS}
_TEXT_FORMS = {  # TiDB's Time.String() and Duration.String()
    "DATE": re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}"),
    "DATETIME": re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?"),
    "TIME": re.compile(r"-?[0-9]{2,3}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?"),
    "DECIMAL": re.compile(r"-?[0-9]+(\.[0-9]+)?"),
    "BIGINT UNSIGNED": re.compile(r"[0-9]{1,20}"),
}
_TEXT_FORMS["TIMESTAMP"] = _TEXT_FORMS["DATETIME"]
_COLUMN_TYPES = {"INT": "int", "BIGINT": "bigint", "FLOAT": "float", "DOUBLE": "double", "BIT": "bit",
                 "DECIMAL": "decimal", "TEXT": "longtext", "BLOB": "longblob", "ENUM": "enum",
                 "SET": "set", "JSON": "json", "DATE": "date", "DATETIME": "datetime",
                 "TIMESTAMP": "timestamp", "TIME": "time", "YEAR": "year"}


class _Unusable(Exception):
    """The record's violations are reported already and leave it unusable."""


class _Problem(Exception):
    """A violation that leaves the record unusable."""

    def __init__(self, kind: str, field: str | None, why: str) -> None:
        super().__init__(why)
        self.kind, self.field, self.why = kind, field, why


@dataclass
class _At:
    """One record's violations; as findings they carry all the record revealed of its row."""

    record: Record
    problems: list[tuple[str, str | None, str]] = field(default_factory=list)
    database: str | None = None
    table: str | None = None
    key: tuple[Any, ...] | None = None

    def add(self, kind: str, field: str | None, why: str) -> None:
        self.problems.append((kind, field, why))

    @property
    def findings(self) -> list[Finding]:
        r = self.record
        return [Finding(kind, r.topic, r.partition, r.offset, field, why, self.database, self.table, self.key)
                for kind, field, why in self.problems]


@dataclass(frozen=True, slots=True)
class _Schema:
    schema_id: int
    raw: dict[str, Any]
    parsed: Any


@dataclass(frozen=True, slots=True)
class _Part:
    """One decoded half of a message (key or value)."""

    schema: _Schema
    record: dict[str, Any]

    @property
    def fields(self) -> list[dict[str, Any]]:
        return [f for f in self.schema.raw["fields"] if f["name"] not in _EXTENSION]


@dataclass(frozen=True, slots=True)
class _Seen:
    offset: int
    digest: bytes
    commit_ts: int | None


def split_members(allowed: str) -> tuple[str, ...]:
    """The members of an `allowed` parameter: split at unescaped commas, '\\,' back to ','."""
    return tuple(m.replace("\\,", ",") for m in re.split(r"(?<!\\),", allowed)) if allowed else ()


def column_of(name: str, type_: Any, nullable: bool) -> Column:
    """The column a field's connect parameters describe; ValueError says what is missing."""
    params: Any = type_.get("connect.parameters") if isinstance(type_, dict) else None
    tt = params.get("tidb_type") if isinstance(params, dict) else None
    if not isinstance(tt, str):
        raise ValueError(f"the type {json.dumps(type_)} carries no connect.parameters.tidb_type")
    unsigned, base = tt.endswith(" UNSIGNED"), tt.removesuffix(" UNSIGNED")
    if base not in _COLUMN_TYPES or (unsigned and base not in ("INT", "BIGINT")):
        raise ValueError(f"tidb_type {tt!r} is not one TiCDC writes")
    kind = _COLUMN_TYPES[base]
    extra: dict[str, Any] = {}
    if base == "BIT":
        extra["precision"] = int(str(params.get("length")))
    elif base == "DECIMAL" and type_.get("logicalType") == "decimal":
        extra = {"precision": int(type_.get("precision")), "scale": int(type_.get("scale", 0))}
    elif base in ("ENUM", "SET"):
        extra["members"] = split_members(str(params.get("allowed", "")))
    column_type = kind + (" unsigned" if unsigned else "")
    return Column(name=name, type=kind, column_type=column_type, nullable=nullable,
                  unsigned=unsigned, is_json=base == "JSON", **extra)


def _unwrap(type_: Any) -> tuple[Any, bool]:
    """A field's type without its null union, and whether it was nullable."""
    if isinstance(type_, list) and len(type_) == 2 and "null" in type_:
        return type_[1 - type_.index("null")], True
    return type_, False


class AvroDecoder:
    """The Decoder protocol for TiCDC's Avro; one instance per partition stream (it keeps per-key state)."""

    def __init__(
        self,
        registry: SchemaRegistryClient,
        *,
        decimal_mode: DecimalMode = "precise",
        bigint_unsigned_mode: UnsignedMode = "long",
        enable_tidb_extension: bool = False,
        lookup: Lookup | None = None,
    ) -> None:
        self.options = AvroOptions(decimal_mode, bigint_unsigned_mode, enable_tidb_extension)
        self._registry, self._lookup = registry, lookup
        self._schemas: dict[int, _Schema | _Problem] = {}
        self._subjects: dict[tuple[str, int], bool] = {}
        self._checked: set[tuple[Any, ...]] = set()
        self._seen: dict[tuple[str, int], dict[tuple[Any, ...], _Seen]] = {}

    def decode(self, record: Record) -> Decoded:
        at = _At(record)
        try:
            return Decoded(changes=[self._decode(record, at)], findings=at.findings)
        except _Problem as problem:
            at.add(problem.kind, problem.field, problem.why)
        except _Unusable:
            pass
        except Exception as exc:  # a decoder bug must not stop the consumer; it is reported as one
            at.add("decoder-error", None, f"{type(exc).__name__}: {exc}")
        return Decoded(findings=at.findings)

    def _decode(self, record: Record, at: _At) -> RowChange:
        if record.key is None and record.value is None:
            raise _Problem("missing-key", "key", "a tombstone without a key names no row")
        key = self._read(record, "key", record.key, at) if record.key is not None else None
        if key:
            at.database, at.table = self._names(key.schema, "key")
        value = self._read(record, "value", record.value, at) if record.value is not None else None
        if value:
            named = self._names(value.schema, "value")
            if key and named != (at.database, at.table):
                raise _Problem("bad-naming", "name", "key and value records name different tables")
            at.database, at.table = named
        assert at.database is not None and at.table is not None
        upstream = self._lookup(at.database, at.table) if self._lookup else None
        if self._lookup and upstream is None:
            at.add("bad-naming", "name", f"no upstream table {at.database}.{at.table}")
        names = {sanitize_name(c.name): c for c in upstream.columns} if upstream else {}
        self._check_schemas(record.topic, key, value, upstream, at)
        key_image = self._image(key, names, at) if key else {}
        at.key = tuple(key_image.values()) if key else None
        if value is None:
            assert key is not None
            self._remember(record, at, None)
            return RowChange("delete", self._table(key, key, names, at), key_image, None)
        if key is None and upstream is not None and upstream.key:
            at.add("missing-key", "key", f"{upstream.qualified} has key {upstream.key} but no key was sent")
        for f in key.fields if key else ():
            if key and f["name"] in value.record and key.record[f["name"]] != value.record[f["name"]]:
                at.add("key-value-disagree", f["name"], "the key's value differs from the row's")
        after = self._image(value, names, at)
        kind, commit_ts = self._extension(value, at)
        self._remember(record, at, commit_ts)
        table = self._table(value, key, names, at)
        return RowChange(kind, table, key_image if kind == "update" else None, after)

    def _read(self, record: Record, part: Literal["key", "value"], data: bytes, at: _At) -> _Part:
        if len(data) < HEADER.size:
            raise _Problem("malformed", part, f"{len(data)} bytes: shorter than the 5-byte Confluent header")
        if data[0] != MAGIC:
            raise _Problem("bad-magic", part, f"magic byte {data[0]}; Confluent's wire format starts with 0")
        schema = self._schema(HEADER.unpack_from(data)[1], part)
        subject = subject_of(record.topic, part)
        if not self._registered_under(subject, schema.schema_id):
            at.add("bad-naming", "subject", f"schema id {schema.schema_id} is not registered under "
                   f"{subject!r} (TopicNameStrategy for topic {record.topic!r})")
        body = io.BytesIO(data[HEADER.size:])
        try:
            decoded = fastavro.schemaless_reader(body, schema.parsed, None)
        except Exception as exc:  # fastavro raises many types on bad bytes
            raise _Problem("malformed", part, f"body does not decode with schema {schema.schema_id}: "
                           f"{type(exc).__name__}: {exc}") from None
        left = len(data) - HEADER.size - body.tell()
        if left or not isinstance(decoded, dict):
            raise _Problem("malformed", part, f"{left} bytes follow the record of schema {schema.schema_id}")
        return _Part(schema, decoded)

    def _schema(self, schema_id: int, part: str) -> _Schema:
        cached = self._schemas.get(schema_id)
        if cached is None:
            try:
                text = self._registry.get_schema(schema_id).schema_str
            except SchemaRegistryError as exc:
                if exc.http_status_code != 404:
                    raise _Problem("registry-error", part, f"schema id {schema_id}: {exc}") from None
                cached = _Problem("unknown-schema-id", part, f"schema id {schema_id} is not in the registry")
            except Exception as exc:
                raise _Problem("registry-error", part, f"schema id {schema_id}: {exc}") from None
            else:
                cached = self._parse(schema_id, text or "")
            self._schemas[schema_id] = cached
        if isinstance(cached, _Problem):
            raise _Problem(cached.kind, part, cached.why)
        return cached

    @staticmethod
    def _parse(schema_id: int, text: str) -> _Schema | _Problem:
        try:
            raw = json.loads(text)
            if not isinstance(raw, dict) or raw.get("type") != "record":
                raise ValueError("not a record schema")
            return _Schema(schema_id, raw, fastavro.parse_schema(copy.deepcopy(raw)))
        except Exception as exc:
            return _Problem("malformed", "schema", f"schema id {schema_id} is no Avro record: {exc}")

    def _registered_under(self, subject: str, schema_id: int) -> bool:
        if (subject, schema_id) not in self._subjects:
            try:
                found = self._registry.lookup_schema(subject, self._registry.get_schema(schema_id))
                self._subjects[subject, schema_id] = found.schema_id == schema_id
            except SchemaRegistryError as exc:
                if exc.http_status_code != 404:
                    return True  # cannot tell now; asked again with the next record
                self._subjects[subject, schema_id] = False
        return self._subjects[subject, schema_id]

    @staticmethod
    def _names(schema: _Schema, part: str) -> tuple[str, str]:
        name, namespace = schema.raw.get("name"), schema.raw.get("namespace")
        if not isinstance(name, str) or not name or sanitize_name(name) != name:
            raise _Problem("bad-naming", "name", f"{part} record name {name!r} is not a sanitised table name")
        database = namespace[len(NAMESPACE) + 1:] if isinstance(namespace, str) else ""
        if namespace != f"{NAMESPACE}.{database}" or not database or sanitize_name(database) != database:
            why = f"{part} namespace {namespace!r} is not '{NAMESPACE}.<database>'"
            raise _Problem("bad-naming", "namespace", why)
        return database, name

    def _check_schemas(
        self, topic: str, key: _Part | None, value: _Part | None, upstream: TableSchema | None, at: _At
    ) -> None:
        ids = (topic, key and key.schema.schema_id, value and value.schema.schema_id, upstream)
        if ids in self._checked:
            return  # reported with the first record that used these schemas
        self._checked.add(ids)
        if value:
            self._check_extension(value.schema.raw["fields"], at)
            self._check_fields(value.fields, upstream.columns if upstream else None, at)
        if key:
            self._check_fields(key.fields, key_columns(upstream) if upstream else None, at, "key")
            if upstream is None and value:
                by_name = {f["name"]: f["type"] for f in value.fields}
                for f in key.fields:
                    if by_name.get(f["name"]) != f["type"]:
                        at.add("key-value-disagree", f["name"], "the key field is not the value's column")

    def _check_extension(self, fields: list[dict[str, Any]], at: _At) -> None:
        present = {f["name"]: f for f in fields if f["name"] in _EXTENSION}
        for name, expected in _EXTENSION.items():
            got = present.get(name)
            if not self.options.enable_tidb_extension:
                if got:
                    at.add("extra-field", name, "the TiDB extension is off, yet the value carries it")
            elif got is None:
                at.add("missing-field", name, "the TiDB extension is on; the value lacks it")
            elif got != expected:
                at.add("type-mismatch", name, f"expected {json.dumps(expected)}, got {json.dumps(got)}")

    def _check_fields(
        self, fields: list[dict[str, Any]], columns: tuple[Column, ...] | None, at: _At, part: str = "value"
    ) -> None:
        actual = {f["name"]: f for f in fields}
        expected = {sanitize_name(c.name): c for c in columns or ()}
        for name, column in expected.items():
            if name not in actual:
                kind = "key-value-disagree" if part == "key" else "missing-field"
                at.add(kind, column.name, f"upstream {part} column {column.name!r} has no field")
        for name, f in actual.items():
            type_, nullable = _unwrap(f["type"])
            if columns is not None and name not in expected:
                kind = "key-value-disagree" if part == "key" else "extra-field"
                at.add(kind, name, f"the {part} has a field for no upstream {part} column")
                continue
            try:
                column = expected[name] if name in expected else column_of(name, type_, nullable)
            except ValueError as exc:
                at.add("type-mismatch", name, str(exc))
                continue
            want = avro_type(column, self.options)
            lax = column.unsigned and column.type == "int" and columns is None and type_.get("type") == "int"
            if type_ != want and not (lax and type_ == {**want, "type": "int"}):
                at.add("type-mismatch", column.name, f"expected {json.dumps(want)}, got {json.dumps(type_)}")
            if nullable != column.nullable or (nullable and not self._null_union_ok(f)):
                at.add("type-mismatch", column.name, f"nullability: column nullable={column.nullable}, "
                       f"field type {json.dumps(f['type'])} default {json.dumps(f.get('default'))}")

    @staticmethod
    def _null_union_ok(f: dict[str, Any]) -> bool:
        # avro.go: ["null", T] defaulting to null, or [T, "null"] when the DEFAULT is not null
        first = f["type"][0]
        return (first != "null" and "default" in f) or (first == "null" and f.get("default", 0) is None)

    def _table(self, part: _Part, key: _Part | None, names: dict[str, Column], at: _At) -> TableSchema:
        columns = []
        for f in part.fields:
            type_, nullable = _unwrap(f["type"])
            try:
                columns.append(column_of(names[f["name"]].name if f["name"] in names else f["name"],
                                         type_, nullable))
            except ValueError as exc:
                raise _Problem("type-mismatch", f["name"], str(exc)) from None
        keys = tuple(names[f["name"]].name if f["name"] in names else f["name"] for f in key.fields) \
            if key else ()
        return TableSchema(at.database or "", at.table or "", tuple(columns), keys)

    def _image(self, part: _Part, names: dict[str, Column], at: _At) -> dict[str, Any]:
        image, bad = {}, False
        for f in part.fields:
            type_, nullable = _unwrap(f["type"])
            try:
                column = column_of(f["name"], type_, nullable)
                upstream = names.get(f["name"])
                tt = type_["connect.parameters"]["tidb_type"]
                raw = part.record.get(f["name"])
                image[upstream.name if upstream else f["name"]] = self._value(upstream or column, tt, raw)
            except (ValueError, TypeError, ArithmeticError, KeyError) as exc:
                at.add("bad-value", f["name"], f"{type(exc).__name__}: {exc}")
                bad = True
        if bad:
            raise _Unusable
        return image

    def _value(self, check: Column, tt: str, raw: Any) -> Any:
        """A canonical value (refcdc.changes) from the Avro one; ValueError says why it is wrong."""
        if raw is None:
            return None
        form = _TEXT_FORMS.get(tt)
        if isinstance(raw, str) and form is not None:
            if not form.fullmatch(raw):
                raise ValueError(f"{raw!r} is not TiDB's text for {tt}")
            digits = len(raw.partition(".")[2])
            if tt in ("DATETIME", "TIMESTAMP", "TIME") and digits != min(check.fsp or 0, 6):
                raise ValueError(f"{raw!r} has {digits} fractional digits, the column's fsp is {check.fsp}")
            if tt == "DECIMAL" and check.scale is not None and digits != check.scale:
                raise ValueError(f"{raw!r} has {digits} digits after the point, the scale is {check.scale}")
        if tt == "BIGINT UNSIGNED":
            raw = int(raw) if isinstance(raw, str) else raw + 2**64 if raw < 0 else raw
        elif tt == "BIT":
            if len(raw) != max(1, ((int.from_bytes(raw, "big")).bit_length() + 7) // 8):
                raise ValueError(f"{raw!r}: TiCDC writes BIT as its shortest big-endian bytes")
            raw = int.from_bytes(raw, "big")
        elif tt == "DECIMAL" and isinstance(raw, str):
            raw = Decimal(raw)
        valid = canonical(check, raw)
        if tt == "FLOAT":
            return float32(raw)
        return raw if tt in ("JSON", "SET", "ENUM") else valid

    def _extension(self, value: _Part, at: _At) -> tuple[RowKind, int | None]:
        if not self.options.enable_tidb_extension:
            return "insert", None
        op, ts = value.record.get(TIDB_OP), value.record.get(TIDB_COMMIT_TS)
        if op not in ("c", "u"):
            raise _Problem("bad-value", TIDB_OP, f"{op!r}: TiCDC writes 'c' (insert) or 'u' (update)")
        if not isinstance(ts, int) or ts <= 0:
            raise _Problem("bad-value", TIDB_COMMIT_TS, f"{ts!r} is no commit timestamp")
        if value.record.get(TIDB_PHYSICAL_TIME) != physical_ms(ts):
            at.add("bad-value", TIDB_PHYSICAL_TIME, f"{value.record.get(TIDB_PHYSICAL_TIME)!r} is not "
                   f"the physical part of commit ts {ts} ({physical_ms(ts)})")
        return ("insert" if op == "c" else "update"), ts

    def _remember(self, record: Record, at: _At, commit_ts: int | None) -> None:
        """Flag exact repeats and commit timestamps going back for the record's row key."""
        if at.key is None:
            return  # a keyless row has no identity to follow
        hasher = hashlib.blake2b(digest_size=16)
        for data in (record.key, record.value):
            hasher.update(b"\0" if data is None else b"\1" + len(data).to_bytes(8, "big") + data)
        digest = hasher.digest()
        seen = self._seen.setdefault((record.topic, record.partition), {})
        ident = (at.database, at.table, at.key)
        last = seen.get(ident)
        if last and last.digest == digest:
            at.add("duplicate", None, f"same key and value as offset {last.offset}")
        if last and commit_ts is not None and last.commit_ts is not None and commit_ts < last.commit_ts:
            at.add("out-of-order", TIDB_COMMIT_TS,
                   f"commit ts {commit_ts} comes after {last.commit_ts} (offset {last.offset}) for this key")
        if commit_ts is None and last is not None:
            commit_ts = last.commit_ts  # a tombstone has no timestamp: keep the key's last one
        seen[ident] = _Seen(record.offset, digest, commit_ts)
