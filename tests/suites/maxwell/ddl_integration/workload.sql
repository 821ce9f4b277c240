-- Outside suite `maxwell/ddl_integration`: adapted from Maxwell's DDL integration tests.
-- sinkmatrix: catches *-debezium-mariadb-3.5 "char(1) byte" Debezium 3.5's MariaDB DDL grammar has no BYTE after a character type (MariaDB reads it as BINARY): the connector stops on the CREATE TABLE (io.debezium.text.ParsingException)
-- sinkmatrix: catches debezium-*-debezium-3.6 "debezium/dbz#2291" Debezium 3.6's MySQL DDL parser stops on names quoted "..." under ANSI_QUOTES (fixed by debezium/debezium 360b73f6, 3.7.0.Alpha1)
-- Source: https://github.com/zendesk/maxwell, commit b600e5190c3cd6051a498dd443910d30860b78f5
--   src/test/java/com/zendesk/maxwell/schema/ddl/DDLIntegrationTest.java: the SQL of testAlter
--   (lines 37-51), testMultiLineSQLWithBlacklists (70), testAlterMultipleColumns (79-80), testDrop
--   (88-90), testCreateTableLike (124-127), testCreateIfNotExists (137-138), testConstraintCheck
--   (147-149), testConvertCharset (171-172), testModifyAndMoveColumn (180-181), testPKs (217-224),
--   testIntX (233-237), testSerial (246), testDatetimeWithLength (277-278), testNumericNames (316-317),
--   testLongStringColumns (326-329), testCompatibilityColumnTypes (338-342), testDoubleQuotedTables
--   (361-363, 366-367, 371), testNationChar (377-388), testCaseSensitiveDatabases (422-424), testAutoConvertToByte
--   (433-443), testRenameColumn (462-465), testNonLatinTableCreate (481),
--   testNonLatinTableRenameFilter (515-516), testNonLatinDatabaseChangeWithTableFilter (580-582),
--   testHandleReferencingRenamedColumn (595-598)
-- License: Apache-2.0 (zendesk/maxwell, Copyright Zendesk). This file is test data taken from that
--   project, adapted to run on MariaDB 10.11 in one fresh database (see tests/suites/README.md).
-- Changes:
--   - each statement is the text of a Java string literal (concatenated, `;` added). Maxwell runs each
--       test on a fresh database `shard_1` (MaxwellTestSupport.setupSchema) and compares the schema it
--       tracked with the server's (testDDLFollowing); the getRowsForDDLTransaction tests ran in
--       database `mysql`. Here the tests follow each other in one database:
--     - database qualifiers (`shard_1.`, `shard_2.`, `test.`, `test_like.`, `tt_db.`, `測試資料庫三.`,
--         `lasdkjflaskd.`) left out; `create database ...` left out (one database);
--     - a test that creates a table whose name an earlier test already created has all its tables
--         prefixed with the test's name (e.g. `testConvertCharset__t`); testCreateTableLike's
--         `test_like`.`foo` (a second database) becomes `test_like__foo`;
--     - testAlter's `alter table shard_2.weird_rename rename to lowball` moved the table into shard_1;
--         here it is a rename within the one database. testDrop creates `testAlter` again after
--         testAlter renamed it away, as its test did on a fresh database.
--   - testNumericNames: `shard_1.20151214` needs no quotes after a qualifier; unqualified, a name of
--       digits only must be quoted: written `20151214` in backquotes.
--   - testDoubleQuotedTables sets ANSI_QUOTES on its session around its statements (server.execute,
--       lines 366-367 and 371): written as the same SET statements.
--   - not taken: tests of database DDL only (testAlterDatabase, testCreateAndDropDatabase,
--       testDatabaseCharset, testDatabaseCreate, testNonLatinDatabaseCreate, testDatabaseFilter,
--       testNonLatinDatabaseFilter, testImplicitDatabaseInAlter), tests Maxwell skips on MariaDB
--       (testJSON, testAddQualifiedColumn), testGeneratedColumns (a PRIMARY KEY and NOT NULL on generated
--       columns, which MariaDB refuses), the MariaDB-only tests (in `maxwell/ddl_mariadb`), and the
--       single-CREATE type tests (testYearWithLength, testTimeWithLength, testTimestampWithLength,
--       testBooleans, testReals, testASCIICharset, testUnicodeKeywork, testAutosizingColumns,
--       testTableCreate, testTableCreateFilter, testNonLatinTableCreateFilter, testTableRenameFilter).

