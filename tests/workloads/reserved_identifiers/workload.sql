-- Tables and columns named by reserved words of MySQL and of MariaDB (OFFSET, WINDOW and ROWS are
-- reserved in one and not the other): every statement the framework writes must quote them.
CREATE TABLE `offset` (`offset` INT PRIMARY KEY, `window` VARCHAR(10), `rows` INT, `range` INT, `key` INT);
CREATE TABLE `order` (`select` INT, `from` INT, `where` VARCHAR(8), `group` INT, PRIMARY KEY (`select`, `from`));
INSERT INTO `offset` VALUES (1, 'w1', 1, 1, 1), (2, 'w2', 2, 2, 2), (3, 'w3', 3, 3, 3);
INSERT INTO `order` VALUES (1, 1, 'a', 1), (1, 2, 'b', 2), (2, 1, NULL, 3);
UPDATE `offset` SET `window` = 'moved', `rows` = `rows` + 10 WHERE `offset` = 2;
UPDATE `order` SET `where` = 'changed' WHERE `select` = 1 AND `from` = 2;
DELETE FROM `offset` WHERE `offset` = 3;
DELETE FROM `order` WHERE `select` = 2;
