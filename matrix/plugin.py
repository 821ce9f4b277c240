"""pytest glue: expand cases over matrix cells, one stack per (worker, cell), a database per test."""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Iterator
from dataclasses import asdict, replace
from typing import TYPE_CHECKING, Any

import pytest
import structlog

from dsl.errors import SinkProtocolError
from matrix import axes, selection, shards
from matrix.capabilities import skip_lacking
from reports import bundle, logs, rundir
from reports.progress import Progress
from reports.reliability import ReliabilityTable
from reports.summary import RunSummary
from sinkmatrix.model import cdc as cdcs
from sinkmatrix.model.cdc_contract import CapabilityMissing
from sinkmatrix.model.cells import Cell
from sinkmatrix.model.faults import FaultError, FaultSpec
from sinkmatrix.stack.errors import FaultRefused

if TYPE_CHECKING:  # the DSL (and its database drivers) loads where cases run, not in a controller
    from dsl.context import Ctx

RUN_ID_KEY = "sinkmatrix_run_id"
pytest_plugins = ("matrix.workload_items", "matrix.capabilities",  # workloads; the CDC contract
                  "matrix.known_bugs")  # cases that must catch real bugs of the releases they affect


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("sinkmatrix", "sinkmatrix: the sink × protocol × version matrix")
    group.addoption("--sink", action="append", default=[], metavar="NAME",
                    help="run only these sinks (repeat or comma-separate); default: all")
    group.addoption("--protocol", action="append", default=[], metavar="NAME",
                    help="run only cells on these protocols")
    group.addoption("--profile", dest="sm_version", action="append", default=[], metavar="NAME",
                    help="run only these version profiles (the matrix's version axis)")
    group.addoption("--cdc", action="append", default=[], metavar="NAME",
                    help="run only cells whose version profile runs these CDCs (registered: "
                         f"{', '.join(sorted(cdcs.available())) or 'none'})")
    group.addoption("--axes", action="append", default=[], metavar="FILE",
                    help="version profiles and sinks of your own, over the packaged ones (default: "
                         "[tool.sinkmatrix] in the repository's pyproject.toml, or its sinkmatrix.toml)")
    group.addoption("--backend", action="append", default=[], metavar="NAME",
                    help="run cells on these backends: embedded (default), compose, or all")
    group.addoption("--keep-on-failure", action="store_true",
                    help="compose: leave a failed cell's stack up for inspection and print how to attach")
    group.addoption("--cdc-build", default=None, metavar="PATH",
                    help="compose: run the CDC from this local binary or build context instead of its image")
    group.addoption("--wait-timeout", type=float, default=None, metavar="SECONDS",
                    help="default timeout of a single request's wait() (batches get 8x)")
    group.addoption("--strict-progress", action="store_true",
                    help="fail a case whose wait ended at its deadline instead of by the sink's progress "
                         "(a broken progress signal otherwise only passes slowly, and is reported)")
    group.addoption("--fault", action="append", default=[], metavar="KIND[:k=v,...]",
                    help="make the CDC (or its output's path) misbehave in every case of the run "
                         "(sinkmatrix.model.faults: drop, duplicate, reorder, corrupt:family=..., stall, "
                         "lag:seconds=..., crash, ...; side=sink: the framework commits it, in the Kafka "
                         "consumer or the MySQL sink's rows, needing nothing from the CDC)")
    group.addoption("--reliability-md", default=None, metavar="PATH",
                    help="also write the run's fault-detection table (reports.reliability) to PATH")
    group.addoption("--shard", default=None, metavar="I/N",
                    help="run shard I of N: a deterministic split balanced by recorded durations")
    group.addoption("--store-durations", action="store_true",
                    help=f"record this run's test durations in {shards.DURATIONS_FILE.name} for --shard")


