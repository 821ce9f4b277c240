"""Debezium's producer rules as sinkmatrix holds them (sinkmatrix.formats.debezium_keys,
sinkmatrix.formats.debezium_names,
sinkmatrix.formats.debezium_behaviours), each as its source states it; the real engine's events agree with
them
(test_producer_rules runs them through Debezium 3.6.3, whose schema-change events are judged by
these rules)."""

from __future__ import annotations

import pytest

from sinkmatrix.formats import debezium_keys as keys
from sinkmatrix.formats.debezium_behaviours import CAREFUL, SHIPPED, Behaviour, explain_failure
from sinkmatrix.formats.debezium_names import Naming, avro_field_name, data_topic, sanitized_topic

pytestmark = pytest.mark.framework

NOT_NULL = {"id": True, "u": True, "ident": True, "code": False, "v": False, "a": False}

KEY_RULES = [
    # CREATE TABLE: the primary key; else the first inline UNIQUE column, nullable or not
    ("CREATE TABLE t (id INT PRIMARY KEY, v INT)", None, ("id",)),
    ("CREATE TABLE t (id INT KEY, v INT)", None, ("id",)),
    ("CREATE TABLE t (code VARCHAR(8) UNIQUE, v INT)", None, ("code",)),
    ("CREATE TABLE t (a INT, v INT UNIQUE, u INT UNIQUE NOT NULL)", None, ("v",)),
    ("CREATE TABLE t (v INT UNIQUE KEY COMMENT 'unique', id INT, PRIMARY KEY (id))", None, ("id",)),
    ("CREATE TABLE IF NOT EXISTS `db`.`t` (`v` INT, `id` INT NOT NULL, CONSTRAINT pk PRIMARY KEY (`id`))",
     None, ("id",)),
    # ... else the first table-level UNIQUE whose columns are all NOT NULL
    ("CREATE TABLE t (a INT, v INT, u INT NOT NULL, UNIQUE KEY by_v (v), UNIQUE KEY by_u (u))", None, ("u",)),
    ("CREATE TABLE t (a INT, v INT, UNIQUE KEY (v))", None, ()),
    ("CREATE TABLE t (u INT NOT NULL, a INT, UNIQUE KEY ((u + 1)))", None, ()),
    ("CREATE TABLE t LIKE other", None, None),
    # ALTER TABLE: DROP PRIMARY KEY clears it; DROP INDEX of any name, PRIMARY too, does not
    ("ALTER TABLE t DROP PRIMARY KEY", ("id",), ()),
    ("ALTER TABLE t DROP INDEX `PRIMARY`", ("id",), ("id",)),
    ("ALTER TABLE t ADD PRIMARY KEY (u)", (), ("u",)),
    ("ALTER TABLE t ADD CONSTRAINT uu UNIQUE KEY (u), ADD COLUMN z INT", (), ("u",)),
    ("ALTER TABLE t ADD UNIQUE KEY vv (v)", (), ()),
    ("ALTER TABLE t ADD COLUMN c INT UNIQUE", (), ()),  # no inline UNIQUE rule in ALTER
    ("ALTER TABLE t ADD COLUMN k INT NOT NULL PRIMARY KEY", (), ("k",)),
    ("ALTER TABLE t CHANGE COLUMN id ident INT NOT NULL", ("id",), ("ident",)),
    ("ALTER TABLE t RENAME COLUMN id TO ident", ("id", "u"), ("ident", "u")),
    ("ALTER TABLE t DROP COLUMN id", ("id", "u"), ("u",)),
    # CREATE UNIQUE INDEX: as a table-level UNIQUE (and as Debezium 3.6 writes it, without CREATE)
    ("CREATE UNIQUE INDEX uu ON t (u)", (), ("u",)),
    ("UNIQUE INDEX uu ON t (u)", (), ("u",)),
    ("CREATE UNIQUE INDEX vv ON t (v)", (), ()),
    ("CREATE UNIQUE INDEX uu ON t (u)", ("id",), ("id",)),
    ("RENAME TABLE t TO s", ("id",), ("id",)),
]


