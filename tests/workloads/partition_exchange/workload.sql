-- Partition DDL that moves or removes rows without row events: EXCHANGE PARTITION swaps a partition
-- with a table, TRUNCATE PARTITION empties one, REORGANIZE PARTITION splits one; rows written after.
-- The EXCHANGE is one DDL about two tables, which Canal-JSON sends on one table's topic only.
CREATE TABLE parted (id INT PRIMARY KEY, v INT) PARTITION BY RANGE (id)
  (PARTITION p0 VALUES LESS THAN (10), PARTITION p1 VALUES LESS THAN (20), PARTITION p2 VALUES LESS THAN MAXVALUE);
CREATE TABLE loose (id INT PRIMARY KEY, v INT);
INSERT INTO parted VALUES (1, 1), (2, 2), (11, 11), (21, 21), (31, 31);
INSERT INTO loose VALUES (5, 5), (6, 6);
ALTER TABLE parted EXCHANGE PARTITION p0 WITH TABLE loose;
INSERT INTO loose VALUES (7, 7);
ALTER TABLE parted TRUNCATE PARTITION p1;
ALTER TABLE parted REORGANIZE PARTITION p2 INTO (PARTITION p2 VALUES LESS THAN (30), PARTITION p3 VALUES LESS THAN MAXVALUE);
INSERT INTO parted VALUES (12, 12), (25, 25), (40, 40);
UPDATE parted SET v = v * 10 WHERE id > 20;
-- A table no DDL touches: where a sink's limit leaves the tables above out, this one is still checked.
CREATE TABLE untouched (id INT PRIMARY KEY, v VARCHAR(8));
INSERT INTO untouched VALUES (1, 'a'), (2, 'b');
UPDATE untouched SET v = 'bb' WHERE id = 2;
