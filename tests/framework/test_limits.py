"""Declared sink limits apply to the tables they concern, detected by the framework; the rest of a case
is still checked, and a real loss on another table is still caught."""

from __future__ import annotations

from pathlib import Path

import pytest

from dsl import CheckFailed, limits, workload
from dsl.ddl_effects import Touched, effects, subject
from sinkmatrix.model.schema import Column

pytestmark = pytest.mark.framework

DB = "sm_x"


@pytest.mark.parametrize(("sql", "expected"), [
    ("RENAME TABLE a TO b, `c d` TO e",
     [("a", "renamed"), ("b", "renamed"), ("c d", "renamed"), ("e", "renamed")]),
    ("rename table sm_x.a to other.b", [("a", "renamed"), ("other.b", "renamed")]),
    ("ALTER TABLE t RENAME TO u", [("t", "renamed"), ("u", "renamed")]),
    ("ALTER TABLE t RENAME COLUMN a TO b", []),
    ("ALTER TABLE t RENAME INDEX a TO b, ADD COLUMN x INT", []),
    ("TRUNCATE t", [("t", "truncated")]),
    ("truncate table `sm_x`.`t`", [("t", "truncated")]),
    ("DROP TABLE IF EXISTS a, b", [("a", "dropped"), ("b", "dropped")]),
    ("DROP TEMPORARY TABLE tmp", [("tmp", "dropped")]),
    ("ALTER TABLE p TRUNCATE PARTITION p0", [("p", "partition-rows")]),
    ("ALTER TABLE p DROP PARTITION p0, p1", [("p", "partition-rows")]),
    ("ALTER TABLE p EXCHANGE PARTITION p1 WITH TABLE q",
     [("p", "partition-rows"), ("p", "exchanged"), ("q", "partition-rows"), ("q", "exchanged")]),
    ("ALTER TABLE p REORGANIZE PARTITION p0 INTO (PARTITION a VALUES LESS THAN (5))", []),
    ("ALTER TABLE p ADD PARTITION (PARTITION p9 VALUES LESS THAN (90))", []),
    ("/* why */ ALTER TABLE `o``k` DROP COLUMN x", []),
    ("INSERT INTO t VALUES (1)", []),
    ("CREATE TABLE t (id INT)", []),
    ("CREATE TABLE IF NOT EXISTS t2 LIKE t", [("t2", "copied")]),
])
def test_ddl_effects_name_the_tables_a_statement_renames_truncates_drops_or_moves_rows_of(sql, expected):
    def touched(name: str, effect: str) -> Touched:
        database, _, table = name.rpartition(".")
        return Touched(table, effect, database or DB)

    assert effects(sql, DB) == [touched(t, e) for t, e in expected]


@pytest.mark.parametrize(("sql", "table"), [
    ("CREATE TABLE IF NOT EXISTS `t 1` (id INT)", "t 1"), ("ALTER TABLE sm_x.t ADD COLUMN c INT", "t"),
    ("DROP TABLE IF EXISTS a, b", "a"), ("RENAME TABLE a TO b", "a"), ("TRUNCATE TABLE t", "t"),
    ("TRUNCATE t", "t"), ("CREATE UNIQUE INDEX i ON t (c)", "t"), ("DROP INDEX i ON t", "t"),
    ("CREATE DATABASE d", None), ("ALTER TABLE other.t ADD c INT", None), ("INSERT INTO t VALUES (1)", None),
])
def test_a_ddl_statement_names_the_table_it_is_about(sql, table):
    assert subject(sql, DB) == table


LIMITS = {"keyless-tables": "no key, no order", "ddl": "no DDL", "order": "no clock"}


def test_only_the_tables_a_detected_limit_concerns_are_left_out():
    tables = limits.facts(DB, {"keyless": (), "keyed": ("id",), "renamed_to": ("id",)}, {"old_name"},
                          ["RENAME TABLE old_name TO renamed_to", "ALTER TABLE keyed ADD COLUMN w INT"])
    left = limits.left_out(tables, "avro", LIMITS)
    assert sorted(left) == ["keyless", "old_name", "renamed_to"]
    assert str(left["keyless"]) == ("keyless has no primary key and no NOT NULL unique key: avro limit "
                                    "keyless-tables (no key, no order)")
    assert str(left["old_name"]).startswith("old_name was renamed: avro limit ddl")


def test_a_limit_the_framework_cannot_detect_leaves_no_table_out():
    tables = limits.facts(DB, {"keyless": ()}, set(), [])
    assert limits.left_out(tables, "mysql", {"order": "no clock"}) == {}


def test_a_header_naming_a_detected_limit_skips_nothing_and_an_undetected_one_skips(tmp_path: Path):
    (tmp_path / "w").mkdir()
    (tmp_path / "w" / "workload.sql").write_text(
        "-- sinkmatrix: limit avro keyless-tables\n-- sinkmatrix: limit canal-json order\nSELECT 1;\n")
    [load] = workload.discover(tmp_path)
    assert workload.limit_met(load, "avro", LIMITS) is None
    assert workload.limit_met(load, "canal-json", {"order": "no clock"}) == \
        "canal-json cannot carry it (order: no clock)"


# the keyed table's rows come first: `--fault drop` loses the first row change
KEYLESS_BESIDE_A_LOSS = """\
CREATE TABLE t (id INT PRIMARY KEY, v INT);
INSERT INTO t VALUES (1, 1), (2, 2);
CREATE TABLE log_lines (at INT, message VARCHAR(16));
INSERT INTO log_lines VALUES (1, 'a'), (1, 'a');
"""


