"""TiCDC's side of a compose cell: its sink URI, changefeed config and `cdc cli changefeed` command
lines, and the reading of a changefeed's state from TiCDC's open API. Pure: the compose driver runs
the commands (`docker compose exec ticdc ...`) and fetches the JSON.

Flags and sink-URI parameters follow TiCDC v7.5/v8.5 (pingcap/tiflow `pkg/cmd/cli`, `pkg/sink/kafka`,
`pkg/sink/codec/common`; docs.pingcap.com ticdc-sink-to-kafka, ticdc-changefeed-config). Topics and
partitioning match what the reference CDC does for the same cell, so one Kafka view reads both.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple
from urllib.parse import quote, urlencode

from sinkmatrix.formats import releases
from sinkmatrix.model.cells import Cell
from sinkmatrix.model.tso import LOGICAL_BITS, compose, physical_ms
from sinkmatrix.stack.errors import StackError

CDC = "/cdc"  # the binary in the pingcap/ticdc image
SERVER = "http://127.0.0.1:8300"  # the TiCDC server, seen from inside its own container
KAFKA = "kafka:9092"  # kafka-kraft.yml's INTERNAL listener
SCHEMA_REGISTRY = "http://schema-registry:8081"
DATABASE_PREFIX = "sm_"  # every test database starts with it (sinkmatrix.stack.embedded.DATABASE_PREFIX)
# ticdc.yml mounts SM_STACK_ROOT/changefeeds here (read-only): the driver writes configs there.
CONFIG_DIR = "/sinkmatrix/changefeeds"

# The reference CDC's topic template ("topic" in the Kafka adapters' CDC target) as a TiCDC topic
# expression; both turn characters Kafka rejects into "_" and cut at 249 characters.
TOPIC_EXPRESSION = "{schema}_{table}"
# TiCDC sends DDL that names no table (CREATE/DROP DATABASE) to the sink URI's topic. Its name has
# the view's prefix, so the view reads it, and cannot be a table's topic (no test database is
# "sm_" + "_...").
SCHEMA_DDL_TOPIC = f"{DATABASE_PREFIX}_schema_ddl"
# The reference CDC's "dispatch": "key" (a key's changes in one partition) is TiCDC's index-value.
PARTITION_DISPATCHER = "index-value"
KAFKA_PARAMETERS = {
    "partition-num": "3",  # kafka-kraft.yml's num.partitions
    "replication-factor": "1",
    "max-message-bytes": str(10 * 1024 * 1024),  # the reference CDC's default; the broker takes 11 MiB
}
# Avro options by sink variant, as the avro adapter configures the reference CDC's encoder.
AVRO_MODES = {
    "": {"avro-decimal-handling-mode": "precise", "avro-bigint-unsigned-handling-mode": "long"},
    "tidb": {"avro-decimal-handling-mode": "precise", "avro-bigint-unsigned-handling-mode": "long"},
    "strings": {"avro-decimal-handling-mode": "string", "avro-bigint-unsigned-handling-mode": "string"},
}
_PROTOCOLS = {"mysql": "mysql", "canal-json": "kafka", "avro": "kafka", "debezium-json": "kafka"}
_VARIANTS = {"mysql": ("",), "canal-json": ("", "tidb", "compatible"), "avro": tuple(AVRO_MODES),
             "debezium-json": ("", "schemaless")}
_WIRE = {"debezium-json": "debezium"}  # the sink's name for TiCDC's protocol= where they differ
_DEBEZIUM_SINCE = (8, 0)  # protocol=debezium: TiCDC v8.0 on


def emitted(profile: Any) -> dict[str, tuple[str, ...]]:
    """The sinks TiCDC writes at the profile's version, with their variants."""
    found = dict(_VARIANTS)
    if version_of(profile) < _DEBEZIUM_SINCE:
        del found["debezium-json"]
    if not releases.has_content_compatible(releases.ticdc(profile.components.get("cdc_version"))):
        found["canal-json"] = tuple(v for v in found["canal-json"] if v != "compatible")
    return found


def version_of(profile: Any) -> tuple[int, int]:
    """(major, minor) of the profile's TiCDC, from its `cdc_version` ("TiCDC v8.5.2")."""
    match = re.search(r"v(\d+)\.(\d+)", str(profile.components.get("cdc_version", "")))
    return (int(match.group(1)), int(match.group(2))) if match else (0, 0)
_CHANGEFEED_ID = re.compile(r"^[a-zA-Z0-9]+(-[a-zA-Z0-9]+)*$")  # TiCDC's rule for --changefeed-id
_CHANGEFEED_ID_MAX = 128
STATES = ("normal", "pending", "warning", "failed", "stopped", "removed", "finished")
_ENDED = ("failed", "stopped", "removed", "finished")


class TiCdcCommandError(StackError):
    """A TiCDC command cannot be built for this cell; the message says what is missing."""


class TiCdcResponseError(StackError):
    """TiCDC answered, but not with a changefeed (an API error, or a body we cannot read)."""

    def __init__(self, why: str, code: str | None = None) -> None:
        self.code = code
        super().__init__(why)


