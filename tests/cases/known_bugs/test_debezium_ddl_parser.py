"""DDL a Debezium release could not parse (its task stops: nothing after it arrives) or parsed
wrongly, each fixed in a later release. MariaDB writes a statement to the binlog as it was sent, so
these are streamed DDL: a snapshot reads SHOW CREATE TABLE, which quotes every name."""

import pytest


def parse_failure(word: str) -> str:
    """Debezium's parser refusing a statement naming `word`: its task stops, and the pipeline fails
    with its message, which quotes the statement."""
    return rf"ParsingException: DDL statement couldn't be parsed[^']*'[^']*\b{word}\b"


@pytest.mark.known_bug("debezium/dbz#2237", "a single-quoted COMMENT holding double quotes stops the "
                       "3.6.0 DDL parser", cdc="debezium", connectors=("mysql",),
                       affected=[("3.6.0", "3.6.1")], diagnosis=r"Multiple parsing errors")
def test_double_quotes_inside_a_single_quoted_comment(ctx):
    ctx.step("Given a table whose column comment holds double quotes, created while streaming")
    ctx.upstream.exec_driver_sql("create table t (id int primary key, "
                                 "c varchar(20) comment 'the \"other\" option')")
    ctx.step("When a row is written, then it arrives")
    ctx.sql.table("t").insert({"id": 1, "c": "x"}).send().wait().check()


@pytest.mark.known_bug("DBZ-9031", "a column named SEQUENCE (unquoted) fails to parse", cdc="debezium",
                       connectors=("mysql",), affected=[("3.0.8", "3.1.2")],
                       diagnosis=parse_failure("sequence"))
def test_a_column_named_sequence(ctx):
    ctx.upstream.exec_driver_sql("create table t (sequence bigint not null auto_increment, v int, "
                                 "primary key (sequence))")
    ctx.sql.table("t").insert({"sequence": 1, "v": 1}).send().wait().check()


@pytest.mark.known_bug("DBZ-9092", "a column named ENCRYPTED (unquoted) fails to parse", cdc="debezium",
                       connectors=("mysql",), affected=[("3.0.8", "3.1.3")],
                       diagnosis=parse_failure("encrypted"))
def test_a_column_named_encrypted(ctx):
    ctx.upstream.exec_driver_sql("create table t (uuid varchar(40) not null primary key, "
                                 "encrypted varchar(40) default null)")
    ctx.sql.table("t").insert({"uuid": "a", "encrypted": "b"}).send().wait().check()


@pytest.mark.known_bug("DBZ-9163", "a column named LOCKED (unquoted) fails to parse", cdc="debezium",
                       connectors=("mysql",), affected=[("3.0.8", "3.1.3")],
                       diagnosis=parse_failure("locked"))
def test_a_column_named_locked(ctx):
    ctx.upstream.exec_driver_sql("create table t (id int primary key)")
    ctx.upstream.exec_driver_sql("alter table t add column locked tinyint(1) default 0 not null")
    ctx.sql.table("t").insert({"id": 1, "locked": 1}).send().wait().check()


@pytest.mark.known_bug("DBZ-9623", "a table or column named CYCLE (unquoted) fails to parse", cdc="debezium",
                       connectors=("mysql",), affected=[("3.0.8", "3.2.5"), ("3.3.0", "3.3.2")],
                       diagnosis=parse_failure("cycle"))
def test_a_table_named_cycle(ctx):
    ctx.upstream.exec_driver_sql("create table cycle (id int primary key, cycle int)")
    ctx.sql.table("cycle").insert({"id": 1, "cycle": 2}).send().wait().check()


@pytest.mark.known_bug("DBZ-9479", "a column name holding a backtick keeps it doubled: we``ird for we`ird",
                       cdc="debezium", affected=[("3.0.0", "3.2.3")],
                       diagnosis=r"extra-field .*'tableChanges\.0\.table\.columns\.we``ird'")
def test_a_column_name_holding_a_backtick(ctx):
    ctx.upstream.exec_driver_sql("create table t (id int primary key, `we``ird` int, `count(``c1``)` int)")
    ctx.sql.table("t").insert({"id": 1, "we`ird": 10, "count(`c1`)": 20}).send().wait().check()