@pytest.mark.parametrize(("sql", "before", "key"), KEY_RULES, ids=[r[0][:48] for r in KEY_RULES])
def test_the_key_debeziums_ddl_parser_chooses(sql: str, before: tuple[str, ...] | None,
                                              key: tuple[str, ...] | None) -> None:
    assert keys.after(sql, before, NOT_NULL.get) == key


def test_the_key_names_its_columns_as_the_table_does_whatever_case_the_statement_used() -> None:
    columns = ("id", "u", "v")
    sql = "CREATE TABLE `T` (`id` INT NOT NULL AUTO_INCREMENT, v INT, PRIMARY KEY (`ID`))"
    assert keys.after(sql, None, NOT_NULL.get, columns) == ("id",)
    assert keys.after("ALTER TABLE t ADD UNIQUE KEY uu (U)", (), NOT_NULL.get, columns) == ("u",)
    assert keys.after("ALTER TABLE t DROP COLUMN ID", ("id", "u"), NOT_NULL.get, columns) == ("u",)


def test_topic_names_are_sanitised_and_the_table_keeps_its_name_elsewhere() -> None:
    assert data_topic("sinkmatrix", "db", "中文") == "sinkmatrix.db.__"
    assert data_topic("sinkmatrix", "db", "p:k") == "sinkmatrix.db.p_k"
    assert sanitized_topic("a" * 300) == "a" * 249
    naming = Naming("sinkmatrix")
    assert naming.schema("db", "中文", "Key") == "sinkmatrix.db.__.Key"
    assert naming.field("p:k") == "p:k"


def test_avro_name_adjustment_renames_fields_and_schemas() -> None:
    assert avro_field_name("p:k") == "p_k"
    assert avro_field_name("1x") == "_1x"  # a leading digit kept after the added "_"
    assert avro_field_name("ok_1") == "ok_1"
    naming = Naming("sinkmatrix", fields="avro", avro_schemas=True)
    assert naming.schema("my-db", "t", "Value") == "sinkmatrix.my_db.t.Value"
    assert naming.field("名称") == naming.field("城市") == "__"  # (the connector stops on the duplicate)


def test_avro_unicode_names_each_character_it_replaces_so_no_two_columns_meet() -> None:
    naming = Naming("sinkmatrix", fields="avro_unicode")
    assert naming.field("名称") == "_u540d_u79f0" and naming.field("城市") == "_u57ce_u5e02"
    assert naming.field("p:k") == "p_u003ak" and naming.field("p_k") == "p_u005fk"
    assert naming.field("1x") == "_u0031x" and naming.field("x1") == "x1"
    assert naming.field("a😀") == "a_ud83d_ude00"  # Java's chars: a surrogate pair is two
    for name in ("名称", "p:k", "p_k", "1x", "a😀", "CUSTOMER_TYPE", "\x01z"):
        assert naming.column(naming.field(name)) == name


def test_a_connector_stopped_by_an_avro_name_is_named_as_debeziums_behaviour() -> None:
    found = explain_failure("Debezium stopped: org.apache.avro.SchemaParseException: "
                            "Illegal character in: p:k")
    assert isinstance(found, Behaviour) and found.option.startswith("field.name.adjustment.mode=avro")
    assert explain_failure("Debezium stopped: Connection refused") is None


def test_the_shipped_defaults_list_their_consequences_and_the_careful_profile_avoids_them() -> None:
    unavoidable = {"real-as-float32", "boolean-as-true-false", "zero-date-as-default"}
    assert set(SHIPPED.consequences(avro=False)) == {"null-as-default", "truncate-skipped", "two-digit-years",
                                                     *unavoidable}
    assert set(SHIPPED.consequences(avro=True)) == {"null-as-default-avro", "truncate-skipped",
                                                    "avro-illegal-name", "two-digit-years", *unavoidable}
    # what no option avoids: REAL's FLOAT32 (only a converter naming each column), BOOLEAN's true for
    # -1, a zero date's stand-in, Avro's NULL defaults
    assert set(CAREFUL.consequences(avro=False)) == unavoidable
    assert set(CAREFUL.consequences(avro=True)) == {"null-as-default-avro", *unavoidable}