class ChangefeedNotFound(TiCdcResponseError):
    """TiCDC has no changefeed of that id (CDC:ErrChangeFeedNotExists)."""


class Downstream(NamedTuple):
    """Where a MySQL sink writes, as TiCDC reaches it inside the compose network."""

    host: str
    port: int
    user: str
    password: str


# -- the changefeed's sink

def _check(cell: Cell) -> None:
    if cell.sink not in _PROTOCOLS:
        raise TiCdcCommandError(f"cell {cell.id}: TiCDC has no sink for {cell.sink!r}; it serves "
                                f"{', '.join(sorted(_PROTOCOLS))}")
    if cell.protocol != _PROTOCOLS[cell.sink]:
        raise TiCdcCommandError(f"cell {cell.id}: TiCDC sends {cell.sink} over "
                                f"{_PROTOCOLS[cell.sink]}, not {cell.protocol}")
    if cell.variant not in _VARIANTS[cell.sink]:
        raise TiCdcCommandError(f"cell {cell.id}: TiCDC has no counterpart of {cell.sink} variant "
                                f"{cell.variant!r}; known: {', '.join(map(repr, _VARIANTS[cell.sink]))}")


def sink_uri(cell: Cell, *, kafka: str = KAFKA, topic: str = SCHEMA_DDL_TOPIC,
             downstream: Downstream | None = None) -> str:
    """The --sink-uri of the cell's changefeed: the downstream MySQL, or Kafka with the wire format
    and its options (the sink URI's topic only receives DDL that names no table)."""
    _check(cell)
    if cell.sink == "mysql":
        if downstream is None:
            raise TiCdcCommandError(f"cell {cell.id}: a MySQL sink URI needs the downstream "
                                    "(host, port, user, password)")
        user, password = quote(downstream.user, safe=""), quote(downstream.password, safe="")
        return f"mysql://{user}:{password}@{downstream.host}:{downstream.port}/"
    params = {"protocol": _WIRE.get(cell.sink, cell.sink)}
    if cell.variant == "tidb":
        params["enable-tidb-extension"] = "true"
    if cell.variant == "compatible":
        params["content-compatible"] = "true"
    params |= KAFKA_PARAMETERS
    if cell.sink == "avro":
        params |= AVRO_MODES[cell.variant]
    return f"kafka://{kafka}/{quote(topic, safe='')}?{urlencode(params)}"


def _toml_strings(values: list[str]) -> str:
    return "[" + ", ".join(json.dumps(v) for v in values) + "]"  # JSON strings are TOML basic strings


def changefeed_config(cell: Cell, *, databases: str = DATABASE_PREFIX + "*") -> str:
    """The changefeed's --config file (TOML): replicate the test databases only and, on Kafka, route
    each table to its own topic like the reference CDC does."""
    _check(cell)
    rules = [f"{databases}.*"]
    lines = [f"# TiCDC changefeed config for cell {cell.id} (written by sinkmatrix.cdcs.ticdc.commands)",
             "[filter]", f"rules = {_toml_strings(rules)}"]
    if _PROTOCOLS[cell.sink] == "kafka":
        lines += ["", "[sink]"]
        if cell.sink == "debezium-json":  # the envelope's schema: written unless turned off
            lines.append(f"debezium-disable-schema = {'true' if cell.variant == 'schemaless' else 'false'}")
        lines += ["dispatchers = [",
                  f"    {{matcher = {_toml_strings(rules)}, topic = {json.dumps(TOPIC_EXPRESSION)}, "
                  f"partition = {json.dumps(PARTITION_DISPATCHER)}}},", "]"]
    return "\n".join(lines) + "\n"


# -- cdc cli changefeed ...

def changefeed_id_for(cell: Cell, suffix: str = "") -> str:
    """A changefeed id for the cell that TiCDC accepts (letters, digits and single dashes)."""
    words = re.findall(r"[a-zA-Z0-9]+", f"{cell.id} {suffix}".lower())
    return "-".join(words)[:_CHANGEFEED_ID_MAX].strip("-")


def config_path_for(changefeed_id: str) -> str:
    """Where the ticdc container sees a changefeed's config; on the host it is
    SM_STACK_ROOT/changefeeds/ and the same file name."""
    return f"{CONFIG_DIR}/{_checked_id(changefeed_id)}.toml"


def _checked_id(changefeed_id: str) -> str:
    if len(changefeed_id) > _CHANGEFEED_ID_MAX or not _CHANGEFEED_ID.match(changefeed_id):
        raise TiCdcCommandError(f"changefeed id {changefeed_id!r} is not one TiCDC accepts (letters and "
                                f"digits in dash-separated words, at most {_CHANGEFEED_ID_MAX} "
                                "characters); use sinkmatrix.cdcs.ticdc.commands.changefeed_id_for(cell)")
    return changefeed_id


