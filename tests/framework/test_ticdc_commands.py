"""TiCDC's changefeed commands for every tidb-* cell use only flags and sink-URI parameters TiCDC
documents, with valid values, and route topics exactly like the reference CDC."""

from __future__ import annotations

import dataclasses
import json
import re
import tomllib
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import pytest

from matrix import axes
from sinkmatrix.cdcs.ticdc import commands as ticdc
from sinkmatrix.model.cdc import CdcEnvironment
from sinkmatrix.model.cells import Cell
from sinkmatrix.refcdc.apply_kafka import KafkaSettings
from sinkmatrix.refcdc.plugin import sink_target
from sinkmatrix.stack import embedded
from sinks import registry

pytestmark = pytest.mark.framework

# `cdc cli changefeed create` flags that `--help` lists (not hidden), read from pingcap/tiflow at tags
# v7.5.6 and v8.5.2: pkg/cmd/cli/cli_changefeed_create.go (the create flags) and
# pkg/cmd/factory/factory.go (ClientFlags.AddFlags, on every `cdc cli` command; --user/--password
# are new in v8.x). docs.pingcap.com "CLI and Configuration Parameters of TiCDC Changefeeds" and
# "Replicate Data to Kafka" (v7.5, v8.5) describe --server, --changefeed-id, --sink-uri, --start-ts,
# --target-ts and --config; "Replicate Data to Kafka" shows --schema-registry for Avro.
_CREATE_FLAGS = {"--changefeed-id", "--sink-uri", "--start-ts", "--target-ts", "--config",
                 "--schema-registry", "--no-confirm", "--namespace", "--disable-gc-check"}
_CLIENT_FLAGS = {"--server", "--ca", "--cert", "--key", "--log-level"}
CREATE_FLAGS = {
    "tidb-v7.5": _CREATE_FLAGS | _CLIENT_FLAGS,
    "tidb-v8.5": _CREATE_FLAGS | _CLIENT_FLAGS | {"--user", "--password"},
}
DEPRECATED_FLAGS = {"--pd"}  # factory.go: "Parameter --pd is deprecated, please use --server"
BOOLEAN_FLAGS = {"--no-confirm", "--disable-gc-check"}

_any = None  # documented, any value


def _positive(value: str) -> bool:
    return value.isdigit() and int(value) > 0


def _boolean(value: str) -> bool:
    return value in ("true", "false")


# Kafka sink-URI query parameters, from docs.pingcap.com "Replicate Data to Kafka" (v7.5, v8.5) and
# the `form:` tags of pingcap/tiflow v7.5.6/v8.5.2 pkg/sink/kafka/options.go and
# pkg/sink/codec/common/config.go (urlConfig), with the values they accept.
KAFKA_PARAMETERS: dict[str, Any] = {
    "protocol": {"canal-json", "open-protocol", "avro", "maxwell", "debezium", "simple"},
    "partition-num": _positive, "replication-factor": _positive, "max-message-bytes": _positive,
    "enable-tidb-extension": _boolean, "auto-create-topic": _boolean, "max-batch-size": _positive,
    "avro-decimal-handling-mode": {"precise", "string"},
    "avro-bigint-unsigned-handling-mode": {"long", "string"},
    "required-acks": {"0", "1", "-1"}, "compression": {"none", "lz4", "gzip", "snappy", "zstd"},
    "kafka-version": _any, "kafka-client-id": _any, "dial-timeout": _any, "read-timeout": _any,
    "write-timeout": _any, "enable-tls": _boolean, "ca": _any, "cert": _any, "key": _any,
    "insecure-skip-verify": _boolean, "sasl-user": _any, "sasl-password": _any,
    "sasl-mechanism": {"plain", "scram-sha-256", "scram-sha-512", "gssapi"},
    "content-compatible": _boolean,  # urlConfig.ContentCompatible (v7.1+): Canal's own `old`
}
# MySQL sink-URI query parameters: the `form:` tags of pkg/sink/mysql/config.go (urlConfig), same tags.
MYSQL_PARAMETERS = {"worker-count", "max-txn-row", "max-multi-update-row-size", "max-multi-update-row",
                    "tidb-txn-mode", "ssl-ca", "ssl-cert", "ssl-key", "safe-mode", "time-zone",
                    "write-timeout", "read-timeout", "timeout", "batch-dml-enable", "multi-stmt-enable",
                    "cache-prep-stmts"}
