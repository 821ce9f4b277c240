-- Updates that move a row to another primary key, swap unique values, and change a composite key.
CREATE TABLE moved (id INT PRIMARY KEY, v VARCHAR(10));
CREATE TABLE uniq (id INT PRIMARY KEY, code VARCHAR(10) NOT NULL, UNIQUE KEY (code));
CREATE TABLE pair (a INT, b INT, v INT, PRIMARY KEY (a, b));

INSERT INTO moved VALUES (1, 'one'), (2, 'two'), (3, 'three');
INSERT INTO uniq VALUES (1, 'A'), (2, 'B'), (3, 'C');
INSERT INTO pair VALUES (1, 1, 11), (1, 2, 12), (2, 1, 21);

UPDATE moved SET id = 10 WHERE id = 1;
UPDATE moved SET id = id + 100 WHERE id IN (2, 3);
UPDATE moved SET id = 1, v = 'back' WHERE id = 10;
UPDATE uniq SET code = 'X' WHERE id = 1;
UPDATE uniq SET code = 'A' WHERE id = 2;
UPDATE uniq SET code = 'B' WHERE id = 3;
UPDATE pair SET b = 3 WHERE a = 1 AND b = 2;
UPDATE pair SET a = a + 10;
