"""TiCDC's Avro as the strict decoder (sinks.avro_decode) reads it: a writer schema parsed into the
fields of a table (each with its TiDB type and the upstream column it checks against), the TiDB
extension's and checksum fields, the text forms TiDB writes temporal and decimal values in, and one
value read back to its canonical form (sinkmatrix.model.changes) with the reason it is wrong if it is."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from dsl.compare import canonical
from sinkmatrix.formats import ticdc_avro as wire
from sinkmatrix.formats.numbers import float32
from sinkmatrix.model.schema import Column
from sinks.base import Finding, Record

EXTENSION = {f["name"]: f for f in wire.EXTENSION_FIELDS}
CHECKSUM = {f["name"]: f for f in wire.CHECKSUM_FIELDS}
NOT_COLUMNS = frozenset(EXTENSION) | frozenset(CHECKSUM)
TEXT_FORMS = {  # TiDB's Time.String(), Duration.String(), MyDecimal.String(), strconv.FormatUint
    "DATE": re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}"),
    "DATETIME": re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?"),
    "TIME": re.compile(r"-?[0-9]{2,3}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?"),
    "DECIMAL": re.compile(r"-?[0-9]+(\.[0-9]+)?"),
    "BIGINT UNSIGNED": re.compile(r"[0-9]{1,20}"),
}
TEXT_FORMS["TIMESTAMP"] = TEXT_FORMS["DATETIME"]
FRACTIONS = ("DATETIME", "TIMESTAMP", "TIME")
COLUMN_TYPES = {"INT": "int", "BIGINT": "bigint", "FLOAT": "float", "DOUBLE": "double", "BIT": "bit",
                 "DECIMAL": "decimal", "TEXT": "longtext", "BLOB": "longblob", "ENUM": "enum",
                 "SET": "set", "JSON": "json", "DATE": "date", "DATETIME": "datetime",
                 "TIMESTAMP": "timestamp", "TIME": "time", "YEAR": "year"}


PLAIN_INTEGERS = {"INT", "BIGINT", "INT UNSIGNED", "TINYINT", "SMALLINT", "MEDIUMINT",
                   "TINYINT UNSIGNED", "SMALLINT UNSIGNED", "MEDIUMINT UNSIGNED"}  # YEAR: its own range
PLAIN_TEXT = {"char", "varchar", "tinytext", "text", "mediumtext", "longtext"}


class Unsupported(ValueError):
    """A field that TiCDC does write, but that this decoder does not read (it says what to do)."""


class Unusable(Exception):
    """The record's violations are reported already and leave it unusable."""


class Problem(Exception):
    """A violation that leaves the record unusable."""

    def __init__(self, kind: str, field: str | None, why: str) -> None:
        super().__init__(why)
        self.kind, self.field, self.why = kind, field, why


@dataclass
class At:
    """One record's violations; as findings they carry all the record revealed of its row."""

    record: Record
    problems: list[tuple[str, str | None, str]] = field(default_factory=list)
    database: str | None = None
    table: str | None = None
    key: tuple[Any, ...] | None = None

    def add(self, kind: str, field: str | None, why: str) -> None:
        self.problems.append((kind, field, why))

    @property
    def findings(self) -> list[Finding]:
        r = self.record
        return [Finding(kind, r.topic, r.partition, r.offset, field, why, self.database, self.table, self.key)
                for kind, field, why in self.problems]


@dataclass(frozen=True, slots=True)
class Schema:
    """A registered record schema: its fields (extension fields apart) and the table it names."""

    schema_id: int
    raw: dict[str, Any]
    parsed: Any
    columns: tuple[dict[str, Any], ...]
    names: tuple[str, str] | tuple[str, str, str]  # (database, table) or (problem, field, why)


@dataclass(frozen=True, slots=True)
class Field:
    name: str  # the Avro field
    raw: dict[str, Any]
    column: Column  # as its connect parameters describe it, named as the upstream names it
    check: Column  # what its values and type are checked against: the upstream column when known
    tidb_type: str
    span: tuple[int, int] | None = None  # a plain integer's range: most values need only this

    @staticmethod
    def span_of(check: Column, tidb_type: str) -> tuple[int, int] | None:
        if tidb_type not in PLAIN_INTEGERS:
            return None
        bits = check.bits or 64
        return (0, 2**bits - 1) if check.unsigned else (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1)


@dataclass(frozen=True, slots=True)
class Plan:
    """How to read one schema's records, for one upstream table (or none)."""

    fields: tuple[Field, ...]
    bad: tuple[tuple[str, str, str], ...]  # (name, kind, why) of fields naming no column it can read


class Seen(NamedTuple):
    """A key's last record. A tuple of atomic values: the garbage collector stops tracking it, so
    millions of keys add nothing to its full collections."""

    offset: int
    digest: bytes
    commit_ts: int | None


