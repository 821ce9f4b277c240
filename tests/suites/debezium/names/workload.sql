-- Outside suite `debezium/names`: adapted from Debezium's MySQL/binlog connector tests.
-- Source: https://github.com/debezium/debezium, commit aad5519902997a3627fe296f77ea6d3452e9acce
--   debezium-connector-binlog/src/test/resources/ddl/ (each loaded by its *IT through
--   UniqueDatabase.createAndInitialize, one database each):
--     strategy_test.sql lines 1-39 (BinlogTopicNamingStrategyIT; table `dbz5743中文`, DBZ-5743),
--     special_characters_test.sql lines 5-13 (BinlogSpecialCharactersIT; table `special"[`]$'` and
--       column `special"[`$]'_id`), topic_name_sanitization_test.sql lines 5-19
--       (BinlogTopicNameSanitizationIT; tables `dbz_878_some|test@data` and `DBZ.1834`),
--     schema_name_adjustment.sql lines 1-2 (BinlogSchemaNameAdjustmentModeIT; keyless `name-adjustment`),
--     mysql_dbz_6533.sql lines 1-18 (BinlogSnapshotSourceIT, DBZ-6533; a table name that prefixes another)
--   debezium-connector-binlog/src/test/java/io/debezium/connector/binlog/BinlogTopicNamingStrategyIT.java
--     (DBZ-4180), lines 92, 129-131, 166-169
-- License: Apache-2.0 (debezium/debezium, Copyright Debezium Authors). This file is test data taken
--   from that project, adapted to run on MariaDB 10.11 in one fresh database (see tests/suites/README.md).
-- Changes:
--   - the files' `-- DATABASE: ...` banners left out; the files (one database each upstream, two of
--       them named `special_"[`]$'_db` and `topic-name.sanitization-it`) run in one database, no
--       table name shared.
--   - BinlogTopicNamingStrategyIT's INSERTs (the text of their Java string literals) run after
--       strategy_test.sql, which its tests load; lines 129-131 run two INSERTs through one
--       JdbcConnection.execute (autocommit on: two transactions); lines 166-169 turn autocommit off,
--       insert and commit: written as START TRANSACTION ... COMMIT.
--   Nothing else is changed.

-- ---- strategy_test.sql, lines 1-39
CREATE TABLE `dbz4180` (
  id INT NOT NULL PRIMARY KEY AUTO_INCREMENT,
  a NUMERIC(10, 2) NOT NULL DEFAULT 1.23,
  b DECIMAL(10, 3) NOT NULL DEFAULT 2.321,
  c VARCHAR(255) NULL DEFAULT 'default mysql strategy',
  d INT NULL DEFAULT '100',
  e DATETIME NULL DEFAULT CURRENT_TIMESTAMP
) ENGINE=InnoDB AUTO_INCREMENT=1 DEFAULT CHARSET=utf8;
INSERT INTO `dbz4180`(a, b, c, d)
VALUES (1.33, -2.111 , 'topic strategy', 99);

CREATE TABLE `dbz_4180_00` (
  id INT NOT NULL PRIMARY KEY AUTO_INCREMENT,
  a NUMERIC(10, 2) NOT NULL DEFAULT 1.23,
  b DECIMAL(10, 3) NOT NULL DEFAULT 2.321,
  c VARCHAR(255) NULL DEFAULT 'shard 0',
  d INT NULL DEFAULT '100',
  e DATETIME NULL DEFAULT CURRENT_TIMESTAMP
) ENGINE=InnoDB AUTO_INCREMENT=1 DEFAULT CHARSET=utf8;

CREATE TABLE `dbz_4180_01` (
  id INT NOT NULL PRIMARY KEY AUTO_INCREMENT,
  a NUMERIC(10, 2) NOT NULL DEFAULT 1.23,
  b DECIMAL(10, 3) NOT NULL DEFAULT 2.321,
  c VARCHAR(255) NULL DEFAULT 'shard 1',
  d INT NULL DEFAULT '100',
  e DATETIME NULL DEFAULT CURRENT_TIMESTAMP
) ENGINE=InnoDB AUTO_INCREMENT=1 DEFAULT CHARSET=utf8;

CREATE TABLE `dbz5743中文` (
  id INT NOT NULL PRIMARY KEY AUTO_INCREMENT,
  a NUMERIC(10, 2) NOT NULL DEFAULT 1.23,
  b DECIMAL(10, 3) NOT NULL DEFAULT 2.321,
  c VARCHAR(255) NULL DEFAULT 'default mysql strategy',
  d INT NULL DEFAULT '100',
  e DATETIME NULL DEFAULT CURRENT_TIMESTAMP
) ENGINE=InnoDB AUTO_INCREMENT=1 DEFAULT CHARSET=utf8;
INSERT INTO `dbz5743中文`(a, b, c, d)
VALUES (1.33, -2.111 , 'topic strategy', 99);

-- ---- BinlogTopicNamingStrategyIT.java lines 92, 129-131, 166-169
INSERT INTO dbz4180(a, b, c, d) VALUE (10.1, 10.2, 'strategy 1', 1290);
INSERT INTO dbz_4180_00(a, b, c, d) VALUE (10.1, 10.2, 'shard 0', 10);
INSERT INTO dbz_4180_01(a, b, c, d) VALUE (10.1, 10.2, 'shard 1', 11);
-- adapted: conn.setAutoCommit(false) ... conn.commit() written as START TRANSACTION ... COMMIT
START TRANSACTION;
INSERT INTO dbz4180(a, b, c, d) VALUE (10.1, 10.2, 'test transaction', 1290);
COMMIT;

-- ---- special_characters_test.sql, lines 5-13
CREATE TABLE `special"[``]$'`
(
    `special"[``$]'_id` INT AUTO_INCREMENT NOT NULL,
    `value`             INT                NOT NULL,
    PRIMARY KEY (`special"[``$]'_id`)
);

INSERT INTO `special"[``]$'`
VALUES (default, 123);

-- ---- topic_name_sanitization_test.sql, lines 5-19
CREATE TABLE `dbz_878_some|test@data` (
      id INT,
      some_col VARCHAR(255),
      PRIMARY KEY (id)
  ) DEFAULT CHARSET=utf8;

INSERT INTO `dbz_878_some|test@data` VALUES (1, 'some text');

CREATE TABLE `DBZ.1834` (
      id INT,
      some_col VARCHAR(255),
      PRIMARY KEY (id)
  ) DEFAULT CHARSET=utf8;

INSERT INTO `DBZ.1834` VALUES (1, 'some text');

-- ---- schema_name_adjustment.sql, lines 1-2
CREATE TABLE `name-adjustment` (id INT);
INSERT INTO `name-adjustment` (id) VALUES (1);

-- ---- mysql_dbz_6533.sql, lines 1-18
CREATE TABLE tablename_suffix (
  PRIMARY KEY (id),
  id INTEGER NOT NULL AUTO_INCREMENT
);

CREATE TABLE tablename (
  PRIMARY KEY (id),
  id INTEGER NOT NULL AUTO_INCREMENT
);

CREATE TABLE another (
  PRIMARY KEY (id),
  id INTEGER NOT NULL AUTO_INCREMENT
);

INSERT INTO tablename_suffix VALUES (default);
INSERT INTO tablename VALUES (default);
INSERT INTO another VALUES (default);

