"""The run directory: reports/<run-id>/ with a `latest` pointer, shared by every worker of a run."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

RUN_ID_ENV = "SINKMATRIX_RUN_ID"
REPORTS_ENV = "SINKMATRIX_REPORTS"


def reports_root() -> Path:
    """Where runs go: `reports/` of the working directory, or SINKMATRIX_REPORTS."""
    return Path(os.environ.get(REPORTS_ENV) or "reports").absolute()


def new_run_id() -> str:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    return f"{stamp}-{os.urandom(2).hex()}"


def run_dir(run_id: str) -> Path:
    path = reports_root() / run_id
    (path / "logs").mkdir(parents=True, exist_ok=True)
    return path


def point_latest(run_id: str) -> None:
    """Make reports/latest name this run (a relative symlink, replaced atomically)."""
    root = reports_root()
    tmp = root / f".latest-{os.getpid()}"
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(run_id)
    os.replace(tmp, root / "latest")