KAFKA_TOPIC = re.compile(r"^[A-Za-z0-9._-]{1,249}$")
# TiCDC's topic expressions (cdc/sink/dmlsink/mq/dispatcher/topic): Avro needs {schema} and {table}.
TOPIC_EXPRESSION = re.compile(r"^[A-Za-z0-9._-]*(\{schema\})?([A-Za-z0-9._-]*\{table\})?[A-Za-z0-9._-]*$")
AVRO_TOPIC_EXPRESSION = re.compile(r"^[A-Za-z0-9._-]*\{schema\}[A-Za-z0-9._-]*\{table\}[A-Za-z0-9._-]*$")
DOWNSTREAM = ticdc.Downstream("downstream", 3306, "sinkmatrix", "p@ss:w/rd?&")

TIDB_CELLS = [c for c in axes.cells(registry.supported()) if c.version in CREATE_FLAGS]
# every sink variant the adapters offer, on the newest profile, not only those axes.toml lists
ALL_VARIANTS = sorted({Cell(name, protocols[0], "tidb-v8.5", variant, "compose")
                       for name, variants in ticdc.emitted(axes.versions()["tidb-v8.5"]).items()
                       for protocols in [registry.get(name).protocols] for variant in variants})


def create_argv(cell: Cell) -> list[str]:
    return ticdc.changefeed_create_argv(cell, changefeed_id=ticdc.changefeed_id_for(cell),
                                        config_path=ticdc.config_path_for("cf"), downstream=DOWNSTREAM)


def flags(argv: list[str]) -> dict[str, str | None]:
    assert argv[:4] == ["/cdc", "cli", "changefeed", "create"]
    found: dict[str, str | None] = {}
    for arg in argv[4:]:
        name, eq, value = arg.partition("=")
        assert name not in found, f"{name} given twice"
        found[name] = value if eq else None
    return found


def adapter_target(cell: Cell) -> dict[str, Any]:
    """What the reference CDC is told for the same cell (its sink settings)."""
    services = {"kafka": SimpleNamespace(bootstrap="kafka:9092"),
                "schema-registry": SimpleNamespace(url="http://schema-registry:8081")}
    env = CdcEnvironment(cell=cell, upstream=None, downstream=None, services=services,
                         root=Path("/nonexistent"), lease=None, databases=f"{embedded.DATABASE_PREFIX}*")
    return sink_target(env)


def test_the_tidb_profiles_have_cells_of_every_sink_ticdc_writes_at_their_version():
    sinks = {version: {c.sink for c in TIDB_CELLS if c.version == version} for version in CREATE_FLAGS}
    assert sinks == {"tidb-v7.5": {"mysql", "canal-json", "avro"},  # protocol=debezium: v8.0 on
                     "tidb-v8.5": {"mysql", "canal-json", "avro", "debezium-json"}}


@pytest.mark.parametrize("cdc_cell", TIDB_CELLS, ids=str)
def test_create_uses_only_documented_flags_with_valid_values(cdc_cell: Cell):
    cell = cdc_cell
    given = flags(create_argv(cell))
    assert set(given) <= CREATE_FLAGS[cell.version], set(given) - CREATE_FLAGS[cell.version]
    assert not set(given) & DEPRECATED_FLAGS
    assert {"--server", "--changefeed-id", "--sink-uri"} <= set(given)
    for name, value in given.items():
        assert (value is None) == (name in BOOLEAN_FLAGS), f"{name}={value}"
    assert re.fullmatch(r"[a-zA-Z0-9]+(-[a-zA-Z0-9]+)*", given["--changefeed-id"] or "")
    assert urlsplit(given["--server"]).scheme == "http"
    assert given["--config"] == "/sinkmatrix/changefeeds/cf.toml"
    registry_url = given.get("--schema-registry")
    assert (registry_url is not None) == (cell.sink == "avro")
    if registry_url is not None:
        assert urlsplit(registry_url)[:2] == ("http", "schema-registry:8081")


