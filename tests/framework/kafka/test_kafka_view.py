"""The Kafka view: materializing topics with and without DDL, and findings for what it cannot apply."""

from __future__ import annotations

from sinkmatrix.model.changes import DdlChange, RowChange
from sinkmatrix.model.schema import Column, TableSchema
from tests.framework.kafka.support import (
    applier,
    caught_up,
    insert,
    open_view,
    query,
    table,
    txn,
    unique,
)


def test_view_applies_ddl_between_rows_of_every_partition_and_waits_until_consumed(kafka, servers):
    db = unique("sm_view")
    t2 = table(db)
    t3 = TableSchema(db, "t", (*t2.columns, Column("w", "int", "int(11)")), ("id",))
    t_w = TableSchema(db, "t", (t2.columns[0], t3.columns[2]), ("id",))
    sink = applier(kafka, dispatch="key")  # rows spread over partitions; DDL is in all of them
    try:
        sink.apply(txn(DdlChange(db, f"CREATE DATABASE {db}", "CREATE")))
        sink.apply(txn(DdlChange(db, "CREATE TABLE t (id int primary key, v varchar(64))", "CREATE")))
        sink.apply(txn(*(insert(t2, k, f"v{k}") for k in range(100))))
        sink.apply(txn(DdlChange(db, "ALTER TABLE t ADD COLUMN w int", "ALTER")))
        sink.apply(txn(*(RowChange("update", t3, {"id": k, "v": f"v{k}", "w": None},
                                   {"id": k, "v": f"v{k}", "w": k}) for k in range(100))))
        sink.apply(txn(DdlChange(db, "ALTER TABLE t DROP COLUMN v", "ALTER")))
        sink.apply(txn(*(RowChange("insert", t_w, None, {"id": k, "w": k}) for k in range(100, 200))))
        sink.apply(txn(RowChange("delete", t_w, {"id": 0, "w": 0}, None)))
        sink.flush()
    finally:
        sink.close()

    view = open_view(kafka, servers, db)
    try:
        assert caught_up(view), view.progress.describe()
        assert view.findings(db) == []
        rows = query(servers[1], f"SELECT * FROM {db}.t ORDER BY id")
        assert rows == [(k, k) for k in range(1, 200)]
        assert view.progress.failure() is None
    finally:
        view.close()


def test_view_without_ddl_creates_and_alters_tables_like_the_upstream(kafka, servers):
    upstream, downstream = servers
    db = unique("sm_noddl")
    upstream.query(f"CREATE DATABASE {db}")
    upstream.query(f"CREATE TABLE {db}.t (id int primary key, v varchar(64) NOT NULL DEFAULT 'd')")
    before = table(db)
    sink = applier(kafka)
    view = open_view(kafka, servers, db, carries_ddl=False)
    try:
        assert view.database(db) == db  # the DSL connects to it before any change arrives
        sink.apply(txn(*(insert(before, k, "a") for k in range(10))))
        sink.flush()
        assert caught_up(view), view.progress.describe()
        assert query(downstream, f"SELECT count(*) FROM {db}.t") == [(10,)]

        upstream.query(f"ALTER TABLE {db}.t ADD COLUMN w bigint unsigned NOT NULL DEFAULT 7")
        after = TableSchema(db, "t", (*before.columns, Column("w", "bigint", "bigint(20) unsigned", False)),
                            ("id",))
        sink.apply(txn(RowChange("insert", after, None, {"id": 10, "v": "b", "w": 2**64 - 1})))
        sink.flush()
        assert caught_up(view), view.progress.describe()
        assert view.findings(db) == []
        columns = query(downstream, f"SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE FROM "
                                    f"information_schema.COLUMNS WHERE TABLE_SCHEMA = '{db}' "
                                    "ORDER BY ORDINAL_POSITION")
        assert columns == [("id", "int(11)", "NO"), ("v", "varchar(64)", "NO"),
                           ("w", "bigint(20) unsigned", "NO")]
        assert query(downstream, f"SELECT * FROM {db}.t WHERE id >= 9 ORDER BY id") == \
            [(9, "a", 7), (10, "b", 2**64 - 1)]
    finally:
        view.close()
        sink.close()


def test_a_record_the_view_cannot_apply_is_a_finding_and_the_rest_still_applies(kafka, servers):
    db = unique("sm_bad")
    good, bad = table(db, "good"), table(db, "never_created")
    sink = applier(kafka)
    try:
        sink.apply(txn(DdlChange(db, f"CREATE DATABASE {db}", "CREATE")))
        sink.apply(txn(DdlChange(db, "CREATE TABLE good (id int primary key, v varchar(64))", "CREATE")))
        sink.apply(txn(insert(good, 1), insert(bad, 1), insert(good, 2)))
        sink.flush()
    finally:
        sink.close()
    view = open_view(kafka, servers, db)
    try:
        assert caught_up(view), view.progress.describe()
        [finding] = view.findings(db)
        assert (finding.kind, finding.database, finding.table, finding.key) == \
            ("apply-failed", db, "never_created", (1,))
        assert finding.topic == f"{db}_never_created" and finding.offset == 0
        assert query(servers[1], f"SELECT id FROM {db}.good ORDER BY id") == [(1,), (2,)]
        assert view.findings("some_other_database") == []
    finally:
        view.close()
