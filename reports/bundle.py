"""Failure bundles: per failed test, everything needed to understand it without rerunning.

reports/<run-id>/failures/<slug>/ holds failure.txt (the assertion and its diff), differences.txt
(every difference and finding, where the assertion shows the first few), context.json
(cell, phase, exception, findings, stack diagnostics), one <name>.log.txt tail per component log
(CDC, servers, transport), and test-log.jsonl (the test's own structured log records).
"""

from __future__ import annotations

import json
import re
from collections import deque
from pathlib import Path
from typing import Any

from reports.logs import redact

TAIL_LINES = 200


def slug(nodeid: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.+-]+", "_", nodeid.split("::", 1)[-1])[:120]


def tail(path: Path, lines: int = TAIL_LINES) -> list[str]:
    try:
        with path.open(errors="replace") as handle:
            return list(deque(handle, maxlen=lines))
    except OSError:
        return []


def write(run_dir: Path, nodeid: str, *, failure: str, context: dict[str, Any],
          logs: dict[str, Path], worker_log: Path | None, differences: list[str] | None = None) -> str:
    """Write the bundle of one failure; returns its path relative to the run dir."""
    bundle = run_dir / "failures" / slug(nodeid)
    bundle.mkdir(parents=True, exist_ok=True)
    (bundle / "failure.txt").write_text(redact(failure))
    if differences:  # every difference and finding, where the message shows the first few
        (bundle / "differences.txt").write_text(redact("".join(f"{line}\n" for line in differences)))
    (bundle / "context.json").write_text(json.dumps(redact(context), indent=2, default=str))
    for name, path in logs.items():
        (bundle / f"{name}.log.txt").write_text(redact("".join(tail(Path(path)))))
    if worker_log is not None and worker_log.exists():
        with worker_log.open() as src, (bundle / "test-log.jsonl").open("w") as out:
            for line in src:
                if f'"test": "{nodeid}"' in line:
                    out.write(line)
    return str(bundle.relative_to(run_dir))
