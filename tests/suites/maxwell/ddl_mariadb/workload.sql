-- Outside suite `maxwell/ddl_mariadb`: adapted from Maxwell's DDL integration tests (MariaDB-only DDL).
-- sinkmatrix: catches *-debezium-mariadb-3.5 "PRIMARY KEY IF NOT EXISTS" Debezium 3.5's MariaDB DDL grammar has no IF NOT EXISTS after ADD CONSTRAINT ... PRIMARY KEY (MariaDB 10.0.2 on): the connector stops on the ALTER (io.debezium.text.ParsingException)
-- Source: https://github.com/zendesk/maxwell, commit b600e5190c3cd6051a498dd443910d30860b78f5
--   src/test/java/com/zendesk/maxwell/schema/ddl/DDLIntegrationTest.java: the SQL of the tests that run
--   on MariaDB only (assumeTrue(...isMariaDB)): testDropColumnIfExists (lines 191-193),
--   testAlterIgnoreMaria (618-619), testIndexIfExists (666-668), testUniqueKeyIfNotExists (677-678)
-- License: Apache-2.0 (zendesk/maxwell, Copyright Zendesk). This file is test data taken from that
--   project, adapted to run on MariaDB 10.11 in one fresh database (see tests/suites/README.md).
-- Changes:
--   - each statement is the text of a Java string literal, `;` added. Maxwell runs each test on a fresh
--       database; here the four follow each other in one database (no table name shared).
--   - kept apart from `maxwell/ddl_integration` because this DDL is MariaDB's own (IF [NOT] EXISTS in
--       ALTER clauses, ALTER IGNORE ... PRIMARY KEY IF NOT EXISTS): a CDC that cannot parse it stops
--       here without hiding what the other workload shows.
--   Not taken: testAlterTableIfExists, testConstraintIfExists, testComplexAlterIfExists (commented out
--   in the source).

-- testDropColumnIfExists
CREATE TABLE t ( a varchar(255), b int);
ALTER TABLE t drop column if exists aa;
ALTER TABLE t drop column if exists b, drop column if exists nothere;

-- testAlterIgnoreMaria
create table foo ( colA int, colB int);
ALTER IGNORE TABLE foo ADD CONSTRAINT table_name_pk PRIMARY KEY IF NOT EXISTS (colA, colB);

-- testIndexIfExists
CREATE TABLE index_test (id INT, name VARCHAR(50), email VARCHAR(100));
ALTER TABLE index_test ADD INDEX IF NOT EXISTS idx_email (email);
ALTER TABLE index_test DROP INDEX IF EXISTS idx_nonexistent;

-- testUniqueKeyIfNotExists: a nullable unique key added to a table without a primary key
CREATE TABLE unique_test (id INT, email VARCHAR(100));
ALTER TABLE unique_test ADD UNIQUE KEY IF NOT EXISTS uk_email (email);
