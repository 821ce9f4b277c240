"""The measurements: stack start, the seed pattern, bulk verification, and wait latency.

Each DSL figure is taken next to a baseline doing the same database work without the DSL, in the
same stack, alternating rounds, so the ratio survives a noisy shared machine.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dsl import All
from dsl.context import Ctx
from matrix import axes, command
from sinkmatrix.model.cells import Cell
from sinkmatrix.stack.embedded import EmbeddedStack


@dataclass(frozen=True)
class Result:
    name: str
    value: float
    unit: str
    baseline: float | None = None
    ratio: float | None = None
    target: str = ""
    met: bool | None = None
    note: str = ""


def _median(samples: list[float]) -> float:
    return statistics.median(samples)


def stack_start(cell: Cell, warm_rounds: int = 3) -> list[Result]:
    """Cold: no cached datadir template (install-db runs). Warm: the template is cached."""
    saved = os.environ.get("SINKMATRIX_CACHE_DIR")
    cold: list[float] = []
    warm: list[float] = []
    try:
        for _ in range(2):
            with tempfile.TemporaryDirectory(prefix="sm-bench-cache-") as cache:
                os.environ["SINKMATRIX_CACHE_DIR"] = cache
                cold.append(_start_and_close(cell))
                if not warm:
                    for _ in range(warm_rounds):
                        warm.append(_start_and_close(cell))
    finally:
        if saved is None:
            os.environ.pop("SINKMATRIX_CACHE_DIR", None)
        else:
            os.environ["SINKMATRIX_CACHE_DIR"] = saved
    c, w = _median(cold), _median(warm)
    return [
        Result("embedded stack start, cold", c, "s", target="<= 3 s", met=c <= 3.0,
               note=f"median of {len(cold)}; includes mariadb-install-db for the template"),
        Result("embedded stack start, warm", w, "s", target="<= 1 s", met=w <= 1.0,
               note=f"median of {len(warm)}; two MariaDB servers and the reference CDC, ready"),
    ]


def warm_start(cell: Cell, rounds: int = 1, limit: float | None = None) -> Result:
    seconds = _median([_start_and_close(cell) for _ in range(rounds)])
    return Result(f"{cell.id}: embedded stack start, warm", seconds, "s",
                  target=f"<= {limit:g} s" if limit else "", met=seconds <= limit if limit else None,
                  note=f"median of {rounds}; every process of the cell's stack started and answering"
                       + ("; Debezium: its JVM, the connector, and a beat through it (streaming)"
                          if cell.sink.startswith("debezium") else ""))


def _start_and_close(cell: Cell) -> float:
    began = time.perf_counter()
    stack = EmbeddedStack.start(cell)
    elapsed = time.perf_counter() - began
    stack.close()
    return elapsed


def compose_start(cell: Cell, rounds: int = 2) -> Result:
    """A compose cell's start (local images, already built) next to the same cell embedded,
    alternating, each until the pipeline streams (the compose stack also delivers a probe row)."""
    from sinkmatrix.stack.compose import ComposeOptions, ComposeStack, unavailable

    embedded_cell = axes.cell(cell.sink, cell.protocol, cell.version, cell.variant, "embedded")
    reason = unavailable(cell)
    if reason:
        return Result(f"{cell.id}: compose stack start", float("nan"), "s", note=f"not measured: {reason}")
    compose: list[float] = []
    embedded: list[float] = []
    for _ in range(rounds):
        began = time.perf_counter()
        stack = ComposeStack.start_compose(cell, ComposeOptions(run="bench"))
        compose.append(time.perf_counter() - began)
        stack.close()
        embedded.append(_start_and_close(embedded_cell))
    c, e = _median(compose), _median(embedded)
    return Result(f"{cell.id}: compose stack start (local images)", c, "s", baseline=e, ratio=c / e,
                  note=f"median of {rounds}; baseline: {embedded_cell.id} (embedded) started alternately; "
                       f"compose includes `up --wait` of every service and a probe row delivered")


def _bare_landed(stack: EmbeddedStack) -> None:
    """Block until the sink's view holds everything written upstream so far (for Kafka sinks:
    produced, acknowledged, consumed, decoded and applied)."""
    progress = stack.view.progress
    if not progress.wait_past(progress.mark(), time.monotonic() + 300):
        raise RuntimeError(f"the sink did not catch up: {progress.describe()}")


def _raw_cursor(ctx: Ctx) -> Any:
    raw: Any = ctx.upstream.connection.dbapi_connection
    cur = raw.cursor()
    cur.max_stmt_length = 1 << 26
    return cur


def alternate(rounds: int, dsl: Callable[[int], float], bare: Callable[[int], float]) -> tuple[float, float]:
    dsl_times: list[float] = []
    bare_times: list[float] = []
    for r in range(rounds):
        first, second = (dsl, bare) if r % 2 == 0 else (bare, dsl)
        a, b = first(r), second(r)
        (dsl_times, bare_times)[first is bare].append(a)
        (dsl_times, bare_times)[second is bare].append(b)
    return _median(dsl_times), _median(bare_times)


def seed_pattern(stack: EmbeddedStack, ctx: Ctx, rows: int = 1000, rounds: int = 5) -> Result:
    """1000 single-row send()s then All(...).wait().check(), next to 1000 bare INSERTs + landing."""
    def dsl(r: int) -> float:
        ctx.upstream.exec_driver_sql(f"create table seed_dsl_{r} (id int primary key, value int)")
        table = ctx.sql.table(f"seed_dsl_{r}")
        _bare_landed(stack)  # as for the baseline: the table's DDL is through before the clock starts
        began = time.perf_counter()
        reqs = [table.insert({"id": i, "value": i}).send() for i in range(rows)]
        All(ctx.sql, reqs).wait().check()
        return time.perf_counter() - began

    def bare(r: int) -> float:
        ctx.upstream.exec_driver_sql(f"create table seed_bare_{r} (id int primary key, value int)")
        _bare_landed(stack)
        cur = _raw_cursor(ctx)
        sql = f"INSERT INTO seed_bare_{r} (id, value) VALUES (%s, %s)"
        began = time.perf_counter()
        for i in range(rows):
            cur.execute(sql, (i, i))
        _bare_landed(stack)
        return time.perf_counter() - began

    d, b = alternate(rounds, dsl, bare)
    ratio = d / b
    return Result(f"seed pattern: {rows} single-row send()s + All().wait().check()", d, "s", b, ratio,
                  "<= 1.5x bare", ratio <= 1.5,
                  f"baseline: the same INSERTs on the same driver + time for the last row to land; "
                  f"median of {rounds} alternating rounds")


def bulk_rows(rows: int) -> list[dict[str, Any]]:
    return [{"id": i, "value": i % 9973, "note": f"row-{i}"} for i in range(rows)]


def verified_round(stack: EmbeddedStack, ctx: Ctx, data: list[dict[str, Any]], r: int) -> float:
    """One round of the DSL's bulk path: a fresh table, insert_many + wait().check(), timed."""
    ctx.upstream.exec_driver_sql(
        f"create table bulk_dsl_{r} (id int primary key, value int, note varchar(32))")
    table = ctx.sql.table(f"bulk_dsl_{r}")
    _bare_landed(stack)
    began = time.perf_counter()
    table.insert_many(data).wait().check()
    return time.perf_counter() - began


