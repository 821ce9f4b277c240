"""The detection suite: every injected CDC fault fails its case, with the right diagnosis, on every
sink it applies to — and the same cases pass with no fault. Each run adds a row to the detection
table (reports.reliability): `nox -s reliability` writes it to RELIABILITY.md.

Each fault runs twice: with the CDC's own fault hooks where it offers the fault (`cdc-hooks`), and
with the CDC stripped of every hook (`no-hooks`, tests.framework.hookless), as a user's CDC may be —
then the framework commits the fault itself, in the Kafka consumer or in the MySQL sink's rows."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import pytest

from dsl.context import opened
from reports import reliability
from reports.reliability import Entry, classify, fault_text
from sinkmatrix.model.faults import FAMILIES, KINDS, FaultSpec
from tests.framework.detection_scenarios import SCENARIOS
from tests.framework.hookless import without_fault_hooks

# The column each corrupted family lands in (detection_scenarios.TYPES_DDL)
_FAMILY_COLUMNS = {"number": "n", "decimal": "d", "string": "s", "binary": "b", "temporal": "t",
                   "json": "j", "bit": "bits", "unsigned": "u"}
_ORDER_BY_VALUE = ("value mismatch", "column v")
# Debezium's events carry the binlog position of each change: a swapped pair shows in its order
_DEBEZIUM_ORDER = {label: ("out-of-order", "source.pos")
                   for label in ("debezium-json", "debezium-json+schemaless", "debezium-avro")}


@dataclass(frozen=True)
class Case:
    fault: dict[str, Any]
    scenario: str
    # sink label ("mysql", "canal-json+tidb", ...; "*" for the rest) -> (category, detail that must
    # appear in the failure's detail, "" for any)
    expect: dict[str, tuple[str, str]] = field(default_factory=dict)
    # the same where the framework commits the fault itself (a CDC with no fault hooks), when it differs
    by_framework: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return fault_text(self.fault)

    def expected(self, label: str, hooks: str = "cdc") -> tuple[str, str]:
        if hooks == "none" and (self.by_framework.get(label) or self.by_framework.get("*")):
            return self.by_framework.get(label) or self.by_framework["*"]
        return self.expect.get(label) or self.expect["*"]


CASES = [
    # the consumer meets a topic's partitions in the order the brokers hand them over, not the order
    # the CDC wrote them in: its first row is either row (rows of two keys may be in two partitions)
    Case({"kind": "drop"}, "rows", {"*": ("missing row", "id=1")}, {"*": ("missing row", "id=")}),
    Case({"kind": "duplicate"}, "rows", {"*": ("duplicate", "@")}),
    # a key's changes swapped: a clock with distinct stamps flags it; Canal-JSON's `es` and plain Avro
    # have none finer than the binlog's second, so there the older image wins and the value is wrong
    Case({"kind": "reorder"}, "key_history", {"*": _ORDER_BY_VALUE, **_DEBEZIUM_ORDER,
                                              "canal-json+tidb": ("out-of-order", "_tidb.commitTs")}),
    *[Case({"kind": "corrupt", "family": family}, "types",
           {"*": ("value mismatch", f"column {column}")}) for family, column in _FAMILY_COLUMNS.items()],
    Case({"kind": "wrong-type"}, "types", {"*": ("protocol violation", "n'")}),
    # the second row: on Avro the narrower schema is then a compatible (BACKWARD) next version
    Case({"kind": "omit-column", "nth": 2}, "rows", {"*": ("protocol violation", "note"),
                                                     "mysql": ("value mismatch", "column note")}),
    Case({"kind": "bad-magic"}, "rows", {"*": ("protocol violation", "bad-magic")}),
    Case({"kind": "bad-schema-id"}, "rows", {"*": ("protocol violation", "unknown-schema-id")}),
    Case({"kind": "truncate"}, "rows", {"*": ("protocol violation", "@")}),
    Case({"kind": "stall"}, "rows", {"*": ("stall (no progress)", "id=1")}),
    Case({"kind": "lag", "seconds": 8.0}, "rows", {"*": ("lag (timeout naming keys)", "id=1")}),
    Case({"kind": "crash"}, "replay", {"*": ("passed", "")}),
    # (the replay scenario's waits outlast a restart of the slowest CDC here, Debezium's JVM)
    Case({"kind": "crash-lose"}, "replay", {"*": ("missing row", "id=1")}),
    Case({"kind": "ddl-reorder", "nth": 2}, "schema_change", {"*": ("protocol violation", "w"),
                                                    "mysql": ("CDC failure", "Unknown column 'w'")}),
    # the second delete-scenario change the framework sees go: the row it re-inserts stays
    Case({"kind": "resurrect"}, "deletes", {"*": ("extra row", "id=1")}),
]
assert {c.fault["kind"] for c in CASES} == set(KINDS), "every fault kind has a detection case"
assert set(_FAMILY_COLUMNS) == set(FAMILIES), "every corruptible family has a detection case"


def _label(cell: Any) -> str:
    return cell.sink + (f"+{cell.variant}" if cell.variant else "")


def _record(request: pytest.FixtureRequest, entry: Entry) -> None:
    from matrix.plugin import run_dir_of

    worker = getattr(request.config, "workerinput", {}).get("workerid", "main")
    reliability.record(run_dir_of(request.config), worker, entry)


def _run(stack: Any, cell: Any, name: str, scenario: str,
         fault: dict[str, Any] | None = None) -> tuple[BaseException | None, float, str, str]:
    """Run a scenario on a fresh database, with the fault injected for that database; its failure
    (None if it passed), seconds, database and the side the fault was committed on."""
    side = ""
    with opened(stack, cell, name) as ctx:
        if fault is not None:
            side = stack.inject_fault(FaultSpec.from_json({**fault, "databases": ctx.database}))
        started = time.monotonic()
        try:
            SCENARIOS[scenario](ctx)
            error = None
        except AssertionError as exc:  # the DSL's failures: CheckFailed, WaitTimeout, SinkProtocolError
            error = exc
        return error, time.monotonic() - started, ctx.database, side


def _heal(stack: Any, database: str) -> None:
    """Clear the fault; a CDC it made fail restarts from its checkpoint without it (faults live in
    the process), so the cell's next cases run on a sound pipeline."""
    if stack.cdc.state == "failed":
        stack.cdc.restart()
    stack.clear_faults(database)


