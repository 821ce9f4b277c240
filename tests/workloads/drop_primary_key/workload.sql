-- A primary key dropped while a NOT NULL unique key stays: `DROP PRIMARY KEY` clears Debezium's
-- message key (null keys follow), `DROP INDEX \`PRIMARY\`` leaves the dropped key as the message key.
-- sinkmatrix: limit avro schema-evolution
CREATE TABLE cleared (id INT PRIMARY KEY, u INT NOT NULL UNIQUE, v INT);
INSERT INTO cleared VALUES (1, 1, 1), (2, 2, 2);
ALTER TABLE cleared DROP PRIMARY KEY;
INSERT INTO cleared VALUES (3, 3, 3);
UPDATE cleared SET v = 20 WHERE u = 2;
UPDATE cleared SET v = 30 WHERE u = 3;
DELETE FROM cleared WHERE u = 1;
CREATE TABLE kept (id INT PRIMARY KEY, u INT NOT NULL UNIQUE, v INT);
INSERT INTO kept VALUES (1, 1, 1), (2, 2, 2);
ALTER TABLE kept DROP INDEX `PRIMARY`;
INSERT INTO kept VALUES (3, 3, 3);
UPDATE kept SET v = 20 WHERE u = 2;
UPDATE kept SET v = 30 WHERE u = 3;
DELETE FROM kept WHERE u = 1;
