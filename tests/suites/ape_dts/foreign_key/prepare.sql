-- Outside suite `ape_dts/foreign_key` (prepare): adapted from ape-dts's CDC tests (mysql_to_mysql).
-- Source: https://github.com/apecloud/ape-dts, commit 564ee468a01bba62010aa748d12a7efaaeb5327a
--   dt-tests/tests/mysql_to_mysql/cdc/foreign_key_test/src_prepare.sql, lines 5-17
-- License: AGPL-3.0 (apecloud/ape-dts is licensed under the GNU Affero General Public License v3;
--   this file is test data taken from that project and stays under that license, see
--   tests/suites/ape_dts/LICENSE.md), adapted to run on MariaDB 10.11 in one fresh database.
-- Changes:
--   - `test_db_1.` dropped from names (one database; DROP/CREATE DATABASE, lines 1-3, left out).
--   - foreign key checks stay on: every row here has its parent (unlike basic's fk_tb_1).

CREATE TABLE tb_1(f_0 int, f_1 int, f_2 int, f_3 int, PRIMARY KEY(f_0));

-- foreign constraints
CREATE TABLE fk_tb_1 (f_0 int, f_1 int UNIQUE, f_2 int UNIQUE, f_3 int, PRIMARY KEY(f_0));

CREATE TABLE fk_tb_2 (f_0 int, f_1 int UNIQUE, f_2 int UNIQUE, f_3 int, PRIMARY KEY(f_0));

CREATE TABLE fk_tb_3 (f_0 int, f_1 int UNIQUE, f_2 int UNIQUE, f_3 int, PRIMARY KEY(f_0));

ALTER TABLE fk_tb_2 ADD CONSTRAINT fk_tb_2_1 FOREIGN KEY (f_1) REFERENCES fk_tb_1 (f_1);
ALTER TABLE fk_tb_2 ADD CONSTRAINT fk_tb_2_2 FOREIGN KEY (f_2) REFERENCES fk_tb_1 (f_2);

ALTER TABLE fk_tb_3 ADD CONSTRAINT fk_tb_3_1 FOREIGN KEY (f_1) REFERENCES fk_tb_2 (f_2);