@pytest.mark.parametrize("hooks", ["cdc", "none"], ids=["cdc-hooks", "no-hooks"])
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fault_is_caught(case: Case, hooks: str, stack, cell, request) -> None:
    if hooks == "none":
        with without_fault_hooks(stack):
            _caught(case, hooks, stack, cell, request)
    else:
        _caught(case, hooks, stack, cell, request)


def _caught(case: Case, hooks: str, stack: Any, cell: Any, request: pytest.FixtureRequest) -> None:
    label = _label(cell)
    category, detail = case.expected(label, hooks)
    why = stack.refuses(FaultSpec.from_json(case.fault))
    if why is not None:
        _record(request, Entry(case.id, case.scenario, cell.id, "n/a", "n/a", "", None, why, hooks=hooks))
        pytest.skip(f"{case.id} does not apply to {label}: {why}")

    restarts_before = len(stack.progress.restarts())
    replays_before = getattr(stack.view, "replays", 0)
    error, seconds, database, side = _run(stack, cell, request.node.name, case.scenario, case.fault)
    restarts = len(stack.progress.restarts()) - restarts_before
    replays = getattr(stack.view, "replays", 0) - replays_before
    try:
        installed = stack.faults()
    finally:
        _heal(stack, database)
    outcome = classify(error)
    note = (f"CDC restarted {restarts}×, {replays} replayed record(s) tolerated"
            if restarts else "")
    if side == "sink" and hooks == "cdc":
        note = "; ".join(filter(None, [note, "committed by the framework: the CDC does not offer it"]))
    _record(request, Entry(case.id, case.scenario, cell.id, category, outcome.category, outcome.detail,
                           round(seconds, 3), note, hooks=hooks))
    if hooks == "none":
        assert side == "sink", f"{case.id}: a CDC with no fault hooks had it committed on side {side!r}"

    if case.fault["kind"] in ("crash", "crash-lose"):
        assert restarts >= 1, f"the {case.id} fault never fired: the CDC did not restart"
    elif installed or outcome.category != "CDC failure":
        spec = next((f for f in installed if f["databases"] == database), None)
        assert spec is not None and spec["seen"] >= spec["nth"], \
            f"the {case.id} fault never met a change to bend in {case.scenario}: {installed}"
    assert outcome.category == category, (
        f"{case.id} on {label}: expected {category}, got {outcome.category} ({outcome.detail})\n"
        f"failure: {error}")
    assert detail in outcome.detail or (error is not None and detail in str(error)), (
        f"{case.id} on {label}: the diagnosis does not name {detail!r}: {outcome.detail}\n{error}")
    stack.drop_database(database)


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_scenario_passes_without_faults(scenario: str, stack, cell, request) -> None:
    error, seconds, database, _ = _run(stack, cell, request.node.name, scenario)
    findings = stack.view.findings(database)
    outcome = classify(error)
    _record(request, Entry("(none)", scenario, cell.id, "passed", outcome.category, outcome.detail,
                           round(seconds, 3)))
    assert error is None, f"a false alarm on a correct pipeline: {error}"
    assert not findings, f"a false alarm on a correct pipeline: {findings}"
    stack.drop_database(database)


