-- Outside suite `ape_dts/charset` (workload): adapted from ape-dts's CDC tests (mysql_to_mysql).
-- Source: https://github.com/apecloud/ape-dts, commit 564ee468a01bba62010aa748d12a7efaaeb5327a
--   dt-tests/tests/mysql_to_mysql/cdc/charset_test/src_test.sql, lines 1-77 (after prepare.sql: dt-tests/tests/mysql_to_mysql/cdc/charset_test/src_prepare.sql)
-- License: AGPL-3.0 (apecloud/ape-dts is licensed under the GNU Affero General Public License v3;
--   this file is test data taken from that project and stays under that license, see
--   tests/suites/ape_dts/LICENSE.md), adapted to run on MariaDB 10.11 in one fresh database.
-- Changes:
--   - `test_db_1.` dropped from names (one database; DROP/CREATE DATABASE, lines 1-2, left out).
--   - MariaDB 10.11 has no gb18030 character set: the table tb_col_gb18030 and its statements
--       are commented out.

INSERT INTO tb_col_ansi VALUES(1, 'abc');
INSERT INTO tb_col_ansi VALUES(2, 'efg');
INSERT INTO tb_col_ansi VALUES(3, NULL);
UPDATE tb_col_ansi set value = 'efg' WHERE pk = 3;
UPDATE tb_col_ansi set value = 'abc' WHERE pk = 2;
UPDATE tb_col_ansi set value = NULL WHERE pk = 1;
DELETE FROM tb_col_ansi;

INSERT INTO tb_col_gbk VALUES(1, 'abc');
INSERT INTO tb_col_gbk VALUES(2, '中文');
INSERT INTO tb_col_gbk VALUES(3, NULL);
UPDATE tb_col_gbk set value = '中文' WHERE pk = 3;
UPDATE tb_col_gbk set value = 'abc' WHERE pk = 2;
UPDATE tb_col_gbk set value = NULL WHERE pk = 1;
DELETE FROM tb_col_gbk;

-- adapted: INSERT INTO tb_col_gb18030 VALUES(1, 'abc');
-- adapted: INSERT INTO tb_col_gb18030 VALUES(2, '中文');
-- adapted: INSERT INTO tb_col_gb18030 VALUES(3, NULL);
-- adapted: UPDATE tb_col_gb18030 set value = '中文' WHERE pk = 3;
-- adapted: UPDATE tb_col_gb18030 set value = 'abc' WHERE pk = 2;
-- adapted: UPDATE tb_col_gb18030 set value = NULL WHERE pk = 1;
-- adapted: DELETE FROM tb_col_gb18030;

INSERT INTO tb_col_gb2312 VALUES(1, 'abc');
INSERT INTO tb_col_gb2312 VALUES(2, '中文');
INSERT INTO tb_col_gb2312 VALUES(3, NULL);
UPDATE tb_col_gb2312 set value = '中文' WHERE pk = 3;
UPDATE tb_col_gb2312 set value = 'abc' WHERE pk = 2;
UPDATE tb_col_gb2312 set value = NULL WHERE pk = 1;
DELETE FROM tb_col_gb2312;

INSERT INTO tb_col_big5 VALUES(1, 'abc');
INSERT INTO tb_col_big5 VALUES(2, '中文');
INSERT INTO tb_col_big5 VALUES(3, NULL);
UPDATE tb_col_big5 set value = '中文' WHERE pk = 3;
UPDATE tb_col_big5 set value = 'abc' WHERE pk = 2;
UPDATE tb_col_big5 set value = NULL WHERE pk = 1;
DELETE FROM tb_col_big5;

INSERT INTO tb_col_ujis VALUES(1, 'abc');
INSERT INTO tb_col_ujis VALUES(2, 'わたし');
INSERT INTO tb_col_ujis VALUES(3, NULL);
UPDATE tb_col_ujis set value = 'わたし' WHERE pk = 3;
UPDATE tb_col_ujis set value = 'abc' WHERE pk = 2;
UPDATE tb_col_ujis set value = NULL WHERE pk = 1;
DELETE FROM tb_col_ujis;

INSERT INTO tb_col_euckr VALUES(1, 'abc');
INSERT INTO tb_col_euckr VALUES(2, '대한민국');
INSERT INTO tb_col_euckr VALUES(3, NULL);
UPDATE tb_col_euckr set value = '대한민국' WHERE pk = 3;
UPDATE tb_col_euckr set value = 'abc' WHERE pk = 2;
UPDATE tb_col_euckr set value = NULL WHERE pk = 1;
DELETE FROM tb_col_euckr;

INSERT INTO tb_col_utf8 VALUES(1, 'abc');
INSERT INTO tb_col_utf8 VALUES(2, '中文');
INSERT INTO tb_col_utf8 VALUES(3, 'わたし');
INSERT INTO tb_col_utf8 VALUES(4, '대한민국');
INSERT INTO tb_col_utf8 VALUES(5, NULL);
UPDATE tb_col_utf8 set value = '대한민국' WHERE pk = 5;
UPDATE tb_col_utf8 set value = 'わたし' WHERE pk = 4;
UPDATE tb_col_utf8 set value = '中文' WHERE pk = 3;
UPDATE tb_col_utf8 set value = 'abc' WHERE pk = 2;
UPDATE tb_col_utf8 set value = NULL WHERE pk = 1;
DELETE FROM tb_col_utf8;

INSERT INTO tb_col_utf8mb4 VALUES(1, 'abc');
INSERT INTO tb_col_utf8mb4 VALUES(2, '中文');
INSERT INTO tb_col_utf8mb4 VALUES(3, '😀');
INSERT INTO tb_col_utf8mb4 VALUES(4, NULL);
UPDATE tb_col_utf8mb4 set value = '😀' WHERE pk = 4;
UPDATE tb_col_utf8mb4 set value = '中文' WHERE pk = 3;
UPDATE tb_col_utf8mb4 set value = 'abc' WHERE pk = 2;
UPDATE tb_col_utf8mb4 set value = NULL WHERE pk = 1;
DELETE FROM tb_col_utf8mb4;