def bulk(stack: EmbeddedStack, ctx: Ctx, rows: int = 100_000, rounds: int = 3,
         floor: float = 50_000) -> Result:
    """insert_many + wait().check() of 100k rows, next to the raw pipeline for the same statements."""
    data = bulk_rows(rows)

    def dsl(r: int) -> float:
        return verified_round(stack, ctx, data, r)

    def bare(r: int) -> float:
        ctx.upstream.exec_driver_sql(
            f"create table bulk_bare_{r} (id int primary key, value int, note varchar(32))")
        _bare_landed(stack)
        cur = _raw_cursor(ctx)
        sql = f"INSERT INTO bulk_bare_{r} (id, value, note) VALUES (%s, %s, %s)"
        began = time.perf_counter()
        cur.execute("BEGIN")
        for start in range(0, rows, 1000):
            cur.executemany(sql, [(d["id"], d["value"], d["note"]) for d in data[start : start + 1000]])
        cur.execute("COMMIT")
        _bare_landed(stack)
        return time.perf_counter() - began

    d, b = alternate(rounds, dsl, bare)
    rate, raw_rate = rows / d, rows / b
    ratio = rate / raw_rate
    return Result(f"{stack.cell.id}: bulk {rows} rows through insert_many + wait().check()", rate,
                  "verified rows/s", raw_rate, ratio, f">= 0.8x raw and >= {floor / 1000:g}k rows/s",
                  ratio >= 0.8 and rate >= floor,
                  f"baseline: the same transaction of 1000-row INSERTs, first write to the last row in the "
                  f"sink's view; median of {rounds} alternating rounds")


def wait_latency(stack: EmbeddedStack, ctx: Ctx, samples: int = 300) -> Result:
    """Median time from the CDC committing a row downstream to wait() returning for it."""
    ctx.upstream.exec_driver_sql("create table latency (id int primary key, value int)")
    table = ctx.sql.table("latency")
    gaps = []
    for i in range(samples):
        sent = table.insert({"id": i, "value": i}).send()
        sent.wait()
        returned = time.time()
        landed = stack.cdc.client.committed_at  # refcdc reports it
        if landed is not None:
            gaps.append((returned - landed) * 1000)
    median = _median(gaps)
    return Result("wait latency: row landed downstream -> wait() returned", median, "ms",
                  target="<= 5 ms", met=median <= 5.0,
                  note=f"median of {len(gaps)}; p90 {statistics.quantiles(gaps, n=10)[-1]:.2f} ms; "
                       "landing = the CDC's downstream commit time from its status feed")


