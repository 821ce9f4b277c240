-- Tables without a primary key keyed by a UNIQUE column: Debezium's DDL parser takes the first
-- inline UNIQUE column as the message key even when it is nullable (rows with NULL share the key
-- null), and a table-level UNIQUE key only when all its columns are NOT NULL.
-- sinkmatrix: limit avro keyless-tables
CREATE TABLE by_code (code VARCHAR(8) UNIQUE, name VARCHAR(20), n INT);
INSERT INTO by_code VALUES ('a', 'first', 1), (NULL, 'no code', 2), (NULL, 'none either', 3), ('b', 'second', 4);
UPDATE by_code SET n = n * 10 WHERE code = 'a';
UPDATE by_code SET name = 'still none' WHERE code IS NULL AND n = 2;
UPDATE by_code SET code = 'c' WHERE code IS NULL AND n = 3;
DELETE FROM by_code WHERE code = 'b';
CREATE TABLE two_uniques (a INT, u INT NOT NULL, v INT, UNIQUE KEY by_v (v), UNIQUE KEY by_u (u));
INSERT INTO two_uniques VALUES (1, 1, NULL), (2, 2, 2), (3, 3, NULL);
UPDATE two_uniques SET a = 20, v = 20 WHERE u = 2;
DELETE FROM two_uniques WHERE u = 3;