@pytest.mark.parametrize("cdc_cell", TIDB_CELLS + ALL_VARIANTS, ids=str)
def test_sink_uri_has_documented_parameters_with_valid_values(cdc_cell: Cell):
    cell = cdc_cell
    uri = urlsplit(flags(create_argv(cell))["--sink-uri"] or "")
    params = dict(parse_qsl(uri.query, strict_parsing=bool(uri.query)))
    assert uri.scheme == {"mysql": "mysql", "kafka": "kafka"}[cell.protocol]
    if cell.protocol == "mysql":
        assert (uri.hostname, uri.port, uri.path) == ("downstream", 3306, "/")
        assert (unquote(uri.username or ""), unquote(uri.password or "")) == DOWNSTREAM[2:]
        assert set(params) <= MYSQL_PARAMETERS
        return
    assert uri.netloc == "kafka:9092"
    assert KAFKA_TOPIC.match(uri.path.lstrip("/"))
    assert set(params) <= set(KAFKA_PARAMETERS), set(params) - set(KAFKA_PARAMETERS)
    for name, value in params.items():
        valid = KAFKA_PARAMETERS[name]
        assert valid is None or (value in valid if isinstance(valid, set) else valid(value)), (name, value)
    assert params["protocol"] == {"debezium-json": "debezium"}.get(cell.sink, cell.sink)
    assert params.get("enable-tidb-extension", "false") == ("true" if cell.variant == "tidb" else "false")
    assert params["replication-factor"] == "1"
    avro = {k: v for k, v in params.items() if k.startswith("avro-")}
    if cell.sink == "avro":  # the same modes the adapter gives the reference CDC's encoder
        options = adapter_target(cell)["format_options"]
        assert avro == {"avro-decimal-handling-mode": options["decimal_mode"],
                        "avro-bigint-unsigned-handling-mode": options["bigint_unsigned_mode"]}
        assert options["enable_tidb_extension"] == (cell.variant == "tidb")
    else:
        assert not avro


@pytest.mark.parametrize("cdc_cell", TIDB_CELLS, ids=str)
def test_changefeed_config_filters_test_databases_and_routes_like_the_reference_cdc(cdc_cell: Cell):
    cell = cdc_cell
    config = tomllib.loads(ticdc.changefeed_config(cell))
    assert config["filter"]["rules"] == [f"{embedded.DATABASE_PREFIX}*.*"]
    if cell.protocol != "kafka":
        assert "sink" not in config
        return
    (dispatcher,) = config["sink"]["dispatchers"]
    # the reference CDC writes no Debezium: its Canal-JSON topics are the routing to compare with
    routed = cell
    if cell.sink == "debezium-json":
        routed = dataclasses.replace(cell, sink="canal-json", variant="")
    target = adapter_target(routed)
    assert dispatcher["matcher"] == config["filter"]["rules"]
    assert dispatcher["topic"] == target["topic"]
    pattern = AVRO_TOPIC_EXPRESSION if cell.sink == "avro" else TOPIC_EXPRESSION
    assert pattern.match(dispatcher["topic"])
    assert (target["dispatch"], dispatcher["partition"]) == ("key", "index-value")


def ticdc_topic(expression: str, schema: str, table: str) -> str:
    """TiCDC's topic for a table (docs: characters outside [A-Za-z0-9._-] become "_"; 249 at most)."""
    def clean(name: str) -> str:
        return re.sub(r"[^a-zA-Z0-9._-]", "_", name)
    return expression.replace("{schema}", clean(schema)).replace("{table}", clean(table))[:249]


@pytest.mark.parametrize(("schema", "table"), [("sm_simple_1a2b3c", "test"), ("sm_x_00ff00", "tãble$1"),
                                               ("sm_y_abcdef", "t" * 300)])
def test_table_topics_are_the_reference_cdcs(schema: str, table: str):
    settings = KafkaSettings.from_dict({"bootstrap": "kafka:9092", "format": "canal-json",
                                        "topic": adapter_target(TIDB_CELLS[0])["topic"]})
    assert ticdc_topic(ticdc.TOPIC_EXPRESSION, schema, table) == settings.topic_of(schema, table)


def test_the_schema_ddl_topic_is_read_by_the_view_and_is_no_tables_topic():
    assert ticdc.DATABASE_PREFIX == embedded.DATABASE_PREFIX
    assert ticdc.SCHEMA_DDL_TOPIC.startswith(embedded.DATABASE_PREFIX)
    assert KAFKA_TOPIC.match(ticdc.SCHEMA_DDL_TOPIC)
    # test databases are sm_<slug>_<hex token>, the slug never starting with "_"
    assert ticdc.SCHEMA_DDL_TOPIC.startswith(embedded.DATABASE_PREFIX + "_")
    assert not re.fullmatch(r"sm__[0-9a-f]{6}_.*", ticdc.SCHEMA_DDL_TOPIC)