# A fixed amount of pure-Python work (≈1 s here): the same interpreter, no I/O, no shared state.
_SPIN = "n = 0\nfor i in range(25_000_000):\n    n += i\n"


def machine_parallelism(rounds: int = 5) -> Result:
    """What two cores give a perfectly parallel CPU-bound job on this machine: two copies of the same
    work at once, next to the two one after the other. The matrix's -n 2 / -n 1 cannot beat this
    where its cells keep the cores busy (shared or hyper-threaded cores give less than 2x)."""
    def spawn() -> subprocess.Popen[bytes]:
        return subprocess.Popen([sys.executable, "-c", _SPIN])

    def together(_r: int) -> float:
        began = time.perf_counter()
        procs = [spawn(), spawn()]
        for proc in procs:
            proc.wait()
        return time.perf_counter() - began

    def in_turn(_r: int) -> float:
        began = time.perf_counter()
        for _ in range(2):
            spawn().wait()
        return time.perf_counter() - began

    two, one = alternate(rounds, together, in_turn)
    note = (f"the floor for a parallel run's ratio here; median of {rounds} alternating rounds of "
            "pure-Python work")
    return Result("machine: two CPU-bound processes at once, next to one after the other", two, "s", one,
                  two / one, note=note)


def matrix_wall_time(rounds: int = 1) -> list[Result]:
    """The full default matrix (every case on every cell) with two workers next to one; and one
    worker held to a single core next to the same on every core: how much -n 1 already draws on
    the second core, which -n 2 gives to its second worker instead."""
    cpus = sorted(os.sched_getaffinity(0))
    variants: dict[str, tuple[int, int | None]] = {"-n 2": (2, None), "-n 1": (1, None)}
    if len(cpus) > 1:
        variants["-n 1 on one core"] = (1, cpus[0])
    times: dict[str, list[float]] = {name: [] for name in variants}
    busy: dict[str, list[float]] = {name: [] for name in variants}

    def run(name: str) -> None:
        workers, cpu = variants[name]
        with tempfile.TemporaryDirectory(prefix="sm-bench-reports-") as reports:
            env = {**command.environment(), "SINKMATRIX_REPORTS": reports}
            env.pop("SINKMATRIX_RUN_ID", None)
            argv = [sys.executable, "-m", "pytest", *command.CASE_DIRS, "-n", str(workers), "-q",
                    *command.PYTEST_ARGS]
            pin = None if cpu is None else (lambda: os.sched_setaffinity(0, {cpu}))  # inherited by all
            used = _children_cpu()
            began = time.perf_counter()
            done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False, preexec_fn=pin)
            elapsed = time.perf_counter() - began
            busy[name].append((_children_cpu() - used) / elapsed)
        if done.returncode != 0:
            raise RuntimeError(f"the matrix failed with {name}:\n{done.stdout[-2000:]}")
        times[name].append(elapsed)

    names = list(variants)
    for r in range(rounds):  # each round in another order, so drifts in the machine's load even out
        for name in names[r % len(names):] + names[:r % len(names)]:
            run(name)
    wall = {name: _median(samples) for name, samples in times.items()}
    cores = {name: _median(samples) for name, samples in busy.items()}
    ratio = wall["-n 2"] / wall["-n 1"]
    results = [Result("full default matrix wall time, -n 2 next to -n 1", wall["-n 2"], "s", wall["-n 1"],
                      ratio, "<= 0.6x", ratio <= 0.6,
                      f"all cases on every default cell; median of {rounds} rounds in turning order; cores "
                      f"busy (CPU time of every process / wall): -n 1 {cores['-n 1']:.2f}, "
                      f"-n 2 {cores['-n 2']:.2f}")]
    if "-n 1 on one core" in wall:
        alone = wall["-n 1 on one core"]
        results.append(Result(
            "full default matrix wall time, -n 1 on one core next to -n 1 on every core", alone, "s",
            wall["-n 1"], alone / wall["-n 1"],
            note=f"one worker already uses the second core: while a case writes a burst of changes upstream, "
                 f"the CDC, the broker and the view work on the earlier ones side by side, and on one core "
                 f"they take turns; with -n 2 each worker has about one core, so about half the one-core "
                 f"time: {alone:.2f} / 2 / {wall['-n 1']:.2f} = {alone / 2 / wall['-n 1']:.2f} of -n 1 "
                 f"(measured {ratio:.2f}); same rounds as the row above"))
    return results


def _children_cpu() -> float:
    """User + system seconds of every finished child process (and theirs, as each was waited for)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime
