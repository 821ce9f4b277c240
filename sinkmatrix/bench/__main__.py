"""`python -m sinkmatrix.bench`: run every measurement and write BENCHMARKS.md (and bench.json in the
run dir)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

import structlog

from dsl.context import opened
from matrix import axes
from reports import logs, rundir
from sinkmatrix.bench import heartbeat, kafka, measure, setup_cost, whole_check
from sinkmatrix.model.cells import Cell
from sinkmatrix.stack.embedded import EmbeddedStack
from sinkmatrix.stack.kafka_broker import RELEASES

CELL = axes.cell("mysql", "mysql", "local", backend="embedded")
KAFKA_CELLS = [axes.cell("canal-json", "kafka", "local"), axes.cell("canal-json", "kafka", "local", "tidb"),
               axes.cell("avro", "kafka", "local")]
DEBEZIUM_CELLS = [axes.cell("debezium-json", "kafka", "debezium-3.6"),
                  axes.cell("debezium-avro", "kafka", "debezium-3.6")]
# Debezium as its users deploy it: the MariaDB connector in Kafka Connect
CONNECT_CELLS = [axes.cell("debezium-json", "kafka", "debezium-mariadb-3.5"),
                 axes.cell("debezium-avro", "kafka", "debezium-mariadb-3.5")]
COMPOSE_CELLS = [axes.cell("mysql", "mysql", "local", backend="compose"),
                 axes.cell("avro", "kafka", "local", backend="compose")]
log = structlog.get_logger("sinkmatrix.bench")


Stage = tuple[str, Callable[[], list[measure.Result]]]


def _stages(quick: bool, rows: int, rounds: int, setup_rounds: int = 2) -> list[Stage]:
    """The measurements, in order, each a stage that yields its rows (or fails on its own)."""

    def reference() -> list[measure.Result]:
        out = []
        stack = EmbeddedStack.start(CELL)
        try:
            with opened(stack, CELL, "bench") as ctx:
                out.append(measure.seed_pattern(stack, ctx, rounds=3 if quick else 15))
                out.append(measure.bulk(stack, ctx, rows=rows, rounds=rounds))
                out.append(measure.wait_latency(stack, ctx, samples=100 if quick else 300))
        finally:
            stack.close()
        return out

    def whole() -> list[measure.Result]:
        stack = EmbeddedStack.start(CELL)
        try:
            with opened(stack, CELL, "bench_whole_check") as ctx:  # a database of its own: one table
                return whole_check.run(ctx, rows=100_000 if quick else 1_000_000)
        finally:
            stack.close()

    def on_kafka(cell: Cell, limit: float | None = None) -> Callable[[], list[measure.Result]]:
        def stage() -> list[measure.Result]:
            out = [measure.warm_start(cell, rounds=1 if quick else 3, limit=limit)]
            stack = EmbeddedStack.start(cell)
            try:
                with opened(stack, cell, "bench") as ctx:
                    out.append(kafka.bulk(stack, ctx, rows=rows, rounds=max(1, rounds - 2)))
            finally:
                stack.close()
            return out
        return stage

    def debezium() -> list[measure.Result]:
        # a real CDC: its starts, and (on Avro, whose rows fit the embedded Kafka) a load
        out = [measure.warm_start(cell, rounds=2 if quick else 3, limit=3.0) for cell in DEBEZIUM_CELLS]
        stack = EmbeddedStack.start(DEBEZIUM_CELLS[1])
        try:
            with opened(stack, DEBEZIUM_CELLS[1], "bench") as ctx:
                out.append(measure.bulk(stack, ctx, rows=rows, rounds=max(1, rounds - 2), floor=5_000))
        finally:
            stack.close()
        return out

    stages: list[Stage] = [
        ("embedded stack start", lambda: measure.stack_start(CELL, warm_rounds=2 if quick else 5)),
        ("mysql-mysql-local: DSL overheads", reference),
        ("mysql-mysql-local: whole-database check", whole),
        *((f"Apache Kafka {release}: broker start", lambda release=release: kafka.broker_start(
            release, rounds=1 if quick else 3)) for release in RELEASES),
        *((f"{cell.id}: start and bulk", on_kafka(cell)) for cell in KAFKA_CELLS),
        *((f"{cell.id}: start and bulk", on_kafka(cell, limit=5.0)) for cell in CONNECT_CELLS),
        *((f"{cell.id}: heartbeat next to native progress", lambda cell=cell: [
            heartbeat.wait_latency(cell, samples=40 if quick else 200),
            heartbeat.wait_latency(cell, samples=10 if quick else 40, rows=1000)])
          for cell in (CELL, *KAFKA_CELLS[::2])),
        ("Debezium cells: start and bulk", debezium),
        *((f"{cell.id}: compose stack start", lambda cell=cell: [
            measure.compose_start(cell, rounds=1 if quick else 3)]) for cell in COMPOSE_CELLS),
        ("setup cost of ./run matrix",
         lambda: setup_cost.run_matrix_cold_and_warm(rounds=1 if quick else setup_rounds)),
    ]
    if not quick:
        stages += [("machine parallelism", lambda: [measure.machine_parallelism(rounds=5)]),
                   ("matrix wall time", lambda: measure.matrix_wall_time(rounds=3))]
    return stages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("BENCHMARKS.md"))
    parser.add_argument("--quick", action="store_true", help="fewer rounds, 20k bulk rows (a smoke run)")
    parser.add_argument("--skip", action="append", default=[], metavar="TEXT",
                        help="leave out the stages whose name contains TEXT (listed as not measured)")
    parser.add_argument("--setup-rounds", type=int, default=2, metavar="N",
                        help="cold and warm ./run matrix runs per measurement (each a whole matrix)")
    args = parser.parse_args()
    run_id = os.environ.get(rundir.RUN_ID_ENV) or rundir.new_run_id()
    run = rundir.run_dir(run_id)
    logs.configure(run / "logs" / "bench.jsonl")

    rows, rounds = (20_000, 1) if args.quick else (100_000, 5)
    results: list[measure.Result] = []
    for name, stage in _stages(args.quick, rows, rounds, args.setup_rounds):
        if any(text in name for text in args.skip):
            results.append(measure.Result(name, float("nan"), "", met=None,
                                          note="not measured in this run (left out with --skip)"))
            continue
        try:
            results.extend(stage())
        except Exception as exc:  # one measurement that breaks must not lose the others
            log.exception("bench stage failed", stage=name)
            why = " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
            results.append(measure.Result(name, float("nan"), "", met=False, note=f"failed: {why}"))

    (run / "bench.json").write_text(json.dumps([asdict(r) for r in results], indent=2))
    args.out.write_text(render(results))
    print(render(results))


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return ""
    if value != value:  # a stage that failed: its note says why
        return "failed"
    if unit.endswith("rows/s"):
        return f"{value:,.0f} {unit}"
    return f"{value:.3f} {unit}" if unit == "s" else f"{value:.2f} {unit}"


def render(results: list[measure.Result]) -> str:
    lines = [
        "# Benchmarks",
        "",
        f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC by `nox -s bench` on "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()} "
        f"{platform.release()}. DSL figures and their baselines were taken side by side in one run, "
        "in alternating rounds; the machine is shared, so read ratios rather than absolutes.",
        "",
        "| measurement | sinkmatrix | baseline | ratio | target | met |",
        "|---|---|---|---|---|---|",
    ]
    for r in results:
        ratio = f"{r.ratio:.2f}x" if r.ratio is not None else ""
        met = {True: "yes", False: "**no**", None: ""}[r.met]
        value = "not measured" if r.note.startswith("not measured") else _fmt(r.value, r.unit)
        lines.append(f"| {r.name} | {value} | {_fmt(r.baseline, r.unit)} | {ratio} "
                     f"| {r.target} | {met} |")
    lines += ["", "Notes:", ""]
    lines += [f"- {r.name}: {r.note}" for r in results if r.note]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
