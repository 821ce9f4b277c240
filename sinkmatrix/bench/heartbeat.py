"""Wait latency of the heartbeat progress next to the reference CDC's exact progress, in one stack.

Both progresses watch the same view of the same stack; samples alternate between them, each a row
sent and waited for (`send()` returned → `wait()` returned: the pipeline's own time plus what the
progress adds). The heartbeat is what a CDC without a position of its own gets (sinks.heartbeat).
"""

from __future__ import annotations

import statistics
import time

from dsl.context import opened
from sinkmatrix.bench.measure import Result
from sinkmatrix.model.cells import Cell
from sinkmatrix.stack.embedded import EmbeddedStack
from sinks.heartbeat import default_progress


def wait_latency(cell: Cell, samples: int = 200, rows: int = 1) -> Result:
    """Median wait of `samples` sends of `rows` rows each, per progress, alternating which goes first."""
    stack = EmbeddedStack.start(cell)
    try:
        beats = default_progress(stack.cdc, stack.view, stack.upstream)
        try:
            with opened(stack, cell, "bench_heartbeat") as ctx:
                native = ctx.sql.progress
                ctx.upstream.exec_driver_sql("create table hb (id int primary key, value int)")
                table = ctx.sql.table("hb")
                times: dict[str, list[float]] = {"native": [], "heartbeat": []}
                progresses = {"native": native, "heartbeat": beats}
                next_id = 0
                for i in range(samples):
                    for name in ("native", "heartbeat") if i % 2 == 0 else ("heartbeat", "native"):
                        ctx.sql.progress = progresses[name]
                        sent = table.insert_many([{"id": next_id + k, "value": i} for k in range(rows)])
                        next_id += rows
                        began = time.perf_counter()
                        sent.wait()
                        times[name].append((time.perf_counter() - began) * 1000)
                ctx.sql.progress = native
                misses = list(ctx.sql.progress_misses)
        finally:
            beats.close()
    finally:
        stack.close()
    hb, nat = statistics.median(times["heartbeat"]), statistics.median(times["native"])
    p90 = {name: statistics.quantiles(values, n=10)[-1] for name, values in times.items()}
    what = "one row" if rows == 1 else f"{rows} rows in one insert_many"
    return Result(f"{cell.id}: wait latency, heartbeat progress ({what}: sent -> wait() returned)", hb, "ms",
                  nat, hb / nat, met=None if not misses else False,
                  note=f"baseline: the reference CDC's exact progress in the same stack, samples "
                       f"alternating; median of {samples} each; p90 heartbeat {p90['heartbeat']:.2f} ms, "
                       f"native {p90['native']:.2f} ms" + (f"; {len(misses)} wait(s) ended at their deadline"
                                                    if misses else ""))


def main() -> None:
    """`python -m sinkmatrix.bench.heartbeat [SINK ...]`: these rows alone (the full bench runs them too)."""
    import sys

    from matrix import axes

    where = {"mysql": "mysql", "canal-json": "kafka", "avro": "kafka"}
    for sink in sys.argv[1:] or list(where):
        cell = axes.cell(sink, where[sink], "local")
        for result in (wait_latency(cell), wait_latency(cell, samples=40, rows=1000)):
            print(f"| {result.name} | {result.value:.2f} ms | {result.baseline:.2f} ms | {result.ratio:.2f}x "
                  f"| {result.note} |", flush=True)


if __name__ == "__main__":
    main()
