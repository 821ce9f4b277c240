"""Typed changes that cross layers: binlog positions, row changes and DDL, in upstream commit order.

Values in row images are canonical Python values: int (unsigned as non-negative, BIT as int),
Decimal, float, str (CHAR/TEXT/ENUM/JSON text; SET as its comma-joined members), bytes
(BINARY/BLOB), datetime (naive; TIMESTAMP in UTC), date, timedelta (TIME), None for NULL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from sinkmatrix.model.schema import TableSchema

RowKind = Literal["insert", "update", "delete"]


@dataclass(frozen=True, order=True, slots=True)
class Position:
    """A binlog coordinate; orders by file sequence number, then byte offset."""

    seq: int
    pos: int
    file: str = field(compare=False)

    @classmethod
    def of(cls, file: str, pos: int) -> Position:
        return cls(seq=int(file.rsplit(".", 1)[1]), pos=int(pos), file=file)

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "pos": self.pos}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Position:
        return cls.of(data["file"], data["pos"])

    def __str__(self) -> str:
        return f"{self.file}:{self.pos}"


@dataclass(frozen=True, slots=True)
class RowChange:
    """One row's change. `before` is set for update/delete, `after` for insert/update."""

    kind: RowKind
    table: TableSchema  # the table as the change saw it
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    @property
    def schema(self) -> str:
        return self.table.database

    def key_of(self, image: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(image[c] for c in self.table.key)


@dataclass(frozen=True, slots=True)
class DdlChange:
    """A DDL statement as executed upstream, with the default database it ran in."""

    schema: str
    query: str
    kind: str  # CREATE / ALTER / DROP / TRUNCATE / RENAME / QUERY (anything else)
    # The session's sql_mode upstream, as the binlog's query event records it (a bitmask); None
    # where the transport does not carry it (Kafka formats).
    sql_mode: int | str | None = None  # (the view may name modes: "ANSI_QUOTES,...")


@dataclass(frozen=True, slots=True)
class Transaction:
    """What one upstream commit carried, and where it ended in the binlog."""

    changes: tuple[RowChange | DdlChange, ...]
    end: Position
    commit_time: int  # seconds since the epoch, from the binlog event header
    gtid: str | None = None
