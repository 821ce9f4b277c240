-- Every row deleted, then the same keys written again with other values, twice over.
CREATE TABLE cycle (id INT PRIMARY KEY, v VARCHAR(10), n INT);
INSERT INTO cycle VALUES (1, 'a', 1), (2, 'b', 2), (3, 'c', 3), (4, 'd', 4);
DELETE FROM cycle;
INSERT INTO cycle VALUES (1, 'A', 10), (2, 'B', 20), (3, 'C', 30), (4, 'D', 40);
DELETE FROM cycle WHERE id > 0;
INSERT INTO cycle VALUES (1, 'again', 100), (3, 'again', 300);
