"""The MySQL connector's configuration for a cell, in Debezium's documented property names: what both
backends share, plus where each keeps offsets and schema history and how it names its converters
(the embedded engine: `converter.*` and files in the cell's scratch dir; Kafka Connect: per-connector
`key.converter` / `value.converter` and topics)."""

from __future__ import annotations

import secrets
from pathlib import Path

from sinkmatrix.cdcs.debezium.feed import BEATS
from sinkmatrix.formats import debezium as dbz
from sinkmatrix.formats.debezium_behaviours import AVRO_FIELD_NAMES, profile_of
from sinkmatrix.model.cells import Cell

TOPIC_PREFIX = "sinkmatrix"  # Debezium's topic.prefix: topics are sinkmatrix.<database>.<table>
CONNECTOR = "io.debezium.connector.mysql.MySqlConnector"
AVRO_CONVERTER = "io.confluent.connect.avro.AvroConverter"
JSON_CONVERTER = "org.apache.kafka.connect.json.JsonConverter"


MARIADB_CONNECTOR = "io.debezium.connector.mariadb.MariaDbConnector"


def common(cell: Cell, *, host: str, port: int, user: str, password: str, databases: str,
           connector_class: str = CONNECTOR) -> dict[str, str]:
    """What the connector is told on either backend (the MySQL and MariaDB connectors share these)."""
    return {
        "connector.class": connector_class,
        "database.hostname": host, "database.port": str(port),
        "database.user": user, "database.password": password,
        "database.server.id": str(10_000 + secrets.randbelow(2**30)),
        "topic.prefix": TOPIC_PREFIX,
        "database.include.list": f"{databases.replace('*', '.*')},{BEATS}",
        # test databases are created after the start: capture their DDL and rows from the binlog
        "snapshot.mode": "no_data",
        "include.schema.changes": "true",
        "tombstones.on.delete": "true",
        "heartbeat.interval.ms": "1000",
        "max.batch.size": "4096",
        "poll.interval.ms": "1",
        **dbz.properties_of(dbz.VARIANT_MODES[cell.variant]),
        **careful(cell),
    }


def careful(cell: Cell) -> dict[str, str]:
    """What a careful user sets for exact replication (sinkmatrix.formats.debezium_behaviours.CAREFUL); the
    `defaults` variant keeps Debezium's shipped defaults instead, and lives with their consequences."""
    profile = profile_of(cell.variant)
    props = {}
    if profile.skipped_operations != "t":
        # Debezium skips TRUNCATE by default (skipped.operations=t): the consumer's table would keep
        # rows the source no longer has. "none" writes an op 't' event at the statement's place.
        props["skipped.operations"] = profile.skipped_operations
    if not profile.time_adjuster:
        # Debezium moves a DATE/DATETIME/TIMESTAMP of a year 0-99 to 1970-2069 (enable.time.adjuster,
        # default true), though the server has already read any two-digit year it was given and stored
        # '0018-04-01' as the year 18: the consumer would hold 2018-04-01. Leave the year as stored.
        props["enable.time.adjuster"] = "false"
    if cell.sink == "debezium-avro" and profile.avro_names:
        # Confluent's AvroConverter stops the connector on a column or table name that is not an Avro
        # name (`p:k`: SchemaParseException); the adjusters rename the field and the schema instead.
        # Fields by avro_unicode (p:k -> p_u003ak): "avro" makes `名称` and `城市` both `__`, and the
        # connector stops on the duplicate field. Schema names come from the topic, which Debezium
        # has already sanitised (two tables that meet there meet in any mode).
        props["field.name.adjustment.mode"] = AVRO_FIELD_NAMES
        props["schema.name.adjustment.mode"] = "avro"
    return props


def converter_settings(cell: Cell) -> dict[str, str]:
    """The converters' own settings (prefixed per backend: `converter.` or `key.converter.` and
    `value.converter.`)."""
    if cell.sink == "debezium-avro":
        return {}
    settings = {"schemas.enable": "false" if cell.variant == "schemaless" else "true"}
    if not profile_of(cell.variant).replace_null_with_default:
        # Kafka's JsonConverter writes a field's default in place of a null (KIP-581,
        # replace.null.with.default=true): an upstream NULL in a column with a DEFAULT would arrive
        # as that default (1970-01-01 00:00:00 for CURRENT_TIMESTAMP). Keep the null.
        settings["replace.null.with.default"] = "false"
    return settings


def embedded(cell: Cell, root: Path, registry_url: str | None, **server: object) -> dict[str, str]:
    """The embedded engine's properties: offsets and history in files under `root`."""
    props = {
        "name": f"sinkmatrix-{cell.id}",
        **common(cell, **server),  # type: ignore[arg-type]
        "offset.storage": "org.apache.kafka.connect.storage.FileOffsetBackingStore",
        "offset.storage.file.filename": str(root / "offsets.dat"),
        "offset.flush.interval.ms": "0",  # commit after every batch the hand-off acknowledged
        "schema.history.internal": "io.debezium.storage.file.history.FileSchemaHistory",
        "schema.history.internal.file.filename": str(root / "schema-history.dat"),
    }
    if cell.sink == "debezium-avro":
        props["converter.schema.registry.url"] = str(registry_url)
    props.update({f"converter.{k}": v for k, v in converter_settings(cell).items()})  # key and value
    return props


def kafka_connect(cell: Cell, registry_url: str, kafka: str, **server: object) -> dict[str, str]:
    """A Kafka Connect worker's connector config: history in a topic, converters per connector."""
    props = {
        **common(cell, **server),  # type: ignore[arg-type]
        "tasks.max": "1",
        "schema.history.internal.kafka.bootstrap.servers": kafka,
        # outside the view's topics (it reads every topic named TOPIC_PREFIX...)
        "schema.history.internal.kafka.topic": f"__debezium-schema-history.{TOPIC_PREFIX}",
    }
    for part in ("key", "value"):
        if cell.sink == "debezium-avro":
            props[f"{part}.converter"] = AVRO_CONVERTER
            props[f"{part}.converter.schema.registry.url"] = registry_url
        else:
            props[f"{part}.converter"] = JSON_CONVERTER
        props.update({f"{part}.converter.{k}": v for k, v in converter_settings(cell).items()})
    return props
