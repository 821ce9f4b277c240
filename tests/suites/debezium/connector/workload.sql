-- Outside suite `debezium/connector`: adapted from Debezium's MySQL/binlog connector tests.
-- sinkmatrix: catches debezium-json*-debezium-3.6 "is not the statement the upstream ran (CREATE UNIQUE INDEX)" Debezium 3.6's MySQL grammar leaves CREATE out of a CREATE UNIQUE INDEX schema change (AntlrDdlParser.signalCreateIndex writes its createIndex rule's text): a consumer cannot apply it
-- Source: https://github.com/debezium/debezium, commit aad5519902997a3627fe296f77ea6d3452e9acce
--   debezium-connector-binlog/src/test/resources/ddl/connector_test.sql, lines 5-73
--   debezium-connector-binlog/src/test/resources/ddl/connector_test_ro.sql, lines 76-82
--   debezium-connector-binlog/src/test/java/io/debezium/connector/binlog/BinlogConnectorIT.java:
--     shouldConsumeAllEventsFromDatabaseUsingSnapshotByField, lines 375, 406, 430, 464, 491-493, 494,
--       520-524, 543, 589-592, 600
--     shouldEmitTombstoneOnDeleteByDefault (DBZ-582), lines 1490, 1503; shouldEmitNoSavepoints, lines 1583-1589
--     shouldProcessCreateUniqueIndex (DBZ-1246), lines 902-904, 919-922
--     shouldIgnoreAlterTableForNonCapturedTablesNotStoredInHistory (DBZ-977), lines 830-833
--     shouldIgnoreCreateIndexForNonCapturedTablesNotStoredInHistory (DBZ-1264), lines 988-989, 1003
--     shouldConsumeEventsWithIncludedColumnsForKeywordNamedTable (DBZ-2525), lines 1261-1266
-- License: Apache-2.0 (debezium/debezium, Copyright Debezium Authors). This file is test data taken
--   from that project, adapted to run on MariaDB 10.11 in one fresh database (see tests/suites/README.md).
-- Changes:
--   - connector_test.sql line 75 (`CREATE DATABASE IF NOT EXISTS emptydb`) left out: one database.
--   - Statements from BinlogConnectorIT.java are the text of their Java string literals (concatenated,
--       `String.format`'s `%s.` database qualifier left out, a `;` added), in the order each test runs
--       them. The tests run one by one on a freshly loaded connector_test; here they follow each other
--       in one database, so each sees what the earlier ones left (named below where it matters).
--   - BinlogConnectorIT line 520 creates `stores` from another database (`emptydb`) under a qualified
--       name; here it is created unqualified in the one database.
--   - shouldEmitNoSavepoints runs its two DELETEs and SAVEPOINT on a JDBC connection with autocommit off
--       and then commits: written as START TRANSACTION ... COMMIT. It runs after
--       shouldEmitTombstoneOnDeleteByDefault, which already moved order 10001 to 10101 and deleted it, so
--       its first DELETE finds no row.
--   - DBZ-1264's `INSERT INTO customers VALUES (default,'name','surname','email')` (line 1004) left out:
--       after DBZ-977's ALTER customers has five columns and DBZ-977 already inserted email 'email'.
--   - connector_test_ro.sql (a second database of the same tests) gives only its temporary tables
--       (lines 76-82); DBZ-2525's table `order` lives in that database, here in the one database.

-- Create and populate our products using a single insert with many rows
CREATE TABLE products (
  id INTEGER NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(255) NOT NULL,
  description VARCHAR(512),
  weight FLOAT
);
ALTER TABLE products AUTO_INCREMENT = 101;

INSERT INTO products 
VALUES (default,"scooter","Small 2-wheel scooter",3.14),
       (default,"car battery","12V car battery",8.1),
       (default,"12-pack drill bits","12-pack of drill bits with sizes ranging from #40 to #3",0.8),
       (default,"hammer","12oz carpenter's hammer",0.75),
       (default,"hammer","14oz carpenter's hammer",0.875),
       (default,"hammer","16oz carpenter's hammer",1.0),
       (default,"rocks","box of assorted rocks",5.3),
       (default,"jacket","water resistent black wind breaker",0.1),
       (default,"spare tire","24 inch spare tire",22.2);

-- Create and populate the products on hand using multiple inserts
CREATE TABLE products_on_hand (
  product_id INTEGER NOT NULL PRIMARY KEY,
  quantity INTEGER NOT NULL,
  FOREIGN KEY (product_id) REFERENCES products(id)
);

INSERT INTO products_on_hand VALUES (101,3);
INSERT INTO products_on_hand VALUES (102,8);
INSERT INTO products_on_hand VALUES (103,18);
INSERT INTO products_on_hand VALUES (104,4);
INSERT INTO products_on_hand VALUES (105,5);
INSERT INTO products_on_hand VALUES (106,0);
INSERT INTO products_on_hand VALUES (107,44);
INSERT INTO products_on_hand VALUES (108,2);
INSERT INTO products_on_hand VALUES (109,5);

-- Create some customers ...
CREATE TABLE customers (
  id INTEGER NOT NULL AUTO_INCREMENT PRIMARY KEY,
  first_name VARCHAR(255) NOT NULL,
  last_name VARCHAR(255) NOT NULL,
  email VARCHAR(255) NOT NULL UNIQUE KEY
) AUTO_INCREMENT=1001;


INSERT INTO customers
VALUES (default,"Sally","Thomas","sally.thomas@acme.com"),
       (default,"George","Bailey","gbailey@foobar.com"),
       (default,"Edward","Walker","ed@walker.com"),
       (default,"Anne","Kretchmar","annek@noanswer.org");

-- Create some very simple orders
CREATE TABLE orders (
  order_number INTEGER NOT NULL AUTO_INCREMENT PRIMARY KEY,
  order_date DATE NOT NULL,
  purchaser INTEGER NOT NULL,
  quantity INTEGER NOT NULL,
  product_id INTEGER NOT NULL,
  FOREIGN KEY order_customer (purchaser) REFERENCES customers(id),
  FOREIGN KEY ordered_product (product_id) REFERENCES products(id)
) AUTO_INCREMENT = 10001;

INSERT INTO orders 
VALUES (default, '2016-01-16', 1001, 1, 102),
       (default, '2016-01-17', 1002, 2, 105),
       (default, '2016-02-18', 1004, 3, 109),
       (default, '2016-02-19', 1002, 2, 106),
       (default, '16-02-21', 1003, 1, 107);

-- connector_test_ro.sql lines 76-82: temporary tables (the connector must ignore them)
-- Temporary table statements should be ignored
CREATE TEMPORARY TABLE ids (id int);
CREATE TEMPORARY TABLE ids2 (id int);
INSERT INTO ids VALUES(1);
INSERT INTO ids2 VALUES(1);
DROP TEMPORARY TABLE ids;
DROP TEMPORARY TABLE ids2;

-- BinlogConnectorIT.shouldConsumeAllEventsFromDatabaseUsingSnapshotByField
INSERT INTO products VALUES (default,'robot','Toy robot',1.304);
INSERT INTO products VALUES (1001,'roy','old robot',1234.56);
UPDATE products SET id=2001, description='really old robot' WHERE id=1001;
UPDATE products SET weight=1345.67 WHERE id=2001;
-- adapted: `ALTER TABLE %s.products` (database-qualified) written unqualified
ALTER TABLE products ADD COLUMN volume FLOAT, ADD COLUMN alias VARCHAR(30) NULL AFTER description;
UPDATE products SET volume=13.5 WHERE id=2001;
-- adapted: `CREATE TABLE %s.stores`, run from database emptydb, written unqualified
CREATE TABLE stores ( id INT(11) PRIMARY KEY NOT NULL AUTO_INCREMENT, first_name VARCHAR(255) NOT NULL, last_name VARCHAR(255) NOT NULL, email VARCHAR(255) NOT NULL );
UPDATE products_on_hand SET quantity=20 WHERE product_id=109;
INSERT INTO products(id,name,description,weight,volume,alias) VALUES (3001,'ashley','super robot',34.56,0.00,'ashbot'), (3002,'arthur','motorcycle',87.65,0.00,'arcycle'), (3003,'oak','tree',987.65,0.00,'oak');
UPDATE products_on_hand SET quantity=40 WHERE product_id=109;

-- BinlogConnectorIT.shouldEmitTombstoneOnDeleteByDefault: a primary-key update, then its delete
UPDATE orders SET order_number=10101 WHERE order_number=10001;
DELETE FROM orders WHERE order_number=10101;

-- BinlogConnectorIT.shouldEmitNoSavepoints
-- adapted: JDBC setAutoCommit(false) ... commit() written as START TRANSACTION ... COMMIT
START TRANSACTION;
DELETE FROM orders WHERE order_number = 10001;
SavePoint sp2;
DELETE FROM orders WHERE order_number = 10002;
COMMIT;

-- BinlogConnectorIT.shouldProcessCreateUniqueIndex (DBZ-1246): a nullable unique key, then NOT NULL
create table migration_test (id varchar(20) null,mgb_no varchar(20) null);
create unique index migration_test_mgb_no_uindex on migration_test (mgb_no);
insert into migration_test values(1,'2');
alter table migration_test change column mgb_no mgb_no varchar(20) not null;
alter table migration_test drop index migration_test_mgb_no_uindex;
create unique index migration_test_mgb_no_uindex on migration_test (mgb_no);
insert into migration_test values(2,'3');

-- BinlogConnectorIT.shouldIgnoreAlterTableForNonCapturedTablesNotStoredInHistory (DBZ-977)
ALTER TABLE orders ADD COLUMN (newcol INT);
ALTER TABLE customers ADD COLUMN (newcol INT);
INSERT INTO customers VALUES (default,'name','surname','email',1);

-- BinlogConnectorIT.shouldIgnoreCreateIndexForNonCapturedTablesNotStoredInHistory (DBZ-1264)
CREATE TABLE nonmon (id INT);
CREATE UNIQUE INDEX pk ON nonmon(id);
-- adapted: INSERT INTO customers VALUES (default,'name','surname','email'); left out (see header)

-- BinlogConnectorIT.shouldConsumeEventsWithIncludedColumnsForKeywordNamedTable (DBZ-2525)
-- adapted: `CREATE TABLE %s.\`order\`` and `INSERT INTO %s.\`order\`` (database connector_test_ro) unqualified
CREATE TABLE `order` ( id INT(11) PRIMARY KEY NOT NULL AUTO_INCREMENT, `select` VARCHAR(255) NOT NULL, not_included VARCHAR(255) NOT NULL);
INSERT INTO `order` VALUES (100001,'included','not included');
