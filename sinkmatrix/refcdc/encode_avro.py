"""Avro row changes exactly as TiCDC emits them: Confluent wire format, TopicNameStrategy, TiCDC's types.

Followed (pingcap/tiflow): `pkg/sink/codec/avro/avro.go` (schemas, type mapping, values, extension
fields), `confluent_schema_registry.go` (wire header, one registration per schema change),
`pkg/sink/codec/common/helper.go` (name sanitising, ENUM/SET option escaping) and `cdc/model/sink.go`
(an update that changes the handle key reaches a Kafka sink as a delete and an insert).

A message's key is the handle key columns (a record of the same name as the value), its value all
columns; a delete is the key with a null value (a tombstone). DDL and watermarks carry nothing: TiCDC
sends them over Avro only in a testing mode (`avro-enable-watermark`) this encoder does not offer.
TIMESTAMP text is UTC, the changefeed time zone this assumes. A field's default is the column's
DEFAULT (sinkmatrix.formats.ticdc_avro.field_schema), so a column added with `NOT NULL DEFAULT 'x'` gives a
schema
the registry's BACKWARD compatibility accepts, as TiCDC's does. A table with a column of a type TiCDC
has no Avro type for (only types TiDB lacks: spatial ones, INET6) is left out, logged, until DDL in
its database.
"""

from __future__ import annotations

import decimal
import io
import json
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import fastavro
import structlog

from sinkmatrix.formats.ticdc_avro import (
    HEADER,
    MAGIC,
    TIDB_COMMIT_TS,
    TIDB_OP,
    TIDB_PHYSICAL_TIME,
    WIDE,
    AvroOptions,
    DecimalMode,
    UnsignedMode,
    format_datetime,
    format_time,
    key_columns,
    record_schema,
    sanitize_name,
    schema_text,
    signed_bytes,
    subject_of,
    tidb_type,
)
from sinkmatrix.model.changes import DdlChange, RowChange, Transaction
from sinkmatrix.model.schema import Column, TableSchema
from sinkmatrix.model.tso import physical_ms
from sinkmatrix.refcdc.encoders import Encoded

if TYPE_CHECKING:  # the client's module loads an HTTP stack: only where a registry is used
    from confluent_kafka.schema_registry import SchemaRegistryClient

log = structlog.get_logger(__name__)

class AvroEncodeError(Exception):
    """A row cannot be written as TiCDC's Avro (a type TiCDC has no mapping for, or a bad value)."""

    def __init__(self, table: str, column: str | None, why: str) -> None:
        self.table, self.column = table, column
        where = f"{table}.{column}" if column else table
        super().__init__(f"avro: {where}: {why}; keep such columns out of tables replicated as Avro")


class AvroNoType(AvroEncodeError):
    """A column of a type TiCDC has no Avro type for (avro.go columnToAvroSchema: ErrAvroUnknownType)."""


class AvroRegistryError(Exception):
    """The schema registry refused or failed a registration."""

    def __init__(self, subject: str, cause: Exception) -> None:
        self.subject, self.cause = subject, cause
        super().__init__(
            f"schema registry: registering subject {subject!r} failed: {cause}; check the registry is "
            "up and that the subject's compatibility level accepts the new schema (TiCDC needs NONE "
            "or BACKWARD with nullable added columns)"
        )


