-- Outside suite `debezium/ddl`: adapted from Debezium's MySQL/binlog connector tests.
-- Source: https://github.com/debezium/debezium, commit aad5519902997a3627fe296f77ea6d3452e9acce
--   debezium-connector-binlog/src/test/resources/ddl/ (each loaded by its *IT through
--   UniqueDatabase.createAndInitialize, one database each):
--     enum_column_test.sql lines 1-16 (BinlogEnumColumnIT), table_column_comment_test.sql lines 5-12
--     (BinlogTableAndColumnCommentIT), timestamp_column_test.sql lines 1-15 (BinlogTimestampColumnIT),
--     create_table_like_test.sql lines 1-20 (BinlogCreateTableLikeSchemaResolutionIT),
--     table_maintenance_test.sql lines 9-17 (BinlogTableMaintenanceStatementsIT)
--   debezium-connector-binlog/src/test/java/io/debezium/connector/binlog/:
--     BinlogTableAndColumnCommentIT.java shouldParseComment (DBZ-4000, DBZ-4998), line 142
--     BinlogCreateTableLikeSchemaResolutionIT.java (DBZ-248), lines 86-88 and 122-126
--     BinlogSchemaMigrationIT.java shouldCorrectlyMigrateTable, lines 67-68 and 79-86
-- License: Apache-2.0 (debezium/debezium, Copyright Debezium Authors). This file is test data taken
--   from that project, adapted to run on MariaDB 10.11 in one fresh database (see tests/suites/README.md).
-- Changes:
--   - the files' `-- DATABASE: ...` banners left out; the files (one database each upstream) run in
--       one database, no table name shared; each Java test's statements (the text of their string
--       literals, `;` added) run after the file its test loads (BinlogSchemaMigrationIT loads none).
--   - BinlogCreateTableLikeSchemaResolutionIT line 122 qualifies the LIKE table with the test's own
--       database (`<db>`.`template_table`); written unqualified (the same table, one database here).
--   Nothing else is changed.

-- ---- enum_column_test.sql, lines 1-16 (MODIFY COLUMN of an ENUM with quoted commas and quotes, CHARACTER SET and COLLATE)
CREATE TABLE `test_stations_10` (
    `id` int(10) unsigned NOT NULL AUTO_INCREMENT,
    `name` varchar(500) COLLATE utf8_unicode_ci NOT NULL,
    `type` enum('station', 'post_office') COLLATE utf8_unicode_ci NOT NULL DEFAULT 'station',
    `created` datetime DEFAULT CURRENT_TIMESTAMP,
    `modified` datetime DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
    PRIMARY KEY (`id`)
);

INSERT INTO test_stations_10 (`name`, `type`) values ( 'ha Tinh 7', 'station' );

ALTER TABLE `test_stations_10`
    MODIFY COLUMN `type` ENUM('station', 'post_office', 'plane', 'ahihi_dongok', 'now', 'test', 'a,b', 'c,\'d', 'g,''h')
    CHARACTER SET 'utf8' COLLATE 'utf8_unicode_ci' NOT NULL DEFAULT 'station';

INSERT INTO test_stations_10 ( `name`, `type` ) values ( 'Ha Tinh 1', 'now' );

-- ---- table_column_comment_test.sql, lines 5-12
CREATE TABLE dbz_4000_comment_test (
    id INT AUTO_INCREMENT NOT NULL COMMENT 'pk',
    name VARCHAR(255) NOT NULL COMMENT 'this is name column',
    value BIGINT NULL COMMENT 'the value is bigint type',
    PRIMARY KEY (id)
) DEFAULT CHARSET=utf8 COMMENT='table for dbz-4000';

INSERT INTO dbz_4000_comment_test VALUES (default, 'DBZ-4000', 4000);

-- ---- BinlogTableAndColumnCommentIT.java line 142
ALTER TABLE dbz_4000_comment_test ADD COLUMN remark TEXT COMMENT 'description';

-- ---- timestamp_column_test.sql, lines 1-15 (MODIFY COLUMN with a DEFAULT CURRENT_TIMESTAMP(0), COMMENT and AFTER)
CREATE TABLE t_user_block_list (
    `id` int(10) unsigned NOT NULL,
    `data` varchar(20),
    `create_time` datetime,
    `update_time` datetime,
    PRIMARY KEY (`id`)
);

ALTER TABLE t_user_block_list
    MODIFY COLUMN `update_time` datetime(0) NOT NULL
        DEFAULT CURRENT_TIMESTAMP(0) COMMENT 'update_time' AFTER create_time;

INSERT INTO t_user_block_list (`id`,`create_time`,`data`) VALUES (1, CURRENT_TIMESTAMP(), 'test');

UPDATE t_user_block_list SET `data` = 'test2' WHERE `id` = 1;

-- ---- create_table_like_test.sql, lines 1-20
CREATE TABLE `template_table`
(
    `id`        INT          NOT NULL AUTO_INCREMENT,
    `name`      VARCHAR(255) NOT NULL,
    `status`    INT      DEFAULT 0,
    `create_at` DATETIME DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (`id`)
);

CREATE TABLE `shard_001`
(
    `id`        INT          NOT NULL AUTO_INCREMENT,
    `name`      VARCHAR(255) NOT NULL,
    `status`    INT      DEFAULT 0,
    `create_at` DATETIME DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (`id`)
);

INSERT INTO `shard_001` (`name`, `status`)
VALUES ('initial_record', 1);

-- ---- BinlogCreateTableLikeSchemaResolutionIT.java lines 86-88, 122-126
CREATE TABLE `shard_002` LIKE `template_table`;
INSERT INTO `shard_002` (`name`, `status`) VALUES ('from_like_table', 2);
-- adapted: the LIKE table was qualified with the test's own database (line 122); written unqualified
CREATE TABLE `shard_004` LIKE `template_table`;
INSERT INTO `shard_004` (`name`, `status`) VALUES ('cross_db_ref', 4);

-- ---- table_maintenance_test.sql, lines 9-17
CREATE TABLE dbz_253_table_maintenance_test (
      id INT AUTO_INCREMENT NOT NULL,
      other int,
      PRIMARY KEY (id)
) DEFAULT CHARSET=utf8;

ANALYZE TABLE dbz_253_table_maintenance_test;
OPTIMIZE TABLE dbz_253_table_maintenance_test;
REPAIR TABLE dbz_253_table_maintenance_test;

-- ---- BinlogSchemaMigrationIT.java lines 67-68, 79-86: an online schema change (copy, then an atomic
-- two-table RENAME that swaps the copy in)
create table monitored (id int auto_increment primary key, value1 varchar(100), value2 int);
insert into monitored values(default, 'a1', 1);
insert into monitored values(default, 'a2', 2);
CREATE TABLE `_monitored_new` ( `id` int(11) NOT NULL AUTO_INCREMENT, `value1` varchar(100) DEFAULT NULL, `value2` int(11) DEFAULT NULL, PRIMARY KEY (`id`)) ENGINE=InnoDB AUTO_INCREMENT=3 DEFAULT CHARSET=latin1;
ALTER TABLE `_monitored_new` drop value1;
insert into _monitored_new values(default, 1);
insert into _monitored_new values(default, 2);
RENAME TABLE `monitored` TO `_monitored_old`, `_monitored_new` TO `monitored`;
insert into monitored values(default, 3);
