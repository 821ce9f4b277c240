"""Strict Canal-JSON decoding: each message checked against what TiCDC's canal-json encoder writes.

"What TiCDC writes" is the contract in sinkmatrix.formats.canal_json and sinkmatrix.formats.canal_ddl
(learned from
pingcap/tiflow pkg/sink/codec/canal), in the form of the release that wrote the message
(sinkmatrix.formats.releases) and, with content-compatible=true, in that form. Every deviation becomes a
located Finding; nothing here raises on input.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from sinkmatrix.formats import releases
from sinkmatrix.formats.canal_ddl import ddl_event
from sinkmatrix.formats.canal_json import (
    DDL_TYPES,
    WATERMARK_TYPE,
    java_type,
    mysql_type,
)
from sinkmatrix.formats.ddl import classify
from sinkmatrix.formats.releases import (
    CHARSET_LIMIT,
    SPATIAL_LIMIT,
    TICDC_CURRENT,
    Release,
    canal_delete_keeps_old,
)
from sinkmatrix.model.changes import DdlChange, RowChange, RowKind
from sinkmatrix.model.progress import Progress
from sinkmatrix.model.schema import Column, TableSchema
from sinkmatrix.model.tso import physical_ms
from sinks.base import Decoded, Record, SchemaLookup, SinkEnvironment, judged_by_versions
from sinks.canal_columns import ColumnReading
from sinks.canal_frame import (
    EXACT,
    FIELDS,
    SHAPES,
    Check,
    Malformed,
    describe,
    is_int,
    is_str,
    parse_record,
    set_diff,
)
from sinks.canal_quick import KINDS, QuickRows, Shape, order_findings, see
from sinks.kafka_view import KafkaView
from sinks.key_order import KeyOrder, row_removals
from sinks.upstream_schema import UpstreamSchemas

# What Canal-JSON (as TiCDC writes it) cannot carry faithfully; the adapter declares these.
LIMITS: dict[str, str] = {
    "enum-set-as-numbers": "ENUM travels as its 1-based index and SET as its bitmask (TiCDC's "
    "mounter); mysqlType names no members, so member names need the upstream table",
    "type-widths": "mysqlType is the bare type name ('decimal', 'varchar', 'bit', 'datetime'): "
    "lengths, precision, scale, fsp and charset are not carried",
    "pk-only": "pkNames lists PRIMARY KEY columns only (in table order): a table keyed by a NOT "
    "NULL unique key arrives with pkNames [] and its rows are located by the upstream table's key",
    "json-normalised": "JSON is re-printed by TiDB's rules (keys in byte order, last duplicate "
    "wins, ', ' and ': ' separators, numbers re-spelled, integers beyond 64 bits as doubles): the "
    "upstream text is lost, only the JSON value survives",
    "timestamp-zone": "TIMESTAMP is wall-clock text without an offset, in the CDC's time zone "
    "(the reference CDC writes UTC); a consumer must know that zone",
    "no-ordering-without-extension": "without the TiDB extension the only clock is `es` (commit "
    "milliseconds): changes of one key within a millisecond cannot be ordered or told from replays",
    "no-transaction-boundaries": "messages carry no transaction boundary; with the TiDB extension, "
    "changes sharing a commitTs belong to one transaction",
    "zero-date-sentinel": "zero dates ('0000-00-00') have no calendar value; they decode to a sentinel",
    "non-utf8-text": "text in a character set other than UTF-8 travels as its raw bytes in a JSON "
    "string; TiCDC's writer turns bytes that are not UTF-8 into U+FFFD",
    "ddl-across-topics": "with a topic per table, a RENAME moves a table's changes to another topic, "
    "and topics have no common order: the view cannot know which of the old name's changes precede "
    "the RENAME (TiCDC's own consumer orders them by the TiDB extension's WATERMARK events, which "
    "this adapter's view does not yet use)",
    "large-messages": "a row over max-message-bytes arrives as its key only (handle-key-only) or "
    "as a claim-check reference; this decoder needs whole rows and reports such messages",
    "spatial-types": SPATIAL_LIMIT,
    "tidb-charsets": CHARSET_LIMIT,
}

_LARGE = ("onlyHandleKey", "claimCheckLocation")


class CanalJsonDecoder:
    """Decodes TiCDC-style Canal-JSON strictly. `lookup(database, table)` gives the upstream table
    when known: types are then checked against it and ENUM/SET decode to member names.
    Out-of-order changes still decode (the view shows what a consumer would apply); duplicates,
    and records with any other finding, yield no changes."""

    def __init__(self, enable_tidb_extension: bool, lookup: SchemaLookup | None = None, *,
                 release: Release = TICDC_CURRENT, content_compatible: bool = False) -> None:
        self.enable_tidb_extension = enable_tidb_extension
        self.lookup = lookup
        self.release, self.content_compatible = release, content_compatible
        self._old_style = canal_delete_keeps_old(release)  # DELETE repeats its row in `old`
        self._order = KeyOrder()
        self._columns = ColumnReading(release, content_compatible, self._old_style)
        self._expected = FIELDS + (("_tidb",) if enable_tidb_extension else ())
        self._expected_set = frozenset(self._expected)
        self._quick = QuickRows(enable_tidb_extension, lookup, self._order, self._expected_set)
        self._shape_checks = [(name, EXACT.get(name), *SHAPES[name]) for name in self._expected
                              if name in SHAPES]

    def decode(self, record: Record) -> Decoded:
        check = Check(record)
        try:
            return self._decode(record, check)
        except Exception as exc:  # the Decoder protocol promises findings, never exceptions
            check("malformed", None, f"decoder failed on this record: {type(exc).__name__}: {exc}")
            return Decoded(findings=check.findings)

    def _decode(self, record: Record, check: Check) -> Decoded:
        try:
            msg = parse_record(record.value)
        except Malformed as exc:
            check("malformed", exc.where, exc.why)
            return Decoded(findings=check.findings)
        quick = self._quick.decode(record, msg)
        if quick is not None:
            return quick
        if record.key is not None:
            check("extra-field", "key", "TiCDC's canal-json messages carry no Kafka key")
        check.database = msg.get("database") if is_str(msg.get("database")) else None
        check.table = msg.get("table") if is_str(msg.get("table")) else None
        if not self._fields(msg, check):
            return Decoded(findings=check.findings)
        if msg["isDdl"]:
            return self._ddl(msg, check)
        if msg["type"] == WATERMARK_TYPE:
            return self._watermark(msg, check)
        return self._row(msg, check)

    def _fields(self, msg: dict[str, Any], check: Check) -> bool:
        """Presence and JSON types of the top-level fields; False if the record is unusable."""
        expected = self._expected_set
        if msg.keys() != expected:
            for name in self._expected:
                if name not in msg:
                    why = "the TiDB extension is on, so TiCDC adds _tidb" if name == "_tidb" else \
                        "TiCDC writes it in every message"
                    check("missing-field", name, why)
            for name in msg:
                if name not in expected:
                    why = ("the TiDB extension is off, so TiCDC writes no _tidb (or enable it for this "
                           "sink variant)") if name == "_tidb" else "not a field TiCDC writes"
                    check("extra-field", name, why)
        for name, exact, fits, shape in self._shape_checks:
            if name in msg and (type(msg[name]) is not exact if exact else not fits(msg[name])):
                check("wrong-type", name, f"{describe(msg[name])}, expected {shape}")
        if check.findings and any(f.field in expected for f in check.findings):
            return False
        if msg["id"] != 0:
            check("bad-value", "id", f"{msg['id']}; TiCDC always writes 0")
        for name in ("es", "ts"):
            if msg[name] < 0:
                check("bad-value", name, "a negative time in milliseconds")
        return True

    def _commit_ts(self, msg: dict[str, Any], check: Check, name: str) -> int | None:
        """The `_tidb` timestamp `name`, checked against `es`; None without the extension."""
        if not self.enable_tidb_extension:
            return None
        ext = msg["_tidb"]
        for key in ext:
            if key in _LARGE:
                check("extra-field", f"_tidb.{key}", "a large-message reference: this decoder needs "
                      "whole rows; raise max-message-bytes or turn large-message-handle off")
            elif key != name:
                check("extra-field", f"_tidb.{key}", f"TiCDC writes only {name} here")
        ts = ext.get(name)
        if ts is None:
            check("missing-field", f"_tidb.{name}", "TiCDC writes it with the TiDB extension on")
        elif not is_int(ts) or ts <= 0:
            check("wrong-type", f"_tidb.{name}", f"{describe(ts)}, expected a positive integer TSO")
        else:
            if physical_ms(ts) != msg["es"]:
                check("bad-value", "es", f"{msg['es']} is not the physical part of {name} "
                      f"{ts} ({physical_ms(ts)})")
            return ts
        return None

    def _ddl(self, msg: dict[str, Any], check: Check) -> Decoded:
        if msg["type"] not in DDL_TYPES:
            check("bad-value", "type", f"{msg['type']!r} is not a DDL type ({', '.join(DDL_TYPES)})")
        elif msg["sql"].strip():
            expected = ddl_event(DdlChange(msg["database"], msg["sql"], "QUERY"), self.release)[0]
            if msg["type"] != expected:
                check("bad-value", "type", f"{msg['type']!r}, but the statement is {msg['sql'][:60]!r}: "
                      f"TiCDC {self.release} writes {expected!r} for it")
        for name in ("pkNames", "sqlType", "mysqlType", "data", "old"):
            if msg[name] is not None:
                check("bad-shape", name, "TiCDC writes null here in a DDL message")
        if not msg["sql"].strip():
            check("bad-value", "sql", "a DDL message without its statement")
        self._commit_ts(msg, check, "commitTs")
        if check.findings:
            return Decoded(findings=check.findings)
        change = DdlChange(msg["database"], msg["sql"], classify(msg["sql"]).kind)
        for database, table in row_removals(msg["sql"], msg["database"]):  # a key written again is new
            self._order.forget(database, table)
        return Decoded(changes=[change], findings=check.findings)

    def _watermark(self, msg: dict[str, Any], check: Check) -> Decoded:
        if not self.enable_tidb_extension:
            check("bad-value", "type", "TiCDC sends TIDB_WATERMARK only with the TiDB extension on")
            return Decoded(findings=check.findings)
        for name, empty in (("database", ""), ("table", ""), ("sql", ""), ("pkNames", None),
                            ("sqlType", None), ("mysqlType", None), ("data", None), ("old", None)):
            if msg[name] != empty:
                check("bad-shape", name, f"TiCDC writes {json.dumps(empty)} in a watermark")
        ts = self._commit_ts(msg, check, "watermarkTs")
        if check.findings:
            return Decoded(findings=check.findings)
        return Decoded(watermark_ts=ts)

    def _image(self, msg: dict[str, Any], name: str, wanted: bool, check: Check) -> Any:
        image = msg[name]
        if not wanted:
            if image is not None:
                check("bad-shape", name, f"TiCDC writes null here for {msg['type']}")
            return None
        if type(image) is not list or len(image) != 1 or type(image[0]) is not dict:
            check("bad-shape", name, f"{describe(image)}, expected an array of exactly one object")
            return None
        return image[0]

    def _old(self, msg: dict[str, Any], kind: RowKind, check: Check) -> Any:
        """`old`: an UPDATE's row before; before v5.4.0 also a DELETE's row again, and [null] for an
        INSERT (tiflow bab1953f0d); null otherwise."""
        if self._old_style and kind == "insert":
            if msg["old"] != [None]:
                check("bad-shape", "old",
                      f"{describe(msg['old'])}; TiCDC {self.release} writes [null] for INSERT")
            return None
        return self._image(msg, "old", kind == "update" or (self._old_style and kind == "delete"), check)

    def _frame(self, msg: dict[str, Any], check: Check) -> tuple[RowKind, Any, Any, int] | None:
        """A row message's kind, images and clock, if its frame is what TiCDC writes."""
        kind = KINDS.get(msg["type"])
        if kind is None:
            check("bad-value", "type", f"{msg['type']!r}: not INSERT/UPDATE/DELETE, nor a DDL type "
                  "with isDdl true, nor TIDB_WATERMARK")
            return None
        if msg["sql"] != "":
            check("bad-value", "sql", "TiCDC writes \"\" in a row message")
        for name in ("database", "table"):
            if not msg[name]:
                check("bad-value", name, "empty in a row message")
        for name in ("sqlType", "mysqlType"):
            if msg[name] is None:
                check("bad-shape", name, "null in a row message")
        data = self._image(msg, "data", True, check)
        old = self._old(msg, kind, check)
        ts = self._commit_ts(msg, check, "commitTs")
        if check.findings:
            return None
        columns = data.keys()
        for name, other in (("mysqlType", msg["mysqlType"]), ("sqlType", msg["sqlType"]), ("old", old)):
            if other is None or other.keys() == columns:
                continue
            if name == "old" and self.content_compatible and other.keys() <= columns:
                continue  # content-compatible: `old` holds the changed columns only
            check("bad-shape", name, set_diff(set(data), set(other)))
        if self._old_style and kind == "delete" and old != data:
            check("bad-value", "old",
                  f"TiCDC {self.release} repeats a DELETE's row in `old`; it differs from `data`")
        pk = msg["pkNames"] or []  # null: TiCDC before tiflow#7339 (v6.4) wrote it without a PK
        keyed = set(pk)
        if len(keyed) != len(pk) or not keyed <= columns:
            check("bad-shape", "pkNames", f"{pk} are not distinct columns of the row")
        for name in keyed & columns:
            if data[name] is None:
                check("bad-value", f"data[0].{name}", "NULL in a primary key column")
        return None if check.findings else (kind, data, old, msg["es"] if ts is None else ts)

    def _row(self, msg: dict[str, Any], check: Check) -> Decoded:
        frame = self._frame(msg, check)
        if frame is None:
            return Decoded(findings=check.findings)
        kind, data, old, ts = frame
        upstream = self.lookup(msg["database"], msg["table"], names=list(data)) if self.lookup else None

        def judged(version: TableSchema | None) -> tuple[list[Column], TableSchema, Any]:
            # the values too: a lossy MODIFY keeps the column's type name (DECIMAL(10,4) to (6,1))
            columns, table = self._columns.resolve(msg, data, version, check)
            values = None if check.findings else self._columns.values(columns, data, "data", check)
            return columns, table, values

        columns, table, values = judged(upstream)
        by_upstream = not check.findings
        if check.findings and upstream is not None:  # written under an older version of the table?
            other = judged_by_versions(self.lookup, msg["database"], msg["table"], list(data), upstream,
                                       check.findings, 0, judged)
            if other is not None:
                columns, table, values = other[1]
        if check.findings:
            return Decoded(findings=check.findings)
        after, sql_types = values
        before = None
        if old is not None and kind == "update":  # content-compatible: unchanged columns are data's
            before = {**after, **self._columns.values(columns, old, "old", check, partial=True)[0]}
        if sql_types is None or msg["sqlType"] != sql_types:  # (its values are exact integers here)
            for column in columns:
                expected = java_type(column, after[column.name], self.release)
                written = msg["sqlType"][column.name]
                if written != expected and column.name not in _bad(check):
                    check("type-mismatch", f"sqlType.{column.name}", f"{written}, but TiCDC writes "
                          f"{expected} for {mysql_type(column)} {data[column.name]!r}")
        check.key = tuple(after.get(k) for k in table.key)
        if check.findings:
            return Decoded(findings=check.findings)
        if by_upstream and sql_types is not None and not self._old_style:
            readers = self._columns.readers(columns)[0]
            self._quick.learn(msg, Shape(msg, tuple(data), upstream, columns, table, readers, sql_types))
        if table.key:
            clock = "_tidb.commitTs" if self.enable_tidb_extension else "es"
            verdict, last = see(self._order, (msg["database"], msg["table"], check.key), kind, ts, data, old)
            order_findings(check, verdict, clock, ts, last, msg["type"])
            if verdict == "duplicate":
                return Decoded(findings=check.findings)
        change = RowChange(kind, table, after, None) if kind == "delete" else \
            RowChange(kind, table, before, after)
        return Decoded(changes=[change], findings=check.findings)