@pytest.hookimpl(tryfirst=True)  # before junitxml reads its path
def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sinks(*names): run this case only on the named sinks")
    config.addinivalue_line("markers", "no_final_check: leave out the check, at the case's end, that the "
                                       "sink holds what the upstream holds (ctx.sql.sync(): the whole "
                                       "database)")
    config.addinivalue_line("markers", "fault(kind, **settings): make the cell's CDC misbehave on this "
                                       "case's database (sinkmatrix.model.faults); cells it does not "
                                       "apply to skip")
    try:
        config.stash[_FAULTS] = [FaultSpec.parse(text) for text in config.getoption("fault")]
    except FaultError as exc:
        raise pytest.UsageError(f"--fault: {exc}") from None
    workerinput = getattr(config, "workerinput", None)
    if _runs_cases(config) and config.pluginmanager.has_plugin("hypothesispytest") \
            and sys.version_info < (3, 11, 8):
        # CPython gh-106905: once the Kafka clients have run, a later ast.parse (pytest rewriting
        # a lazily imported module) can fail with "AST constructor recursion depth mismatch";
        # hypothesis's plugin imports hypothesis lazily in its terminal summary (xdist workers
        # have one too), so import it now. Not in an xdist controller: it runs no Kafka client.
        # Matrix runs leave the plugin out (matrix.command): that import costs ≈1 s a process.
        import hypothesis.internal.observability  # noqa: F401
    if workerinput is not None:
        run_id, worker = workerinput[RUN_ID_KEY], workerinput["workerid"]
    else:
        run_id, worker = os.environ.get(rundir.RUN_ID_ENV) or rundir.new_run_id(), "main"
        os.environ[rundir.RUN_ID_ENV] = run_id
    try:
        axes.use(axes.user_files(config.rootpath, config.getoption("axes")))
    except axes.AxesError as exc:
        raise pytest.UsageError(str(exc)) from None
    config.stash[_CELLS] = selection.select(config)  # bad names stop the run here, in one line
    shard = config.getoption("shard")
    try:
        config.stash[_SHARD] = shards.parse(shard) if shard else None
    except shards.ShardError as exc:
        raise pytest.UsageError(str(exc)) from None
    config.stash[_RUN] = (run_id, rundir.run_dir(run_id))
    logs.configure(rundir.run_dir(run_id) / "logs" / f"{worker}.jsonl")
    structlog.contextvars.bind_contextvars(run=run_id, worker=worker)
    if workerinput is None:
        rundir.point_latest(run_id)
        if not config.option.xmlpath:
            config.option.xmlpath = str(rundir.run_dir(run_id) / "junit.xml")
        summary = RunSummary(run_id, rundir.run_dir(run_id),
                             shards.store_durations if config.getoption("store_durations") else None)
        config.pluginmanager.register(summary, "sinkmatrix-summary")
        table = ReliabilityTable(run_id, rundir.run_dir(run_id), config.getoption("reliability_md"))
        config.pluginmanager.register(table, "sinkmatrix-reliability")
        cell_ids = [c.id for c in config.stash[_CELLS]]
        config.pluginmanager.register(Progress(config, cell_ids), "sinkmatrix-progress")


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """xdist: every worker logs into the controller's run."""
    node.workerinput[RUN_ID_KEY] = node.config.stash[_RUN][0]


def pytest_collection_finish(session: pytest.Session) -> None:
    """What collection loaded (modules, items, fixtures) lives as long as the run: frozen, the
    collector's older sweeps stop walking it. Collected once first, so no garbage is frozen with it."""
    gc.collect()
    gc.freeze()


def pytest_unconfigure(config: pytest.Config) -> None:
    """The run is over: collect its garbage once (finalizers still report to pytest), then freeze
    what is left. pytest's last collections and the interpreter's at exit then skip every loaded
    module's objects: ≈0.1 s less in each process, and a run's end waits for its workers' exits."""
    gc.collect()
    gc.freeze()


def _runs_cases(config: pytest.Config) -> bool:
    """False only in an xdist controller, which hands the cases to its workers."""
    if getattr(config, "workerinput", None) is not None:
        return True
    return config.getoption("dist", "no") == "no" or not getattr(config.option, "tx", None)