# The transport taken away under a running pipeline (no CDC fault: every change must still arrive,
# copies sent again are the transport's at-least-once, and nothing is reported lost)
BROKER_FAULTS = {"broker-kill": "the broker killed with SIGKILL mid-load, then started again on its data",
                 "broker-pause": "the broker paused with SIGSTOP mid-load beyond the clients' timeouts"}


@pytest.mark.parametrize("fault", list(BROKER_FAULTS))
def test_broker_fault_is_ridden_out(fault: str, stack, cell, request) -> None:
    from dsl import All
    from dsl.errors import WaitTimeout

    text = fault_text({"kind": fault})
    broker = stack.services.get("kafka")
    if broker is None or not callable(getattr(broker, "pause", None)):
        why = "no Kafka broker in this cell" if broker is None else "its Kafka cannot be stopped"
        _record(request, Entry(text, "broker", cell.id, "n/a", "n/a", "", None, why))
        pytest.skip(why)
    with opened(stack, cell, request.node.name) as ctx:
        started = time.monotonic()
        ctx.upstream.exec_driver_sql("create table t (id int primary key, v varchar(32))")
        table = ctx.sql.table("t")
        sent = [table.insert_many({"id": i, "v": f"before-{i}"} for i in range(2000))]
        error: BaseException | None = None
        try:
            if fault == "broker-kill":
                broker.kill()
            else:
                broker.pause()
            try:
                sent.append(table.insert_many({"id": i, "v": f"during-{i}"} for i in range(2000, 3000)))
                sent.append(table.update({"id": 7, "v": "updated during"}).send())
                if fault == "broker-pause":
                    with pytest.raises(WaitTimeout) as stalled:
                        All(ctx.sql, sent).wait(timeout=8.0)
                    assert "transport outage" in str(stalled.value), str(stalled.value)[-1500:]
            finally:
                broker.restart() if fault == "broker-kill" else broker.resume()
            All(ctx.sql, sent).wait().check()
        except AssertionError as exc:
            error = exc
        outcome = classify(error)
        replays = getattr(stack.view, "replays", 0)
        _record(request, Entry(text, "broker", cell.id, "passed", outcome.category, outcome.detail,
                               round(time.monotonic() - started, 3),
                               f"{BROKER_FAULTS[fault]}; {replays} replayed record(s) tolerated in the cell"))
        assert error is None, f"{fault} on {cell.id}: {error}"
        stack.drop_database(ctx.database)