def test_changefeed_ids_are_accepted_by_ticdc_or_refused_before_running():
    ids = {ticdc.changefeed_id_for(c, "run 7") for c in TIDB_CELLS}
    assert len(ids) == len(TIDB_CELLS)
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", i) for i in ids)
    for bad in ("avro+tidb", "a--b", "-a", "x" * 129, "cell@compose"):
        with pytest.raises(ticdc.TiCdcCommandError, match="changefeed_id_for"):
            ticdc.changefeed_query_argv(bad)


def test_query_and_remove_name_the_server_and_the_changefeed():
    assert ticdc.changefeed_query_argv("cf-1", simple=True) == [
        "/cdc", "cli", "changefeed", "query", "--server=http://127.0.0.1:8300", "--changefeed-id=cf-1",
        "--simple"]
    assert ticdc.changefeed_remove_argv("cf-1", server="http://ticdc:8300") == [
        "/cdc", "cli", "changefeed", "remove", "--server=http://ticdc:8300", "--changefeed-id=cf-1"]
    assert ticdc.changefeed_api_path("cf-1") == "/api/v2/changefeeds/cf-1"


UNSERVED = [Cell("mysql", "kafka", "tidb-v8.5"), Cell("canal-json", "kafka", "tidb-v8.5", "x"),
            Cell("debezium", "kafka", "tidb-v8.5")]


@pytest.mark.parametrize("cdc_cell", UNSERVED, ids=str)
def test_cells_ticdc_cannot_serve_are_refused_with_the_reason(cdc_cell: Cell):
    with pytest.raises(ticdc.TiCdcCommandError, match=re.escape(cdc_cell.id)):
        ticdc.sink_uri(cdc_cell, downstream=DOWNSTREAM)


def test_a_mysql_sink_uri_needs_the_downstream():
    with pytest.raises(ticdc.TiCdcCommandError, match="downstream"):
        ticdc.sink_uri(Cell("mysql", "mysql", "tidb-v8.5"))


# -- reading changefeeds (bodies shaped like cdc/api/v2/model.go ChangeFeedInfo and the CLI's cfMeta)

TS = (1_700_000_000_123 << 18) | 7


def test_an_api_v2_changefeed_reads_as_state_checkpoint_and_no_error():
    body = {"id": "cf-1", "namespace": "default", "state": "normal", "checkpoint_ts": TS,
            "resolved_ts": TS + 1, "checkpoint_time": "2023-11-14 22:13:20.123", "error": None}
    status = ticdc.parse_changefeed(json.dumps(body))
    assert status == ticdc.ChangefeedStatus("cf-1", "normal", TS, None)
    assert not status.ended
    assert status.checkpoint_time == datetime(2023, 11, 14, 22, 13, 20, 123000, tzinfo=UTC)
    assert "2023-11-14T22:13:20.123" in status.describe()


def test_the_cli_query_output_and_a_failed_changefeed_carry_the_error():
    body = {"id": "cf-1", "state": "failed", "checkpoint_tso": TS,
            "error": {"addr": "ticdc:8300", "code": "CDC:ErrKafkaNewProducer", "message": "no brokers"}}
    status = ticdc.parse_changefeed(json.dumps(body).encode())
    assert status.ended and status.checkpoint_ts == TS
    assert status.error == "CDC:ErrKafkaNewProducer: no brokers (at ticdc:8300)"


def test_an_api_error_raises_and_a_missing_changefeed_is_told_apart():
    with pytest.raises(ticdc.ChangefeedNotFound) as missing:
        ticdc.parse_changefeed({"error_msg": "changefeed not exists",
                                "error_code": "CDC:ErrChangeFeedNotExists"})
    assert missing.value.code == "CDC:ErrChangeFeedNotExists"
    for bad in ("not json", "[1]", '{"id": "cf", "state": "normal"}'):
        with pytest.raises(ticdc.TiCdcResponseError):
            ticdc.parse_changefeed(bad)


def test_tso_converts_to_wall_clock_and_back():
    moment = datetime(2023, 11, 14, 22, 13, 20, 123000, tzinfo=UTC)
    assert ticdc.tso_to_datetime(TS) == moment
    assert ticdc.datetime_to_tso(moment) == TS - 7
