-- Outside suite `ticdc/dm_sharding`: adapted from TiCDC's integration tests.
-- Source: https://github.com/pingcap/tiflow, commit c7b2588ef6c74ef2a42ef35a539251d026de722e
--   dm/tests/sharding/data/db1.prepare.sql, lines 5-8 (prepare.sql)
--   dm/tests/sharding/data/db1.increment.sql, lines 2-33
--   (DM's tests, in the same repository as TiCDC's: a MySQL upstream, like this one)
-- License: Apache-2.0 (pingcap/tiflow, Copyright PingCAP, Inc.). This file is test data taken from
--   that project, adapted to run on MariaDB 10.11 in one fresh database (see tests/suites/README.md).
-- Changes:
--   - DROP/CREATE/USE DATABASE lines left out: the case runs in its own database. DM merged the
--       shards of two source databases; here the first source's two tables (t1, t2) stand alone.

create table t1 (id bigint auto_increment, uid int, name varchar(80), info varchar(100), primary key (`id`), unique key(`uid`)) auto_increment=1;
create table t2 (id bigint auto_increment, uid int, name varchar(80), info varchar(100), primary key (`id`), unique key(`uid`)) auto_increment=1000;
insert into t1 (uid, name) values (10001, 'Gabriel García Márquez'), (10002, 'Cien años de soledad');
insert into t2 (uid, name) values (20001, 'José Arcadio Buendía'), (20002, 'Úrsula Iguarán'), (20003, 'José Arcadio');
