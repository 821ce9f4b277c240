-- Columns added NOT NULL with a DEFAULT to a table that has rows: the rows take the default. An
-- Avro schema of the new columns must carry the defaults, or the registry refuses it (BACKWARD).
CREATE TABLE grown (id INT PRIMARY KEY, v INT);
INSERT INTO grown VALUES (1, 1), (2, 2), (3, 3);
ALTER TABLE grown ADD COLUMN c VARCHAR(10) NOT NULL DEFAULT 'x', ADD COLUMN d INT NOT NULL DEFAULT 7,
  ADD COLUMN e DOUBLE DEFAULT 1.5, ADD COLUMN f VARCHAR(4) DEFAULT 'f';
INSERT INTO grown (id, v) VALUES (4, 4);
INSERT INTO grown VALUES (5, 5, 'y', 8, NULL, NULL);
UPDATE grown SET v = v * 10 WHERE id <= 2;
