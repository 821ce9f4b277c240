"""Strict decoding of Debezium's change events (MySQL connector), from Debezium's documented format
(sinkmatrix.formats.debezium): the envelope, `source`, the op and the images it needs, each column's Connect
schema under the connector's handling modes, tombstones after deletes, the order of a key's changes,
the topic and schema names Debezium derives (sinkmatrix.formats.debezium_names), and - once every schema
change before it is known - the message key Debezium chose for that version of the table
(sinks.debezium_settle). Schema-change events are judged and become the view's DDL
(sinks.debezium_schema_change); a TRUNCATE (op `t`, with skipped.operations=none) empties the table
at its place in the binlog. Every deviation becomes a located Finding; nothing here raises.

The value's wire form is pluggable: JSON with the converter's schemas, JSON without them, or Avro
(Confluent's AvroConverter: the wire frame and the Connect schema read back from the registry's
Avro schema) — the checks after parsing are the same.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from dsl.identifiers import quote
from sinkmatrix.formats import debezium as dbz
from sinkmatrix.formats import debezium_releases as releases
from sinkmatrix.formats.debezium_names import Naming
from sinkmatrix.model.changes import DdlChange, RowChange, RowKind
from sinkmatrix.model.schema import TableSchema
from sinks.base import Record, SchemaLookup, judged_by_versions
from sinks.canal_frame import Check, describe
from sinks.clock_order import Clock, ClockedDecoded
from sinks.debezium_history import DebeziumHistory, TableVersion
from sinks.debezium_images import Images, renamed
from sinks.debezium_schema_change import SchemaChanges
from sinks.debezium_settle import Row, settle_row
from sinks.key_order import KeyOrder

_KINDS: dict[str, RowKind] = {"c": "insert", "r": "insert", "u": "update", "d": "delete"}
_VERSION = re.compile(r"^\d+\.\d+\.\d+\.[A-Za-z0-9]+$")


class Parsed:
    """One record's key and value as plain values plus, where the wire carries them, their Connect
    schemas (`None`: schemaless JSON, where the upstream table stands in)."""

    def __init__(
        self, key: Any, key_schema: dict[str, Any] | None, value: Any, value_schema: dict[str, Any] | None
    ) -> None:
        self.key, self.key_schema, self.value, self.value_schema = key, key_schema, value, value_schema


Parser = Callable[[Record, Check], Parsed | None]
# one part of a record (key or value): (its value, its Connect schema), or None after a finding
PartReader = Callable[[str, bytes, Check], "tuple[Any, dict[str, Any] | None] | None"]


def parser_of(read: PartReader) -> Parser:
    """A Parser that reads a record's key and value each with `read` (a null part stays null)."""

    def parse(record: Record, check: Check) -> Parsed | None:
        parts: list[Any] = []
        for name, raw in (("key", record.key), ("value", record.value)):
            if raw is None:
                parts += [None, None]
                continue
            one = read(name, raw, check)
            if one is None:
                return None
            parts += one
        return Parsed(parts[0], parts[1], parts[2], parts[3])

    return parse


