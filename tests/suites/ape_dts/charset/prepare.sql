-- Outside suite `ape_dts/charset` (prepare): adapted from ape-dts's CDC tests (mysql_to_mysql).
-- Source: https://github.com/apecloud/ape-dts, commit 564ee468a01bba62010aa748d12a7efaaeb5327a
--   dt-tests/tests/mysql_to_mysql/cdc/charset_test/src_prepare.sql, lines 4-26
-- License: AGPL-3.0 (apecloud/ape-dts is licensed under the GNU Affero General Public License v3;
--   this file is test data taken from that project and stays under that license, see
--   tests/suites/ape_dts/LICENSE.md), adapted to run on MariaDB 10.11 in one fresh database.
-- Changes:
--   - `test_db_1.` dropped from names (one database; DROP/CREATE DATABASE, lines 1-2, left out).
--   - MariaDB 10.11 has no gb18030 character set: the table tb_col_gb18030 and its statements
--       are commented out.

CREATE TABLE tb_col_ansi(pk int, value mediumtext charset latin1, PRIMARY KEY (pk)) ENGINE=InnoDB;

-- GBK Simplified Chinese
CREATE TABLE tb_col_gbk(pk int, value mediumtext charset gbk, PRIMARY KEY (pk)) ENGINE=InnoDB;

-- China National Standard GB18030
-- adapted (no gb18030 in MariaDB 10.11): CREATE TABLE tb_col_gb18030(pk int, value mediumtext charset gb18030, PRIMARY KEY (pk)) ENGINE=InnoDB;

-- GB2312 Simplified Chinese
CREATE TABLE tb_col_gb2312(pk int, value mediumtext charset gb2312, PRIMARY KEY (pk)) ENGINE=InnoDB;

-- Big5 Traditional Chinese 
CREATE TABLE tb_col_big5(pk int, value mediumtext charset big5, PRIMARY KEY (pk)) ENGINE=InnoDB;

-- EUC-JP Japanese
CREATE TABLE tb_col_ujis(pk int, value mediumtext charset ujis, PRIMARY KEY (pk)) ENGINE=InnoDB;

-- EUC-KR Korean
CREATE TABLE tb_col_euckr(pk int, value mediumtext charset euckr, PRIMARY KEY (pk)) ENGINE=InnoDB;

CREATE TABLE tb_col_utf8(pk int, value mediumtext charset utf8, PRIMARY KEY (pk)) ENGINE=InnoDB;

CREATE TABLE tb_col_utf8mb4(pk int, value mediumtext charset utf8mb4, PRIMARY KEY (pk)) ENGINE=InnoDB ;
