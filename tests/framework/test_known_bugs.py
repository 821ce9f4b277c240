"""The known-bug marker (matrix.known_bugs): which cells a bug affects, and how a case's outcome reads
there — caught with its diagnosis (an expected failure), caught otherwise (a failure that says so),
or missed (a strict unexpected pass)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from matrix import axes, known_bugs
from matrix.known_bugs import KnownBug, identity

BUG = KnownBug("DBZ-1", "a bug", "debezium", ("mysql",), (("3.0.8", "3.2.5"), ("3.3.0", "3.3.2")),
               r"couldn't be parsed")


def test_a_cell_names_its_debezium_connector_and_release() -> None:
    release = identity(axes.cell("debezium-json", "kafka", "debezium-3.2.4"))
    assert release is not None and release[:2] == ("debezium", "mysql") and release[2].parts == (3, 2, 4)
    mariadb = identity(axes.cell("debezium-json", "kafka", "debezium-mariadb-3.5"))
    assert mariadb is not None and mariadb[1] == "mariadb" and mariadb[2].parts == (3, 5, 0)
    embedded = identity(axes.cell("debezium-json", "kafka", "debezium-3.6"))
    assert embedded is not None and embedded[2].parts == (3, 6, 3)
    assert identity(axes.cell("canal-json", "kafka", "local")) is None


@pytest.mark.parametrize(("profile", "affected"), [
    ("debezium-3.0.8", True), ("debezium-3.2.4", True), ("debezium-3.3.2", False),
    ("debezium-3.6.1", False), ("debezium-mariadb-3.5", False)])
def test_a_bug_affects_the_releases_in_its_ranges_on_its_connectors(profile: str, affected: bool) -> None:
    assert (BUG.affects(axes.cell("debezium-json", "kafka", profile)) is not None) is affected


def _outcome(report: Any, error: BaseException | None, stash: dict[Any, Any] | None = None) -> Any:
    """The report the known-bug hook makes of `report` for a case of BUG's own (or with `stash`)."""
    item = SimpleNamespace(stash={known_bugs._EXPECTED: BUG} if stash is None else stash)
    call = SimpleNamespace(excinfo=SimpleNamespace(value=error) if error else None)
    steps = known_bugs.pytest_runtest_makereport(item, call)
    next(steps)
    with pytest.raises(StopIteration) as done:
        steps.send(report)
    return done.value.value


def _report(outcome: str) -> Any:
    return SimpleNamespace(when="call", outcome=outcome, failed=outcome == "failed",
                           passed=outcome == "passed", longrepr="the case's source: couldn't be parsed",
                           sections=[])


def test_a_failure_with_the_bugs_diagnosis_is_the_bug_caught() -> None:
    report = _outcome(_report("failed"), RuntimeError("ParsingException: DDL statement couldn't be parsed"))
    assert report.outcome == "skipped" and "DBZ-1" in report.wasxfail and "3.2.5" in report.wasxfail


def test_a_failure_saying_something_else_stays_a_failure_that_says_so() -> None:
    report = _outcome(_report("failed"), RuntimeError("a wrong value"))  # the source's text does not count
    assert report.outcome == "failed" and "not found" in report.sections[-1][1]


def test_a_pass_on_an_affected_release_fails_strictly() -> None:
    report = _outcome(_report("passed"), None)
    assert report.outcome == "failed" and "XPASS(strict)" in report.longrepr


def test_a_marker_missing_its_ranges_is_a_usage_error() -> None:
    with pytest.raises(pytest.UsageError, match="affected="):
        known_bugs.from_marker(pytest.mark.known_bug("DBZ-2", "t", cdc="debezium", diagnosis="x").mark)
    with pytest.raises(pytest.UsageError, match="names no release"):
        known_bugs.from_marker(pytest.mark.known_bug("DBZ-2", "t", cdc="debezium", diagnosis="x",
                                                     affected=[("soon", "3.1")]).mark)


def _other_case(report: Any, error: BaseException | None) -> Any:
    return _outcome(report, error, {known_bugs._AFFECTING: [BUG]})


def test_another_case_failing_as_a_known_bug_of_its_release_is_that_bug() -> None:
    refused = RuntimeError("ParsingException: DDL statement couldn't be parsed")
    report = _other_case(_report("failed"), refused)
    assert report.outcome == "skipped" and "DBZ-1 (shown by this case too)" in report.wasxfail


def test_another_case_failing_otherwise_or_passing_is_left_alone() -> None:
    assert _other_case(_report("failed"), RuntimeError("a wrong value")).outcome == "failed"
    assert _other_case(_report("passed"), None).outcome == "passed"  # not strict: it need not show the bug
