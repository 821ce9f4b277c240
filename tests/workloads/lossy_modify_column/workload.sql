-- Lossy MODIFY COLUMN under a non-strict sql_mode: the rows written before it are converted (a
-- VARCHAR shrunk truncates, an INT made UNSIGNED clips negatives to 0); the sink must hold what the
-- upstream holds after the conversion, and take the rows written after it.
SET SESSION sql_mode = '';
CREATE TABLE shrunk (id INT PRIMARY KEY, v VARCHAR(10), n INT, t TINYINT);
INSERT INTO shrunk VALUES (1, 'abcdefghij', -5, 100), (2, 'short', 7, -100), (3, NULL, NULL, 1);
ALTER TABLE shrunk MODIFY v VARCHAR(5), MODIFY n INT UNSIGNED;
INSERT INTO shrunk VALUES (4, 'four', 4000000000, 2), (5, 'too long here', -1, 3);
UPDATE shrunk SET t = t + 1 WHERE id >= 4;
CREATE TABLE narrowed (id INT PRIMARY KEY, amount DECIMAL(10,4), label CHAR(8));
INSERT INTO narrowed VALUES (1, 123456.7891, 'eightchr'), (2, -0.5555, 'x');
ALTER TABLE narrowed MODIFY amount DECIMAL(6,1), MODIFY label CHAR(3);
INSERT INTO narrowed VALUES (3, 99999.99, 'long label');