def avro_value(column: Column, value: Any, options: AvroOptions) -> Any:
    """A canonical row value as avro.go columnToAvroData writes it (None stays None)."""
    if value is None or (isinstance(value, str) and column.type in ("date", "datetime", "timestamp")):
        return value  # a zero date arrives as text already in TiDB's form
    tt = tidb_type(column)
    if tt == "BIGINT UNSIGNED":
        if options.bigint_unsigned_mode == "string":
            return str(value)
        return value - 2**64 if value >= 2**63 else value  # Go's int64(uint64) wraps
    if tt == "BIT":
        return value.to_bytes(max(1, (value.bit_length() + 7) // 8), "big")  # NewBinaryLiteralFromUint(v, -1)
    if tt == "DECIMAL":
        scale = column.scale or 0
        exact = WIDE.quantize(Decimal(value), Decimal(1).scaleb(-scale))
        if options.decimal_mode == "string":
            return f"{abs(exact) if exact == 0 else exact:f}"  # MyDecimal.String() keeps the scale
        return signed_bytes(int(exact.scaleb(scale, WIDE)))
    if tt == "BLOB":
        return bytes(value)
    if tt == "TEXT":
        return value.decode("utf-8") if isinstance(value, bytes) else str(value)
    if tt == "JSON":
        return value if isinstance(value, str) else json.dumps(value)
    if tt == "DATE":
        return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
    if tt in ("DATETIME", "TIMESTAMP"):
        moment = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
        return format_datetime(moment, column.fsp)
    if tt == "TIME":
        return format_time(value, column.fsp)
    if tt in ("FLOAT", "DOUBLE"):
        return float(value)
    return value


def frame(schema_id: int, body: bytes) -> bytes:
    """The Confluent wire format: magic byte 0, big-endian int32 schema id, Avro binary."""
    return HEADER.pack(MAGIC, schema_id) + body


@dataclass(frozen=True, slots=True)
class _Codec:
    """One registered record schema: the id to frame with and fastavro's parsed form."""

    schema_id: int
    parsed: Any
    columns: tuple[Column, ...]
    table: TableSchema  # the table it was made for (the cache is keyed by its identity)

    def write(self, table: TableSchema, record: dict[str, Any]) -> bytes:
        out = io.BytesIO()
        try:
            fastavro.schemaless_writer(out, self.parsed, record)
        except (ValueError, TypeError, OverflowError, struct.error) as exc:
            raise AvroEncodeError(table.qualified, None, f"fastavro cannot write the row: {exc}") from exc
        return frame(self.schema_id, out.getvalue())


class AvroEncoder:
    """The Encoder protocol for TiCDC's Avro; registers key and value schemas as tables change."""

    def __init__(
        self,
        registry: SchemaRegistryClient,
        *,
        decimal_mode: DecimalMode = "precise",
        bigint_unsigned_mode: UnsignedMode = "long",
        enable_tidb_extension: bool = False,
        topic_of: Callable[[str, str], str],
    ) -> None:
        self.options = AvroOptions(decimal_mode, bigint_unsigned_mode, enable_tidb_extension)
        self._registry = registry
        self._topic_of = topic_of
        self._codecs: dict[tuple[str, int, bool], _Codec] = {}
        self._ids: dict[tuple[str, str], int] = {}  # (subject, schema text) -> id
        self._untyped: set[tuple[str, str]] = set()  # tables with a column of a type without an Avro type

    def encode(self, txn: Transaction, commit_ts: int) -> list[Encoded]:
        out: list[Encoded] = []
        for change in txn.changes:
            if isinstance(change, DdlChange):
                if self._untyped:  # the table may have lost the column
                    self._untyped = {t for t in self._untyped if t[0] != change.schema}
                continue  # Avro carries no DDL; the next row registers the table's new schema
            if self._untyped and (change.table.database, change.table.name) in self._untyped:
                continue
            for row in split_key_change(change):
                try:
                    out.extend(self._row(row, commit_ts))
                except AvroNoType as exc:
                    # TiCDC stops here; but only a type TiDB lacks (a spatial one, MariaDB's INET6)
                    # meets it, in a table no TiCDC ever carries: the table is left out, the rest goes on
                    self._untyped.add((change.table.database, change.table.name))
                    log.warning("table left out: a column of a type TiCDC has no Avro type for",
                                table=change.table.qualified, column=exc.column, why=str(exc))
                    break
        return out

    def watermark(self, schema: str, table: str, commit_ts: int) -> list[Encoded]:
        return []  # TiCDC sends Avro checkpoints only with avro-enable-watermark (testing only)

    def _row(self, row: RowChange, commit_ts: int) -> list[Encoded]:
        table = row.table
        image = row.before if row.kind == "delete" else row.after
        assert image is not None, f"a {row.kind} carries its row image"
        topic = self._topic_of(table.database, table.name)
        handle = row.key_of(image) if table.key else None
        key = None
        if table.key:
            codec = self._codec(topic, table, key=True)
            key = codec.write(table, self._record(table, codec.columns, image))
        if row.kind == "delete":
            # A keyless table's delete would be a message with neither key nor value: TiCDC's own
            # consumer skips it, so nothing is sent.
            return [Encoded(table.database, table.name, key, None, handle)] if key else []
        codec = self._codec(topic, table, key=False)
        record = self._record(table, codec.columns, image)
        if self.options.enable_tidb_extension:
            record[TIDB_OP] = "c" if row.kind == "insert" else "u"
            record[TIDB_COMMIT_TS] = commit_ts
            record[TIDB_PHYSICAL_TIME] = physical_ms(commit_ts)
        return [Encoded(table.database, table.name, key, codec.write(table, record), handle)]

    def _record(
        self, table: TableSchema, columns: tuple[Column, ...], image: dict[str, Any]
    ) -> dict[str, Any]:
        record = {}
        for column in columns:
            value = image.get(column.name)
            try:
                record[sanitize_name(column.name)] = avro_value(column, value, self.options)
            except (TypeError, ValueError, AttributeError, decimal.InvalidOperation) as exc:
                raise AvroEncodeError(table.qualified, column.name, f"{value!r}: {exc}") from exc
        return record

    def _codec(self, topic: str, table: TableSchema, *, key: bool) -> _Codec:
        # keyed by the table object's identity: hashing a TableSchema hashes every column
        cached = self._codecs.get((topic, id(table), key))
        if cached is not None and cached.table is table:
            return cached
        columns = key_columns(table) if key else table.columns
        extension = not key and self.options.enable_tidb_extension
        try:
            schema = record_schema(table, columns, self.options, extension)
        except KeyError as exc:
            bad = next(c for c in columns if c.type == exc.args[0])
            why = f"TiCDC has no Avro type for {bad.column_type}"
            raise AvroNoType(table.qualified, bad.name, why) from None
        text = schema_text(schema)
        subject = subject_of(topic, "key" if key else "value")
        schema_id = self._ids.get((subject, text))
        if schema_id is None:
            try:
                from confluent_kafka.schema_registry import Schema  # loaded with the client
                schema_id = self._registry.register_schema(subject, Schema(text, "AVRO"))
            except Exception as exc:  # any failure of the registry call, HTTP or refusal
                raise AvroRegistryError(subject, exc) from exc
            self._ids[(subject, text)] = schema_id
        codec = _Codec(schema_id, fastavro.parse_schema(schema), columns, table)
        if len(self._codecs) > 4096:
            self._codecs.clear()
        self._codecs[(topic, id(table), key)] = codec
        return codec


def split_key_change(change: RowChange) -> Iterator[RowChange]:
    """An update that changes the handle key, as a delete of the old row and an insert of the new.

    cdc/model/sink.go splits these for Kafka sinks (the key message can only name one row). TiCDC
    then sorts the transaction's rows deletes first; a binlog transaction may change one row more than
    once, so the delete and insert stay where the update was.
    """
    before, after = change.before, change.after
    if change.kind == "update" and change.table.key and before and after and (
        change.key_of(before) != change.key_of(after)
    ):
        yield replace(change, kind="delete", after=None)
        yield replace(change, kind="insert", before=None)
    else:
        yield change
