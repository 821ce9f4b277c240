-- Partitioned tables: rows written to, moved between and deleted from partitions.
CREATE TABLE by_range (id INT, at DATE, v INT, PRIMARY KEY (id, at))
  PARTITION BY RANGE (YEAR(at)) (PARTITION p2023 VALUES LESS THAN (2024), PARTITION p2024 VALUES LESS THAN (2025),
                                 PARTITION pmax VALUES LESS THAN MAXVALUE);
CREATE TABLE by_hash (id INT PRIMARY KEY, v VARCHAR(10)) PARTITION BY HASH (id) PARTITIONS 4;
INSERT INTO by_range VALUES (1, '2023-06-01', 1), (2, '2024-06-01', 2), (3, '2030-01-01', 3);
INSERT INTO by_hash VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd'), (5, 'e');
UPDATE by_range SET at = '2024-01-01' WHERE id = 1;
UPDATE by_hash SET id = id + 10 WHERE id < 3;
DELETE FROM by_range WHERE id = 3;
DELETE FROM by_hash WHERE id = 4;
