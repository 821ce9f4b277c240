"""`python -m bench`: run every measurement and write BENCHMARKS.md (and bench.json in the run dir)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
from dataclasses import asdict
from pathlib import Path

from bench import measure, setup_cost
from dsl.context import opened
from matrix import axes
from reports import logs, rundir
from stack.embedded import EmbeddedStack

CELL = axes.cell("mysql", "mysql", "local", backend="embedded")
KAFKA_CELLS = [axes.cell("canal-json", "kafka", "local"), axes.cell("canal-json", "kafka", "local", "tidb"),
               axes.cell("avro", "kafka", "local")]
DEBEZIUM_CELLS = [axes.cell("debezium-json", "kafka", "debezium-3.6"),
                  axes.cell("debezium-avro", "kafka", "debezium-3.6")]
COMPOSE_CELLS = [axes.cell("mysql", "mysql", "local", backend="compose"),
                 axes.cell("avro", "kafka", "local", backend="compose")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("BENCHMARKS.md"))
    parser.add_argument("--quick", action="store_true", help="fewer rounds, 20k bulk rows (a smoke run)")
    args = parser.parse_args()
    run_id = os.environ.get(rundir.RUN_ID_ENV) or rundir.new_run_id()
    run = rundir.run_dir(run_id)
    logs.configure(run / "logs" / "bench.jsonl")

    rows, rounds = (20_000, 1) if args.quick else (100_000, 5)
    results = measure.stack_start(CELL, warm_rounds=2 if args.quick else 5)
    stack = EmbeddedStack.start(CELL)
    try:
        with opened(stack, CELL, "bench") as ctx:
            results.append(measure.seed_pattern(stack, ctx, rounds=3 if args.quick else 15))
            results.append(measure.bulk(stack, ctx, rows=rows, rounds=rounds))
            results.append(measure.wait_latency(stack, ctx, samples=100 if args.quick else 300))
    finally:
        stack.close()
    for cell in KAFKA_CELLS:
        results.append(measure.warm_start(cell))
        stack = EmbeddedStack.start(cell)
        try:
            with opened(stack, cell, "bench") as ctx:
                results.append(measure.bulk(stack, ctx, rows=rows, rounds=rounds, floor=20_000))
        finally:
            stack.close()
    for cell in DEBEZIUM_CELLS:  # a real CDC: its start, and (on Avro, whose rows fit the embedded
        results.append(measure.warm_start(cell, rounds=2 if args.quick else 3, limit=3.0))  # Kafka) a load
    stack = EmbeddedStack.start(DEBEZIUM_CELLS[1])
    try:
        with opened(stack, DEBEZIUM_CELLS[1], "bench") as ctx:
            results.append(measure.bulk(stack, ctx, rows=rows, rounds=max(1, rounds - 2), floor=5_000))
    finally:
        stack.close()
    for cell in COMPOSE_CELLS:
        results.append(measure.compose_start(cell, rounds=1 if args.quick else 3))
    results.extend(setup_cost.run_matrix_cold_and_warm(rounds=1 if args.quick else 2))
    if not args.quick:
        results.append(measure.machine_parallelism(rounds=5))
        results.extend(measure.matrix_wall_time(rounds=3))

    (run / "bench.json").write_text(json.dumps([asdict(r) for r in results], indent=2))
    args.out.write_text(render(results))
    print(render(results))


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return ""
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
        lines.append(f"| {r.name} | {_fmt(r.value, r.unit)} | {_fmt(r.baseline, r.unit)} | {ratio} "
                     f"| {r.target} | {met} |")
    lines += ["", "Notes:", ""]
    lines += [f"- {r.name}: {r.note}" for r in results if r.note]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