def _cli(verb: str, changefeed_id: str, server: str) -> list[str]:
    # --server, not the deprecated --pd: the CLI talks to the TiCDC server's open API
    return [CDC, "cli", "changefeed", verb, f"--server={server}",
            f"--changefeed-id={_checked_id(changefeed_id)}"]


def changefeed_create_argv(cell: Cell, *, changefeed_id: str, server: str = SERVER,
                           schema_registry: str = SCHEMA_REGISTRY, config_path: str | None = None,
                           start_ts: int | None = None, kafka: str = KAFKA,
                           topic: str = SCHEMA_DDL_TOPIC, downstream: Downstream | None = None) -> list[str]:
    """`cdc cli changefeed create` for the cell. config_path is where changefeed_config(cell) is,
    as the ticdc container sees it: config_path_for(changefeed_id)."""
    argv = _cli("create", changefeed_id, server)
    argv.append(f"--sink-uri={sink_uri(cell, kafka=kafka, topic=topic, downstream=downstream)}")
    if cell.sink == "avro":
        argv.append(f"--schema-registry={schema_registry}")
    if config_path is not None:
        argv.append(f"--config={config_path}")
    if start_ts is not None:
        argv.append(f"--start-ts={start_ts}")
    argv.append("--no-confirm")  # never wait for an answer about ineligible tables: skip them
    return argv


def changefeed_query_argv(changefeed_id: str, *, server: str = SERVER, simple: bool = False) -> list[str]:
    """`cdc cli changefeed query`: prints the changefeed as JSON (parse it with parse_changefeed)."""
    return _cli("query", changefeed_id, server) + (["--simple"] if simple else [])


def changefeed_remove_argv(changefeed_id: str, *, server: str = SERVER) -> list[str]:
    return _cli("remove", changefeed_id, server)


def changefeed_api_path(changefeed_id: str) -> str:
    """The open API v2 path of one changefeed (GET it on the ticdc service's port 8300)."""
    return f"/api/v2/changefeeds/{quote(_checked_id(changefeed_id), safe='')}"


# -- the changefeed's state

def tso_to_datetime(ts: int) -> datetime:
    """The wall-clock time (UTC) of a TiDB timestamp: its physical part is Unix milliseconds."""
    return datetime.fromtimestamp(physical_ms(ts) / 1000, tz=UTC)


def datetime_to_tso(moment: datetime) -> int:
    """The first TiDB timestamp at a wall-clock time (e.g. for --start-ts)."""
    return compose(int(moment.timestamp() * 1000))


@dataclass(frozen=True)
class ChangefeedStatus:
    """A changefeed as TiCDC reports it: state, checkpoint (a TSO) and the last error, if any."""

    id: str
    state: str
    checkpoint_ts: int
    error: str | None = None

    @property
    def checkpoint_time(self) -> datetime:
        return tso_to_datetime(self.checkpoint_ts)

    @property
    def ended(self) -> bool:
        """It will not replicate again by itself (failed, stopped, removed or finished)."""
        return self.state in _ENDED

    def describe(self) -> str:
        at = f"checkpoint {self.checkpoint_ts}"
        if self.checkpoint_ts >> LOGICAL_BITS:
            at += f" ({self.checkpoint_time.isoformat(timespec='milliseconds')})"
        return f"changefeed {self.id} {self.state}, {at}" + (f"; error: {self.error}" if self.error else "")


def _error_text(error: Any) -> str | None:
    if not error:
        return None
    if not isinstance(error, Mapping):
        return str(error)
    where = f" (at {error['addr']})" if error.get("addr") else ""
    return f"{error.get('code') or 'error'}: {error.get('message', '')}{where}"


def parse_changefeed(payload: str | bytes | Mapping[str, Any]) -> ChangefeedStatus:
    """Read GET /api/v2/changefeeds/{id} (or `cdc cli changefeed query`'s output, which names the
    checkpoint checkpoint_tso) into a ChangefeedStatus; an API error body raises."""
    if isinstance(payload, str | bytes):
        try:
            body = json.loads(payload)
        except ValueError as exc:
            raise TiCdcResponseError(f"TiCDC's answer is not JSON ({exc}): {payload[:200]!r}") from exc
    else:
        body = payload
    if not isinstance(body, Mapping):
        raise TiCdcResponseError(f"TiCDC's answer is not a JSON object: {str(body)[:200]}")
    if "error_code" in body or "error_msg" in body:
        code, why = str(body.get("error_code", "")), str(body.get("error_msg", ""))
        cls = ChangefeedNotFound if code.endswith("ErrChangeFeedNotExists") else TiCdcResponseError
        raise cls(f"TiCDC: {code}: {why}", code)
    checkpoint = body.get("checkpoint_ts", body.get("checkpoint_tso"))
    state = body.get("state")
    if not isinstance(checkpoint, int) or not isinstance(state, str) or not body.get("id"):
        raise TiCdcResponseError("TiCDC's answer is not a changefeed (needs id, state and "
                                 f"checkpoint_ts): {json.dumps(body)[:300]}")
    return ChangefeedStatus(str(body["id"]), state, checkpoint, _error_text(body.get("error")))
