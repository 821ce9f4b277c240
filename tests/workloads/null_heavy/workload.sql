-- Wide rows that are mostly NULL, and columns flipping between NULL and values.
CREATE TABLE sparse (id INT PRIMARY KEY, c1 INT, c2 VARCHAR(10), c3 DECIMAL(8,3), c4 DATE, c5 DOUBLE,
                     c6 TEXT, c7 BLOB, c8 JSON, c9 DATETIME(6), c10 BIGINT UNSIGNED);
INSERT INTO sparse (id) VALUES (1), (2), (3), (4), (5);
INSERT INTO sparse VALUES (6, 1, 'x', 1.5, '2024-01-01', 1.25, 't', x'00', 'null', '2024-01-01 00:00:00.5', 1);
UPDATE sparse SET c1 = id, c8 = '{"a": null}' WHERE MOD(id, 2) = 1;
UPDATE sparse SET c1 = NULL, c2 = NULL, c3 = NULL, c4 = NULL, c5 = NULL, c6 = NULL, c7 = NULL, c8 = NULL,
                  c9 = NULL, c10 = NULL WHERE id = 6;
UPDATE sparse SET c6 = '' WHERE id = 2;
