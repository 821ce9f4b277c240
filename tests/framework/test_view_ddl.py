"""DDL the view must take as the upstream took it: a statement quoting names in "..." that the upstream
ran under ANSI_QUOTES (the message carries no sql_mode), and view DDL, which holds no rows and whose
tables arrive on other topics in no common order."""

from __future__ import annotations

from pathlib import Path

import pytest

from dsl import workload
from dsl.ddl_effects import about_a_view

pytestmark = [pytest.mark.framework, pytest.mark.sinks("mysql", "canal-json")]

STATEMENTS = """\
SET SESSION sql_mode = CONCAT(@@sql_mode, ',ANSI_QUOTES');
CREATE TABLE "quoted" ("id" INT PRIMARY KEY, "v" VARCHAR(8));
INSERT INTO "quoted" VALUES (1, 'a');
SET SESSION sql_mode = REPLACE(@@sql_mode, 'ANSI_QUOTES', '');
CREATE VIEW v1 AS SELECT * FROM later WHERE id > 1;
"""
LATER = "CREATE TABLE later (id INT PRIMARY KEY);\nINSERT INTO later VALUES (1), (2);\n"


def test_ansi_quoted_ddl_and_views_replicate_without_a_false_alarm(ctx, tmp_path: Path):
    (tmp_path / "w").mkdir()
    (tmp_path / "w" / "workload.sql").write_text(LATER + STATEMENTS)
    [load] = workload.discover(tmp_path)
    assert workload.run(ctx, load, timeout=30).problems == []


@pytest.mark.parametrize(("sql", "view"), [
    ("CREATE VIEW v AS SELECT 1", True), ("create or replace algorithm=merge view `v` as select 1", True),
    ("DROP VIEW IF EXISTS v", True), ("ALTER DEFINER=`a`@`%` SQL SECURITY INVOKER VIEW v AS SELECT 1", True),
    ("CREATE TABLE view_log (v INT)", False), ("ALTER TABLE t ADD COLUMN view INT", False),
])
def test_view_ddl_is_told_from_table_ddl(sql, view):
    assert about_a_view(sql) is view
