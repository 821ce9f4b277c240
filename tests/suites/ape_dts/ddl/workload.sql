-- Outside suite `ape_dts/ddl` (workload): adapted from ape-dts's CDC tests (mysql_to_mysql).
-- Source: https://github.com/apecloud/ape-dts, commit 564ee468a01bba62010aa748d12a7efaaeb5327a
--   dt-tests/tests/mysql_to_mysql/cdc/ddl_meta_center_test/src_test.sql, lines 1-71 (after prepare.sql: dt-tests/tests/mysql_to_mysql/cdc/ddl_meta_center_test/src_prepare.sql)
--   dt-tests/tests/mysql_to_mysql/cdc/ddl_test/src_test.sql, lines 62-66 (the `match` table, appended)
-- License: AGPL-3.0 (apecloud/ape-dts is licensed under the GNU Affero General Public License v3;
--   this file is test data taken from that project and stays under that license, see
--   tests/suites/ape_dts/LICENSE.md), adapted to run on MariaDB 10.11 in one fresh database.
-- Changes:
--   - one database for test_db_1..4 and `中文database!@#$%^&*()_+`: `test_db_1.` dropped from names; the
--       tables of test_db_2 and test_db_3 whose names test_db_1 already has got a suffix (`tb_1_db2`,
--       `truncate_tb_1_db2`, `tb_1_db3`); `match` (a reserved word) keeps its name, quoted as `match`;
--       `中文database!@#$%^&*()_+`.`中文` is `中文`. DROP DATABASE test_db_3 became DROP TABLE tb_1_db3
--       (its only table); CREATE DATABASE statements are left out.
--   - MariaDB reserves OFFSET: the column `offset` of `match` is quoted (`offset`) where ddl_test.sql
--       left it bare (MySQL 8 does not reserve it).


INSERT INTO tb_1 VALUES (1,1);

-- add column
ALTER TABLE tb_1 ADD COLUMN f_2 smallint DEFAULT NULL;
ALTER TABLE tb_1 ADD COLUMN f_3 smallint DEFAULT NULL;

INSERT INTO tb_1 VALUES (2,2,2,2);

-- drop column (breaking change)
INSERT INTO tb_1 VALUES (3,3,3,3);

ALTER TABLE tb_1 DROP COLUMN f_1;
ALTER TABLE tb_1 DROP COLUMN f_2;

INSERT INTO tb_1 VALUES (4,4);

-- truncate table
TRUNCATE truncate_tb_1;
TRUNCATE TABLE truncate_tb_2;
-- truncate table in another database
TRUNCATE TABLE truncate_tb_1_db2; 

-- rename table (breaking change)
INSERT INTO rename_tb_1 VALUES(1, 1);
INSERT INTO rename_tb_2 VALUES(1, 1);
INSERT INTO rename_tb_3 VALUES(1, 1);

ALTER TABLE rename_tb_1 RENAME dst_rename_tb_1;
RENAME TABLE rename_tb_2 TO dst_rename_tb_2, rename_tb_3 TO dst_rename_tb_3;

INSERT INTO dst_rename_tb_1 VALUES(2, 2);
INSERT INTO dst_rename_tb_2 VALUES(2, 2);
INSERT INTO dst_rename_tb_3 VALUES(2, 2);

-- drop table (breaking change)
INSERT INTO drop_tb_1 VALUES(1, 1);

DROP TABLE drop_tb_1;
DROP TABLE IF EXISTS drop_tb_2, drop_tb_3;

-- drop database (breaking change)
INSERT INTO tb_1_db3 VALUES(1, 1);

DROP TABLE tb_1_db3; -- adapted: was DROP DATABASE test_db_3 (one database)
-- adapted: DROP DATABASE IF EXISTS test_db_3; left out

-- create database
-- adapted: CREATE DATABASE test_db_4; CREATE DATABASE IF NOT EXISTS test_db_4; left out

-- create table (breaking change)
CREATE TABLE tb_1_db2 ( f_0 tinyint, f_1 smallint DEFAULT NULL, f_2 smallint DEFAULT NULL, PRIMARY KEY (f_0) ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4; 

INSERT INTO tb_1_db2 VALUES (1,1,1);

-- add index
ALTER TABLE tb_1_db2 ADD INDEX idx_f_1 (f_1);
CREATE INDEX idx_f_2 ON tb_1_db2 (f_2);

-- drop index
ALTER TABLE tb_1_db2 DROP INDEX idx_f_1;
DROP INDEX idx_f_2 ON tb_1_db2;

-- create database with special character
-- adapted: CREATE DATABASE `中文database!@#$%^&*()_+`; left out

-- create table with chinese character
CREATE TABLE `中文` ( f_0 tinyint, f_1 smallint DEFAULT NULL, f_2 smallint DEFAULT NULL, PRIMARY KEY (f_0) ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4; 

INSERT INTO `中文` VALUES(1, 1, 1);

-- ddl_test/src_test.sql, lines 62-66
-- contain db system keywords
CREATE TABLE `match` (select_id INT PRIMARY KEY AUTO_INCREMENT, `table` VARCHAR(50) NOT NULL, `column` VARCHAR(100) NOT NULL, `offset` INT NOT NULL, unique_col VARCHAR(20), `match` INT, check_col INT, constraint_col INT);
CREATE INDEX idx_index_on_index ON `match`(`offset`);
CREATE INDEX idx_key_col ON `match`(`match`);
CREATE UNIQUE INDEX uniq_unique_col ON `match`(unique_col);
