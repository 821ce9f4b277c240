-- Outside suite `debezium/temporal`: adapted from Debezium's MySQL/binlog connector tests.
-- Source: https://github.com/debezium/debezium, commit aad5519902997a3627fe296f77ea6d3452e9acce
--   debezium-connector-binlog/src/test/resources/ddl/year_test.sql, lines 5-48
--   debezium-connector-binlog/src/test/resources/ddl/connector_test_ro.sql, lines 84-111
--   debezium-connector-binlog/src/test/resources/ddl/zero_date_fallback_converter.sql, lines 1-34
--   debezium-connector-binlog/src/test/resources/ddl/datetime_key_test.sql, lines 5-14
--   debezium-connector-binlog/src/test/java/io/debezium/connector/binlog/BinlogDateTimeInKeyIT.java,
--     shouldAcceptAllZeroDatetimeInPrimaryKey (DBZ-1194), lines 84-85
-- License: Apache-2.0 (debezium/debezium, Copyright Debezium Authors). This file is test data taken
--   from that project, adapted to run on MariaDB 10.11 in one fresh database (see tests/suites/README.md).
-- Changes:
--   - the files' `-- DATABASE: ...` banners left out; the files, one database each upstream, run one
--       after the other in one database (no table name is shared), in an order that keeps every
--       statement under the sql_mode it ran with: the last two sections set sql_mode='' for the rest.
--   - BinlogZeroDateFallbackConverterIT loads zero_date_fallback_converter.sql over a JDBC connection
--       with sessionVariables "sql_mode='',time_zone='+00:00'" (its lines 62-65): written as the two
--       SET statements before the file's statements.
--   - connector_test_ro.sql gives only its table dbz_342_timetest (TIME(2) primary key); its other
--       tables are in `debezium/connector`.
--   - BinlogDateTimeInKeyIT's two statements (the same SET and the same INSERT as the file's) run after
--       the file, so the table gets a second all-zero key (the AUTO_INCREMENT id differs).

-- ---- year_test.sql, lines 5-48
CREATE TABLE dbz_1143_year_test (
      id INT AUTO_INCREMENT NOT NULL,
      y18 YEAR,
      y0018 YEAR,
      y2018 YEAR,
      d18 DATE,
      d0018 DATE,
      d2018 DATE,
      dt18 DATETIME,
      dt0018 DATETIME,
      dt2018 DATETIME,
      y78 YEAR,
      y0078 YEAR,
      y1978 YEAR,
      d78 DATE,
      d0078 DATE,
      d1978 DATE,
      dt78 DATETIME,
      dt0078 DATETIME,
      dt1978 DATETIME,
     PRIMARY KEY (id)
) DEFAULT CHARSET=utf8;

INSERT INTO dbz_1143_year_test VALUES (
    default,
    '18',
    '0018',
    '2018',
    '18-04-01',
    '0018-04-01',
    '2018-04-01',
    '18-04-01 12:34:56',
    '0018-04-01 12:34:56',
    '2018-04-01 12:34:56',
    '78',
    '0078',
    '1978',
    '78-04-01',
    '0078-04-01',
    '1978-04-01',
    '78-04-01 12:34:56',
    '0078-04-01 12:34:56',
    '1978-04-01 12:34:56'
);

-- ---- connector_test_ro.sql, lines 84-111 (a TIME(2) primary key, negative and >24 h TIME values)
-- DBZ-342 handle TIME values that exceed the value range of java.sql.Time
CREATE TABLE dbz_342_timetest (
  c1 TIME(2) PRIMARY KEY,
  c2 TIME(0),
  c3 TIME(3),
  c4 TIME(3),
  c5 TIME(6),
  c6 TIME(6),
  c7 TIME(6),
  c8 TIME(6),
  c9 TIME(6),
  c10 TIME(6),
  c11 TIME(6)
);
INSERT INTO dbz_342_timetest
VALUES (
        '517:51:04.777',
        '-13:14:50',
        '-733:00:00.0011',
        '-1:59:59.0011',
        '-838:59:58.999999',
        '-00:20:38.000000', -- DBZ-7594
        '-01:01:01.000001', -- DBZ-7594
        '-01:01:01.000000', -- DBZ-7594
        '-01:01:00.000000', -- DBZ-7594
        '-01:00:00.000000', -- DBZ-7594
        '-00:00:00.000000'  -- DBZ-7594
        );

-- adapted: the loading connection's sessionVariables sql_mode='',time_zone='+00:00' as SET
SET sql_mode='';
SET time_zone='+00:00';
-- ---- zero_date_fallback_converter.sql, lines 1-34
CREATE TABLE dt_full (
  id              INT PRIMARY KEY,
  label           VARCHAR(64),
  d_no_default    DATE     NOT NULL,
  d_epoch_default DATE     NOT NULL DEFAULT '1970-01-01',
  d_other_default DATE     NOT NULL DEFAULT '2030-12-31',
  dt_no_default   DATETIME NOT NULL,
  dt_epoch_default DATETIME NOT NULL DEFAULT '1970-01-01 00:00:00',
  dt_other_default DATETIME NOT NULL DEFAULT '2030-12-31 23:59:59',
  ts_no_default   TIMESTAMP NOT NULL,
  ts_epoch_default TIMESTAMP NOT NULL DEFAULT '1970-01-02 00:00:00',
  ts_other_default TIMESTAMP NOT NULL DEFAULT '2030-12-31 23:59:59'
);

INSERT INTO dt_full VALUES (
  1, 'real-1970',
  '1970-01-01', '1970-01-01', '1970-01-01',
  '1970-01-01 00:00:00', '1970-01-01 00:00:00', '1970-01-01 00:00:00',
  '1970-01-02 00:00:00', '1970-01-02 00:00:00', '1970-01-02 00:00:00'
);

INSERT INTO dt_full VALUES (
  2, 'zero-date',
  '0000-00-00', '0000-00-00', '0000-00-00',
  '0000-00-00 00:00:00', '0000-00-00 00:00:00', '0000-00-00 00:00:00',
  '0000-00-00 00:00:00', '0000-00-00 00:00:00', '0000-00-00 00:00:00'
);

INSERT INTO dt_full VALUES (
  3, 'normal',
  '2024-06-15', '2024-06-15', '2024-06-15',
  '2024-06-15 12:34:56', '2024-06-15 12:34:56', '2024-06-15 12:34:56',
  '2024-06-15 12:34:56', '2024-06-15 12:34:56', '2024-06-15 12:34:56'
);

-- ---- datetime_key_test.sql, lines 5-14
SET sql_mode='';
CREATE TABLE dbz_1194_datetime_key_test (
      id INT AUTO_INCREMENT NOT NULL,
      dtval DATETIME NOT NULL,
      dval DATE NOT NULL,
      tval TIME NOT NULL,
      PRIMARY KEY (id, dtval, dval, tval)
) DEFAULT CHARSET=utf8;

INSERT INTO dbz_1194_datetime_key_test VALUES (default, '0000-00-00 00:00:00', '0000-00-00', '00:00:00');

-- ---- BinlogDateTimeInKeyIT.java, lines 84-85
SET sql_mode='';
INSERT INTO dbz_1194_datetime_key_test VALUES (default, '0000-00-00 00:00:00', '0000-00-00', '00:00:00');
