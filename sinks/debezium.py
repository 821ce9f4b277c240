"""The `debezium-json` and `debezium-avro` sinks: Debezium's change events on Kafka, decoded strictly
from Debezium's documented format (sinks.debezium_decode, sinkmatrix.formats.debezium), its schema-change
events
judged and applied to the view in binlog order (sinks.debezium_schema_change, sinks.clock_order).

Variants (the handling modes of sinkmatrix.formats.debezium.VARIANT_MODES, the profile of
sinkmatrix.formats.debezium_behaviours):
- debezium-json "": the JSON converter with schemas (schemas.enable=true), Debezium's default modes,
  configured as a careful user does for exact replication; "schemaless": the same without schemas;
  "alt": with schemas, the other handling modes (decimal as string, BIGINT UNSIGNED precise,
  TIME/DATETIME in Kafka Connect's types, binary as hex); "defaults": Debezium's and Kafka's
  shipped defaults, whose documented consequences are its limits;
- debezium-avro "": Confluent's AvroConverter with the schema registry, careful; "alt" as above;
  "defaults" as above.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, ClassVar

from dsl.compare import canonical, no_calendar_date
from sinkmatrix.formats import debezium as dbz
from sinkmatrix.formats.debezium_behaviours import AVRO_FIELD_NAMES, BEHAVIOURS, Profile, profile_of
from sinkmatrix.formats.debezium_names import Naming, sanitized_topic
from sinkmatrix.formats.debezium_tables import base_type, is_boolean, is_real
from sinkmatrix.formats.numbers import float32
from sinkmatrix.model.progress import Progress
from sinkmatrix.model.schema import Column
from sinks.base import SinkEnvironment
from sinks.debezium_decode import DebeziumDecoder
from sinks.debezium_history import DebeziumHistory
from sinks.debezium_json import json_parser
from sinks.kafka_view import KafkaView
from sinks.upstream_schema import UpstreamSchemas

_ALWAYS = ("zero-dates", "json-as-written", "mariadb-as-mysql")


def limits_of(variant: str, avro: bool) -> dict[str, str]:
    """What a variant's modes and profile cannot carry faithfully."""
    modes = dbz.VARIANT_MODES[variant]
    names = [*_ALWAYS]
    if modes.bigint_unsigned == "long":
        names.append("bigint-unsigned-as-long")
    if modes.decimal == "double":
        names.append("decimal-as-double")
    if modes.time == "connect":
        names.append("time-beyond-day-under-connect")
    if avro:
        names.append("schema-evolution")
    return {**{name: dbz.LIMITS[name] for name in names}, **profile_of(variant).consequences(avro)}


def all_limits() -> dict[str, str]:
    """Every limit some variant declares (what a workload header may name)."""
    return {**dbz.LIMITS, **{name: b.label() for name, b in BEHAVIOURS.items()}}


class _DebeziumSink:
    protocols: ClassVar[tuple[str, ...]] = ("kafka",)
    needs: ClassVar[tuple[str, ...]] = ("kafka",)
    limits: ClassVar[dict[str, str]] = all_limits()  # per variant: limits_of(variant)
    avro: ClassVar[bool] = False

    def __init__(self, variant: str = "") -> None:
        self.variant = variant
        self.modes = dbz.VARIANT_MODES[variant]
        self.profile: Profile = profile_of(variant)
        self.limits = limits_of(variant, self.avro)  # type: ignore[misc]

    def _parser(self, env: SinkEnvironment) -> Any:
        raise NotImplementedError

    def open_view(self, env: SinkEnvironment, cdc_progress: Progress) -> KafkaView:
        schemas = UpstreamSchemas(env.servers["upstream"])
        parser = self._parser(env)
        output = env.output
        prefix = output.schema_topic or ""
        producer = dbz.PRODUCERS[output.producer or "debezium"]
        version = output.release if producer.clock == "binlog" else None  # a Debezium release
        history = DebeziumHistory()  # what Debezium said of each table, shared by the view's decoders
        # the view's databases: its topics are <prefix>.<databases...>; other databases' DDL is not its
        databases = env.settings["topic_prefix"][len(prefix) + 1:] if prefix else ""
        avro_names = self.avro and self.profile.avro_names
        naming = Naming(prefix, fields=AVRO_FIELD_NAMES if avro_names else "none", avro_schemas=avro_names)

        def relevant(topic: str, scope: str) -> bool:  # the schema-change topic and the scope's tables
            return topic == prefix or topic.startswith(sanitized_topic(f"{prefix}.{scope}."))

        view = DebeziumView(
            history, self.profile, self.avro,
            bootstrap=env.settings["bootstrap"],
            decoder_factory=lambda: DebeziumDecoder(parser=parser, modes=self.modes, topic_prefix=prefix,
                                                    lookup=schemas, version=version, producer=producer,
                                                    later=output.later_releases,
                                                    history=history, naming=naming, databases=databases),
            view_server=env.servers["downstream"], upstream=env.servers["upstream"],
            cdc_progress=cdc_progress, topic_prefix=env.settings["topic_prefix"],
            carries_ddl=producer.prefixed_topics, also=(prefix,) if producer.prefixed_topics else (),
            relevant=relevant if producer.prefixed_topics else None,
            wire_format="debezium-avro" if self.avro else "debezium-json",
            registry_url=env.settings.get("registry_url"))
        view.on_close(schemas.close)
        return view