-- testAlter: ADD COLUMN with a table option, chained RENAMEs, a table renamed from another database
create table testAlter ( id int(11) unsigned default 1, str varchar(255) );
alter table testAlter add column barbar tinyint;
alter table testAlter add column thiswillbeutf16 text, engine=`innodb` CHARACTER SET utf16;
alter table testAlter rename to `freedonia`;
rename table `freedonia` to ducksoup, ducksoup to `nananana`;
rename tables `nananana` to ducksoup, ducksoup to `freedonia`;
rename tables `freedonia` to ducksoup, ducksoup to `nananana`;
alter table nananana drop column barbar;
-- adapted: create table shard_2.weird_rename ( str mediumtext )
create table weird_rename ( str mediumtext );
-- adapted: alter table shard_2.weird_rename rename to lowball
alter table weird_rename rename to lowball;
create table testDrop ( id int(11) );
drop table testDrop;
-- adapted: create table test.c ( v varchar(255) charset ascii )
create table c ( v varchar(255) charset ascii );

-- testMultiLineSQLWithBlacklists
create table foo (
begin_field int);

-- testAlterMultipleColumns
create table test_foo ( id int );
alter table test_foo add column ( a varchar(255), b varchar(255), primary key (a) );

-- testDrop
create table testAlter ( id int(11) unsigned default 1, str varchar(255) );
-- adapted: drop table if exists lasdkjflaskd.laskdjflaskdj
drop table if exists laskdjflaskdj;
drop table testAlter;

-- testCreateTableLike
create TABLE `source_tbl` ( str varchar(255) character set latin1, redrum bigint(20) unsigned ) default charset 'latin1';
create TABLE `dest_tbl` like `source_tbl`;
-- adapted: create database test_like default charset 'utf8'; left out
-- adapted: create table `test_like`.`foo` LIKE `shard_1`.`source_tbl`
create table `test_like__foo` LIKE `source_tbl`;

-- testCreateIfNotExists
create TABLE IF NOT EXISTS `duplicateTable` (id int(11) unsigned primary KEY);
create TABLE IF NOT EXISTS `duplicateTable` ( str varchar(255) );

-- testConstraintCheck
create TABLE `t` (id int, CHECK(LENGTH(c) is not null and 'lfjd()))()' is not null), c varchar(255));
create TABLE `t2` (id int, CHECK(LENGTH(c) is not null), c varchar(255));
create table t1 (a int, b int, check (a>b));

-- testConvertCharset
-- adapted: t -> testConvertCharset__t
CREATE TABLE testConvertCharset__t ( a varchar(255) character set latin1, b varchar(255) character set latin2, c blob, d varbinary(255), e varchar(255) binary);
ALTER TABLE testConvertCharset__t convert to character set 'utf8';

-- testModifyAndMoveColumn
-- adapted: t -> testModifyAndMoveColumn__t
CREATE TABLE testModifyAndMoveColumn__t ( a varchar(255), b int);
ALTER TABLE testModifyAndMoveColumn__t modify column a varchar(255) after b;

-- testPKs
create TABLE `test_pks` ( id int(11) unsigned primary KEY, str varchar(255) );
create TABLE `test_pks_2` ( id int(11) unsigned, str varchar(255), primary key(id, str) );
create TABLE `test_pks_3` ( id int(11) unsigned primary KEY, str varchar(255) );
create TABLE `test_pks_4` ( id int(11) unsigned primary KEY, str varchar(255) );
alter TABLE `test_pks_3` drop primary key, add primary key(str);
alter TABLE `test_pks_4` drop primary key;
alter TABLE `test_pks` change id renamed_id int(11) unsigned;
alter TABLE `test_pks` drop column renamed_id;

-- testIntX
create TABLE `test_int1` ( id int1 );
create TABLE `test_int2` ( id INT2 );
create TABLE `test_int3` ( id int3 );
create TABLE `test_int4` ( id int4 );
create TABLE `test_int8` ( id int8 );

-- testSerial
-- adapted: test_int1 -> testSerial__test_int1
create TABLE `testSerial__test_int1` ( id serial );

-- testDatetimeWithLength
create TABLE `test_datetime` ( id datetime(3) );
alter TABLE `test_datetime` add column ts timestamp(6);

-- testNumericNames
-- adapted: create TABLE shard_1.20151214_foo ( r1 REAL, b2 REAL (2,2) )
create TABLE 20151214_foo ( r1 REAL, b2 REAL (2,2) );
-- adapted: create TABLE shard_1.20151214 ( r1 REAL, b2 REAL (2,2) ) (quoted: digits only)
create TABLE `20151214` ( r1 REAL, b2 REAL (2,2) );

