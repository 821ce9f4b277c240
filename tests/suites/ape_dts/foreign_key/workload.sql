-- Outside suite `ape_dts/foreign_key` (workload): adapted from ape-dts's CDC tests (mysql_to_mysql).
-- Source: https://github.com/apecloud/ape-dts, commit 564ee468a01bba62010aa748d12a7efaaeb5327a
--   dt-tests/tests/mysql_to_mysql/cdc/foreign_key_test/src_test.sql, lines 1-21 (after prepare.sql: dt-tests/tests/mysql_to_mysql/cdc/foreign_key_test/src_prepare.sql)
-- License: AGPL-3.0 (apecloud/ape-dts is licensed under the GNU Affero General Public License v3;
--   this file is test data taken from that project and stays under that license, see
--   tests/suites/ape_dts/LICENSE.md), adapted to run on MariaDB 10.11 in one fresh database.
-- Changes:
--   - `test_db_1.` dropped from names (one database; DROP/CREATE DATABASE, lines 1-3, left out).
--   - foreign key checks stay on: every row here has its parent (unlike basic's fk_tb_1).

INSERT INTO tb_1 VALUES (1, 1, 1, 1);
INSERT INTO tb_1 VALUES (2, 2, 2, 2);

INSERT INTO fk_tb_1 VALUES (1, 1, 1, 1);
INSERT INTO fk_tb_1 VALUES (2, 2, 2, 2);

INSERT INTO fk_tb_2 VALUES (1, 1, 1, 1);
INSERT INTO fk_tb_2 VALUES (2, 2, 2, 2);

INSERT INTO fk_tb_3 VALUES (1, 1, 1, 1);
INSERT INTO fk_tb_3 VALUES (2, 2, 2, 2);

UPDATE tb_1 SET f_3 = 5;
UPDATE fk_tb_1 SET f_3 = 5;
UPDATE fk_tb_2 SET f_3 = 5;
UPDATE fk_tb_3 SET f_3 = 5;

DELETE FROM tb_1;
DELETE FROM fk_tb_3;
DELETE FROM fk_tb_2;
DELETE FROM fk_tb_1;
