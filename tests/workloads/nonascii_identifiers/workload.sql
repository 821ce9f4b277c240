-- Tables and columns named outside ASCII: CJK, accents, a BMP symbol and a space. Avro sanitises
-- such names ([A-Za-z0-9_] only): the sink maps them back by the sanitising rule, so within a table
-- the names sanitise apart (`编号` is `__`, `值` is `_`, `名称a` is `__a`).
CREATE TABLE `中文` (`编号` INT PRIMARY KEY, `名称a` VARCHAR(16), `值` INT);
CREATE TABLE `Ünïcödé` (`clé` INT PRIMARY KEY, `Wert ☃` VARCHAR(8));
INSERT INTO `中文` VALUES (1, '一', 1), (2, '二', 2), (3, '三', 3);
INSERT INTO `Ünïcödé` VALUES (1, 'eins'), (2, 'zwei');
UPDATE `中文` SET `值` = `值` * 10 WHERE `编号` >= 2;
UPDATE `Ünïcödé` SET `Wert ☃` = 'drei' WHERE `clé` = 2;
DELETE FROM `中文` WHERE `编号` = 1;
