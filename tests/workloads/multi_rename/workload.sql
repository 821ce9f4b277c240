-- One RENAME TABLE of several tables, between writes: TiCDC sends it as one DDL per table.
CREATE TABLE alpha (id INT PRIMARY KEY, v INT);
CREATE TABLE beta (id INT PRIMARY KEY, v VARCHAR(8));
INSERT INTO alpha VALUES (1, 1), (2, 2);
INSERT INTO beta VALUES (1, 'one');
RENAME TABLE alpha TO alpha_renamed, beta TO beta_renamed;
INSERT INTO alpha_renamed VALUES (3, 3);
INSERT INTO beta_renamed VALUES (2, 'two');
UPDATE alpha_renamed SET v = v * 10 WHERE id < 3;
-- A table no DDL touches: where a sink's limit leaves the tables above out, this one is still checked.
CREATE TABLE untouched (id INT PRIMARY KEY, v VARCHAR(8));
INSERT INTO untouched VALUES (1, 'a'), (2, 'b');
UPDATE untouched SET v = 'bb' WHERE id = 2;