class DebeziumDecoder:
    """Decodes one partition's Debezium records. `lookup` gives the upstream table a record's columns
    are checked against (and that schemaless JSON is read by); `history` (shared by a view's
    decoders) what Debezium's schema-change events said of each table."""

    def __init__(
        self,
        *,
        parser: Parser,
        modes: dbz.Modes,
        topic_prefix: str,
        lookup: SchemaLookup,
        version: str | None = None,
        producer: dbz.Producer = dbz.PRODUCERS["debezium"],
        history: DebeziumHistory | None = None,
        naming: Naming | None = None,
        databases: str = "",
        later: Sequence[str] = (),
    ) -> None:
        """`databases`: the prefix of the databases whose DDL the view applies; `later`: releases the
        CDC moved on to while running (an upgrade), a live list."""
        self.parse, self.modes, self.prefix, self.lookup = parser, modes, topic_prefix, lookup
        self.producer = producer
        self.version = version or producer.version  # the release source.version must name, if known
        self.later = later
        self._connect_json = bool(getattr(parser, "connect_json", False))  # value schemas as JSON
        self.history = history if history is not None else DebeziumHistory()
        self.naming = naming if naming is not None else Naming(topic_prefix)
        self._schema_changes = SchemaChanges(self.history, lookup, databases)
        self._order = KeyOrder()
        self._last: Clock | None = None  # this partition's last clock
        self._tombstone_due: dict[tuple[str, Any], int] = {}  # (topic, a delete's key) -> its offset
        self._images = Images(modes)

    def decode(self, record: Record) -> ClockedDecoded:
        check = Check(record)
        try:
            return self._decode(record, check)
        except Exception as exc:  # the Decoder protocol promises findings, never exceptions
            check("malformed", None, f"decoder failed on this record: {type(exc).__name__}: {exc}")
            return self._out(check)

    def _out(self, check: Check, changes: list[Any] | None = None, **clocked: Any) -> ClockedDecoded:
        """What a record decoded to, placed at its clock (the partition's last when it has none)."""
        clock = clocked.pop("clock", None)
        if clock is not None:
            self._last = max(self._last or clock, clock)
        scope = clocked.pop("scope", None) or check.database or ""
        return ClockedDecoded(changes=changes or [], findings=check.findings, clock=clock or self._last,
                              scope=scope, **clocked)

    # -- records

    def _decode(self, record: Record, check: Check) -> ClockedDecoded:
        prefixed = self.producer.prefixed_topics
        if prefixed and record.topic == self.prefix:
            return self._schema_change(record, check)
        guessed = dbz.topic_parts(record.topic, self.prefix) if prefixed else None
        if prefixed and guessed is None:
            check("bad-naming", None, f"topic {record.topic!r} is not '{self.prefix}.<database>.<table>'")
            return self._out(check)
        if guessed is not None:  # an unreadable record is still its topic's table's (names sanitized)
            check.database, check.table = guessed
        parsed = self.parse(record, check)
        if parsed is None:
            return self._out(check)
        if parsed.key is not None and type(parsed.key) is not dict:
            check("wrong-type", "key", f"{describe(parsed.key)}, expected an object of the key's columns")
            return self._out(check)
        if parsed.value is None:
            return self._tombstone(record, parsed.key, check)
        where = _source_table(parsed.value, check)
        if where is None:
            return self._out(check)
        check.database, check.table = where
        if prefixed and self.naming.topic(*where) != record.topic:
            check("bad-naming", "source.table", f"{where[0]}.{where[1]}: Debezium writes that table to "
                  f"{self.naming.topic(*where)!r}, not to {record.topic!r}")
        return self._change(record, where, parsed, check)

    def _schema_change(self, record: Record, check: Check) -> ClockedDecoded:
        parsed = self.parse(record, check)
        if parsed is None or parsed.value is None:
            return self._out(check)
        source = parsed.value.get("source") if type(parsed.value) is dict else None
        clock = dbz.clock_of(source) if type(source) is dict else None
        decoded = self._schema_changes.decode(parsed.value, clock, check)
        if decoded.clock is not None:
            self._last = max(self._last or decoded.clock, decoded.clock)
        decoded.clock = decoded.clock or self._last
        return decoded

    def _tombstone(self, record: Record, key: dict[str, Any] | None, check: Check) -> ClockedDecoded:
        if key is None:
            return self._out(check)  # a keyless table's delete: Debezium's tombstone has no key either
        if self._tombstone_due.pop((record.topic, _frozen(key)), None) is None:
            check(
                "bad-shape",
                "value",
                f"a tombstone for key {key} with no delete of that key before "
                "it in this partition (Debezium writes one right after each delete)",
            )
        return self._out(check)

    def _change(self, record: Record, where: tuple[str, str], parsed: Parsed, check: Check) -> ClockedDecoded:
        payload = parsed.value
        if type(payload) is not dict:
            check("wrong-type", "value", f"{describe(payload)}, expected the envelope object")
            return self._out(check)
        self._envelope_fields(payload, check)
        op = payload.get("op")
        source = payload.get("source")
        clock = dbz.clock_of(source) if type(source) is dict and self.producer.clock == "binlog" else None
        if op == "t":
            return self._truncate(where, parsed, payload, clock, check)
        kind = _KINDS.get(op) if isinstance(op, str) else None
        if kind is None:
            check("bad-value", "op", f"{op!r}: Debezium writes c, u, d, r or t for a row change")
            return self._out(check, clock=clock)
        self._source(source, where, check)
        if self._connect_json and parsed.value_schema is not None and type(source) is dict:
            self._source_schema(parsed.value_schema, source.get("version"), check)
        for name in ("ts_ms", "ts_us", "ts_ns"):
            if name in payload and (type(payload[name]) is not int or payload[name] <= 0):
                check("wrong-type", name, f"{describe(payload[name])}, expected a positive integer time")
        if payload.get("transaction") is not None:
            check(
                "unsupported-option",
                "transaction",
                "transaction metadata (provide.transaction.metadata=true): this adapter does not "
                "check transaction boundaries; set provide.transaction.metadata=false for this sink",
            )
        before, after = payload.get("before"), payload.get("after")
        for name, image, wanted in (
            ("before", before, kind in ("update", "delete")),
            ("after", after, kind in ("insert", "update")),
        ):
            if wanted and type(image) is not dict:
                check("bad-shape", name, f"{describe(image)}; op {op!r} carries the row here")
            elif not wanted and image is not None:
                check("bad-shape", name, f"{describe(image)}; op {op!r} writes null here")
        if check.findings:
            return self._out(check, clock=clock)
        real = self._real_names(where)
        before, after = renamed(before, real), renamed(after, real)
        names = list(after if type(after) is dict else before or {})
        table = self.lookup(where[0], where[1], names)
        if table is None:
            check("type-mismatch", None, "the upstream has no such table")
            return self._out(check, clock=clock)
        used: dict[str, dbz.FieldSchema] = {}

        def judged(version: TableSchema, into: Check = check) -> dict[str, dict[str, Any] | None]:
            used.clear()
            images = self._images
            schemas = images.column_schemas(parsed.value_schema, version, names, real, into)
            return {name: None if image is None else images.image(version, image, schemas, name, used, into)
                    for name, image in (("before", before), ("after", after))}

        rows = judged(table)
        if check.findings:  # written under an older version of the table?
            other = judged_by_versions(self.lookup, where[0], where[1], names, table, check.findings, 0,
                                       judged)
            if other is not None:
                table, rows = other
        image = rows["after"] if rows["after"] is not None else rows["before"]
        if image is None or check.findings:
            return self._out(check, clock=clock)
        check.key = tuple(image.get(k) for k in table.key)
        slot = (record.topic, _frozen(parsed.key)) if parsed.key is not None else None
        if slot is None:
            pass
        elif kind == "delete":
            self._tombstone_due[slot] = record.offset
        elif slot in self._tombstone_due:
            check("bad-shape", "value", "a change of a key whose delete was not followed by its tombstone")
            del self._tombstone_due[slot]
        if table.key and self._ordered(payload, kind, rows["before"], rows["after"], check) == "duplicate":
            return self._out(check, clock=clock)
        changes: list[Any] = [RowChange(kind, table, rows["before"], rows["after"])]
        row = Row(where[0], table, image, used, parsed.key, parsed.key_schema, parsed.value_schema is None)
        rescale = None
        if row.schemaless:  # a DECIMAL's scale travels in the schema only: read it as the history says

            def rescale(described: TableVersion) -> RowChange | None:
                if _scales_agree(table, described):
                    return None
                for other in getattr(self.lookup, "versions", lambda *_: [])(where[0], where[1], names):
                    if other is not table and _scales_agree(other, described):
                        quiet = Check(record)
                        again = judged(other, quiet)
                        if quiet.findings:
                            return None
                        return RowChange(kind, other, again["before"], again["after"])
                return None

        return self._out(check, changes, clock=clock, keyed=parsed.key is not None,
                         settle=self._settler(record, row, clock, changes, check.key, rescale))

    def _settler(self, record: Record, row: Row, clock: Clock | None, changes: list[Any],
                 key: tuple[Any, ...] | None,
                 rescale: Callable[[TableVersion], RowChange | None] | None) -> Callable[[], list[Any]]:
        """The checks that need every schema change before the record known (run at its release);
        `rescale`: a schemaless row read again under the table version whose DECIMAL scales are the
        ones Debezium described at the row's clock (a MODIFY that changed a scale after it)."""
        fallback = row.table.key if self.producer.name != "debezium" else None

        def settle() -> list[Any]:
            nonlocal row
            check = Check(record, database=row.database, table=row.table.name, key=key)
            version = self.history.at(row.database, row.table.name, clock) if clock is not None else None
            moved = rescale(version) if rescale is not None and version is not None else None
            if moved is not None and changes:
                changes[0] = moved
                image = moved.after if moved.after is not None else moved.before
                row = replace(row, table=moved.table, image=image or row.image)
            settle_row(row, version, fallback, self.naming, self._images.reader, check)
            if check.findings:
                changes.clear()  # a record with a finding is not applied
            return check.findings

        return settle

    def _truncate(self, where: tuple[str, str], parsed: Parsed, payload: dict[str, Any], clock: Clock | None,
                  check: Check) -> ClockedDecoded:
        """A TRUNCATE (skipped.operations without t): no key, no images; it empties the table."""
        self._source(payload.get("source"), where, check)
        if parsed.key is not None:
            check("bad-shape", "key", "a truncate event has no key")
        for name in ("before", "after"):
            if payload.get(name) is not None:
                check("bad-shape", name, f"{describe(payload.get(name))}; op 't' writes null here")
        if check.findings:
            return self._out(check, clock=clock)
        statement = f"TRUNCATE TABLE {quote(where[0])}.{quote(where[1])}"
        return self._out(check, [DdlChange(where[0], statement, "TRUNCATE")], clock=clock, barrier=True,
                         keyed=False)

    def _real_names(self, where: tuple[str, str]) -> Callable[[str], str] | None:
        """Field name -> column name where Debezium adjusts names (field.name.adjustment.mode): spelled
        back under avro_unicode, as Debezium's model spelled the column when the record was written
        (`CUSTOMER_TYPE`, which a later CHANGE COLUMN may have made `customer_type` upstream: the
        record's version of the table is found by that spelling); under avro ("_" may have been
        anything) by the upstream table's columns now."""
        if not self.naming.adjusts_fields:
            return None
        if self.naming.fields == "avro_unicode":
            return self.naming.column
        table = self.lookup(*where)
        columns = {self.naming.field(c.name): c.name for c in table.columns} if table is not None else {}
        return lambda field: columns.get(field, field)

    # -- parts of an event

    def _envelope_fields(self, payload: dict[str, Any], check: Check) -> None:
        expected = self.producer.envelope
        if self.producer.name == "debezium" and self.version and self.version.startswith("2."):
            expected = dbz.ENVELOPE_FIELDS_2X
        for name in expected:
            if name not in payload:
                check("missing-field", name, f"{self.producer.name} writes it in every change event")
        for name in payload:
            if name not in expected:
                check("extra-field", name, "not a field of Debezium's change-event envelope")

    def _source_schema(self, schema: dict[str, Any], version: Any, check: Check) -> None:
        """The `source` block's schema version, as the release that wrote the record writes it
        (sinkmatrix.formats.debezium_releases)."""
        release = releases.release_of(version) if self.producer.clock == "binlog" else None
        field = next((f for f in schema.get("fields", ()) if type(f) is dict and f.get("field") == "source"),
                     None)
        if release is None or field is None:
            return
        expected, written = releases.source_schema_version(release), field.get("version")
        if written != expected:
            check("bad-value", "schema.source.version", f"{written!r}, but Debezium {version} writes "
                  f"{expected!r} (versioned from 3.1.0: DBZ-8499)")

    def _source(self, source: Any, where: tuple[str, str], check: Check) -> None:
        if type(source) is not dict:
            check("wrong-type", "source", f"{describe(source)}, expected the source object")
            return
        producer = self.producer
        for name in producer.source_required:
            if name not in source:
                check("missing-field", f"source.{name}", f"{producer.name} writes it in every event")
        for name in source:
            if name not in producer.source_fields:
                check("extra-field", f"source.{name}", f"not a field of {producer.name}'s source block")
        version = source.get("version")
        if not isinstance(version, str) or not _VERSION.match(version):
            check("bad-value", "source.version", f"{version!r} is not a Debezium release ('3.6.3.Final')")
        elif self.version and not any(version.startswith(v) for v in (self.version, *self.later)):
            ran = " then ".join((self.version, *self.later))
            check("bad-value", "source.version", f"{version!r}, but this cell runs Debezium {ran}")
        if source.get("connector") != producer.connector:
            check("bad-value", "source.connector",
                  f"{source.get('connector')!r}, expected {producer.connector!r}")
        if producer.prefixed_topics and source.get("name") != self.prefix:
            check(
                "bad-value", "source.name", f"{source.get('name')!r} is not the topic prefix {self.prefix!r}"
            )
        snapshot = source.get("snapshot")
        if snapshot is not None and snapshot not in dbz.SNAPSHOT_VALUES:
            check(
                "bad-value", "source.snapshot", f"{snapshot!r} is not one of {', '.join(dbz.SNAPSHOT_VALUES)}"
            )
        for name in ("ts_ms", "pos", "row", "server_id"):
            if name in source and type(source[name]) is not int:
                check("wrong-type", f"source.{name}", f"{describe(source[name])}, expected an integer")
        file, commit_ts = source.get("file"), source.get("commit_ts")
        if producer.clock == "binlog" and (not isinstance(file, str) or "." not in file):
            check("bad-value", "source.file", f"{file!r} is not a binlog file name")
        if producer.clock == "commit_ts" and (type(commit_ts) is not int or commit_ts <= 0):
            check("wrong-type", "source.commit_ts", f"{describe(commit_ts)}, expected a TSO")

    def _ordered(self, payload: dict[str, Any], kind: RowKind, before: Any, after: Any, check: Check) -> str:
        source = payload["source"]
        if self.producer.clock == "commit_ts":
            stamp = int(source["commit_ts"])
        else:  # the binlog position of the row: exact, one per row change
            seq, pos, row = dbz.clock_of(source) or (0, 0, 0)
            stamp = (seq << 40 | pos) * 100_000 + row
        last = self._order.last_ts((check.database, check.table, check.key))
        verdict = self._order.see((check.database, check.table, check.key), stamp, before, after)
        where = f"{source['file']}:{source['pos']} row {source.get('row')}"
        if verdict == "out-of-order":
            check(
                "out-of-order",
                "source.pos",
                f"{where} comes after a later change of this key "
                f"(reordered, or an older change delivered again; last clock {last})",
            )
        elif verdict == "duplicate":
            check("duplicate", "source.pos", f"this {kind} at {where} was already delivered for this key")
        return verdict


def _source_table(payload: Any, check: Check) -> tuple[str, str] | None:
    source = payload.get("source") if type(payload) is dict else None
    db, table = (source.get("db"), source.get("table")) if type(source) is dict else (None, None)
    if not (isinstance(db, str) and db and isinstance(table, str) and table):
        check("missing-field", "source.db", "the event names no database and table")
        return None
    return db, table


def _scales_agree(table: TableSchema, described: TableVersion) -> bool:
    """Every DECIMAL column of `table` has the scale Debezium's schema-change event gave it."""
    for column in table.columns:
        if column.type == "decimal":
            said = described.columns.get(column.name)
            if said is not None and (said.get("scale") or 0) != (column.scale or 0):
                return False
    return True


def _frozen(key: dict[str, Any]) -> Any:
    return tuple(sorted((k, repr(v)) for k, v in key.items()))
