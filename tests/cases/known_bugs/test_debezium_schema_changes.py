"""Schema changes a Debezium release applied wrongly to its in-memory table, so later rows came out
wrong, each fixed in a later release."""

import pytest


@pytest.mark.known_bug("debezium/dbz#1568", "ALTER TABLE ... CHANGE without NULL keeps a NOT NULL column "
                       "required: a NULL arrives as 0, '' or 1970-01-01", cdc="debezium",
                       affected=[("3.0.0", "3.4.2")],
                       diagnosis=r"start_date: expected NULL, actual 1970-01-01.*s: expected NULL, actual ''"
                                 r".*n: expected NULL, actual 0")
def test_change_column_to_nullable_implicitly(ctx):
    ctx.step("Given a table of NOT NULL columns, changed while streaming to nullable ones without NULL")
    ctx.upstream.exec_driver_sql("create table t (id int primary key, start_date date not null, "
                                 "s varchar(10) not null, n int not null)")
    for change in ("change start_date start_date date default null", "change s s varchar(10) default null",
                   "change n n int"):
        ctx.upstream.exec_driver_sql(f"alter table t {change}")
    ctx.step("When NULLs are written, then NULLs arrive")
    ctx.sql.table("t").insert({"id": 1, "start_date": None, "s": None, "n": None}).send().wait().check()


@pytest.mark.known_bug("debezium/dbz#1504", "ALTER TABLE ... CONVERT TO CHARACTER SET ignored: later "
                       "strings decoded with the old character set", cdc="debezium",
                       affected=[("3.0.0", "3.4.1")],
                       diagnosis=r"s: expected 'Grüße €', actual 'GrÃ¼ÃŸe â‚¬'")
def test_convert_to_character_set(ctx):
    ctx.step("Given a latin1 table converted to utf8mb4 while the CDC streams")
    ctx.upstream.exec_driver_sql("create table t (id int primary key, s varchar(50), x text) "
                                 "default charset=latin1")
    table = ctx.sql.table("t")
    table.insert({"id": 1, "s": "Grüße", "x": "Grüße"}).send().wait()
    ctx.upstream.exec_driver_sql("alter table t convert to character set utf8mb4 collate utf8mb4_unicode_ci")
    ctx.step("When text beyond latin1 is written, then it arrives as written")
    table.insert({"id": 2, "s": "Grüße €", "x": "Ωmega 😀"}).send().wait().check()
    table.update({"id": 1, "s": "çé"}).send().wait().check()
