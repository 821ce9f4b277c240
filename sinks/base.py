"""The sink adapter protocol: one module plus one registration adds a sink to the matrix."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypeVar

from sinkmatrix.model.cdc import CdcOutput
from sinkmatrix.model.changes import DdlChange, RowChange
from sinkmatrix.model.progress import Progress
from sinkmatrix.model.schema import TableSchema

if TYPE_CHECKING:  # SQLAlchemy loads where tests connect, not where sinks are only listed
    from sqlalchemy.engine import URL


@dataclass(frozen=True, slots=True)
class Record:
    """One message as the transport delivered it."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    timestamp_ms: int | None = None


# Every kind of finding an adapter reports, and what it means. An adapter's finding names its kind,
# where it is (topic, partition, offset, field) and why, in words that say what to do.
FINDING_KINDS: dict[str, str] = {
    "malformed": "the bytes are not a message of the protocol (not JSON, not Avro of its schema, cut)",
    "missing-field": "a field the producer always writes is absent",
    "extra-field": "a field the producer never writes is present",
    "wrong-type": "a field holds another JSON type than the protocol's",
    "bad-shape": "a field's structure is not the protocol's (an array of one object, null here)",
    "type-mismatch": "a column's declared type is not the upstream column's in the producer's mapping",
    "bad-value": "a value is no value of its type, or contradicts the message (an event type, a time)",
    "bad-spelling": "a value is right but spelled otherwise than the producer spells it",
    "bad-magic": "the Confluent wire header does not start with byte 0",
    "unknown-schema-id": "the schema id is not in the registry",
    "registry-error": "the registry did not answer for a schema id",
    "bad-naming": "a topic, subject, record name or namespace is not the one the producer derives",
    "key-value-disagree": "the message key and the row disagree",
    "missing-key": "a change of a table with a key came without its message key",
    "out-of-order": "a key's change comes after a later one of the same key",
    "duplicate": "a change already delivered for its key came again (outside a CDC restart)",
    "unsupported-option": "the producer wrote it under an option this adapter does not read (it says how "
    "to turn the option off)",
    "unsupported-type": "a column type this adapter does not read (it says how to leave the column out)",
    "decoder-error": "the decoder failed on the record (a bug of the decoder or of a plug-in it calls)",
    "transport-overflow": "the view fell behind its transport and lost records it can no longer fetch",
    "wrong-value": "a value arrived that the upstream row cannot hold (the view's SQL refused it): the "
    "column, the value, and what the upstream holds for the key",
    "apply-failed": "a decoded change could not be applied to the view",
}


@dataclass(frozen=True, slots=True)
class Finding:
    """A protocol violation, located exactly; it fails the test whose database it concerns."""

    kind: str  # one of FINDING_KINDS
    topic: str
    partition: int
    offset: int
    field: str | None
    why: str
    database: str | None = None
    table: str | None = None
    key: tuple[Any, ...] | None = None

    def __str__(self) -> str:
        where = f"{self.topic}[{self.partition}]@{self.offset}"
        what = f" field {self.field!r}" if self.field else ""
        return f"{self.kind} at {where}{what}: {self.why}"


@dataclass
class Decoded:
    """What one record meant: typed changes (in order), findings, and a watermark if it was one."""

    changes: list[RowChange | DdlChange] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    watermark_ts: int | None = None  # a resolved/watermark timestamp the record announced


class SchemaLookup(Protocol):
    """The upstream table for strict checks. `names`: the columns the message carries, so the lookup
    can answer with the table's version that message was written under (the upstream may have moved on).
    A lookup may also offer `versions(database, table, names)`: every version with those columns,
    newest first, for a decoder to try the older ones when the newest does not fit (sinks.upstream_schema)."""

    def __call__(self, database: str, table: str, names: Collection[str] | None = None) -> TableSchema | None:
        """The table, or None if the upstream has no such table."""


class Decoder(Protocol):
    """A strict decoder of one wire format. Stateful: it sees a partition's records in order, so it
    can flag a key's changes out of order or duplicated. It never raises on bad input: every
    violation becomes a Finding (an unusable record yields no changes)."""

    def decode(self, record: Record) -> Decoded:
        """Decode one record."""