@pytest.mark.sinks("avro")
@pytest.mark.fault("drop")
@pytest.mark.no_final_check  # the dropped change stays missing
def test_a_keyless_table_left_out_does_not_hide_a_lost_change_on_another_table(ctx, tmp_path: Path):
    (tmp_path / "w").mkdir()
    (tmp_path / "w" / "workload.sql").write_text(KEYLESS_BESIDE_A_LOSS)
    [load] = workload.discover(tmp_path)
    with pytest.raises(CheckFailed) as failure:
        workload.run(ctx, load, timeout=15)
    message = str(failure.value)
    assert f"table {ctx.database}.t key (id=" in message and "missing in the sink" in message
    assert "left out: log_lines has no primary key and no NOT NULL unique key: avro limit keyless-tables" \
        in message
    assert list(ctx.sql.left_out) == ["log_lines"]


@pytest.mark.sinks("avro")
def test_a_workload_with_a_keyless_table_passes_on_avro_naming_the_table_left_out(ctx, tmp_path: Path):
    (tmp_path / "w").mkdir()
    update = "UPDATE t SET v = 20 WHERE id = 2;\n"
    (tmp_path / "w" / "workload.sql").write_text(KEYLESS_BESIDE_A_LOSS + update)
    [load] = workload.discover(tmp_path)
    found = workload.run(ctx, load, timeout=30)
    assert [t.table for t in found.left_out] == ["log_lines"]
    assert found.tables == 1 and found.rows == 2


@pytest.mark.parametrize(("expected", "actual", "limit"), [
    ("0000-00-00 00:00:00", None, "zero-dates"), ("2020-00-05 00:00:00", None, "zero-dates"),
    ("0000-00-00 00:00:01", "1970-01-01 00:00:00", "zero-dates"),
    ("2020-01-05 00:00:00", None, None),  # a calendar date lost is a loss
    ("0000-00-00 00:00:00", "2020-01-01 00:00:00", None),  # a zero date turned into another date
])
def test_a_zero_date_a_sink_cannot_carry_is_excused_only_where_it_declares_so(expected, actual, limit):
    column = Column(name="t", type="datetime", column_type="datetime")
    assert limits.excused({"zero-dates": "no calendar date"}, column, expected, actual) == limit
    assert limits.excused({}, column, expected, actual) is None



def test_a_table_with_a_spatial_column_is_left_out_where_the_format_has_no_spatial_types():
    tables = limits.facts(DB, {"gis": ("id",), "plain": ("id",)}, set(), [],
                          {"gis": {"int", "geometry"}, "plain": {"int"}})
    left = limits.left_out(tables, "canal-json", {"spatial-types": "TiDB has none"})
    assert list(left) == ["gis"] and str(left["gis"]).startswith("gis has GEOMETRY columns")


def test_a_table_with_text_in_a_character_set_tidb_lacks_is_left_out_on_the_ticdc_formats():
    tables = limits.facts(DB, {"u": ("id",), "g": ("id",)}, set(), [], None,
                          {"u": {"ucs2", "utf8mb4"}, "g": {"gbk", "latin1"}})
    left = limits.left_out(tables, "canal-json", {"tidb-charsets": "TiDB lacks it"})
    assert list(left) == ["u"] and str(left["u"]).startswith("u has text columns in ucs2")


def test_an_overflow_of_the_embedded_kafka_is_its_capacity_met_for_the_table_of_that_partition() -> None:
    failure = ("embedded Kafka dropped messages on sm_db_usertable[0] (its partitions keep ≈5 MB): produce "
               "less per cell (smaller batches), or run this cell on the compose backend with a real broker")
    met = limits.overflowed(failure, "sm_db", "canal-json")
    assert met is not None and (met.table, met.limit) == ("usertable", "transport-capacity")
    assert "compose backend" in str(met)
    assert limits.overflowed("AvroRegistryError: refused", "sm_db", "avro") is None


def test_a_stop_the_cdc_names_as_a_declared_limit_is_that_limit_met_at_the_statements_table() -> None:
    failure = ("Debezium stopped: (io.debezium.text.ParsingException: DDL statement couldn't be parsed. "
               "Please open a GitHub issue with the statement 'ALTER TABLE t drop column if exists aa' "
               "mismatched input 'if'). declared limit mariadb-as-mysql: the MySQL connector's grammar has "
               "no 'drop column if exists' (MySqlParser.g4)")
    known = {"mariadb-as-mysql": "MariaDB through the MySQL connector", "schema-evolution": "BACKWARD"}
    met = limits.declared_stop(failure, "sm_db", "debezium-json", known)
    assert met is not None and (met.table, met.limit) == ("t", "mariadb-as-mysql")
    assert limits.declared_stop(failure, "sm_db", "debezium-json", {"schema-evolution": "x"}) is None
    refused = "declared limit schema-evolution: the schema registry refused the table's new schema (…)"
    assert limits.declared_stop(refused, "sm_db", "debezium-avro", known) is None  # stopped_by decides


def test_an_overflow_on_a_debezium_topic_names_its_table() -> None:
    met = limits.overflowed("embedded Kafka dropped messages on sinkmatrix.sm_db.usertable1[1] (…)", "sm_db",
                            "debezium-json")
    assert met is not None and met.table == "usertable1"
