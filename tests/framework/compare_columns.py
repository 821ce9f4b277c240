"""Column builders and columns shared by the comparator tests (test_compare_*.py)."""

from __future__ import annotations

from typing import Any

from dsl.compare import equal
from sinkmatrix.model.schema import Column


def col(type_: str, column_type: str | None = None, **kw: Any) -> Column:
    return Column(name="c", type=type_, column_type=column_type or type_, **kw)


BIGINT_U = col("bigint", "bigint(20) unsigned", unsigned=True)
BIGINT = col("bigint", "bigint(20)")
INT = col("int", "int(11)")
TINYINT_U = col("tinyint", "tinyint(3) unsigned", unsigned=True)
DECIMAL = col("decimal", "decimal(10,2)", precision=10, scale=2)
FLOAT = col("float")
DOUBLE = col("double")
DATETIME6 = col("datetime", "datetime(6)", fsp=6)
DATETIME0 = col("datetime", fsp=0)
TIMESTAMP3 = col("timestamp", "timestamp(3)", fsp=3)
DATE = col("date")
TIME0 = col("time", fsp=0)
TIME1 = col("time", "time(1)", fsp=1)
YEAR = col("year")
BIT1 = col("bit", "bit(1)", precision=1)
BIT12 = col("bit", "bit(12)", precision=12)
BIT64 = col("bit", "bit(64)", precision=64)
VARBINARY = col("varbinary", "varbinary(16)")
BLOB = col("longblob")
VARCHAR = col("varchar", "varchar(64)")
JSON_MARIADB = col("longtext", is_json=True)
JSON_MYSQL = col("json", is_json=True)
ENUM = col("enum", "enum('small','medium','large')", members=("small", "medium", "large"))
SET = col("set", "set('a','b','c')", members=("a", "b", "c"))


def assert_equality(column: Column, a: Any, b: Any, same: bool) -> None:
    # (a helper module: pytest does not rewrite this assert, so the message says what was compared)
    for left, right in ((a, b), (b, a)):
        assert equal(column, left, right) is same, \
            f"{column.column_type}: {left!r} {'!=' if same else '=='} {right!r}"
