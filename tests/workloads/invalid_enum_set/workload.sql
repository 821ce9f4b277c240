-- ENUM and SET values that are no member, stored under sql_mode='' as the upstream stores them:
-- an ENUM's '' (index 0), a SET without the unknown members. The sink must take what was stored.
SET SESSION sql_mode = '';
CREATE TABLE choices (id INT PRIMARY KEY, e ENUM('a', 'b') NOT NULL, n ENUM('p', 'q'), s SET('x', 'y'));
INSERT INTO choices VALUES (1, 'zzz', 'r', 'x,q'), (2, 'a', 'p', 'y'), (3, '', NULL, '');
UPDATE choices SET e = 'nope', s = 'x,y,z' WHERE id = 2;
INSERT INTO choices (id, e) VALUES (4, 'A');
DELETE FROM choices WHERE id = 3;
