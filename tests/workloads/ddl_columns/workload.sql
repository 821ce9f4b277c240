-- A long sequence of column and index changes with writes between them. Avro needs every new value
-- schema to read the old ones (the registry refuses a column made NOT NULL, a DECIMAL made a DOUBLE).
-- sinkmatrix: limit avro schema-evolution
-- sinkmatrix: limit debezium-avro schema-evolution
CREATE TABLE evolving (id INT PRIMARY KEY, a INT, b VARCHAR(20));
INSERT INTO evolving VALUES (1, 1, 'one'), (2, 2, 'two');
ALTER TABLE evolving ADD COLUMN c DECIMAL(10,2) DEFAULT 1.50;
INSERT INTO evolving VALUES (3, 3, 'three', 3.25);
ALTER TABLE evolving ADD INDEX idx_a (a);
UPDATE evolving SET c = c + 1 WHERE a > 1;
ALTER TABLE evolving MODIFY COLUMN b VARCHAR(64) NOT NULL DEFAULT '';
INSERT INTO evolving (id, a, b) VALUES (4, 4, 'a longer value than twenty characters');
ALTER TABLE evolving ADD COLUMN d DATETIME NULL AFTER a, ADD COLUMN e INT NOT NULL DEFAULT 7;
UPDATE evolving SET d = '2024-05-06 07:08:09' WHERE id <= 2;
ALTER TABLE evolving DROP INDEX idx_a, ADD UNIQUE INDEX uq_b (b);
ALTER TABLE evolving DROP COLUMN a;
INSERT INTO evolving (id, b, c, e) VALUES (5, 'five', NULL, 5);
ALTER TABLE evolving CHANGE COLUMN e ee BIGINT NOT NULL DEFAULT 8;
INSERT INTO evolving (id, b) VALUES (6, 'six');
ALTER TABLE evolving MODIFY COLUMN c DOUBLE;
UPDATE evolving SET c = c * 3, ee = ee + 1;
DELETE FROM evolving WHERE id = 3;