def split_members(allowed: str) -> tuple[str, ...]:
    """The members of an `allowed` parameter: split at unescaped commas, '\\,' back to ','."""
    return tuple(m.replace("\\,", ",") for m in re.split(r"(?<!\\),", allowed)) if allowed else ()


def column_of(name: str, type_: Any, nullable: bool) -> Column:
    """The column a field's connect parameters describe; ValueError says what is missing."""
    params: Any = type_.get("connect.parameters") if isinstance(type_, dict) else None
    tt = params.get("tidb_type") if isinstance(params, dict) else None
    if not isinstance(tt, str):
        raise ValueError(f"the type {json.dumps(type_)} carries no connect.parameters.tidb_type")
    if tt == wire.VECTOR_TIDB_TYPE:
        raise Unsupported(f"a TiDB VECTOR column (tidb_type {tt}, TiCDC v8.4 on): this adapter lacks "
                          "VECTOR columns; leave the column out of the changefeed (a column filter) to "
                          "test the rest")
    unsigned, base = tt.endswith(" UNSIGNED"), tt.removesuffix(" UNSIGNED")
    if base not in COLUMN_TYPES or (unsigned and base not in ("INT", "BIGINT")):
        raise ValueError(f"tidb_type {tt!r} is not one TiCDC writes")
    kind = COLUMN_TYPES[base]
    extra: dict[str, Any] = {}
    if base == "BIT":
        extra["precision"] = int(str(params.get("length")))
    elif base == "DECIMAL" and type_.get("logicalType") == "decimal":
        extra = {"precision": int(type_.get("precision")), "scale": int(type_.get("scale", 0))}
    elif base in ("ENUM", "SET"):
        extra["members"] = split_members(str(params.get("allowed", "")))
    return Column(name=name, type=kind, column_type=kind + (" unsigned" if unsigned else ""),
                  nullable=nullable, unsigned=unsigned, is_json=base == "JSON", **extra)


def unwrap(type_: Any) -> tuple[Any, bool]:
    """A field's type without its null union, and whether it was nullable."""
    if isinstance(type_, list) and len(type_) == 2 and "null" in type_:
        return type_[1 - type_.index("null")], True
    return type_, False


def names_of(raw: dict[str, Any]) -> tuple[str, str] | tuple[str, str, str]:
    name, namespace = raw.get("name"), raw.get("namespace")
    if not isinstance(name, str) or not name or wire.sanitize_name(name) != name:
        return ("bad-naming", "name", f"record name {name!r} is not a sanitised table name")
    database = namespace[len(wire.NAMESPACE) + 1:] if isinstance(namespace, str) else ""
    valid = bool(database) and wire.sanitize_name(database) == database
    if namespace != f"{wire.NAMESPACE}.{database}" or not valid:
        return ("bad-naming", "namespace", f"namespace {namespace!r} is not '{wire.NAMESPACE}.<database>'")
    return database, name


def value_of(check: Column, tt: str, raw: Any) -> Any:
    """A canonical value (sinkmatrix.model.changes) from the Avro one; ValueError says why it is wrong."""
    if raw is None:
        return None
    if type(raw) is int and tt in PLAIN_INTEGERS:  # most values: a range check is all there is
        low, high = Field.span_of(check, tt) or (0, 0)
        if not low <= raw <= high:
            raise ValueError(f"{raw} is out of range for {check.column_type}")
        return raw
    if type(raw) is str and tt == "TEXT" and check.type in PLAIN_TEXT:
        return raw
    form = TEXT_FORMS.get(tt)
    if isinstance(raw, str) and form is not None:
        if not form.fullmatch(raw):
            raise ValueError(f"{raw!r} is not TiDB's text for {tt}")
        digits = len(raw.partition(".")[2])
        if tt in FRACTIONS and check.fsp is not None and digits != min(check.fsp, 6):
            raise ValueError(f"{raw!r} has {digits} fractional digits, the column's fsp is {check.fsp}")
        if tt == "DECIMAL" and check.scale is not None and digits != check.scale:
            raise ValueError(f"{raw!r} has {digits} digits after the point, the scale is {check.scale}")
    if tt == "BIGINT UNSIGNED":
        raw = int(raw) if isinstance(raw, str) else raw + 2**64 if raw < 0 else raw
    elif tt == "BIT":
        if len(raw) != max(1, (int.from_bytes(raw, "big").bit_length() + 7) // 8):
            raise ValueError(f"{raw!r}: TiCDC writes BIT as its shortest big-endian bytes")
        raw = int.from_bytes(raw, "big")
    elif tt == "DECIMAL" and isinstance(raw, str):
        raw = Decimal(raw)
    valid = canonical(check, raw)
    if tt == "FLOAT":
        return float32(raw)
    return raw if tt in ("JSON", "SET", "ENUM") else valid
