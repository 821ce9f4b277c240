"""Faults a CDC under test (or the path its output takes) can be made to commit, so tests can prove
the checks catch them: the kinds, where each acts, and the spec a test or a run asks for.

A fault is installed for the databases matching a pattern and hits the `nth` row change (or message)
in them that it can bend, once — except `stall` and `lag`, which hold from their first hit until
cleared. Three layers:

- change: the transaction is altered before any sink sees it (drop, corrupt, wrong-type,
  omit-column, ddl-reorder; reorder on the MySQL sink);
- message: an encoded Kafka message is altered before it is produced (duplicate, reorder,
  bad-magic, bad-schema-id, truncate);
- delivery: the CDC's loop misbehaves (stall, lag, crash, crash-lose).

Each CDC plug-in says which it can inject (refcdc: all of them; Debezium: the message layer, in its
hand-off, and its lifecycle) and refuses the rest with the reason.

Where a fault acts (`FaultSpec.side`): "cdc" in the CDC's own hooks, "sink" in the framework, which
needs nothing from the CDC — the Kafka view bends the records between the transport and the
decoders (sinks.consumer_faults), the MySQL sink's rows are tampered with after the CDC applied
them (sinks.sink_tamper). "auto" (the default) takes the CDC's side where the CDC offers the fault
(its `refuses()` says None) and the framework's otherwise; `side_for` decides. A kind the
framework alone can commit (`resurrect`) never goes to the CDC.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Literal

from sinkmatrix.model.schema import Column

# value families a `corrupt` fault can bend
FAMILIES = ("number", "decimal", "string", "binary", "temporal", "json", "bit", "unsigned")
_INTEGERS = frozenset({"tinyint", "smallint", "mediumint", "int", "integer", "bigint"})
_STRINGS = frozenset({"char", "varchar", "tinytext", "text", "mediumtext", "longtext"})
_BINARIES = frozenset({"binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob"})
_TEMPORALS = frozenset({"date", "datetime", "timestamp", "time", "year"})


def in_family(family: str, column: Column) -> bool:
    """Whether a `corrupt` fault of `family` may bend a value of the column."""
    kind = column.type
    return {
        "number": (kind in _INTEGERS and not column.unsigned) or kind in ("float", "double", "real"),
        "decimal": kind in ("decimal", "numeric"),
        "string": kind in _STRINGS and not column.is_json,
        "binary": kind in _BINARIES,
        "temporal": kind in _TEMPORALS,
        "json": column.is_json,
        "bit": kind == "bit",
        "unsigned": kind in _INTEGERS and column.unsigned,
    }[family]

Layer = Literal["change", "message", "delivery", "sink"]  # "sink": the stored rows, after the apply
Side = Literal["auto", "cdc", "sink"]
SIDES: tuple[str, ...] = ("auto", "cdc", "sink")
BAD_SCHEMA_ID = 0x7FFF_FFF0  # a schema id no registry hands out in a test run


@dataclass(frozen=True)
class FaultKind:
    name: str
    summary: str
    layers: dict[str, Layer]  # sink type ("mysql", "kafka") -> where the fault acts there
    formats: frozenset[str] | None = None  # Kafka wire formats it applies to (None: all)
    not_on: dict[str, str] = field(default_factory=dict)  # sink type -> why it does not apply
    cdc_side: bool = True  # whether a CDC's hooks may commit it (False: the framework's side only)

    def applies(self, sink_type: str, wire_format: str | None) -> str | None:
        """None if the fault applies to the sink; else why not."""
        if sink_type not in self.layers:
            return self.not_on.get(sink_type, f"it has no meaning for the {sink_type} sink")
        if sink_type == "kafka" and self.formats is not None and wire_format not in self.formats:
            if self.name == "ddl-reorder":
                return "Avro carries no DDL messages: a table's schema travels with each of its rows"
            return f"it concerns {', '.join(sorted(self.formats))} messages only"
        return None


_BOTH: dict[str, Layer] = {"mysql": "change", "kafka": "change"}
_DELIVERY: dict[str, Layer] = {"mysql": "delivery", "kafka": "delivery"}
_NO_MESSAGES = "the MySQL sink carries statements, not messages"

KINDS: dict[str, FaultKind] = {k.name: k for k in (
    FaultKind("drop", "a row change is never delivered", _BOTH),
    FaultKind("duplicate", "a row change is delivered twice", {"kafka": "message"},
              not_on={"mysql": "the MySQL sink applies idempotently (REPLACE by key): a second copy "
                               "changes nothing a reader could see"}),
    FaultKind("reorder", "two changes of one key are delivered in swapped order",
              {"mysql": "change", "kafka": "message"}),
    FaultKind("corrupt", "one value of a type family is altered (family=number|decimal|string|"
                         "binary|temporal|json|bit|unsigned)", _BOTH),
    FaultKind("wrong-type", "an integer column is declared and encoded as text", {"kafka": "change"},
              not_on={"mysql": "the MySQL protocol converts a value to its column's type: a "
                               "mistyped value shows as a corrupt one"}),
    FaultKind("omit-column", "a column is left out of a row change", _BOTH),
    FaultKind("bad-magic", "an Avro message starts with a wrong magic byte", {"kafka": "message"},
              formats=frozenset({"avro"}), not_on={"mysql": _NO_MESSAGES}),
    FaultKind("bad-schema-id", "an Avro message names a schema id the registry never issued",
              {"kafka": "message"}, formats=frozenset({"avro"}), not_on={"mysql": _NO_MESSAGES}),
    FaultKind("truncate", "a message is cut in half", {"kafka": "message"},
              not_on={"mysql": _NO_MESSAGES}),
    FaultKind("stall", "delivery stops while the CDC keeps reporting itself healthy", _DELIVERY),
    FaultKind("lag", "every change is delivered `seconds` late", _DELIVERY),
    FaultKind("crash", "the CDC dies after delivering a batch, before its checkpoint, and is "
                       "restarted: the batch is delivered again (at-least-once)", _DELIVERY),
    FaultKind("crash-lose", "the CDC checkpoints a batch it never delivered, dies and is restarted: "
                            "the batch is lost", _DELIVERY),
    FaultKind("ddl-reorder", "a DDL is applied after the row changes that follow it upstream", _BOTH,
              formats=frozenset({"canal-json"})),
    FaultKind("resurrect", "a row deleted upstream comes back in the sink after the delete was applied",
              {"mysql": "sink"}, cdc_side=False,
              not_on={"kafka": "the Kafka view's rows change only by the records it reads: a deleted "
                               "row comes back there through `reorder` or `duplicate` of its insert"}),
)}


class FaultError(ValueError):
    """A fault request the CDC cannot honour; the message says what would be accepted."""


@dataclass(frozen=True)
class FaultSpec:
    kind: str
    databases: str = "*"  # fnmatch pattern of the databases whose changes it may hit
    nth: int = 1  # hit the nth change (or message) it can bend
    family: str | None = None  # corrupt: which type family
    seconds: float = 3.0  # lag: how late
    side: str = "auto"  # where it acts: "auto", "cdc" (the CDC's hooks), "sink" (the framework's)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FaultSpec:
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise FaultError(f"unknown fault setting {unknown[0]!r}; settings: {', '.join(sorted(known))}")
        try:
            spec = cls(**data)
        except TypeError as exc:
            raise FaultError(f"fault {data!r}: {exc}; give at least 'kind'") from exc
        spec.validate()
        return spec

    @classmethod
    def parse(cls, text: str) -> FaultSpec:
        """'kind' or 'kind:setting=value,...' (as given on the command line: --fault corrupt:family=json)."""
        kind, _, rest = text.partition(":")
        settings: dict[str, Any] = {"kind": kind.strip()}
        for item in filter(None, (part.strip() for part in rest.split(","))):
            name, eq, value = item.partition("=")
            if not eq:
                raise FaultError(f"fault {text!r}: {item!r} is not setting=value")
            kinds = {"nth": int, "seconds": float}
            try:
                settings[name.strip()] = kinds.get(name.strip(), str)(value.strip())
            except ValueError as exc:
                raise FaultError(f"fault {text!r}: {name.strip()}: {exc}") from exc
        return cls.from_json(settings)

    def validate(self) -> None:
        if self.kind not in KINDS:
            raise FaultError(f"unknown fault {self.kind!r}; faults: {', '.join(KINDS)}")
        if self.kind == "corrupt" and self.family not in FAMILIES:
            raise FaultError(f"fault 'corrupt' needs family= one of {', '.join(FAMILIES)}"
                             f" (got {self.family!r})")
        if not isinstance(self.nth, int) or self.nth < 1:
            raise FaultError(f"fault {self.kind!r}: nth must be a whole number ≥ 1 (got {self.nth!r})")
        if not isinstance(self.seconds, int | float) or self.seconds <= 0:
            raise FaultError(f"fault {self.kind!r}: seconds must be > 0 (got {self.seconds!r})")
        if self.side not in SIDES:
            raise FaultError(f"fault {self.kind!r}: side must be one of {', '.join(SIDES)} "
                             f"(got {self.side!r}): cdc for the CDC's own hooks, sink for the framework's "
                             "(the Kafka consumer, the MySQL sink's rows), auto for the CDC's where it "
                             "offers the fault")
        if self.side == "cdc" and not KINDS[self.kind].cdc_side:
            raise FaultError(f"fault {self.kind!r} is committed by the framework alone: leave side out "
                             "or give side=sink")

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def __str__(self) -> str:
        extra = f" family={self.family}" if self.family else ""
        extra += f" seconds={self.seconds:g}" if self.kind == "lag" else ""
        extra += f" side={self.side}" if self.side != "auto" else ""
        return f"{self.kind}{extra} nth={self.nth} on {self.databases}"


def side_for(spec: FaultSpec, cdc_refuses: str | None, sink_refuses: str | None) -> Literal["cdc", "sink"]:
    """Where a fault is committed, given why the CDC's hooks and the framework's side cannot commit
    it (None: they can). FaultError, with both reasons, when no side asked for can."""
    cdc_ok = KINDS[spec.kind].cdc_side and cdc_refuses is None
    if spec.side == "cdc" or (spec.side == "auto" and cdc_ok):
        if cdc_ok:
            return "cdc"
        raise FaultError(f"fault {spec.kind!r}: the CDC cannot commit it ({cdc_refuses}); "
                         "side=sink has the framework commit it" + ("" if sink_refuses is None else
                                                                     f", but {sink_refuses}"))
    if sink_refuses is None:
        return "sink"
    cdc_why = ("it is the framework's alone" if not KINDS[spec.kind].cdc_side
               else cdc_refuses or "side=sink asked for the framework's side")
    raise FaultError(f"fault {spec.kind!r}: neither the CDC ({cdc_why}) nor the framework "
                     f"({sink_refuses}) can commit it here")
