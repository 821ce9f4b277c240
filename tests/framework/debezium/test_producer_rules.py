"""Debezium's own rules, through the real engine: the message key its DDL parser chooses (a BOOLEAN key,
a nullable first inline UNIQUE column, DROP INDEX `PRIMARY` against DROP PRIMARY KEY), topic names it
sanitises, its DDL replicated into the view (RENAME, TRUNCATE, DROP, partition DDL), keys written
again after the rows were removed, and NULLs that stay NULL on the careful profile. On Debezium's
shipped defaults the same NULLs arrive as the columns' defaults, and the failure names the behaviour
and the option that changes it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dsl import workload
from dsl.context import opened
from dsl.errors import CheckFailed
from matrix import axes
from sinkmatrix.stack.embedded import EmbeddedStack

pytestmark = [pytest.mark.framework, pytest.mark.xdist_group("debezium-module")]

WORKLOADS = {w.name: w for w in workload.discover(Path(__file__).resolve().parents[2] / "workloads")}
CAREFUL = axes.cell("debezium-json", "kafka", "debezium-3.6")


def _run(stack: Any, cell: Any, name: str) -> str:
    """Run a workload on a fresh database of the stack; the database."""
    with opened(stack, cell, name) as ctx:
        workload.run(ctx, WORKLOADS[name])
        return ctx.database


def _stack(sink: str, variant: str) -> Iterator[Any]:
    cell = axes.cell(sink, "kafka", "debezium-3.6", variant)
    stack = EmbeddedStack.start(cell)
    try:
        yield stack, cell
    finally:
        stack.close()


@pytest.fixture(scope="module")
def shipped_defaults() -> Iterator[Any]:
    """Debezium with its and Kafka's shipped defaults (the `defaults` variant)."""
    yield from _stack("debezium-json", "defaults")


@pytest.fixture
def avro_careful() -> Iterator[Any]:
    yield from _stack("debezium-avro", "")


@pytest.fixture
def avro_shipped_defaults() -> Iterator[Any]:
    yield from _stack("debezium-avro", "defaults")


AVRO_ILLEGAL = ("CREATE TABLE `p:k` (`p:k` INT PRIMARY KEY, `1x` INT, `ok` VARCHAR(4))",
                "INSERT INTO `p:k` VALUES (1, 2, 'a'), (2, 3, 'b')",
                "UPDATE `p:k` SET `1x` = 20 WHERE `p:k` = 2")


def test_a_boolean_primary_key_travels_as_a_boolean_message_key(debezium_stack) -> None:
    _run(debezium_stack, CAREFUL, "bool_keys")


def test_a_table_without_primary_key_is_keyed_by_its_first_inline_unique_column(debezium_stack) -> None:
    database = _run(debezium_stack, CAREFUL, "nullable_unique_keys")
    tables = debezium_stack.view._tables
    assert tables.latest(database, "by_code").key == ("code",)  # nullable, yet the key
    assert tables.latest(database, "two_uniques").key == ("u",)  # by_v's column is nullable: skipped


def test_drop_index_primary_keeps_the_key_and_drop_primary_key_clears_it(debezium_stack) -> None:
    database = _run(debezium_stack, CAREFUL, "drop_primary_key")
    tables = debezium_stack.view._tables
    assert tables.latest(database, "cleared").key == ()
    assert tables.latest(database, "kept").key == ("id",)


def test_a_table_named_in_chinese_reaches_the_view_under_its_own_name(debezium_stack) -> None:
    with opened(debezium_stack, CAREFUL, "chinese_names") as ctx:
        ctx.upstream.exec_driver_sql("CREATE TABLE `中文` (id INT PRIMARY KEY, `列` VARCHAR(10))")
        table = ctx.sql.table("中文")
        table.insert({"id": 1, "列": "一"}).send().wait().check()
        table.update({"id": 1, "列": "二"}).send().wait().check()
        ctx.sql.sync()
        topics = {t for t, _ in debezium_stack.view._parts if ctx.database in t}
    assert topics == {f"sinkmatrix.{ctx.database}.__"}  # Debezium's sanitised topic name


def test_keys_written_again_after_truncate_drop_and_partition_ddl_are_no_duplicates(debezium_stack) -> None:
    _run(debezium_stack, CAREFUL, "reinsert_after_drop_truncate")


@pytest.mark.parametrize("name", ["ddl_tables", "ddl_rename"])
def test_rename_truncate_and_drop_replicate_into_the_view(debezium_stack, name: str) -> None:
    _run(debezium_stack, CAREFUL, name)


def test_rows_of_keyless_tables_are_applied_in_binlog_order(debezium_stack) -> None:
    _run(debezium_stack, CAREFUL, "keyless_tables")


def test_a_null_into_a_defaulted_column_stays_null_on_the_careful_profile(debezium_stack) -> None:
    _run(debezium_stack, CAREFUL, "null_into_defaulted_columns")


def test_on_shipped_defaults_a_null_arriving_as_the_default_is_named_as_debeziums_behaviour(
        shipped_defaults) -> None:
    stack, cell = shipped_defaults
    with pytest.raises(CheckFailed) as failed:
        _run(stack, cell, "null_into_defaulted_columns")
    message = str(failed.value)
    assert "at: expected NULL, actual 1970-01-01 00:00:00" in message, message
    assert ("CDC behaviour: Kafka's JsonConverter wrote the column's default in place of an upstream "
            "NULL") in message
    assert "option value.converter.replace.null.with.default=false" in message
    assert "(KIP-581;" in message


def test_names_that_are_no_avro_names_replicate_on_the_careful_avro_profile(avro_careful) -> None:
    stack, cell = avro_careful
    with opened(stack, cell, "avro_names") as ctx:
        for statement in AVRO_ILLEGAL:
            ctx.upstream.exec_driver_sql(statement)
        ctx.sql.sync()


def test_on_shipped_defaults_an_illegal_avro_name_stops_debezium_and_the_failure_names_the_option(
        avro_shipped_defaults) -> None:
    stack, cell = avro_shipped_defaults
    with opened(stack, cell, "avro_names") as ctx, pytest.raises(AssertionError) as failed:
        for statement in AVRO_ILLEGAL:
            ctx.upstream.exec_driver_sql(statement)
        ctx.sql.sync(timeout=60)
    message = str(failed.value)
    assert "SchemaParseException: Illegal character in: p:k" in message, message
    assert "CDC behaviour: Confluent's AvroConverter stopped the connector" in message
    assert "option field.name.adjustment.mode=avro_unicode and schema.name.adjustment.mode=avro" in message