def _bad(check: Check) -> set[str]:
    return {f.field.rsplit(".", 1)[-1] for f in check.findings if f.field}


class CanalJsonSink:
    """Canal-JSON on Kafka, as TiCDC emits it; variant "tidb" adds the TiDB extension and watermarks,
    "compatible" is TiCDC's content-compatible=true (full column types, `old` of changed columns)."""

    name: ClassVar[str] = "canal-json"
    protocols: ClassVar[tuple[str, ...]] = ("kafka",)
    variants: ClassVar[tuple[str, ...]] = ("", "tidb", "compatible")
    needs: ClassVar[tuple[str, ...]] = ("kafka",)
    limits: ClassVar[dict[str, str]] = LIMITS

    def __init__(self, variant: str = "") -> None:
        self.variant = variant
        self.tidb = variant == "tidb"

    def open_view(self, env: SinkEnvironment, cdc_progress: Progress) -> KafkaView:
        schemas = UpstreamSchemas(env.servers["upstream"])
        release = releases.ticdc(env.output.release)  # whose rules the messages follow
        compatible = self.variant == "compatible"
        view = KafkaView(
            bootstrap=env.settings["bootstrap"],
            decoder_factory=lambda: CanalJsonDecoder(self.tidb, lookup=schemas, release=release,
                                                     content_compatible=compatible),
            view_server=env.servers["downstream"], upstream=env.servers["upstream"],
            cdc_progress=cdc_progress, topic_prefix=env.settings["topic_prefix"], carries_ddl=True,
            wire_format=self.name)
        view.on_close(schemas.close)
        return view
