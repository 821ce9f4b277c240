-- Outside suite `ape_dts/ddl` (prepare): adapted from ape-dts's CDC tests (mysql_to_mysql).
-- Source: https://github.com/apecloud/ape-dts, commit 564ee468a01bba62010aa748d12a7efaaeb5327a
--   dt-tests/tests/mysql_to_mysql/cdc/ddl_meta_center_test/src_prepare.sql, lines 10-28
-- License: AGPL-3.0 (apecloud/ape-dts is licensed under the GNU Affero General Public License v3;
--   this file is test data taken from that project and stays under that license, see
--   tests/suites/ape_dts/LICENSE.md), adapted to run on MariaDB 10.11 in one fresh database.
-- Changes:
--   - one database for test_db_1..4 and `中文database!@#$%^&*()_+`: `test_db_1.` dropped from names; the
--       tables of test_db_2 and test_db_3 whose names test_db_1 already has got a suffix (`tb_1_db2`,
--       `truncate_tb_1_db2`, `tb_1_db3`); `match` (a reserved word) keeps its name, quoted as `match`;
--       `中文database!@#$%^&*()_+`.`中文` is `中文`. DROP DATABASE test_db_3 became DROP TABLE tb_1_db3
--       (its only table); CREATE DATABASE statements are left out.

CREATE TABLE tb_1 ( f_0 tinyint, f_1 smallint DEFAULT NULL, PRIMARY KEY (f_0) ); 

CREATE TABLE rename_tb_1 ( f_0 tinyint, f_1 smallint DEFAULT NULL, PRIMARY KEY (f_0) );
CREATE TABLE rename_tb_2 ( f_0 tinyint, f_1 smallint DEFAULT NULL, PRIMARY KEY (f_0) );
CREATE TABLE rename_tb_3 ( f_0 tinyint, f_1 smallint DEFAULT NULL, PRIMARY KEY (f_0) );

CREATE TABLE drop_tb_1 ( f_0 tinyint, f_1 smallint DEFAULT NULL, PRIMARY KEY (f_0) ); 
CREATE TABLE drop_tb_2 ( f_0 tinyint, f_1 smallint DEFAULT NULL, PRIMARY KEY (f_0) ); 

CREATE TABLE truncate_tb_1 ( f_0 tinyint, f_1 smallint DEFAULT NULL, PRIMARY KEY (f_0) ); 
INSERT INTO truncate_tb_1 VALUES (1, 1);

CREATE TABLE truncate_tb_2 ( f_0 tinyint, f_1 smallint DEFAULT NULL, PRIMARY KEY (f_0) ); 
INSERT INTO truncate_tb_2 VALUES (1, 1);

CREATE TABLE truncate_tb_1_db2 ( f_0 tinyint, f_1 smallint DEFAULT NULL, PRIMARY KEY (f_0) ); 
INSERT INTO truncate_tb_1_db2 VALUES (1, 1);

CREATE TABLE tb_1_db3 ( f_0 tinyint, f_1 smallint DEFAULT NULL, PRIMARY KEY (f_0) );
