-- RENAME TABLE between writes: the table's rows move to another name (and, per-table topics, to
-- another topic), one table renamed twice, and a swap through a third name.
-- sinkmatrix: limit canal-json ddl-across-topics
-- sinkmatrix: limit avro ddl
CREATE TABLE first_name (id INT PRIMARY KEY, v INT);
INSERT INTO first_name VALUES (1, 1), (2, 2);
RENAME TABLE first_name TO second_name;
INSERT INTO second_name VALUES (3, 3);
UPDATE second_name SET v = v * 10 WHERE id < 3;
RENAME TABLE second_name TO third_name;
DELETE FROM third_name WHERE id = 1;
CREATE TABLE left_side (id INT PRIMARY KEY, side VARCHAR(8));
CREATE TABLE right_side (id INT PRIMARY KEY, side VARCHAR(8));
INSERT INTO left_side VALUES (1, 'left');
INSERT INTO right_side VALUES (1, 'right');
RENAME TABLE left_side TO swap, right_side TO left_side, swap TO right_side;
INSERT INTO left_side VALUES (2, 'right');
