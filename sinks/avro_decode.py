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
extension only). `lookup(database, table)` answers the upstream table as the record's change saw it
(None: no such table); it is asked for every record, so it should answer from memory.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import io
import json
from typing import TYPE_CHECKING, Any, Literal

import fastavro

from dsl import ddl_effects
from sinkmatrix.formats import ticdc_avro as wire
from sinkmatrix.formats.releases import TICDC_CURRENT, Release
from sinkmatrix.model.changes import RowChange, RowKind
from sinkmatrix.model.schema import Column, TableSchema
from sinkmatrix.model.tso import physical_ms
from sinks.avro_fields import (
    CHECKSUM,
    EXTENSION,
    NOT_COLUMNS,
    At,
    Field,
    Plan,
    Problem,
    Schema,
    Seen,
    Unsupported,
    Unusable,
    column_of,
    names_of,
    unwrap,
    value_of,
)
from sinks.base import Decoded, Record, SchemaLookup, judged_by_versions

if TYPE_CHECKING:  # the client's module loads an HTTP stack: only where a registry is used
    from confluent_kafka.schema_registry import SchemaRegistryClient


Part = Literal["key", "value"]
Images = tuple[dict[str, Any], dict[str, Any] | None] | None  # key and value images


class AvroDecoder:
    """The Decoder protocol for TiCDC's Avro. Feed each partition's records in offset order: it keeps
    per-key state by topic and partition."""

    def __init__(
        self,
        registry: SchemaRegistryClient,
        *,
        decimal_mode: wire.DecimalMode = "precise",
        bigint_unsigned_mode: wire.UnsignedMode = "long",
        enable_tidb_extension: bool = False,
        lookup: SchemaLookup | None = None,
        release: Release = TICDC_CURRENT,
    ) -> None:
        self.options = wire.AvroOptions(decimal_mode, bigint_unsigned_mode, enable_tidb_extension, release)
        self._registry, self._lookup = registry, lookup
        self._tables: dict[tuple[Any, ...], tuple[Plan, Plan | None, TableSchema]] = {}
        self._schemas: dict[int, Schema | Problem] = {}
        self._subjects: dict[tuple[str, int], bool] = {}
        self._plans: dict[tuple[int, int], tuple[TableSchema | None, Plan]] = {}
        self._checked: set[tuple[Any, ...]] = set()
        self._seen: dict[tuple[str, int], dict[tuple[Any, ...], Seen]] = {}
        self._named: dict[tuple[int, str | None, str | None], list[str]] = {}

    def decode(self, record: Record) -> Decoded:
        at = At(record)
        try:
            return Decoded(changes=[self._decode(record, at)], findings=at.findings)
        except Problem as problem:
            at.add(problem.kind, problem.field, problem.why)
        except Unusable:
            pass
        except Exception as exc:  # a decoder bug must not stop the consumer; it is reported as one
            at.add("decoder-error", None, f"{type(exc).__name__}: {exc}")
        return Decoded(findings=at.findings)

    def _decode(self, record: Record, at: At) -> RowChange:
        if record.key is None and record.value is None:
            raise Problem("missing-key", "key", "a tombstone without a key names no row")
        key = self._read(record, "key", at) if record.key is not None else None
        value = self._read(record, "value", at) if record.value is not None else None
        self._resolve(at)
        names = self._column_names(value[0], at) if value else None
        upstream = self._lookup(at.database or "", at.table or "", names=names) if self._lookup else None
        if self._lookup and upstream is None:
            at.add("bad-naming", "name", f"no upstream table {at.database}.{at.table}")

        def planned(version: TableSchema | None) -> tuple[Plan | None, Plan | None, Images]:
            key_plan = self._plan(key[0], version) if key else None
            value_plan = self._plan(value[0], version) if value else None
            self._check(record.topic, key_plan, value_plan, value and value[0], version, at)
            images: Images = None
            if not any(plan and plan.bad for plan in (key_plan, value_plan)):
                with contextlib.suppress(Unusable):  # the values too: a MODIFY COLUMN changes them
                    images = (self._image(key[1], key_plan, at) if key and key_plan else {},
                              self._image(value[1], value_plan, at) if value and value_plan else None)
            return key_plan, value_plan, images

        start = len(at.problems)
        key_plan, value_plan, images = planned(upstream)

        def clean(plans: tuple[Plan | None, Plan | None, Images]) -> bool:
            return not any(p and p.bad for p in plans[:2]) and plans[2] is not None

        if names and upstream is not None and (len(at.problems) > start
                                               or not clean((key_plan, value_plan, images))):
            other = judged_by_versions(self._lookup, at.database or "", at.table or "", names, upstream,
                                       at.problems, start, planned, clean)  # an older version's message?
            if other is not None:
                upstream, (key_plan, value_plan, images) = other
        for plan in (key_plan, value_plan):
            for name, kind, why in plan.bad if plan else ():
                at.add(kind, name, why)
        if images is None:
            raise Unusable
        key_image, after = images
        at.key = tuple(key_image.values()) if key else None
        if value is None or after is None or value_plan is None:
            assert key_plan is not None
            self._remember(record, at, None)
            return RowChange("delete", self._table(key_plan, key_plan, at), key_image, None)
        if key is None and upstream is not None and upstream.key:
            at.add("missing-key", "key", f"{upstream.qualified} has key {upstream.key}; no key was sent")
        for name, raw in key[1].items() if key else ():
            if name in value[1] and value[1][name] != raw:
                at.add("key-value-disagree", name, f"key {raw!r}, value {value[1][name]!r}")
        kind, commit_ts = self._extension(value[1], at)
        self._remember(record, at, commit_ts)
        table = self._table(value_plan, key_plan, at)
        return RowChange(kind, table, key_image if kind == "update" else None, after)

    def _resolve(self, at: At) -> None:
        """The upstream table the record's sanitised names stand for (TiCDC's Avro names only allow
        [A-Za-z0-9_]: helper.go SanitizeName makes `中文` `__`), when the lookup can tell: the one
        upstream table whose database and name sanitise to the record's namespace and name."""
        resolve = getattr(self._lookup, "resolve", None)
        if resolve is None or at.database is None or at.table is None:
            return
        found = resolve(at.database, at.table, wire.sanitize_name)
        if len(found) == 1:
            at.database, at.table = found[0]
        elif found:
            named = ", ".join(f"{d}.{t}" for d, t in found)
            raise Problem("bad-naming", "name", f"upstream tables {named} all sanitise to "
                           f"{at.database}.{at.table}: the record cannot say which it is")

    def _column_names(self, schema: Schema, at: At) -> list[str]:
        """The value's fields as the upstream names its columns (a field's name is sanitised)."""
        slot = (schema.schema_id, at.database, at.table)
        names = self._named.get(slot)
        if names is None:
            fields = [c["name"] for c in schema.columns]
            newest = self._lookup(at.database or "", at.table or "") if self._lookup else None
            real = {wire.sanitize_name(c.name): c.name for c in newest.columns} if newest else {}
            names = self._named[slot] = [real.get(f, f) for f in fields]
        return names

    def _read(self, record: Record, part: Part, at: At) -> tuple[Schema, dict[str, Any]]:
        data = (record.key if part == "key" else record.value) or b""
        if len(data) < wire.HEADER.size:
            raise Problem("malformed", part, f"{len(data)} bytes: shorter than the 5-byte Confluent header")
        if data[0] != wire.MAGIC:
            raise Problem("bad-magic", part, f"magic byte {data[0]}; Confluent's wire format starts with 0")
        schema = self._schema(wire.HEADER.unpack_from(data)[1], part)
        if len(schema.names) == 3:
            kind, name, why = schema.names
            raise Problem(kind, name, f"{part} {why}")
        if at.database is not None and schema.names != (at.database, at.table):
            raise Problem("bad-naming", "name", "key and value records name different tables")
        at.database, at.table = schema.names
        subject = wire.subject_of(record.topic, part)
        if not self._registered_under(subject, schema.schema_id):
            at.add("bad-naming", "subject", f"schema id {schema.schema_id} is not registered under "
                   f"{subject!r} (TopicNameStrategy for topic {record.topic!r})")
        body = io.BytesIO(data[wire.HEADER.size:])
        try:
            decoded = fastavro.schemaless_reader(body, schema.parsed, None)
        except Exception as exc:  # fastavro raises many types on bad bytes
            raise Problem("malformed", part, f"body does not decode with schema {schema.schema_id}: "
                           f"{type(exc).__name__}: {exc}") from None
        left = len(data) - wire.HEADER.size - body.tell()
        if left or not isinstance(decoded, dict):
            raise Problem("malformed", part, f"{left} bytes follow the record of schema {schema.schema_id}")
        return schema, decoded

    def _schema(self, schema_id: int, part: Part) -> Schema:
        cached = self._schemas.get(schema_id)
        if cached is None:
            from confluent_kafka.schema_registry import SchemaRegistryError  # loaded with the client
            try:
                text = self._registry.get_schema(schema_id).schema_str
            except SchemaRegistryError as exc:
                if exc.http_status_code != 404:
                    raise Problem("registry-error", part, f"schema id {schema_id}: {exc}") from None
                cached = Problem("unknown-schema-id", part, f"schema id {schema_id} is not in the registry")
            except Exception as exc:
                raise Problem("registry-error", part, f"schema id {schema_id}: {exc}") from None
            else:
                cached = self._parse(schema_id, text or "")
            self._schemas[schema_id] = cached
        if isinstance(cached, Problem):
            raise Problem(cached.kind, part, cached.why)
        return cached

    @staticmethod
    def _parse(schema_id: int, text: str) -> Schema | Problem:
        try:
            raw = json.loads(text)
            if not isinstance(raw, dict) or raw.get("type") != "record":
                raise ValueError("not a record schema")
            parsed = fastavro.parse_schema(copy.deepcopy(raw))
        except Exception as exc:
            return Problem("malformed", "schema", f"schema id {schema_id} is no Avro record: {exc}")
        columns = tuple(f for f in raw["fields"] if f["name"] not in NOT_COLUMNS)
        return Schema(schema_id, raw, parsed, columns, names_of(raw))

    def _registered_under(self, subject: str, schema_id: int) -> bool:
        if (subject, schema_id) not in self._subjects:
            from confluent_kafka.schema_registry import SchemaRegistryError  # loaded with the client
            try:
                found = self._registry.lookup_schema(subject, self._registry.get_schema(schema_id))
                self._subjects[subject, schema_id] = found.schema_id == schema_id
            except SchemaRegistryError as exc:
                if exc.http_status_code != 404:
                    return True  # cannot tell now; asked again with the next record
                self._subjects[subject, schema_id] = False
        return self._subjects[subject, schema_id]

    def _plan(self, schema: Schema, upstream: TableSchema | None) -> Plan:
        # keyed by the upstream version's identity: hashing a TableSchema hashes every column
        hit = self._plans.get((schema.schema_id, id(upstream)))
        if hit is not None and hit[0] is upstream:
            return hit[1]
        names = {wire.sanitize_name(c.name): c for c in upstream.columns} if upstream else {}
        fields, bad = [], []
        for raw in schema.columns:
            type_, nullable = unwrap(raw["type"])
            known = names.get(raw["name"])
            try:
                column = column_of(known.name if known else raw["name"], type_, nullable)
            except Unsupported as exc:
                bad.append((raw["name"], "unsupported-type", str(exc)))
                continue
            except ValueError as exc:
                bad.append((raw["name"], "type-mismatch", str(exc)))
                continue
            tt = type_["connect.parameters"]["tidb_type"]
            fields.append(Field(raw["name"], raw, column, known or column, tt,
                                 Field.span_of(known or column, tt)))
        plan = Plan(tuple(fields), tuple(bad))
        self._plans[schema.schema_id, id(upstream)] = (upstream, plan)
        return plan

    def _check(self, topic: str, key: Plan | None, value: Plan | None, schema: Schema | None,
               upstream: TableSchema | None, at: At) -> None:
        """Schema-level checks, reported with the first record that uses the schemas."""
        ids = (topic, id(key), id(value))
        if ids in self._checked:
            return
        self._checked.add(ids)
        if value and schema:
            self._check_extension(schema.raw["fields"], at)
            self._check_fields(value, upstream.columns if upstream else None, at, "value")
        if key:
            self._check_fields(key, wire.key_columns(upstream) if upstream else None, at, "key")
        if key and value and upstream is None:
            types = {f.name: f.raw["type"] for f in value.fields}
            for f in key.fields:
                if types.get(f.name) != f.raw["type"]:
                    at.add("key-value-disagree", f.name, "the key field is not the value's column")

    def _check_extension(self, fields: list[dict[str, Any]], at: At) -> None:
        checksum = [f["name"] for f in fields if f["name"] in CHECKSUM]
        if checksum:
            at.add("unsupported-option", checksum[0], f"{', '.join(checksum)}: {wire.CHECKSUM_OPTION}; this "
                   'adapter does not check row checksums: set integrity-check-level = "none" for this sink')
        present = {f["name"]: f for f in fields if f["name"] in EXTENSION}
        for name, expected in EXTENSION.items():
            got = present.get(name)
            if not self.options.enable_tidb_extension:
                if got:
                    at.add("extra-field", name, "the TiDB extension is off, yet the value carries it")
            elif got is None:
                at.add("missing-field", name, "the TiDB extension is on; the value lacks it")
            elif got != expected:
                at.add("type-mismatch", name, f"expected {json.dumps(expected)}, got {json.dumps(got)}")

    def _check_fields(self, plan: Plan, columns: tuple[Column, ...] | None, at: At, part: str) -> None:
        stray = "key-value-disagree" if part == "key" else "extra-field"
        names = {f.name for f in plan.fields} | {name for name, _kind, _why in plan.bad}
        for column in columns or ():
            if wire.sanitize_name(column.name) not in names:
                kind = "key-value-disagree" if part == "key" else "missing-field"
                at.add(kind, column.name, f"upstream {part} column {column.name!r} has no field")
        for f in plan.fields:
            if columns is not None and f.check is f.column:
                at.add(stray, f.name, f"the {part} has a field for no upstream {part} column")
                continue
            type_, nullable = unwrap(f.raw["type"])
            want = wire.avro_type(f.check, self.options)
            # Without the upstream, INT UNSIGNED may be an int (TINYINT..MEDIUMINT) or a long (INT).
            lax = columns is None and f.tidb_type == "INT UNSIGNED" and type_ == {**want, "type": "int"}
            if type_ != want and not lax:
                at.add("type-mismatch", f.name, f"expected {json.dumps(want)}, got {json.dumps(type_)}")
            first = f.raw["type"][0] if nullable else None
            # avro.go: ["null", T] defaulting to null, or [T, "null"] when the DEFAULT is not null
            union = (first == "null" and f.raw.get("default", 0) is None) or (
                first != "null" and "default" in f.raw)
            if nullable != f.check.nullable or (nullable and not union):
                at.add("type-mismatch", f.name, f"nullability: column nullable={f.check.nullable}, field "
                       f"type {json.dumps(f.raw['type'])} default {json.dumps(f.raw.get('default'))}")

    def _table(self, plan: Plan, key: Plan | None, at: At) -> TableSchema:
        # one object per plan pair: consumers cache statements per table object
        slot = (id(plan), id(key), at.database, at.table)
        hit = self._tables.get(slot)
        if hit is None or hit[0] is not plan or hit[1] is not key:
            keys = tuple(f.column.name for f in key.fields) if key else ()
            table = TableSchema(at.database or "", at.table or "", tuple(f.column for f in plan.fields), keys)
            if len(self._tables) > 4096:
                self._tables.clear()
            hit = self._tables[slot] = (plan, key, table)
        return hit[2]

    def _image(self, record: dict[str, Any], plan: Plan, at: At) -> dict[str, Any]:
        image, bad = {}, False
        for f in plan.fields:
            raw = record.get(f.name)
            if f.span is not None and type(raw) is int and f.span[0] <= raw <= f.span[1]:
                image[f.column.name] = raw
                continue
            try:
                image[f.column.name] = value_of(f.check, f.tidb_type, raw)
            except (ValueError, TypeError, ArithmeticError) as exc:
                at.add("bad-value", f.name, f"{type(exc).__name__}: {exc}")
                bad = True
        if bad:
            raise Unusable
        return image

    def _extension(self, record: dict[str, Any], at: At) -> tuple[RowKind, int | None]:
        if not self.options.enable_tidb_extension:
            return "insert", None
        op, ts = record.get(wire.TIDB_OP), record.get(wire.TIDB_COMMIT_TS)
        if op not in ("c", "u"):
            raise Problem("bad-value", wire.TIDB_OP, f"{op!r}: TiCDC writes 'c' (insert) or 'u' (update)")
        if not isinstance(ts, int) or ts <= 0:
            raise Problem("bad-value", wire.TIDB_COMMIT_TS, f"{ts!r} is no commit timestamp")
        physical = record.get(wire.TIDB_PHYSICAL_TIME)
        if physical != physical_ms(ts):
            at.add("bad-value", wire.TIDB_PHYSICAL_TIME,
                   f"{physical!r} is not the physical part of commit ts {ts} ({physical_ms(ts)})")
        return ("insert" if op == "c" else "update"), ts

    def _rows_removed(self, database: str, table: str) -> bool:
        """Whether DDL the upstream ran removed the table's rows (TRUNCATE, DROP, partition DDL): Avro
        carries no DDL, so a key written again after it repeats its old record exactly, and only a
        commit ts (the TiDB extension) could tell a replay from it."""
        ddl = getattr(self._lookup, "ddl", None)
        if ddl is None:
            return False
        return any((t.database, t.table) == (database, table)
                   for sql in ddl(database) for t in ddl_effects.effects(sql, database))

    def _remember(self, record: Record, at: At, commit_ts: int | None) -> None:
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
        if last and last.digest == digest and not self._rows_removed(at.database or "", at.table or ""):
            at.add("duplicate", None, f"same key and value as offset {last.offset}")
        if last and commit_ts is not None and last.commit_ts is not None and commit_ts < last.commit_ts:
            at.add("out-of-order", wire.TIDB_COMMIT_TS,
                   f"commit ts {commit_ts} comes after {last.commit_ts} (offset {last.offset}) for this key")
        if commit_ts is None and last is not None:
            commit_ts = last.commit_ts  # a tombstone has no timestamp: keep the key's last one
        seen[ident] = Seen(record.offset, digest, commit_ts)
