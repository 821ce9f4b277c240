-- Tables without any key: duplicate rows, updates and deletes that touch several identical rows.
CREATE TABLE log_lines (at DATETIME, level VARCHAR(8), message VARCHAR(64));
INSERT INTO log_lines VALUES ('2024-01-01 00:00:00', 'info', 'started'), ('2024-01-01 00:00:00', 'info', 'started'),
  ('2024-01-01 00:00:01', 'warn', 'slow'), ('2024-01-01 00:00:02', 'info', NULL);
UPDATE log_lines SET level = 'error' WHERE message = 'slow';
DELETE FROM log_lines WHERE level = 'info' AND message IS NULL;
INSERT INTO log_lines VALUES ('2024-01-01 00:00:03', 'info', 'started');
CREATE TABLE nullable_unique (u INT, v INT, UNIQUE KEY (u));
INSERT INTO nullable_unique VALUES (1, 1), (NULL, 2), (NULL, 3);
UPDATE nullable_unique SET v = v * 10;
-- A keyed table beside them: where a sink's limit leaves the keyless tables out, this one is still checked.
CREATE TABLE keyed_beside (id INT PRIMARY KEY, v VARCHAR(16));
INSERT INTO keyed_beside VALUES (1, 'one'), (2, 'two'), (3, 'three');
UPDATE keyed_beside SET v = 'deux' WHERE id = 2;
DELETE FROM keyed_beside WHERE id = 3;
