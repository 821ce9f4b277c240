"""The `debezium-json` and `debezium-avro` sinks: Debezium's change events on Kafka, decoded strictly
from Debezium's documented format (sinks.debezium_decode, formats.debezium).

Variants (the handling modes and converters of formats.debezium.VARIANT_MODES):
- debezium-json "": the JSON converter with schemas (schemas.enable=true), Debezium's default modes;
  "schemaless": the JSON converter without schemas; "alt": with schemas, the other handling modes
  (decimal as string, BIGINT UNSIGNED precise, TIME/DATETIME in Kafka Connect's types, binary as hex);
- debezium-avro "": Confluent's AvroConverter with the schema registry, default modes; "alt" as above.
"""

from __future__ import annotations

from typing import Any, ClassVar

from formats import debezium as dbz
from model.progress import Progress
from sinks.base import SinkEnvironment
from sinks.debezium_decode import DebeziumDecoder
from sinks.debezium_json import json_parser
from sinks.kafka_view import KafkaView
from sinks.upstream_schema import UpstreamSchemas

_ALWAYS = ("boolean-or-tinyint", "zero-dates", "json-as-written", "mariadb-as-mysql")


def limits_of(variant: str) -> dict[str, str]:
    """What a variant's modes cannot carry faithfully."""
    modes = dbz.VARIANT_MODES[variant]
    names = [*_ALWAYS]
    if modes.bigint_unsigned == "long":
        names.append("bigint-unsigned-as-long")
    if modes.decimal == "double":
        names.append("decimal-as-double")
    if modes.time == "connect":
        names.append("time-beyond-day-under-connect")
    return {name: dbz.LIMITS[name] for name in names}


class _DebeziumSink:
    protocols: ClassVar[tuple[str, ...]] = ("kafka",)
    needs: ClassVar[tuple[str, ...]] = ("kafka",)
    limits: ClassVar[dict[str, str]] = dict(dbz.LIMITS)  # per variant: limits_of(variant)
    format_limits: ClassVar[tuple[str, ...]] = ("ddl", "keyless-tables")  # whatever the modes

    def __init__(self, variant: str = "") -> None:
        self.variant = variant
        self.modes = dbz.VARIANT_MODES[variant]
        self.limits = {**limits_of(variant),  # type: ignore[misc]
                       **{name: dbz.LIMITS[name] for name in self.format_limits}}

    def _parser(self, env: SinkEnvironment) -> Any:
        raise NotImplementedError

    def open_view(self, env: SinkEnvironment, cdc_progress: Progress) -> KafkaView:
        schemas = UpstreamSchemas(env.servers["upstream"])
        parser = self._parser(env)
        prefix, version = env.settings.get("debezium_prefix", ""), env.settings.get("debezium_version")
        producer = dbz.PRODUCERS[env.settings.get("debezium_producer", "debezium")]
        view = KafkaView(
            bootstrap=env.settings["bootstrap"],
            decoder_factory=lambda: DebeziumDecoder(parser=parser, modes=self.modes, topic_prefix=prefix,
                                                    lookup=schemas, version=version,
                                                    producer=producer),
            view_server=env.servers["downstream"], upstream=env.servers["upstream"],
            cdc_progress=cdc_progress, topic_prefix=env.settings["topic_prefix"], carries_ddl=False)
        view.on_close(schemas.close)
        return view


class DebeziumJsonSink(_DebeziumSink):
    name: ClassVar[str] = "debezium-json"
    variants: ClassVar[tuple[str, ...]] = ("", "schemaless", "alt")

    def _parser(self, env: SinkEnvironment) -> Any:
        return json_parser(with_schemas=self.variant != "schemaless")


class DebeziumAvroSink(_DebeziumSink):
    name: ClassVar[str] = "debezium-avro"
    variants: ClassVar[tuple[str, ...]] = ("", "alt")
    needs: ClassVar[tuple[str, ...]] = ("kafka", "schema-registry")
    format_limits: ClassVar[tuple[str, ...]] = (*_DebeziumSink.format_limits, "schema-evolution")

    def _parser(self, env: SinkEnvironment) -> Any:
        from sinks.debezium_avro import WriterSchemas, avro_parser

        return avro_parser(WriterSchemas.of_registry(env.settings["registry_url"]))
