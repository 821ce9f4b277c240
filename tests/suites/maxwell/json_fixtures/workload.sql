-- Outside suite `maxwell/json_fixtures`: adapted from Maxwell's integration tests.
-- Source: https://github.com/zendesk/maxwell, commit b600e5190c3cd6051a498dd443910d30860b78f5
--   src/test/resources/sql/json/ (run by src/test/java/com/zendesk/maxwell/MaxwellIntegrationTest.java
--   through MaxwellTestJSON.runJSON), whole files: test_1j lines 1-51, test_create_like 1-8,
--   test_create_select 1-13, test_enum 1-10, test_latin1 1-5, test_set 1-14, test_zero_created_at 1-7,
--   test_blob 1-13, test_bit 1-28, test_bignum 1-5, test_time 1-18, test_ucs2 1-5, test_charsets 1-4,
--   test_gis 1-8, test_column_case 1-5, test_json 1-9, test_minimal 1-24, test_invalid_time 1-27
-- License: Apache-2.0 (zendesk/maxwell, Copyright Zendesk). This file is test data taken from that
--   project, adapted to run on MariaDB 10.11 in one fresh database (see tests/suites/README.md).
-- Changes:
--   - Maxwell's harness (MaxwellTestJSON.parseJSONTestFile) takes each non-blank line as one statement
--       and a line starting with `->` as the row event Maxwell must emit: a `;` ends each statement
--       here, and the `->` lines are kept as `-- ->` comments (the expectation, for the reader).
--   - each file ran in its own database: CREATE/USE/DROP DATABASE lines and database qualifiers left
--       out; a table whose name an earlier file already used gets that file's database as a prefix
--       (`test__test_table`, `test_db_create_select__test_alike`, `..._alike2`, `timedb_invalid__tt`);
--       test_latin1 and test_ucs2 created the table in a database whose default charset the table
--       inherited (latin1, ucs2): the table says it (`default charset ...`). Each line changed or left
--       out carries an `-- adapted:` comment with the original.
--   - `set global time_zone = '-0:00'` (test_time, test_invalid_time) left out: a server-wide setting;
--       the server runs at +00:00 already.
--   - test_minimal runs in MaxwellIntegrationTest.testRunMinimalBinlog under `set global
--       binlog_row_image='minimal'` (a server-wide setting): here under the server's FULL image; its
--       `DROP TABLE if exists test_table` left out (it was the empty `test` database's).
--   - the files run in MaxwellIntegrationTest's order, except test_minimal and test_invalid_time at the
--       end: test_invalid_time sets sql_mode = "ALLOW_INVALID_DATES" for what follows.
--   Not taken: test_case_insensitive (no test runs it), bootstrap-* (Maxwell's bootstrap command),
--   test_javascript_filters* and test_row_query_log_is_on (Maxwell options).

-- ---- src/test/resources/sql/json/test_1j, lines 1-51
-- adapted: CREATE DATABASE `test_db_1`  (CREATE DATABASE left out (one database))
-- adapted: CREATE DATABASE if not exists `test_db_1`  (CREATE DATABASE left out (one database))
-- adapted: CREATE TABLE `test_db_1`.`test_table` ( id bigint(20) not null auto_increment primary key, textcol mediumtext character set 'utf8' )  (database qualifier `test_db_1`. left out)
CREATE TABLE `test_table` ( id bigint(20) not null auto_increment primary key, textcol mediumtext character set 'utf8' );
-- adapted: CREATE INDEX `foo` on `test_db_1`.`test_table` (`id`);  (database qualifier `test_db_1`. left out)
CREATE INDEX `foo` on `test_table` (`id`);
-- adapted: CREATE UNIQUE INDEX `foojj` on `test_db_1`.`test_table` (`id`);  (database qualifier `test_db_1`. left out)
CREATE UNIQUE INDEX `foojj` on `test_table` (`id`);
-- adapted: use test_db_1  (USE left out (one database))
insert into test_table set textcol='test_col_1';

-- ->  {"database": "test_db_1", "table": "test_table", "type": "insert", "data": {"id": 1, "textcol": "test_col_1"} }

insert into test_table set textcol='test_col_2';

-- ->  {"database": "test_db_1", "table": "test_table", "type": "insert", "data": { "id": 2, "textcol": "test_col_2"} }

alter table test_table add column `datecol` datetime NULL default null AFTER id;

insert into test_table set textcol='test_col_2', datecol='1979-10-01 00:00:00';

-- -> {"database": "test_db_1", "table": "test_table", "type": "insert", "data": { "id": 3, "textcol": "test_col_2", "datecol": "1979-10-01 00:00:00"}  }

update test_table set textcol='test_col_5' where id = 1;

-- -> {"database": "test_db_1", "table": "test_table", "type": "update", "data": {"id": 1, "textcol": "test_col_5", "datecol": null}, "old": {"textcol": "test_col_1"} }

update test_table set datecol='1979-10-01 00:00:00' where id = 1;

-- -> {"database": "test_db_1", "table": "test_table", "type": "update", "data": {"id": 1, "textcol": "test_col_5", "datecol": "1979-10-01 00:00:00" }, "old": {"datecol": null} }

alter table test_table add column `dummycol` mediumint(10) default 10 AFTER id;

update test_table set dummycol=5 where id = 1;

-- -> {"database": "test_db_1", "table": "test_table", "type": "update", "data": {"id": 1, "textcol": "test_col_5", "datecol": "1979-10-01 00:00:00", "dummycol": 5}, "old": {"dummycol": 10} }

alter table test_table drop column `dummycol`;

update test_table set datecol='1970-01-01 00:00:00' where id = 1;

-- -> {"database": "test_db_1", "table": "test_table", "type": "update", "data": {"id": 1, "textcol": "test_col_5", "datecol": "1970-01-01 00:00:00" }, "old": {"datecol": "1979-10-01 00:00:00"} }

delete from test_table;

-- adapted: /*!40000 ALTER TABLE `test_db_1`.`test_table` ENABLE KEYS */  (database qualifier `test_db_1`. left out)
/*!40000 ALTER TABLE `test_table` ENABLE KEYS */;

-- -> {"database": "test_db_1", "table": "test_table", "type": "delete", "data": {"id": 1, "textcol": "test_col_5", "datecol":"1970-01-01 00:00:00"} }
-- -> {"database": "test_db_1", "table": "test_table", "type": "delete", "data": {"id": 2, "textcol": "test_col_2", "datecol":null} }
-- -> {"database": "test_db_1", "table": "test_table", "type": "delete", "data": {"id": 3, "textcol": "test_col_2", "datecol": "1979-10-01 00:00:00"} }


-- adapted: DROP DATABASE `test_db_1`;  (DROP DATABASE left out: it would drop the case's own database)

-- ---- src/test/resources/sql/json/test_create_like, lines 1-8
-- adapted: CREATE DATABASE `test_db`  (CREATE DATABASE left out (one database))
-- adapted: CREATE TABLE `test_db`.`test_alike` ( id int(11) auto_increment not null primary key, flt float )  (database qualifier `test_db`. left out)
CREATE TABLE `test_alike` ( id int(11) auto_increment not null primary key, flt float );
-- adapted: CREATE TABLE `test_db`.`test_alike2` LIKE `test_db`.`test_alike`  (database qualifier `test_db`. left out)
CREATE TABLE `test_alike2` LIKE `test_alike`;

-- adapted: insert into test_db.test_alike2 set flt = 1.5;  (database qualifier `test_db`. left out)
insert into test_alike2 set flt = 1.5;
-- -> {"database":"test_db", "table": "test_alike2", "type": "insert", "data": { "id" : 1, "flt": 1.5 } }

-- ---- src/test/resources/sql/json/test_create_select, lines 1-13
-- adapted: CREATE DATABASE `test_db_create_select`  (CREATE DATABASE left out (one database))
-- adapted: use test_db_create_select  (USE left out (one database))
-- adapted: CREATE TABLE `test_alike` ( id int(11), flt float )  (test_create_like has a test_alike: prefixed with this file's database)
CREATE TABLE `test_db_create_select__test_alike` ( id int(11), flt float );

-- adapted: insert into test_alike set id = 1, flt = 0.5;  (test_create_like has a test_alike: prefixed with this file's database)
insert into `test_db_create_select__test_alike` set id = 1, flt = 0.5;

-- -> {"database":"test_db_create_select", "table": "test_alike", "type": "insert", "data": { "id" : 1, "flt": 0.5 } }

-- adapted: CREATE TABLE `test_db_create_select`.`test_alike2` select * from test_alike;  (database qualifier left out; test_create_like has a test_alike2: prefixed with this file's database; test_create_like has a test_alike: prefixed with this file's database)
CREATE TABLE `test_db_create_select__test_alike2` select * from `test_db_create_select__test_alike`;

-- -> {"database":"test_db_create_select", "table": "test_alike2", "type": "insert", "data": { "id" : 1, "flt": 0.5 } }

-- ---- src/test/resources/sql/json/test_enum, lines 1-10
-- adapted: create database enum_db;  (CREATE DATABASE left out (one database))
-- adapted: use enum_db;  (USE left out (one database))
create table test_enums(id int(10) unsigned not null auto_increment primary key, enum_field enum('foo', 'bar', 'baz'));
insert into test_enums set enum_field='bar';
--   -> {database:"enum_db", table: "test_enums", type: "insert", data: {"id": 1, enum_field: "bar"} }
insert into test_enums set enum_field='baz';
--   -> {database:"enum_db", table: "test_enums", type: "insert", data: {"id": 2, enum_field: "baz"} }
insert into test_enums set enum_field='foo';
--   -> {database:"enum_db", table: "test_enums", type: "insert", data: {"id": 3, enum_field: "foo"} }

-- ---- src/test/resources/sql/json/test_latin1, lines 1-5
-- adapted: CREATE DATABASE `test_latin1` default charset 'latin1'  (CREATE DATABASE left out (one database))
-- adapted: create table `test_latin1`.`latin1` ( textcol text )  (database qualifier left out; the database's default charset 'latin1' (line 1) given to the table, which inherited it)
create table `latin1` ( textcol text ) default charset 'latin1';
-- adapted: use test_latin1  (USE left out (one database))
insert into `latin1` set `textcol` = 'áááááááá';
-- -> {"database": "test_latin1", "table": "latin1", "type": "insert", "data": {"textcol": "áááááááá"} }

-- ---- src/test/resources/sql/json/test_set, lines 1-14
-- adapted: create database set_db;  (CREATE DATABASE left out (one database))
-- adapted: use set_db;  (USE left out (one database))
create table test_sets(id int(10) unsigned not null auto_increment primary key, set_field set('foo', 'bar', 'baz') NOT NULL);
insert into test_sets set set_field='bar,baz';
--   -> {database:"set_db", table: "test_sets", type: "insert", data: {"id": 1, set_field: ["bar", "baz"]} }
insert into test_sets set set_field='baz,foo';
--   -> {database:"set_db", table: "test_sets", type: "insert", data: {"id": 2, set_field: ["foo", "baz"]} }
insert into test_sets set set_field='foo';
--   -> {database:"set_db", table: "test_sets", type: "insert", data: {"id": 3, set_field: ["foo"]} }
insert into test_sets set set_field='';
--   -> {database:"set_db", table: "test_sets", type: "insert", data: {"id": 4, set_field: []} }
alter table test_sets modify column set_field set('foo', 'bar', 'baz') NULL DEFAULT NULL;
insert into test_sets set id=NULL;
--   -> {database:"set_db", table: "test_sets", type: "insert", data: {"id": 5, set_field: null} }

-- ---- src/test/resources/sql/json/test_zero_created_at, lines 1-7
-- adapted: CREATE DATABASE `cdb`  (CREATE DATABASE left out (one database))
-- adapted: create table `cdb`.`ca` ( id int(11) auto_increment not null primary key, datecol datetime NOT NULL default 0, ch varchar(255));  (database qualifier left out)
create table `ca` ( id int(11) auto_increment not null primary key, datecol datetime NOT NULL default 0, ch varchar(255));
-- adapted: insert into cdb.ca set ch='a';  (database qualifier left out)
insert into ca set ch='a';
-- -> {"database":"cdb", "table": "ca", "type": "insert", "data":  {"id": 1, "ch": "a", "datecol": "0000-00-00 00:00:00"}  }
-- adapted: insert into cdb.ca set ch='a', datecol = '0003-00-00 00:00:01';  (database qualifier left out)
insert into ca set ch='a', datecol = '0003-00-00 00:00:01';
-- -> {"database":"cdb", "table": "ca", "type": "insert", "data":  {"id": 2, "ch": "a", "datecol": "0000-00-00 00:00:00"}  }

-- ---- src/test/resources/sql/json/test_blob, lines 1-13
-- adapted: create database blob_db;  (CREATE DATABASE left out (one database))
-- adapted: use blob_db;  (USE left out (one database))
create table test_blob(id int(10) unsigned not null auto_increment primary key, blob_field blob);
insert into test_blob set blob_field=x'00010203';
--   -> {database:"blob_db", table: "test_blob", type: "insert", data: {"id": 1, blob_field: "AAECAw=="} }
create table test_binary(id int(10) auto_increment primary key, binary_field binary(10));
insert into test_binary set binary_field=x'00010203';
--   -> {database:"blob_db", table: "test_binary", type: "insert", data: {"id": 1, binary_field: "AAECAw=="} }
create table test_varbinary(id int(10) auto_increment primary key, varbinary_field varbinary(10));
insert into test_varbinary set varbinary_field=x'00010203';
--   -> {database:"blob_db", table: "test_varbinary", type: "insert", data: {"id": 1, varbinary_field: "AAECAw=="} }

-- ---- src/test/resources/sql/json/test_bit, lines 1-28
-- adapted: create database bit_db;  (CREATE DATABASE left out (one database))
-- adapted: use bit_db;  (USE left out (one database))
create table test_bit(id int(10) unsigned not null auto_increment primary key, bit_field bit(64));
insert into test_bit set bit_field=b'00011';
--   -> {database:"bit_db", table: "test_bit", type: "insert", data: {"id": 1, bit_field: 3} }
insert into test_bit set bit_field=b'111111';
--   -> {database:"bit_db", table: "test_bit", type: "insert", data: {"id": 2, bit_field: 63} }
insert into test_bit set bit_field=409832983;
--   -> {database:"bit_db", table: "test_bit", type: "insert", data: {"id": 3, bit_field: 409832983} }
insert into test_bit set bit_field=18446744073709551615;
--   -> {database:"bit_db", table: "test_bit", type: "insert", data: {"id": 4, bit_field: 18446744073709551615} }
insert into test_bit set bit_field=5461;
--   -> {database:"bit_db", table: "test_bit", type: "insert", data: {"id": 5, bit_field: 5461} }

create table test_bit2 (id int(10) unsigned not null auto_increment primary key, bit_field bit(8));

insert into test_bit2 set bit_field=b'00011';
--   -> {database:"bit_db", table: "test_bit2", type: "insert", data: {"id": 1, bit_field: 3} }

create table test_bit3 (id int(10) unsigned not null auto_increment primary key, bit_field bit(16));

insert into test_bit3 set bit_field=13929;
--   -> {database:"bit_db", table: "test_bit3", type: "insert", data: {"id": 1, bit_field: 13929} }

create table test_bit4 (id int(10) unsigned not null auto_increment primary key, bit_field bit(24));

insert into test_bit4 set bit_field=b'111000111000111001010110';
--   -> {database:"bit_db", table: "test_bit4", type: "insert", data: {"id": 1, bit_field: 14913110} }

-- ---- src/test/resources/sql/json/test_bignum, lines 1-5
-- adapted: create database long_db;  (CREATE DATABASE left out (one database))
-- adapted: use long_db;  (USE left out (one database))
create table test_long(id int(10) unsigned not null auto_increment primary key, long_field BIGINT(20) UNSIGNED);
insert into test_long set long_field= 18446744073709551615 ;
--   -> {database:"long_db", table: "test_long", type: "insert", data: {"id": 1, long_field: 18446744073709551615} }

-- ---- src/test/resources/sql/json/test_time, lines 1-18
-- adapted: create database timedb  (CREATE DATABASE left out (one database))
-- adapted: use timedb  (USE left out (one database))

-- adapted: set global time_zone = '-0:00';  (SET GLOBAL left out: a server-wide setting (the server runs at +00:00 already))

CREATE TABLE tt ( t time(6), small_t time(3), dt datetime(6), small_dt datetime(3), ts timestamp(4) NULL );

insert into tt set dt = '0001-01-01 00-00-00';
-- -> { "database": "timedb", "table": "tt", "type": "insert", "data": {"t": null, "small_t": null, "dt": "0001-01-01 00:00:00.000000", "small_dt": null, "ts": null } }

insert into tt set t = '12:23:33.123456', small_t = '12:23:33.345', dt = '2012-01-01 22:32:34.222222', small_dt = '2012-01-01 22:32:34.123', ts = '2012-01-01 22:32:34.1234';
-- -> { "database": "timedb", "table": "tt", "type": "insert", "data": {"t": "12:23:33.123456", "small_t": "12:23:33.345", "dt": "2012-01-01 22:32:34.222222", "small_dt": "2012-01-01 22:32:34.123", "ts": "2012-01-01 22:32:34.1234" } }

insert into tt (dt) values('2000-01-01 01:00:00.999999');
-- -> { "database": "timedb", "table": "tt", "type": "insert", "data": {"t": null, "small_t": null, "dt": "2000-01-01 01:00:00.999999", "small_dt": null, "ts": null } }

insert into tt (dt) values('1950-01-01 01:00:00.999999');
-- -> { "database": "timedb", "table": "tt", "type": "insert", "data": {"t": null, "small_t": null, "dt": "1950-01-01 01:00:00.999999", "small_dt": null, "ts": null } }

-- ---- src/test/resources/sql/json/test_ucs2, lines 1-5
-- adapted: CREATE DATABASE `test_ucs2` default charset 'ucs2'  (CREATE DATABASE left out (one database))
-- adapted: create table `test_ucs2`.`ucs2` ( textcol text )  (database qualifier left out; the database's default charset 'ucs2' (line 1) given to the table, which inherited it)
create table `ucs2` ( textcol text ) default charset 'ucs2';
-- adapted: insert into `test_ucs2`.`ucs2` set `textcol` = '∆˚ø¨´˚∆ƒ¬ß∂µ≤˜π∑ˆ¨´øßå¬∂˚∆ƒ…¬å˚∆ß';  (database qualifier left out)
insert into `ucs2` set `textcol` = '∆˚ø¨´˚∆ƒ¬ß∂µ≤˜π∑ˆ¨´øßå¬∂˚∆ƒ…¬å˚∆ß';
-- -> {"database": "test_ucs2", "table": "ucs2", "type": "insert", "data": {"textcol": "∆˚ø¨´˚∆ƒ¬ß∂µ≤˜π∑ˆ¨´øßå¬∂˚∆ƒ…¬å˚∆ß"} }

-- ---- src/test/resources/sql/json/test_charsets, lines 1-4
-- adapted: CREATE DATABASE `test_charsets`  (CREATE DATABASE left out (one database))
-- adapted: create table `test_charsets`.`c` ( gbk varchar(255) charset 'gbk', big5 varchar(255) charset 'big5', ujis varchar(255) charset 'ujis' )  (database qualifier left out)
create table `c` ( gbk varchar(255) charset 'gbk', big5 varchar(255) charset 'big5', ujis varchar(255) charset 'ujis' );
-- adapted: insert into `test_charsets`.`c` set `gbk` = '乪', `big5` = '圖形碼', `ujis` = '河';  (database qualifier left out)
insert into `c` set `gbk` = '乪', `big5` = '圖形碼', `ujis` = '河';
-- -> {"database": "test_charsets", "table": "c", "type": "insert", "data": {"gbk": "乪", "big5": "圖形碼", "ujis": "河"} }

-- ---- src/test/resources/sql/json/test_gis, lines 1-8
-- adapted: create database gis_db;  (CREATE DATABASE left out (one database))
-- adapted: use gis_db;  (USE left out (one database))
create table test_gis(id int(10) unsigned not null auto_increment primary key, g GEOMETRY NULL);
insert into test_gis set g=POINT(3, 2);
--   -> { database: "gis_db", table: "test_gis", type: "insert", data: { "id": 1, g: "POINT (3 2)"} }
insert into test_gis set g=GEOMETRYCOLLECTION(POINT(1, 1),LINESTRING(POINT(0,1), POINT(1,2), POINT(2,3), POINT(3,4)));
--   -> { database: "gis_db", table: "test_gis", type: "insert", data: { "id": 2, g: "GEOMETRYCOLLECTION (POINT (1 1), LINESTRING (0 1, 1 2, 2 3, 3 4))"} }

-- ---- src/test/resources/sql/json/test_column_case, lines 1-5
-- adapted: create database case_columns;  (CREATE DATABASE left out (one database))
-- adapted: use case_columns;  (USE left out (one database))
-- adapted: create table case_columns.test_case(ID int(10) unsigned not null auto_increment primary key, bar_FIELD varchar(255));  (database qualifier left out)
create table test_case(ID int(10) unsigned not null auto_increment primary key, bar_FIELD varchar(255));
insert into test_case set bar_field='bar';
--   -> {database:"case_columns", table: "test_case", type: "insert", data: {"ID": 1, "bar_FIELD": "bar"}}

-- ---- src/test/resources/sql/json/test_json, lines 1-9
-- adapted: CREATE DATABASE `test_json`  (CREATE DATABASE left out (one database))
-- adapted: create table `test_json`.`json` ( j json, i int )  (database qualifier left out)
create table `json` ( j json, i int );
-- adapted: use test_json  (USE left out (one database))
insert into `json` set `j` = '{"foo": "bar", "baz": [1,2,3,{"hello": "inside an array"}], "bar": 123.4321}', i = 0;
-- -> {"database": "test_json", "table": "json", "type": "insert", "data": {"j": {"foo": "bar", "baz": [1,2,3,{"hello": "inside an array"}], "bar": 123.4321}, i: 0}}

update `json` set i = 1;

-- -> {"database": "test_json", "table": "json", "type": "update", "data": {i: 1, j: {"foo": "bar", "baz": [1,2,3,{"hello": "inside an array"}], "bar": 123.4321}}, old: {i: 0}}

-- ---- src/test/resources/sql/json/test_minimal, lines 1-24
-- adapted: use test  (USE left out (one database))
-- adapted: DROP TABLE if exists `test_table`  (`DROP TABLE if exists test_table` left out: the table is test_1j's here (test_minimal ran in database `test`))
-- adapted: CREATE TABLE `test_table` ( id int auto_increment primary key, a text, b text )  (test_1j has a test_table: prefixed with this file's database `test`)
CREATE TABLE `test__test_table` ( id int auto_increment primary key, a text, b text );
-- adapted: insert into test_table set a='avalue'  (test_1j has a test_table: prefixed with this file's database `test`)
insert into `test__test_table` set a='avalue';

-- ->  {"database": "test", "table": "test_table", "type": "insert", "data": {"id": 1, "a": "avalue"} }

-- adapted: insert into test_table set a='avalue2', b='bvalue2'  (test_1j has a test_table: prefixed with this file's database `test`)
insert into `test__test_table` set a='avalue2', b='bvalue2';

-- ->  {"database": "test", "table": "test_table", "type": "insert", "data": {"id": 2, "a": "avalue2", "b": "bvalue2"} }

-- adapted: update test_table set a='avalue3' where id = 2  (test_1j has a test_table: prefixed with this file's database `test`)
update `test__test_table` set a='avalue3' where id = 2;

-- ->  { "database": "test", "table": "test_table", "type": "update", "data": {"id": 2, "a": "avalue3"} }


# testing an open-replicator bug around >1 byte of NULLability columns
CREATE TABLE `test_table_2` ( id int auto_increment primary key, i1 int, i2 int, i3 int, i4 int, i5 int, i6 int, i7 int, i8 int, i9 int, i10 int );

insert into test_table_2 set i1=555, i2=777;
-- ->  { database: "test", table: "test_table_2", type: "insert", data: { id: 1, i1: 555, i2: 777 } }

update test_table_2 set i3=444 where i1=555;
-- ->  { database: "test", table: "test_table_2", type: "update", data: { id: 1, i3: 444 } }

-- ---- src/test/resources/sql/json/test_invalid_time, lines 1-27
-- adapted: create database timedb_invalid  (CREATE DATABASE left out (one database))
-- adapted: use timedb_invalid  (USE left out (one database))

-- adapted: set global time_zone = '-0:00';  (SET GLOBAL left out: a server-wide setting (the server runs at +00:00 already))
set sql_mode = "ALLOW_INVALID_DATES";

create table t ( d datetime );

insert into t values ('1970-01-01 00:00:00');
-- -> { "database": "timedb_invalid", "table": "t", "type": "insert", "data": { "d": "1970-01-01 00:00:00" } }
insert into t values (0);
-- -> { "database": "timedb_invalid", "table": "t", "type": "insert", "data": { "d": "0000-00-00 00:00:00" } }

-- adapted: CREATE TABLE tt ( t time(6), small_t time(3), dt datetime(6), small_dt datetime(3), ts timestamp(4) NULL, raw_dt datetime, dcol date );  (test_time has a tt: prefixed with this file's database)
CREATE TABLE timedb_invalid__tt ( t time(6), small_t time(3), dt datetime(6), small_dt datetime(3), ts timestamp(4) NULL, raw_dt datetime, dcol date );

-- adapted: insert into tt values (0, 0, 0, 0, 0, 0, 0);  (test_time has a tt: prefixed with this file's database)
insert into timedb_invalid__tt values (0, 0, 0, 0, 0, 0, 0);
-- -> { "database": "timedb_invalid", "table": "tt", "type": "insert",
--      "data": {
--         "t": "00:00:00.000000",
--         "small_t": "00:00:00.000",
--         "dt": "0000-00-00 00:00:00.000000",
--         "small_dt": "0000-00-00 00:00:00.000",
--         "ts": "0000-00-00 00:00:00.0000",
--         "raw_dt": "0000-00-00 00:00:00",
--         "dcol": "0000-00-00"
--     } }
