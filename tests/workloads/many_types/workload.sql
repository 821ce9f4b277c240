-- One column per type family, each written, changed and set to NULL and back.
CREATE TABLE types (
  id INT PRIMARY KEY,
  ti TINYINT, tu TINYINT UNSIGNED, si SMALLINT, mi MEDIUMINT, bi BIGINT, bu BIGINT UNSIGNED,
  de DECIMAL(20,6), dz DECIMAL(5,0), fl FLOAT, dbl DOUBLE,
  dt DATE, dtm DATETIME(3), ts TIMESTAMP(6) NULL DEFAULT NULL, tm TIME(2), yr YEAR,
  ch CHAR(4), vc VARCHAR(64), tx TEXT, bn BINARY(4), vb VARBINARY(16), bl BLOB,
  en ENUM('red', 'green', 'blue'), st SET('a', 'b', 'c'), bt BIT(5), js JSON
);

INSERT INTO types VALUES
  (1, -128, 255, -32768, -8388608, -9223372036854775808, 18446744073709551615,
   12345678901234.123456, 99999, 1.5, 2.25,
   '2024-02-29', '2024-02-29 23:59:59.123', '2024-03-01 00:00:00.000001', '-838:59:59', 2155,
   'abcd', 'varchar value', 'some text', 'bin', x'00ff10', x'deadbeef',
   'green', 'a,c', b'10101', '{"k": [1, 2, {"n": null}], "s": "x"}'),
  (2, 127, 0, 32767, 8388607, 9223372036854775807, 0,
   -0.000001, -99999, -3.25, 1e300,
   '1000-01-01', '1000-01-01 00:00:00.000', '1970-01-01 00:00:01', '838:59:59.99', 1901,
   '', '', '', x'00000000', x'', x'',
   'red', '', b'0', '[]'),
  (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
   NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);

UPDATE types SET vc = 'changed', de = de * 2, js = JSON_SET(js, '$.s', 'y'), st = 'b' WHERE id = 1;
UPDATE types SET ti = 1, tx = 'was null', bl = x'01', en = 'blue', bt = b'11111' WHERE id = 3;
UPDATE types SET ti = NULL, tx = NULL, en = NULL WHERE id = 2;
DELETE FROM types WHERE id = 2;
INSERT INTO types (id, vc, fl) VALUES (2, 'back again', 0.1);
