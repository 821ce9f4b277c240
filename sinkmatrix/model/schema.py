"""A table as the layers see it: its columns with their types, and the key that identifies a row."""

from __future__ import annotations

from dataclasses import dataclass, field

INTEGER_TYPES = {"tinyint": 8, "smallint": 16, "mediumint": 24, "int": 32, "bigint": 64}


@dataclass(frozen=True, slots=True)
class Column:
    """A column as information_schema describes it; the comparator and encoders key off `type`."""

    name: str
    type: str  # DATA_TYPE, lower case: int, bigint, decimal, varchar, longtext, datetime, json, ...
    column_type: str  # full COLUMN_TYPE: 'bigint(20) unsigned', "enum('a','b')", 'decimal(10,2)'
    nullable: bool = True
    unsigned: bool = False
    is_json: bool = False  # MariaDB: longtext with a json_valid() CHECK; MySQL: DATA_TYPE json
    auto_increment: bool = False
    precision: int | None = None  # NUMERIC_PRECISION, or character length for strings
    scale: int | None = None  # NUMERIC_SCALE
    fsp: int | None = None  # DATETIME_PRECISION (fractional seconds digits)
    members: tuple[str, ...] = ()  # ENUM / SET members in definition order
    # COLUMN_DEFAULT as information_schema spells it (MariaDB: a quoted literal, a bare number, NULL,
    # or an expression); None where unknown or without a DEFAULT. Not part of a column's identity.
    default: str | None = field(default=None, compare=False)
    charset: str | None = field(default=None, compare=False)  # CHARACTER_SET_NAME of a text column

    @property
    def bits(self) -> int | None:
        """Width of an integer or BIT column in bits."""
        if self.type == "bit":
            return self.precision
        return INTEGER_TYPES.get(self.type)


@dataclass(frozen=True, slots=True)
class TableSchema:
    database: str
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # PK, else first NOT NULL unique key (index column order); () if none
    by_name: dict[str, Column] = field(compare=False, repr=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.by_name.update({c.name: c for c in self.columns})

    @property
    def qualified(self) -> str:
        return f"{self.database}.{self.name}"

    def column(self, name: str) -> Column:
        return self.by_name[name]
