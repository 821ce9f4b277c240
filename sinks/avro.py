"""The `avro` sink: Avro on Kafka with a Confluent schema registry, as TiCDC emits it.

Variants: "" (decimals as bytes with the decimal logical type, BIGINT UNSIGNED as long), "tidb"
(plus `_tidb_op`, `_tidb_commit_ts`, `_tidb_commit_physical_time`), "strings" (decimals and
BIGINT UNSIGNED as strings: TiCDC's avro-decimal-handling-mode / avro-bigint-unsigned-handling-mode).
"""

from __future__ import annotations

from typing import Any, ClassVar

from sinkmatrix.formats import releases
from sinkmatrix.formats.ticdc_avro import LIMITS
from sinkmatrix.model.progress import Progress
from sinks.avro_decode import AvroDecoder
from sinks.base import SinkEnvironment
from sinks.kafka_view import KafkaView
from sinks.upstream_schema import UpstreamSchemas

__all__ = ["LIMITS", "AvroDecoder", "AvroSink"]


class AvroSink:
    name: ClassVar[str] = "avro"
    protocols: ClassVar[tuple[str, ...]] = ("kafka",)
    variants: ClassVar[tuple[str, ...]] = ("", "tidb", "strings")
    needs: ClassVar[tuple[str, ...]] = ("kafka", "schema-registry")
    limits: ClassVar[dict[str, str]] = LIMITS

    def __init__(self, variant: str = "") -> None:
        self.variant = variant
        strings = variant == "strings"
        self.options: dict[str, Any] = {
            "decimal_mode": "string" if strings else "precise",
            "bigint_unsigned_mode": "string" if strings else "long",
            "enable_tidb_extension": variant == "tidb",
        }

    def open_view(self, env: SinkEnvironment, cdc_progress: Progress) -> KafkaView:
        schemas = UpstreamSchemas(env.servers["upstream"])
        from confluent_kafka.schema_registry import SchemaRegistryClient  # an HTTP stack: loaded on use
        registry = SchemaRegistryClient({"url": env.settings["registry_url"]})
        release = releases.ticdc(env.output.release)  # whose rules the messages follow
        view = KafkaView(
            bootstrap=env.settings["bootstrap"],
            decoder_factory=lambda: AvroDecoder(registry, lookup=schemas, release=release,
                                                **self.options),
            view_server=env.servers["downstream"], upstream=env.servers["upstream"],
            cdc_progress=cdc_progress, topic_prefix=env.settings["topic_prefix"], carries_ddl=False,
            wire_format=self.name, registry_url=env.settings["registry_url"])
        view.on_close(schemas.close)
        return view
