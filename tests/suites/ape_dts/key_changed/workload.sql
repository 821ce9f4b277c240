-- Outside suite `ape_dts/key_changed` (workload): adapted from ape-dts's CDC tests (mysql_to_mysql).
-- Source: https://github.com/apecloud/ape-dts, commit 564ee468a01bba62010aa748d12a7efaaeb5327a
--   dt-tests/tests/mysql_to_mysql/cdc/key_changed_test/src_test.sql, lines 1-31 (after prepare.sql: dt-tests/tests/mysql_to_mysql/cdc/key_changed_test/src_prepare.sql)
-- License: AGPL-3.0 (apecloud/ape-dts is licensed under the GNU Affero General Public License v3;
--   this file is test data taken from that project and stays under that license, see
--   tests/suites/ape_dts/LICENSE.md), adapted to run on MariaDB 10.11 in one fresh database.
-- Changes:
--   - `test_db_1.` dropped from names (one database; DROP/CREATE DATABASE, lines 1-3, left out).

INSERT INTO one_pk_multi_uk VALUES (1,1,1,1,5,123456.1234,1234.12,12345.123,1893,'2022-01-02 03:04:05.123456','03:04:05.123456','2022-01-02',2022,'2022-01-02 03:04:05.123456','ab','cd','ef','gh','ij','kl','mn','op',x'0123456789ABCDEF',x'0123456789ABCDEF',x'0123456789ABCDEF',x'0123456789ABCDEF','x-small','c', NULL);
INSERT INTO one_pk_multi_uk VALUES (2,2,1,2,50,654321.4321,4321.23,54321.321,3045,'2021-02-01 04:05:06.654321','04:05:06.654321','2012-02-01',2021,'2021-02-01 04:05:06.654321','1','2','3','4','5','6','7','8',x'ABCDEF0123456789',x'ABCDEF0123456789',x'ABCDEF0123456789',x'ABCDEF0123456789','small','b', NULL);

-- PRIMARY KEY (`f_0`), 
-- UNIQUE KEY `uk_1` (`f_1`,`f_2`), 
-- UNIQUE KEY `uk_2` (`f_3`,`f_4`,`f_5`), 
-- UNIQUE KEY `uk_3` (`f_6`,`f_7`,`f_8`)

-- no pk/uk col changed
UPDATE one_pk_multi_uk SET f_27='d' WHERE f_0=1;
UPDATE one_pk_multi_uk SET f_27='d' WHERE f_0=2;
UPDATE one_pk_multi_uk SET f_27='c' WHERE f_0=1;
UPDATE one_pk_multi_uk SET f_27='c' WHERE f_0=2;

-- pk col changed
UPDATE one_pk_multi_uk SET f_0=10 WHERE f_0=1;
UPDATE one_pk_multi_uk SET f_0=1 WHERE f_0=2;
UPDATE one_pk_multi_uk SET f_0=2 WHERE f_0=10;
UPDATE one_pk_multi_uk SET f_0=10 WHERE f_0=1;
UPDATE one_pk_multi_uk SET f_0=1 WHERE f_0=2;
UPDATE one_pk_multi_uk SET f_0=2 WHERE f_0=10;

-- uk col changed
UPDATE one_pk_multi_uk SET f_1=10 WHERE f_0=1;
UPDATE one_pk_multi_uk SET f_1=1 WHERE f_0=2;
UPDATE one_pk_multi_uk SET f_1=2 WHERE f_0=1;
UPDATE one_pk_multi_uk SET f_1=10 WHERE f_0=1;
UPDATE one_pk_multi_uk SET f_1=1 WHERE f_0=2;
UPDATE one_pk_multi_uk SET f_1=2 WHERE f_0=1;

DELETE FROM one_pk_multi_uk;