@dataclass
class SinkEnvironment:
    """What a stack offers an adapter: servers by role and their connection details."""

    servers: dict[str, Any] = field(default_factory=dict)  # role -> server (e.g. "downstream")
    # the transports' addresses: "bootstrap", "registry_url"; "topic_prefix": what the view's topics
    # start with (the CDC's prefix, then the test databases')
    settings: dict[str, Any] = field(default_factory=dict)
    # how the CDC names and writes its output: its topics, the producer and release whose rules a
    # decoder holds its messages to (sinkmatrix.formats.releases)
    output: CdcOutput = field(default_factory=CdcOutput)


class SinkView(Protocol):
    """Where the DSL reads what the sink materialized, and how far it has caught up."""

    progress: Progress

    def findings(self, database: str) -> list[Finding]:
        """Protocol violations seen so far in what concerns `database` (a test's database)."""

    def history(self, database: str, table: str, key: tuple[Any, ...]) -> list[dict[str, Any]]:
        """What the sink delivered for one row key, oldest first (for failure bundles)."""

    def url(self, database: str) -> URL:
        """SQLAlchemy URL of the view of one test database (the downstream, or a materialization)."""

    def database(self, database: str) -> str:
        """Name of the view's database for the upstream database `database`."""

    def close(self) -> None:
        """Stop consumers and release what the view holds."""


class FrameworkFaults(Protocol):
    """An optional capability of a view (its `framework_faults`): faults of sinkmatrix.model.faults the
    framework commits itself, between the transport and the decoders or in the sink's stored rows, so
    a CDC with no fault hooks is tested too (sinks.consumer_faults, sinks.sink_tamper)."""

    busy: bool  # something installed or held: the view's fast path when False

    def refuses(self, spec: Any) -> str | None:
        """Why this view cannot commit the fault (a FaultSpec), or None if it can."""

    def install(self, spec: Any) -> None:
        """Commit the fault from now on (FaultError if it cannot)."""

    def clear(self, databases: str | None = None) -> int:
        """Remove the faults installed for `databases` (all when None); how many were removed."""

    def listing(self) -> list[dict[str, Any]]:
        """The faults installed, each with "kind", "databases", "nth" and "seen" (as a CDC's `faults()`)."""


class SinkAdapter(Protocol):
    """A sink (a wire format): the transports it rides, its variants, the services it needs, and the
    view it materializes. Which CDC emits it, and how that CDC is configured for a variant, is the
    CDC plug-in's business (sinkmatrix.model.cdc)."""

    name: ClassVar[str]
    protocols: ClassVar[tuple[str, ...]]
    limits: ClassVar[dict[str, str]]  # known limits of the protocol: what it cannot carry, and why
    variants: ClassVar[tuple[str, ...]]  # wire-format variants the matrix expands ("" = plain)
    needs: ClassVar[tuple[str, ...]]  # services the stack must run for it: "kafka", "schema-registry"

    def __init__(self, variant: str = "") -> None:
        """An adapter for one variant of the sink's wire format."""

    def open_view(self, env: SinkEnvironment, cdc_progress: Progress) -> SinkView:
        """Start reading what the CDC emits; return the view the DSL waits on and checks."""


T = TypeVar("T")


def judged_by_versions(lookup: Any, database: str, table: str, names: Collection[str], tried: TableSchema,
                       found: list[Any], start: int, attempt: Callable[[TableSchema], T],
                       fits: Callable[[T], bool] = lambda _: True) -> tuple[TableSchema, T] | None:
    """A message judged under `tried` left problems (found[start:], or `fits` says no): judge it
    under the table's other versions with its columns (a lookup's `versions`, newest first) and
    answer the first that fits with `attempt`'s result; None, with found[start:] as `tried` left
    it, when none does or the lookup keeps no versions."""
    versions = getattr(lookup, "versions", None)
    if versions is None:
        return None
    first = found[start:]
    for other in versions(database, table, names):
        if other is tried:
            continue
        del found[start:]
        result = attempt(other)
        if len(found) == start and fits(result):
            return other, result
    found[start:] = first
    return None
