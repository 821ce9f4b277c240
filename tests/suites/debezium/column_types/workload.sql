-- Outside suite `debezium/column_types`: adapted from Debezium's MySQL/binlog connector tests.
-- sinkmatrix: catches *-debezium-mariadb-3.5 "dbz_integer_unsigned" Debezium before 3.6.1 types the INTEGER UNSIGNED columns of a table created while streaming as int32, so 4294967295 arrives as -1 (reproduced here with 3.6.0's jars; 3.6.1 types them int64)
-- Source: https://github.com/debezium/debezium, commit aad5519902997a3627fe296f77ea6d3452e9acce
--   debezium-connector-binlog/src/test/resources/ddl/ (each loaded by its *IT through
--   UniqueDatabase.createAndInitialize, one database each):
--     unsigned_integer_test.sql lines 10-104, decimal_test.sql 1-10, decimal_column_test.sql 5-14,
--     numeric_column_test.sql 5-14, float_test.sql 1-12, real_test.sql 1-6, tinyint_test.sql 1-23,
--     boolean_test.sql 1-7, source_type_as_schema_parameter_test.sql 5-16,
--     nationalized_character_test.sql 1-8, binary_column_test.sql 5-14, binary_mode_test.sql 5-31
--   debezium-connector-binlog/src/test/java/io/debezium/connector/binlog/:
--     BinlogFloatIT.java shouldHandleFloatAsFloatAndDouble (DBZ-3865), lines 81-92
--     BinlogTinyIntIT.java lines 84 (DBZ-1773), 139 (debezium/dbz#2260), 166 (DBZ-2085)
-- License: Apache-2.0 (debezium/debezium, Copyright Debezium Authors). This file is test data taken
--   from that project, adapted to run on MariaDB 10.11 in one fresh database (see tests/suites/README.md).
-- Changes:
--   - the files' `-- DATABASE: ...` banners (lines 1-4 where present) left out; the twelve files, one
--       database each upstream, run one after the other in one database (no table name is shared).
--   - statements from the Java tests are the text of their string literals (concatenated, `;` added),
--       run after the file their test loads; the other INSERTs of BinlogTinyIntIT repeat the file's.
--   Nothing else is changed.

-- ---- unsigned_integer_test.sql, lines 10-104
-- DBZ-228 handle unsigned TINYINT UNSIGNED
CREATE TABLE dbz_228_tinyint_unsigned (
  id int auto_increment NOT NULL,
  c1 TINYINT(3) UNSIGNED ZEROFILL NOT NULL,
  c2 TINYINT(3) UNSIGNED NOT NULL,
  c3 TINYINT(3) NOT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8;
INSERT INTO dbz_228_tinyint_unsigned VALUES (default, 255, 255, 127);
INSERT INTO dbz_228_tinyint_unsigned VALUES (default, 155, 155, -100);
INSERT INTO dbz_228_tinyint_unsigned VALUES (default, 0, 0, -128);


-- DBZ-228 handle unsigned SMALLINT UNSIGNED
CREATE TABLE dbz_228_smallint_unsigned (
  id int auto_increment NOT NULL,
  c1 SMALLINT UNSIGNED ZEROFILL NOT NULL,
  c2 SMALLINT UNSIGNED NOT NULL,
  c3 SMALLINT NOT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8;
INSERT INTO dbz_228_smallint_unsigned VALUES (default, 65535, 65535, 32767);
INSERT INTO dbz_228_smallint_unsigned VALUES (default, 45535, 45535, -12767);
INSERT INTO dbz_228_smallint_unsigned VALUES (default, 0, 0, -32768);


-- DBZ-228 handle unsigned MEDIUMINT UNSIGNED
CREATE TABLE dbz_228_mediumint_unsigned (
  id int auto_increment NOT NULL,
  c1 MEDIUMINT UNSIGNED ZEROFILL NOT NULL,
  c2 MEDIUMINT UNSIGNED NOT NULL,
  c3 MEDIUMINT NOT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8;
INSERT INTO dbz_228_mediumint_unsigned VALUES (default, 16777215, 16777215, 8388607);
INSERT INTO dbz_228_mediumint_unsigned VALUES (default, 10777215, 10777215, -6388607);
INSERT INTO dbz_228_mediumint_unsigned VALUES (default, 0, 0, -8388608);

-- DBZ-228 handle unsigned INT UNSIGNED
CREATE TABLE dbz_228_int_unsigned (
  id int auto_increment NOT NULL,
  c1 int(11) UNSIGNED ZEROFILL NOT NULL,
  c2 int(11) UNSIGNED NOT NULL,
  c3 int(11) NOT NULL,
  c4 int(5) UNSIGNED ZEROFILL NOT NULL,
  c5 int(5) UNSIGNED NOT NULL ,
  c6 int(5) NOT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8;
INSERT INTO dbz_228_int_unsigned VALUES (default, 4294967295, 4294967295, 2147483647, 4294967295, 4294967295, 2147483647);
INSERT INTO dbz_228_int_unsigned VALUES (default, 3294967295, 3294967295, -1147483647, 3294967295, 3294967295, -1147483647);
INSERT INTO dbz_228_int_unsigned VALUES (default, 0, 0, -2147483648, 0, 0, -2147483648);


-- Handle the INTEGER UNSIGNED synonym identically to INT UNSIGNED
CREATE TABLE dbz_integer_unsigned (
  id int auto_increment NOT NULL,
  c1 INTEGER(11) UNSIGNED ZEROFILL NOT NULL,
  c2 INTEGER(11) UNSIGNED NOT NULL,
  c3 INTEGER(11) NOT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8;
INSERT INTO dbz_integer_unsigned VALUES (default, 4294967295, 4294967295, 2147483647);
INSERT INTO dbz_integer_unsigned VALUES (default, 3294967295, 3294967295, -1147483647);
INSERT INTO dbz_integer_unsigned VALUES (default, 0, 0, -2147483648);

-- DBZ-228 handle unsigned BIGINT UNSIGNED
CREATE TABLE dbz_228_bigint_unsigned (
  id int auto_increment NOT NULL,
  c1 BIGINT UNSIGNED ZEROFILL NOT NULL,
  c2 BIGINT UNSIGNED NOT NULL,
  c3 BIGINT NOT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8;
INSERT INTO dbz_228_bigint_unsigned VALUES (default, 18446744073709551615, 18446744073709551615, 9223372036854775807);
INSERT INTO dbz_228_bigint_unsigned VALUES (default, 14446744073709551615, 14446744073709551615, -1223372036854775807);
INSERT INTO dbz_228_bigint_unsigned VALUES (default, 0, 0, -9223372036854775808);

-- DBZ-1185 handle SERIAL type alias
CREATE TABLE dbz_1185_serial (
  id SERIAL NOT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8;
INSERT INTO dbz_1185_serial VALUES (10);
INSERT INTO dbz_1185_serial VALUES (default);
INSERT INTO dbz_1185_serial VALUES (18446744073709551615);

-- DBZ-1185 handle SERIAL default value
CREATE TABLE dbz_1185_serial_default_value (
  id SMALLINT UNSIGNED SERIAL DEFAULT VALUE NOT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8;
INSERT INTO dbz_1185_serial_default_value VALUES (10);
INSERT INTO dbz_1185_serial_default_value VALUES (default);
INSERT INTO dbz_1185_serial_default_value VALUES (1000);

-- ---- decimal_test.sql, lines 1-10
CREATE TABLE `DBZ730` (
  id INT NOT NULL PRIMARY KEY AUTO_INCREMENT,
  A NUMERIC(3, 2) NOT NULL DEFAULT 1.23,
  B DECIMAL(4, 3) NOT NULL DEFAULT 2.321,
  C NUMERIC(7, 5) NULL DEFAULT '12.678',
  D NUMERIC(7, 5) NULL DEFAULT '15.28',
  E DECIMAL(65, 18) NULL DEFAULT '0.000000000000000000'
) ENGINE=InnoDB AUTO_INCREMENT=15851 DEFAULT CHARSET=utf8;
INSERT INTO `DBZ730`(A, B, C, D)
VALUES (1.33, -2.111 , 3.444, NULL);

-- ---- decimal_column_test.sql, lines 5-14
CREATE TABLE dbz_751_decimal_column_test (
      id INT AUTO_INCREMENT NOT NULL,
      rating1 DECIMAL,
      rating2 DECIMAL(8, 4),
      rating3 DECIMAL(7),
      rating4 DECIMAL(6, 0),
      PRIMARY KEY (id)
) DEFAULT CHARSET=utf8;

INSERT INTO dbz_751_decimal_column_test VALUES (default, 123, 123.4567, 234.5, 345.6);

-- ---- numeric_column_test.sql, lines 5-14
CREATE TABLE dbz_751_numeric_column_test (
      id INT AUTO_INCREMENT NOT NULL,
      rating1 NUMERIC,
      rating2 NUMERIC(8, 4),
      rating3 NUMERIC(7),
      rating4 NUMERIC(6, 0),
      PRIMARY KEY (id)
) DEFAULT CHARSET=utf8;

INSERT INTO dbz_751_numeric_column_test VALUES (default, 123, 123.4567, 234.5, 345.6);

-- ---- float_test.sql, lines 1-12
CREATE TABLE `DBZ3865` (
  `id` INT NOT NULL AUTO_INCREMENT,
  `f1` FLOAT DEFAULT 5.6,
  `f2` FLOAT(10, 2) DEFAULT NULL,
  `f3` FLOAT(35, 5) DEFAULT NULL,
  `f4_23` FLOAT(23) DEFAULT NULL,
  `f4_24` FLOAT(24) DEFAULT NULL,
  `f4_25` FLOAT(25) DEFAULT NULL,
  `weight` FLOAT UNSIGNED DEFAULT '0',
  PRIMARY KEY (`ID`)
) ENGINE=InnoDB AUTO_INCREMENT=1 DEFAULT CHARSET=utf8mb4;
INSERT INTO DBZ3865(f1, f2, f3, f4_23, f4_24, f4_25, weight) VALUE (5.6, 5.61, 30.123456, 64.1, 64.1, 64.1, 64.1234);

-- ---- real_test.sql, lines 1-6
CREATE TABLE `REAL_TEST` (
  `id` INT NOT NULL AUTO_INCREMENT,
  `r1` real default 1.25,
  PRIMARY KEY (`ID`)
) ENGINE=InnoDB AUTO_INCREMENT=1 DEFAULT CHARSET=utf8mb4;
INSERT INTO REAL_TEST(r1) VALUE (2.36);

-- ---- tinyint_test.sql, lines 1-23
CREATE TABLE `DBZ1773` (
  id int not null primary key auto_increment,
  ti TINYINT SIGNED,
  ti1 TINYINT(1) SIGNED,
  ti2 TINYINT(2),
  b BOOLEAN
) ENGINE=InnoDB AUTO_INCREMENT=10851 DEFAULT CHARSET=utf8;

CREATE TABLE `DBZ2085` (
  id int not null primary key auto_increment,
  b BOOLEAN NOT NULL DEFAULT 0
) ENGINE=InnoDB AUTO_INCREMENT=10851 DEFAULT CHARSET=utf8;

CREATE TABLE `DBZ5236` (
  id int(11) not null primary key auto_increment,
  ti1 tinyint(3) unsigned NOT NULL DEFAULT '0',
  ti2 tinyint(1) unsigned NOT NULL DEFAULT '0',
  ti3 tinyint(1) NOT NULL DEFAULT '1'
) ENGINE=InnoDB AUTO_INCREMENT=1 DEFAULT CHARSET=utf8;

INSERT INTO DBZ1773 VALUES (DEFAULT, 100, 5, 50, TRUE);
INSERT INTO DBZ2085 VALUES (DEFAULT, 1);
INSERT INTO DBZ5236 VALUES (DEFAULT, 1, 1, 0);

-- ---- boolean_test.sql, lines 1-7
CREATE TABLE `BOOLEAN_TEST` (
  `id` INT NOT NULL AUTO_INCREMENT,
  `b1` boolean default true,
  `b2` boolean default false,
  PRIMARY KEY (`ID`)
) ENGINE=InnoDB AUTO_INCREMENT=1 DEFAULT CHARSET=utf8mb4;
INSERT INTO BOOLEAN_TEST(b1, b2) VALUE (false, true);

-- ---- source_type_as_schema_parameter_test.sql, lines 5-16
CREATE TABLE dbz_644_source_type_mapped_as_schema_parameter_test (
      id INT AUTO_INCREMENT NOT NULL,
      c1 INT,
      c2 MEDIUMINT,
      c3a NUMERIC(5,2),
      c3b VARCHAR(128),
      f1 FLOAT(10),
      f2 FLOAT(8,4),
      PRIMARY KEY (id)
) DEFAULT CHARSET=utf8;

INSERT INTO dbz_644_source_type_mapped_as_schema_parameter_test VALUES (default, 123, 456, 789.01, 'test', 1.228, 234.56);

-- ---- nationalized_character_test.sql, lines 1-8
CREATE TABLE `NC_TEST` (
  `id` INT NOT NULL AUTO_INCREMENT,
  `nc1` nchar default null,
  `nc2` nchar(5) default null,
  `nc3` nvarchar(25) default null,
  PRIMARY KEY (`ID`)
) ENGINE=InnoDB AUTO_INCREMENT=1 DEFAULT CHARSET=utf8mb4;
INSERT INTO NC_TEST(nc1,nc2,nc3) VALUES ('a', '123', 'hello');

-- ---- binary_column_test.sql, lines 5-14
CREATE TABLE dbz_254_binary_column_test (
      id INT AUTO_INCREMENT NOT NULL,
      file_uuid BINARY(16),
      PRIMARY KEY (id)
) DEFAULT CHARSET=utf8;

INSERT INTO dbz_254_binary_column_test VALUES (default, unhex(replace('651aed08-390f-4893-b2f1-36923e7b7400','-','')));
INSERT INTO dbz_254_binary_column_test VALUES (default, unhex(replace('651aed08-390f-4893-b2f1-36923e7b74ab','-','')));
INSERT INTO dbz_254_binary_column_test VALUES (default, unhex(replace('651aed08-390f-4893-b2f1-36923e7b74','-','')));
INSERT INTO dbz_254_binary_column_test VALUES (default, unhex(00));

-- ---- binary_mode_test.sql, lines 5-31
CREATE TABLE dbz_1814_binary_mode_test (
      id INT AUTO_INCREMENT NOT NULL,
      blob_col BLOB NOT NULL,
      tinyblob_col TINYBLOB NOT NULL,
      mediumblob_col MEDIUMBLOB NOT NULL,
      longblob_col LONGBLOB NOT NULL,
      binary_col BINARY(3) NOT NULL,
      varbinary_col varbinary(20) NOT NULL,
      PRIMARY KEY (id)
) DEFAULT CHARSET=utf8;

INSERT INTO dbz_1814_binary_mode_test (
    id,
    blob_col,
    tinyblob_col,
    mediumblob_col,
    longblob_col,
    binary_col,
    varbinary_col )
VALUES (
    default,
    X'010203',
    X'010203',
    X'010203',
    X'010203',
    X'010203',
    X'010203' );

-- ---- BinlogFloatIT.java, lines 81-92 (the test's second table, a clone of DBZ3865)
CREATE TABLE `DBZ3865_2` (
  `id` INT NOT NULL AUTO_INCREMENT,
  `f1` FLOAT DEFAULT 5.6,
  `f2` FLOAT(10, 2) DEFAULT NULL,
  `f3` FLOAT(35, 5) DEFAULT NULL,
  `f4_23` FLOAT(23) DEFAULT NULL,
  `f4_24` FLOAT(24) DEFAULT NULL,
  `f4_25` FLOAT(25) DEFAULT NULL,
  `weight` FLOAT UNSIGNED DEFAULT '0',
  PRIMARY KEY (`ID`)
) ENGINE=InnoDB AUTO_INCREMENT=1 DEFAULT CHARSET=utf8mb4;
INSERT INTO DBZ3865_2(f1, f2, f3, f4_23, f4_24, f4_25, weight) VALUE (5.6, 5.61, 30.123456, 64.1, 64.1, 64.1, 64.1234);

-- ---- BinlogTinyIntIT.java, lines 84, 139, 166: TINYINT extremes, -1 into BOOLEAN, BOOLEAN true
INSERT INTO DBZ1773 VALUES (DEFAULT, -128, -1, 127, false);
INSERT INTO DBZ1773 VALUES (DEFAULT, 100, 5, 50, -1);
INSERT INTO DBZ2085 VALUES (DEFAULT, true);