@pytest.hookimpl(optionalhook=True, tryfirst=True)
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """-n auto: a cell runs whole on one worker, so no more workers than cells, and a run of one cell
    runs in this process (a worker would only add its start). None: not a matrix run, xdist decides."""
    if not config.getoption("sink") or config.getoption("shard"):
        return None
    cells = len(selection.select(config))
    return 0 if cells <= 1 else min(cells, len(os.sched_getaffinity(0)))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """xdist: with --dist loadgroup, hand out whole cells, heaviest first, one at a time."""
    if config.getoption("dist", None) != "loadgroup":
        return None
    from matrix.scheduling import CellScheduling  # imports xdist: only where xdist runs
    return CellScheduling(config, log, cells=[c.id for c in config.stash[_CELLS]])


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "cell" not in metafunc.fixturenames:
        return
    cells = metafunc.config.stash[_CELLS]
    marker = metafunc.definition.get_closest_marker("sinks")
    if marker is not None:
        cells = [c for c in cells if c.sink in marker.args]
    metafunc.parametrize("cell", cells, ids=[c.id for c in cells], scope="session")


def _cell_of(item: pytest.Item) -> Cell | None:
    """The item's cell; None for framework tests and for a case whose marker left no cell selected
    (pytest then parametrizes it with an empty set and skips it)."""
    callspec = getattr(item, "callspec", None)
    cell = callspec.params.get("cell") if callspec is not None else None
    return cell if isinstance(cell, Cell) else None


