-- Tables keyed every way a CDC must locate rows by: an integer, a string, a composite primary key,
-- a primary key with unique keys next to it, and a NOT NULL unique key standing in for a primary key.
CREATE TABLE k_int (id BIGINT PRIMARY KEY, v VARCHAR(20));
CREATE TABLE k_string (code VARCHAR(32) PRIMARY KEY, v INT);
CREATE TABLE k_composite (a INT, b VARCHAR(10), c DATE, v INT, PRIMARY KEY (b, a, c));
CREATE TABLE k_with_unique (id INT PRIMARY KEY, email VARCHAR(64) NOT NULL, phone VARCHAR(20),
                            UNIQUE KEY (email), UNIQUE KEY (phone));
CREATE TABLE k_unique_only (u1 INT NOT NULL, u2 VARCHAR(8) NOT NULL, v INT, UNIQUE KEY (u1, u2));

INSERT INTO k_int VALUES (1, 'a'), (9007199254740993, 'beyond a double'), (-5, 'negative');
INSERT INTO k_string VALUES ('alpha', 1), ('Beta', 2), ('gamma space ', 3), ('ünïcode', 4);
INSERT INTO k_composite VALUES (1, 'x', '2024-01-01', 1), (1, 'y', '2024-01-01', 2), (2, 'x', '2024-01-02', 3);
INSERT INTO k_with_unique VALUES (1, 'a@x', '1'), (2, 'b@x', NULL), (3, 'c@x', NULL);
INSERT INTO k_unique_only VALUES (1, 'a', 10), (1, 'b', 11), (2, 'a', 12);

UPDATE k_int SET v = 'changed' WHERE id = 9007199254740993;
UPDATE k_string SET v = v + 10 WHERE code IN ('Beta', 'ünïcode');
UPDATE k_composite SET v = 99 WHERE a = 1 AND b = 'y';
UPDATE k_with_unique SET phone = '2' WHERE id = 2;
UPDATE k_unique_only SET v = 0 WHERE u1 = 1;
DELETE FROM k_int WHERE id = -5;
DELETE FROM k_string WHERE code = 'alpha';
DELETE FROM k_composite WHERE a = 2;
DELETE FROM k_with_unique WHERE email = 'c@x';
DELETE FROM k_unique_only WHERE u2 = 'b';
