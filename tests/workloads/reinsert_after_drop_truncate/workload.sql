-- The same keys written again with the same values after DDL removed the rows (TRUNCATE, DROP and
-- CREATE, TRUNCATE PARTITION): each write is a new change, never a duplicate of the earlier one.
-- sinkmatrix: limit avro schema-evolution
CREATE TABLE emptied (id INT PRIMARY KEY, v VARCHAR(10));
INSERT INTO emptied VALUES (1, 'a'), (2, 'b');
TRUNCATE TABLE emptied;
INSERT INTO emptied VALUES (1, 'a'), (2, 'b');
TRUNCATE TABLE emptied;
INSERT INTO emptied VALUES (1, 'a');
CREATE TABLE remade (id INT PRIMARY KEY, v VARCHAR(10));
INSERT INTO remade VALUES (1, 'a');
DROP TABLE remade;
CREATE TABLE remade (id INT PRIMARY KEY, v VARCHAR(10));
INSERT INTO remade VALUES (1, 'a');
CREATE TABLE parted (id INT PRIMARY KEY, v VARCHAR(10))
  PARTITION BY RANGE (id) (PARTITION low VALUES LESS THAN (10), PARTITION high VALUES LESS THAN MAXVALUE);
INSERT INTO parted VALUES (1, 'a'), (20, 'b');
ALTER TABLE parted TRUNCATE PARTITION low;
INSERT INTO parted VALUES (1, 'a');
