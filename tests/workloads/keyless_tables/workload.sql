-- Tables without any key: duplicate rows, updates and deletes that touch several identical rows.
-- sinkmatrix: limit avro keyless-tables
CREATE TABLE log_lines (at DATETIME, level VARCHAR(8), message VARCHAR(64));
INSERT INTO log_lines VALUES ('2024-01-01 00:00:00', 'info', 'started'), ('2024-01-01 00:00:00', 'info', 'started'),
  ('2024-01-01 00:00:01', 'warn', 'slow'), ('2024-01-01 00:00:02', 'info', NULL);
UPDATE log_lines SET level = 'error' WHERE message = 'slow';
DELETE FROM log_lines WHERE level = 'info' AND message IS NULL;
INSERT INTO log_lines VALUES ('2024-01-01 00:00:03', 'info', 'started');
CREATE TABLE nullable_unique (u INT, v INT, UNIQUE KEY (u));
INSERT INTO nullable_unique VALUES (1, 1), (NULL, 2), (NULL, 3);
UPDATE nullable_unique SET v = v * 10;
