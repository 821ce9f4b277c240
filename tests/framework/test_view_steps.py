"""A view without DDL (Avro) steps its table through the upstream's versions as the upstream's ALTERs
did: a column renamed only in case is the same column (its values convert, they are not dropped), and a
generated column added by an ALTER between the versions rows were written under computes its values for
the rows the view already holds.

Each case syncs once the view holds its first rows, so the later records step the table from there
(records of other keys travel in other partitions, in no common order)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest

from sinkmatrix.model.changes import RowChange
from sinkmatrix.model.schema import Column, TableSchema
from sinks.apply_mysql import ROW_SQL_MODE
from sinks.view_versions import LateRows

pytestmark = [pytest.mark.framework, pytest.mark.sinks("avro")]


def _run(ctx, *statements: str) -> None:
    for statement in statements:
        ctx.upstream.exec_driver_sql(statement)


def test_a_column_renamed_in_case_converts_its_values_in_the_view(ctx):
    # Debezium's BinlogDefaultValueIT (DBZ-771): CHANGE COLUMN turns an ENUM into an INT; the stored
    # 'b2b' becomes its index, 2, upstream, without a row event
    _run(ctx, "CREATE TABLE customers (id INT PRIMARY KEY, "
              "CUSTOMER_TYPE ENUM('b2c','b2b') NOT NULL DEFAULT 'b2c')",
         "INSERT INTO customers VALUES (1, 'b2b')")
    ctx.sql.sync(30)
    _run(ctx, "ALTER TABLE customers CHANGE customer_type customer_type INT DEFAULT 42",
         "INSERT INTO customers (id) VALUES (2)")
    found = ctx.sql.sync(30)
    assert found.problems == [] and found.rows == 2


def test_generated_columns_added_between_versions_compute_for_the_rows_held(ctx):
    # DM's shard DDL (tiflow dm/tests/shardddl*): generated columns added by ALTER between writes, then
    # another ALTER before the row written under them is read, so that row's version is an older one
    _run(ctx, "CREATE TABLE g (id INT PRIMARY KEY, info VARCHAR(40))",
         "INSERT INTO g VALUES (1, '{\"age\": 10}')")
    ctx.sql.sync(30)
    _run(ctx, "ALTER TABLE g ADD COLUMN info_json JSON GENERATED ALWAYS AS (info) VIRTUAL",
         "ALTER TABLE g ADD COLUMN id_gen INT AS (id + 1)", "ALTER TABLE g ADD UNIQUE (id_gen)",
         "INSERT INTO g (id, info) VALUES (2, '{}')", "ALTER TABLE g ADD COLUMN later INT",
         "UPDATE g SET later = 3 WHERE id = 2")
    found = ctx.sql.sync(30)
    assert found.problems == [] and found.rows == 2


@pytest.mark.sinks("mysql")  # any cell: only the downstream server converts
def test_a_late_row_of_an_older_version_is_converted_as_the_upstreams_alter_did(ctx):
    # a record of the ENUM version read after the view's table became the INT one (records of other
    # keys travel in other partitions): 'b2b' put into the INT column would be 0; the ALTER made it 2
    database = ctx.sql.verifier.sink_database
    key = Column("id", "int", "int(11)", False)
    enum = TableSchema(database, "c", (key, Column("CUSTOMER_TYPE", "enum", "enum('b2c','b2b')", False,
                                                   members=("b2c", "b2b"), default="'b2c'")), ("id",))
    text = TableSchema(database, "c", (key, Column("CUSTOMER_TYPE", "varchar", "varchar(8)", False)), ("id",))
    number = TableSchema(database, "c", (key, Column("customer_type", "int", "int(11)", default="42")),
                         ("id",))
    raw = ctx.downstream.connection.dbapi_connection

    @contextlib.contextmanager
    def lax() -> Iterator[Any]:  # as the view's session: sinks.apply_mysql's lax sql_mode
        with raw.cursor() as cursor:
            cursor.execute("SET SESSION sql_mode = %s", (ROW_SQL_MODE,))
            yield cursor

    assert LateRows.needed((enum, number), None, number) and not LateRows.needed((enum, enum), None, None)
    old = RowChange("update", enum, {"id": 1, "CUSTOMER_TYPE": "b2c"}, {"id": 1, "CUSTOMER_TYPE": "b2b"})
    change = LateRows((enum, number), {}, number, lax).convert(old)
    assert change.table is number
    assert (change.before, change.after) == ({"id": 1, "customer_type": 1}, {"id": 1, "customer_type": 2})
    # through a VARCHAR first, as two ALTERs upstream would: the text 'b2b' made INT is 0
    change = LateRows((enum, text, number), {}, number, lax).convert(old)
    assert change.after == {"id": 1, "customer_type": 0}