@pytest.hookimpl(tryfirst=True)  # before xdist's worker turns xdist_group marks into '@group' ids
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Keep a cell's cases together and on one worker (its stack is reused) and keep only this
    run's shard; which worker gets which cell is matrix.scheduling's choice."""
    if config.pluginmanager.hasplugin("xdist"):  # its marker exists only where it is loaded
        for item in items:
            if (cell := _cell_of(item)) is not None:
                item.add_marker(pytest.mark.xdist_group(cell.id))
    durations = shards.load_durations()
    shard = config.stash[_SHARD]
    if shard is not None:
        index, total = shard
        keep = set(shards.split([i.nodeid for i in items], total, durations)[index - 1])
        deselected = [i for i in items if i.nodeid not in keep]
        items[:] = [i for i in items if i.nodeid in keep]
        config.hook.pytest_deselected(items=deselected)
    # contiguous per cell: pytest keeps a session-scoped parametrized fixture (the cell's stack)
    # only while consecutive items share its parameter; interleaved, it restarts for every case
    first: dict[Cell | None, int] = {}
    for n, item in enumerate(items):
        first.setdefault(_cell_of(item), n)
    items.sort(key=lambda i: first[_cell_of(i)])


def pytest_itemcollected(item: pytest.Item) -> None:
    """Tag each case with its cell, for reports (it also lands in junit.xml as a property)."""
    if (cell := _cell_of(item)) is not None:
        item.user_properties.append(("cell", cell.id))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Any:
    """A case that passed ends with the final check (the whole-database check, dsl.sync): a late wrong
    write, or a row written with plain SQL that never arrived, fails the case that caused it."""
    result = yield
    final_check = getattr(getattr(getattr(item, "funcargs", {}).get("ctx"), "sql", None), "final_check", None)
    if final_check is not None and item.get_closest_marker("no_final_check") is None:
        structlog.contextvars.bind_contextvars(phase="final check")
        final_check()
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    item.stash.setdefault(_OUTCOMES, {})[report.when] = report.outcome
    helper = getattr(getattr(item, "funcargs", {}).get("ctx"), "sql", None)
    left_out = [*getattr(helper, "left_out", {}).values(), *getattr(helper, "excused", ())]
    if report.when == "call" and left_out:  # tables and values a declared limit left out of the check
        report.user_properties.append(("left_out", [str(t) for t in left_out]))
    if report.when == "call" and (misses := getattr(helper, "progress_misses", None)):
        report.user_properties.append(("progress_misses", list(misses)))
    running = getattr(item, "funcargs", {}).get("stack")
    if report.failed and running is not None and hasattr(running, "failures"):
        running.failures += 1  # --keep-on-failure keeps a compose stack that saw a failure
    if report.when == "call" and report.failed and running is not None and hasattr(running, "failure") \
            and (cause := running.failure()) and cause not in str(report.longrepr):
        report.sections.append(("the cell's pipeline broke during this case", cause))  # printed with it
    if report.failed and "ctx" in getattr(item, "fixturenames", ()):
        details = _failure_details(item, call, report)
        details.pop("sink_history", None)  # in the bundle only: too big for junit properties
        report.user_properties.extend(details.items())
    return report


def _failure_details(item: pytest.Item, call: pytest.CallInfo[None],
                     report: pytest.TestReport) -> dict[str, Any]:
    """What reports and triage need of a failure, and its bundle (written here, next to the stack)."""
    funcargs = getattr(item, "funcargs", {})
    stack, context = funcargs.get("stack"), funcargs.get("ctx")
    phase = structlog.contextvars.get_contextvars().get("phase")
    findings = stack.view.findings(context.database) if stack is not None and context is not None else []
    if report.when == "call":
        item.stash[_REPORTED] = findings
    details: dict[str, Any] = {
        "phase": phase,
        "when": report.when,
        "exception": call.excinfo.typename if call.excinfo else None,
        "findings": [asdict(f) for f in findings],
    }
    failing = getattr(call.excinfo.value, "keys", []) if call.excinfo else []
    if stack is not None and failing:
        details["sink_history"] = {f"{db}.{table} {key!r}": stack.view.history(db, table, key)
                                   for db, table, key in failing}
    if stack is not None:
        diagnostics = stack.diagnostics()
        run_dir = item.config.stash[_RUN][1]
        worker = getattr(item.config, "workerinput", {}).get("workerid", "main")
        error = call.excinfo.value if call.excinfo else None
        every = [*getattr(error, "details", ()), *(str(f) for f in getattr(error, "findings", ()))]
        details["bundle"] = bundle.write(
            run_dir, item.nodeid, failure=str(report.longrepr), differences=every,
            context={**details, "cell": stack.cell.id, "diagnostics": diagnostics},
            logs=diagnostics.get("logs", {}), worker_log=run_dir / "logs" / f"{worker}.jsonl")
    return details


@pytest.fixture(scope="session")
def cell_stacks(cell: Cell, request: pytest.FixtureRequest) -> Iterator[Any]:
    """The keeper of the cell's stack on this worker (sinkmatrix.stack.keeper): one stack shared by the cell's
    cases, replaced when a case broke its pipeline. A cell that cannot run here (its CDC's runtime is
    missing; on compose: no engine, images not present) is skipped with the reason."""
    from sinkmatrix.model import cdc as cdcs
    from sinkmatrix.stack.keeper import CellKeeper

    if cell.profile is not None and (why := cdcs.ask(cdcs.get(cell.profile.cdc), "unavailable", cell)):
        pytest.skip(f"cell {cell.id} cannot run here: {why}")
    keeper = CellKeeper(cell.id, lambda: _started(cell, request.config))
    try:
        yield keeper
    finally:
        keeper.close()


@pytest.fixture
def stack(cell_stacks: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """The cell's running stack, its pipeline alive when the case starts. A case during which the
    pipeline broke fails with the cause (if nothing else failed it), and the next case gets a new
    stack; when none can be started, the cell's later cases fail at once, naming the cause."""
    case = request.node.nodeid
    running = cell_stacks.live(case)
    yield running
    cause = cell_stacks.check(case)
    if cause and request.node.stash.get(_OUTCOMES, {}).get("call") == "passed":
        from sinkmatrix.stack.keeper import PipelineBroke

        raise PipelineBroke(cause)


