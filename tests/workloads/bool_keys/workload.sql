-- BOOL and BOOLEAN columns in keys (MariaDB stores them as TINYINT(1); Debezium types them Connect
-- BOOLEAN, in the message key too, and a column written TINYINT(1) as int16).
CREATE TABLE flags (b BOOLEAN PRIMARY KEY, v VARCHAR(10));
INSERT INTO flags VALUES (TRUE, 'yes'), (FALSE, 'no');
UPDATE flags SET v = 'oui' WHERE b = TRUE;
DELETE FROM flags WHERE b = FALSE;
INSERT INTO flags VALUES (FALSE, 'again');
CREATE TABLE pairs (id INT, on_off BOOL, tiny TINYINT(1), PRIMARY KEY (id, on_off));
INSERT INTO pairs VALUES (1, TRUE, 1), (1, FALSE, 0), (2, TRUE, 0);
UPDATE pairs SET on_off = FALSE, tiny = 1 WHERE id = 2;
DELETE FROM pairs WHERE id = 1 AND on_off = TRUE;