class DebeziumView(KafkaView):
    """The Kafka view of Debezium's events, which knows the documented behaviours a difference shows."""

    def __init__(self, history: DebeziumHistory, profile: Profile, avro: bool, **view: Any) -> None:
        self._tables, self._profile, self._avro = history, profile, avro
        super().__init__(**view)

    @property
    def excusable(self) -> frozenset[str]:
        """The labels of behaviours no setting changes (a careful user lives with them): a difference
        one of them explains is counted under its declared limit, not failed."""
        return frozenset(BEHAVIOURS[n].label() for n in self._profile.consequences(self._avro)
                         if not BEHAVIOURS[n].avoidable)

    def explain(self, database: str, table: str, column: str, upstream: Any, sink: Any) -> str | None:
        """An upstream NULL that arrived as the column's default, where the converter writes defaults
        for nulls (the JSON converter's replace.null.with.default=true; Confluent's AvroConverter); a
        REAL column's value narrowed to a float, a BOOLEAN's -1 made true, a year 0-99 moved by the time
        adjuster, a NOT NULL zero date's DEFAULT (sinkmatrix.formats.debezium_behaviours)."""
        version = self._tables.latest(database, table)
        described = version.columns.get(column) if version is not None else None
        if described is not None and is_real(described) and narrowed(upstream, sink):
            return BEHAVIOURS["real-as-float32"].label()
        if described is not None and is_boolean(described) and made_boolean(upstream, sink):
            return BEHAVIOURS["boolean-as-true-false"].label()
        if self._profile.time_adjuster and two_digit_year_moved(upstream, sink):
            return BEHAVIOURS["two-digit-years"].label()
        if described is not None and zero_date_as_default(column, described, upstream, sink):
            return BEHAVIOURS["zero-date-as-default"].label()
        replaces = self._profile.replace_null_with_default or self._avro
        if upstream is not None or sink is None or not replaces:
            return None
        default = described.get("defaultValueExpression") if described is not None else None
        if default is None:
            return None
        return BEHAVIOURS["null-as-default-avro" if self._avro else "null-as-default"].label()


def narrowed(upstream: Any, sink: Any) -> bool:
    """Whether `sink` is the number `upstream` narrowed to a 4-byte float (read back exactly, or as the
    float's shortest text)."""
    if not all(isinstance(v, int | float | Decimal) and not isinstance(v, bool) for v in (upstream, sink)):
        return False
    try:
        return float32(float(sink)) == float32(float(upstream))
    except OverflowError:
        return False


def made_boolean(upstream: Any, sink: Any) -> bool:
    """Whether `sink` is the TINYINT `upstream` (other than 0 and 1) read as a boolean: 1 for true."""
    numbers = all(isinstance(v, int) and not isinstance(v, bool) for v in (upstream, sink))
    return numbers and upstream not in (0, 1) and sink == int(upstream != 0)


def zero_date_as_default(name: str, described: dict[str, Any], upstream: Any, sink: Any) -> bool:
    """Whether `sink` is the DEFAULT of a NOT NULL temporal column (as Debezium described it) standing for
    an upstream zero or zero-in-date value (JdbcValueConverters.convertValue)."""
    kind = base_type(str(described.get("typeName") or ""))[0].lower()
    default = described.get("defaultValueExpression")
    if kind not in ("date", "datetime", "timestamp") or described.get("optional") is not False \
            or default is None:
        return False
    column = Column(name=name, type=kind, column_type=kind, nullable=False)
    try:
        return no_calendar_date(canonical(column, upstream)) and \
            canonical(column, sink) == canonical(column, default)
    except ValueError:  # (CURRENT_TIMESTAMP: its stand-in is the epoch, which dsl.limits knows)
        return False


def two_digit_year_moved(upstream: Any, sink: Any) -> bool:
    """Whether `sink` is the date `upstream` of a year 0-99 moved to 2000-2069 or 1970-1999 (Debezium's
    BinlogValueConverters.adjustTemporal)."""
    if not isinstance(upstream, dt.date) or type(sink) is not type(upstream) or not 0 <= upstream.year <= 99:
        return False
    try:
        return sink == upstream.replace(year=upstream.year + (2000 if upstream.year <= 69 else 1900))
    except ValueError:  # 29 February of a year that is no leap year after the move
        return False


class DebeziumJsonSink(_DebeziumSink):
    name: ClassVar[str] = "debezium-json"
    variants: ClassVar[tuple[str, ...]] = ("", "schemaless", "alt", "defaults")

    def _parser(self, env: SinkEnvironment) -> Any:
        return json_parser(with_schemas=self.variant != "schemaless")


class DebeziumAvroSink(_DebeziumSink):
    name: ClassVar[str] = "debezium-avro"
    variants: ClassVar[tuple[str, ...]] = ("", "alt", "defaults")
    needs: ClassVar[tuple[str, ...]] = ("kafka", "schema-registry")
    avro: ClassVar[bool] = True

    def _parser(self, env: SinkEnvironment) -> Any:
        from sinks.debezium_avro import WriterSchemas, avro_parser

        return avro_parser(WriterSchemas.of_registry(env.settings["registry_url"]))
