"""Known bugs of the CDCs under test, as cases that must catch them.

A case marked

    @pytest.mark.known_bug("DBZ-9623", "a table named CYCLE fails to parse", cdc="debezium",
                           connectors=("mysql",), affected=[("3.1.0", "3.2.5"), ("3.3.0", "3.3.2")],
                           diagnosis=r"no viable alternative")

is expected to fail on a cell whose CDC release the bug affects (low <= release < high, per range),
and to fail *with that diagnosis* (a regular expression searched in the failure's text): there it is
reported as an expected failure naming the bug. Strict both ways: a case that passes on an affected
release fails the run (the framework missed the bug, or the release lacks it), and one that fails
otherwise keeps its failure. On every other release, and on other CDCs, the case is an ordinary one.

The marked bugs are the run's known bugs: any other case that fails on an affected release with a
known bug's diagnosis (a workload with a table named `cycle` on a release that cannot parse it) is
reported as that bug too — not strictly, as only the bug's own case must show it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest

from sinkmatrix.formats.releases import Release, UnknownRelease
from sinkmatrix.model.cells import Cell

_EXPECTED = pytest.StashKey["KnownBug"]()
_KNOWN = pytest.StashKey[list["KnownBug"]]()  # every bug the run's cases mark
_AFFECTING = pytest.StashKey[list["KnownBug"]]()  # the known bugs of an item's cell


@dataclass(frozen=True)
class KnownBug:
    ref: str  # the issue: "DBZ-9623", "debezium/dbz#2172"
    title: str
    cdc: str  # the CDC family: "debezium"
    connectors: tuple[str, ...]  # which of its connectors have it ("mysql", "mariadb"); () for all
    affected: tuple[tuple[str, str], ...]  # [low, high) release ranges
    diagnosis: str  # what the framework must say (a regular expression)

    @property
    def fixed(self) -> str:
        return ", ".join(high for _, high in self.affected)

    def affects(self, cell: Cell) -> Release | None:
        """The cell's release when this bug affects it, else None."""
        found = identity(cell)
        if found is None:
            return None
        family, connector, release = found
        if family != self.cdc or (self.connectors and connector not in self.connectors):
            return None
        hit = any(Release.parse(low) <= release < Release.parse(high) for low, high in self.affected)
        return release if hit else None


def identity(cell: Cell) -> tuple[str, str, Release] | None:
    """(CDC family, connector, release) of the cell's CDC, from its version profile."""
    profile = cell.profile
    if profile is None or not profile.cdc.startswith("debezium"):
        return None
    components = profile.components
    connector = components.get("debezium_connector") or ("mariadb" if profile.cdc == "debezium-connect"
                                                          else "mysql")
    text = components.get("debezium_release") or components.get("cdc_version") or ""
    try:
        return "debezium", connector, Release.parse(text)
    except UnknownRelease:
        return None


def from_marker(mark: pytest.Mark) -> KnownBug:
    if len(mark.args) != 2:
        raise pytest.UsageError(f"@pytest.mark.known_bug takes the issue and its title, not {mark.args!r}")
    try:
        bug = KnownBug(str(mark.args[0]), str(mark.args[1]), str(mark.kwargs["cdc"]),
                       tuple(mark.kwargs.get("connectors", ())),
                       tuple((str(low), str(high)) for low, high in mark.kwargs["affected"]),
                       str(mark.kwargs["diagnosis"]))
        re.compile(bug.diagnosis)
        for low, high in bug.affected:
            Release.parse(low), Release.parse(high)
    except (KeyError, ValueError, TypeError, re.error) as exc:
        raise pytest.UsageError(f"@pytest.mark.known_bug({mark.args[0]!r}): {exc}; it takes cdc=, "
                                "affected=[(low, high), ...] and diagnosis= (a regular expression)") from None
    return bug


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "known_bug(ref, title, cdc=, connectors=, affected=, diagnosis=): "
                            "a real bug the case must catch on the releases it affects (matrix.known_bugs)")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    known: dict[str, KnownBug] = {}
    for item in items:
        if (mark := item.get_closest_marker("known_bug")) is not None:
            known.setdefault(str(mark.args[0]) if mark.args else "", from_marker(mark))
    for item in items:
        mark = item.get_closest_marker("known_bug")
        cell = getattr(getattr(item, "callspec", None), "params", {}).get("cell")
        if not isinstance(cell, Cell):
            continue
        item.stash[_AFFECTING] = [bug for bug in known.values() if bug.affects(cell) is not None]
        if mark is None:
            continue
        bug = from_marker(mark)
        if (release := bug.affects(cell)) is not None:
            item.stash[_EXPECTED] = bug
            item.user_properties.append(("known_bug", f"{bug.ref} on {bug.cdc} {release}"))


@pytest.hookimpl(wrapper=True, trylast=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    bug = item.stash.get(_EXPECTED, None)
    if bug is None and report.when == "call" and report.failed and call.excinfo is not None:
        text = str(call.excinfo.value)
        shown = next((b for b in item.stash.get(_AFFECTING, []) if re.search(b.diagnosis, text, re.S)), None)
        if shown is not None:  # another case met a known bug of this release: it is that bug
            report.outcome = "skipped"
            report.wasxfail = (f"known bug {shown.ref} (shown by this case too): {shown.title} "
                               f"(fixed in {shown.fixed})")
        return report
    if bug is None or report.when != "call":
        return report
    if report.failed:
        # what the framework said: the failure's message, not the case's source (which names the bug)
        text = str(call.excinfo.value) if call.excinfo is not None else str(report.longrepr)
        if re.search(bug.diagnosis, text, re.S):
            report.outcome = "skipped"
            report.wasxfail = f"known bug {bug.ref}: {bug.title} (fixed in {bug.fixed})"
        else:
            report.sections.append(("known bug", f"{bug.ref} ({bug.title}) affects this release, but the "
                                    f"failure does not read as it: /{bug.diagnosis}/ not found"))
    elif report.passed:
        report.outcome = "failed"
        report.longrepr = (f"[XPASS(strict)] known bug {bug.ref} ({bug.title}) affects this release "
                           f"(fixed in {bug.fixed}), yet the case passed: the framework missed it, or the "
                           "release does not have it")
    return report