def _started(cell: Cell, config: pytest.Config) -> Any:
    """A new stack for the cell, with the run's faults (--fault) installed."""
    if cell.backend == "compose":
        running = _compose_stack(cell, config)
    else:
        from sinkmatrix.stack.embedded import EmbeddedStack

        running = EmbeddedStack.start(cell)
    try:
        from sinkmatrix.stack.embedded import DATABASE_PREFIX

        for fault in config.stash[_FAULTS]:  # every test database of the run
            _inject(running, replace(fault, databases=f"{DATABASE_PREFIX}*"))
    except BaseException:
        running.close()
        raise
    return running


def _inject(running: Any, fault: FaultSpec) -> None:
    try:
        running.inject_fault(fault)
    except (FaultRefused, CapabilityMissing) as exc:
        pytest.skip(f"fault {fault.kind}: {exc}")


def _compose_stack(cell: Cell, config: pytest.Config) -> Any:
    from pathlib import Path

    from sinkmatrix.stack.compose import ComposeOptions, ComposeStack, unavailable

    reason = unavailable(cell)
    if reason:
        pytest.skip(f"compose cell {cell.id} cannot run here: {reason}")
    build = config.getoption("cdc_build")
    run_id, run_dir = config.stash[_RUN]
    options = ComposeOptions(keep_on_failure=config.getoption("keep_on_failure"),
                             cdc_build=Path(build) if build else None, logs_dir=run_dir,
                             run=run_id, worker=getattr(config, "workerinput", {}).get("workerid", "main"))
    return ComposeStack.start_compose(cell, options)


@pytest.fixture
def ctx(stack: Any, cell: Cell, request: pytest.FixtureRequest) -> Iterator[Ctx]:
    """The test's context: its own database upstream and in the sink, and the DSL on top."""
    from dsl.context import opened

    timeout = request.config.getoption("wait_timeout")
    structlog.contextvars.bind_contextvars(test=request.node.nodeid)
    marker = request.node.get_closest_marker("fault")
    skip_lacking(request.node, getattr(stack, "cdc", None))
    try:
        with opened(stack, cell, request.node.name, request_timeout=timeout,
                    batch_timeout=timeout * 8 if timeout else None,
                    strict_progress=request.config.getoption("strict_progress")) as context:
            if marker is not None:
                _inject(stack, _marked_fault(marker, context.database))
            try:
                yield context
            finally:
                if marker is not None:
                    stack.clear_faults(context.database)
    finally:
        structlog.contextvars.unbind_contextvars("test")
    reported = request.node.stash.get(_REPORTED, [])  # a failed call's report named these already
    # and those about tables a declared limit leaves out do not count
    findings = [f for f in context.sql.findings() if f not in reported]
    if findings and request.node.stash.get(_OUTCOMES, {}).get("call") == "passed":
        # seen after the test's last wait: the test still owns them (a failed one reported its
        # failure already: one failure per finding; a skipped or expected failure owns none)
        raise SinkProtocolError(findings)
    if request.node.stash.get(_OUTCOMES, {}).get("call") == "passed":
        stack.drop_database(context.database)  # a failed test's data stays for inspection


def run_dir_of(config: pytest.Config) -> Any:
    """This run's report directory (every xdist worker writes into the controller's)."""
    return config.stash[_RUN][1]


def _marked_fault(marker: pytest.Mark, database: str) -> FaultSpec:
    if len(marker.args) != 1:
        raise pytest.UsageError(f"@pytest.mark.fault takes one fault kind and settings, not {marker.args!r}")
    try:
        return FaultSpec.from_json({"kind": marker.args[0], **marker.kwargs, "databases": database})
    except FaultError as exc:
        raise pytest.UsageError(f"@pytest.mark.fault: {exc}") from None


_RUN = pytest.StashKey[tuple[str, Any]]()
_FAULTS = pytest.StashKey[list[FaultSpec]]()
_CELLS = pytest.StashKey[list[Cell]]()
_SHARD = pytest.StashKey[tuple[int, int] | None]()
_OUTCOMES = pytest.StashKey[dict[str, str]]()
_REPORTED = pytest.StashKey[list[Any]]()  # the findings a failed call's report carries
