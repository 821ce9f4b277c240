-- One transaction of 50,000 rows, then one that changes half of them.
CREATE TABLE digits (d INT PRIMARY KEY);
INSERT INTO digits VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9);
CREATE TABLE big (id INT PRIMARY KEY, v VARCHAR(32), n BIGINT);
BEGIN;
INSERT INTO big
  SELECT a.d + 10 * b.d + 100 * c.d + 1000 * e.d + 10000 * f.d, CONCAT('row-', a.d, b.d, c.d, e.d, f.d),
         (a.d + 10 * b.d) * 7
  FROM digits a, digits b, digits c, digits e, digits f
  WHERE f.d < 5;
COMMIT;
BEGIN;
UPDATE big SET n = n + 1, v = CONCAT(v, '+') WHERE MOD(id, 2) = 0;
DELETE FROM big WHERE MOD(id, 10) = 9;
COMMIT;
