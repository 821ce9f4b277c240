"""A view without DDL finds the version a record was written under and steps through the later ones in
order (sinks.view_versions), so a lossy ALTER converts the view's rows as it did the upstream's."""

from sinkmatrix.model.schema import Column, TableSchema
from sinks.view_versions import alterations, create_statement, fits, newest_fitting


def _table(*columns: Column, key: tuple[str, ...] = ("id",)) -> TableSchema:
    return TableSchema("db", "t", (Column("id", "int", "int(11)", False), *columns), key)


V1 = _table(Column("v", "varchar", "varchar(10)"), Column("n", "int", "int(11)"))
V2 = _table(Column("v", "varchar", "varchar(5)"), Column("n", "int", "int(10) unsigned", unsigned=True))
V3 = _table(Column("v", "varchar", "varchar(5)"), Column("n", "bigint", "bigint(20)"),
            Column("c", "varchar", "varchar(3)", False, default="'x'"))


def test_a_record_fits_the_versions_its_format_cannot_tell_apart():
    # as Avro decodes them: TINYINT..INT are "int", every text "longtext"
    signed = _table(Column("v", "longtext", "longtext"), Column("n", "int", "int"))
    unsigned = _table(Column("v", "longtext", "longtext"), Column("n", "int", "int unsigned", unsigned=True))
    assert fits(signed, V1) and not fits(signed, V2) and not fits(signed, V3)
    assert fits(unsigned, V2) and not fits(unsigned, V1)
    assert newest_fitting(signed, [V1, V2, V3]) == 0
    assert newest_fitting(unsigned, [V1, V2, V3]) == 1
    assert newest_fitting(_table(Column("w", "int", "int")), [V1, V2, V3]) is None


def test_the_steps_between_versions_modify_add_and_drop_in_order():
    assert alterations(V1, V2) == ["MODIFY COLUMN `v` varchar(5) NULL",
                                   "MODIFY COLUMN `n` int(10) unsigned NULL"]
    assert alterations(V2, V3, {"c": "`c` varchar(3) NOT NULL DEFAULT 'x' COLLATE latin1_bin"}) == [
        "ADD COLUMN `c` varchar(3) NOT NULL DEFAULT 'x' COLLATE latin1_bin",
        "MODIFY COLUMN `n` bigint(20) NULL"]
    assert alterations(V3, V1) == ["DROP COLUMN `c`", "MODIFY COLUMN `v` varchar(10) NULL",
                                   "MODIFY COLUMN `n` int(11) NULL"]
    assert create_statement(V3) == ("CREATE TABLE `db`.`t` (`id` int(11) NOT NULL, `v` varchar(5) NULL, "
                                    "`n` bigint(20) NULL, `c` varchar(3) NOT NULL DEFAULT 'x', "
                                    "PRIMARY KEY (`id`))")


def test_a_name_changed_only_in_case_is_the_same_column_changed_in_place():
    old = _table(Column("KIND", "enum", "enum('b2c','b2b')", False, members=("b2c", "b2b"), default="'b2c'"))
    new = _table(Column("kind", "int", "int(11)", default="42"))
    assert alterations(old, new) == ["CHANGE COLUMN `KIND` `kind` int(11) NULL DEFAULT 42"]


def test_a_column_still_the_same_upstream_is_added_as_the_upstream_defines_it_now():
    generated = Column("g", "int", "int(11)")
    present = _table(generated, Column("later", "int", "int(11)"))
    exact = {"g": "`g` int(11) GENERATED ALWAYS AS (`id` + 1) VIRTUAL",
             "later": "`later` int(11) DEFAULT NULL"}
    assert alterations(_table(), _table(generated), exact, present) == [f"ADD COLUMN {exact['g']}"]
    # changed since (another type, or another DEFAULT): the upstream's line no longer describes it
    assert alterations(_table(), _table(Column("g", "bigint", "bigint(20)")), exact, present) == [
        "ADD COLUMN `g` bigint(20) NULL"]
    assert alterations(_table(), _table(Column("g", "int", "int(11)", default="7")), exact, present) == [
        "ADD COLUMN `g` int(11) NULL DEFAULT 7"]
