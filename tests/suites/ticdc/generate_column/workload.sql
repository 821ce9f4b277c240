-- Outside suite `ticdc/generate_column`: adapted from TiCDC's integration tests.
-- Source: https://github.com/pingcap/tiflow, commit c7b2588ef6c74ef2a42ef35a539251d026de722e
--   tests/integration_tests/generate_column/data/virtual.sql, lines 5-10
--   tests/integration_tests/generate_column/data/stored.sql, lines 2-8
-- License: Apache-2.0 (pingcap/tiflow, Copyright PingCAP, Inc.). This file is test data taken from
--   that project, adapted to run on MariaDB 10.11 in one fresh database (see tests/suites/README.md).
-- Changes:
--   - DROP/CREATE/USE DATABASE lines left out: the case runs in its own database.
--   - t1: MariaDB takes no NOT NULL on a generated column: `virtual not null` became `virtual`.
--   - t2: MariaDB refuses a PRIMARY KEY on a generated column (ER 1903): `stored primary key` became
--       `stored unique`, so t2 is keyed by a nullable unique key.

create table t1 (a int, b int as (a + 1) virtual, -- adapted: was virtual not null
    c int not null, unique index idx1(b), unique index idx2(c));
insert into t1 (a, c) values (1, 2),(2, 3), (3, 4),(4, 5),(5, 6),(6, 7),(7, 8);
update t1 set a = 10 where a = 1;
update t1 set a = 11 where b = 3;
delete from t1 where b=4;
delete from t1 where a=4;

-- stored.sql
-- see https://github.com/pingcap/tiflow/issues/11704
create table t2 (a int, b int as (a + 1) stored unique); -- adapted: was stored primary key
insert into t2(a) values (1),(2), (3),(4),(5),(6),(7);
update t2 set a = 10 where a = 1;
update t2 set a = 11 where b = 3;
delete from t2 where b=4;
delete from t2 where a=4;
