-- Table-level DDL between writes: truncate, drop and create again (RENAME: ddl_rename).
-- sinkmatrix: limit avro ddl
CREATE TABLE emptied (id INT PRIMARY KEY, v INT);
INSERT INTO emptied VALUES (1, 1), (2, 2), (3, 3);
TRUNCATE TABLE emptied;
INSERT INTO emptied VALUES (4, 4);
CREATE TABLE recreated (id INT PRIMARY KEY, v VARCHAR(10));
INSERT INTO recreated VALUES (1, 'old');
DROP TABLE recreated;
CREATE TABLE recreated (id INT PRIMARY KEY, w INT, v VARCHAR(10));
INSERT INTO recreated VALUES (1, 10, 'new'), (2, 20, 'new');
CREATE TABLE gone (id INT PRIMARY KEY);
INSERT INTO gone VALUES (1);
DROP TABLE gone;