-- testLongStringColumns
-- adapted: t1, t2, t3, t4 -> testLongStringColumns__t1 ... __t4
create TABLE testLongStringColumns__t1( a long varchar character set 'utf8' );
create TABLE testLongStringColumns__t2( a long varbinary );
create TABLE testLongStringColumns__t3( a long binary character set 'latin1' default NULL );
create table testLongStringColumns__t4( a long );

-- testCompatibilityColumnTypes
-- adapted: t1 ... t5 -> testCompatibilityColumnTypes__t1 ... __t5
create TABLE testCompatibilityColumnTypes__t1( a FIXED );
create TABLE testCompatibilityColumnTypes__t2( a float4 );
create TABLE testCompatibilityColumnTypes__t3( a float8 );
create table testCompatibilityColumnTypes__t4( a middleint );
create table testCompatibilityColumnTypes__t5( a numeric );

-- testDoubleQuotedTables: ANSI_QUOTES, a table whose name holds backquotes
SET @old_mode = @@SESSION.sql_mode;
SET SESSION sql_mode = CONCAT('ANSI_QUOTES,', @@SESSION.sql_mode);
-- adapted: create DATABASE "tt_db"; left out
-- adapted: create table "tt_db"."tt_tt" ( "id" int )
create table "tt_tt" ( "id" int );
-- adapted: create table "tt_db"."`weird_quote`" ( "id" int )
create table "`weird_quote`" ( "id" int );
SET SESSION sql_mode = @old_mode;

-- testNationChar
-- adapted: t1 -> testNationChar__t1
create table testNationChar__t1 ( a CHAR(10) CHARACTER SET utf8, b NATIONAL CHARACTER(10), c NCHAR(10), d VARCHAR(10) CHARACTER SET utf8, e NATIONAL VARCHAR(10), f NVARCHAR(10), g NCHAR VARCHAR(10), h NATIONAL CHARACTER VARYING(10), i NATIONAL CHAR VARYING(10), j CHARACTER, k CHARACTER VARYING(10)) default character set=latin1;

-- testCaseSensitiveDatabases (run where table names are case-sensitive, as on this server)
create TABLE taaaayble( a long varchar character set 'utf8' );
create TABLE TAAAAYBLE( a long varbinary );
drop table taaaayble;

-- testAutoConvertToByte
-- adapted: t1 -> testAutoConvertToByte__t1
create table testAutoConvertToByte__t1 ( a char(1) byte, b varchar(255) byte, c tinytext byte, d text byte, e mediumtext byte, f longtext byte, g character varying(255) byte, h long byte, i text(234344) byte);

-- testRenameColumn
-- adapted: foo, foo_pk -> testRenameColumn__foo, testRenameColumn__foo_pk
CREATE TABLE testRenameColumn__foo ( i int );
ALTER TABLE testRenameColumn__foo rename column i to j;
CREATE TABLE testRenameColumn__foo_pk ( id int(11) unsigned primary KEY );
ALTER TABLE testRenameColumn__foo_pk rename column id to new_id;

-- testNonLatinTableCreate
create table 測試表格 ( 測試欄位一 int, 測試欄位二 text );

-- testNonLatinTableRenameFilter
create table 測試表格三 ( 測試欄位一 int, 測試欄位二 text );
rename table 測試表格三 to 測試表格四;

-- testNonLatinDatabaseChangeWithTableFilter
-- adapted: create database 測試資料庫三; left out
-- adapted: create table `測試資料庫三`.`表格一` ( 中文欄位 int )
create table `表格一` ( 中文欄位 int );
-- adapted: create table `測試資料庫三`.`表格二` ( 中文欄位 int )
create table `表格二` ( 中文欄位 int );

-- testHandleReferencingRenamedColumn: CHANGE COLUMN ... AFTER a column renamed in the same ALTER
-- adapted: t, tt -> testHandleReferencingRenamedColumn__t, __tt
create table testHandleReferencingRenamedColumn__t ( a int, b varchar(255));
alter table testHandleReferencingRenamedColumn__t change column a a int after b_gets_renamed, change column b b_gets_renamed varchar(255);
create table testHandleReferencingRenamedColumn__tt ( a int, b smallint );
alter table testHandleReferencingRenamedColumn__tt add column c int after a_gets_renamed, change column a a_gets_renamed int;
