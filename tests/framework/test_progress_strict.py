"""A CDC plug-in whose progress signal stops moving: its cases' waits end at their deadline, each such wait
is in the run's report (summary.json: progress_misses) while the case passes, and the same run under
--strict-progress fails the case, naming the wait."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.framework

PLUGIN = '''
import threading
import time

from sinkmatrix.refcdc.plugin import ReferenceCdc


class Frozen:
    """The reference CDC's progress, until `freeze`: then it never passes a mark again."""

    def __init__(self, real):
        self.real, self.exact, self.frozen = real, real.exact, False

    def wait_past(self, mark, deadline):
        if not self.frozen:
            return self.real.wait_past(mark, deadline)
        threading.Event().wait(max(0.0, deadline - time.monotonic()))  # what a dead signal costs
        return False

    def __getattr__(self, name):
        return getattr(self.real, name)


class FreezingRun:
    def __init__(self, run):
        self.run, self.progress = run, Frozen(run.progress)

    def freeze(self):
        self.progress.frozen = True

    def __getattr__(self, name):
        return getattr(self.run, name)


class FrozenCdc(ReferenceCdc):
    name = "frozencdc"

    def emits(self, profile):
        return {"mysql": ("",)}

    def start(self, env):
        return FreezingRun(super().start(env))

    def default_profile(self):
        return {"name": "frozen-1.0", "backends": ["embedded"], "cdc_version": "frozencdc 1.0"}
'''
CASE = '''
def test_rows(ctx):
    ctx.cdc.freeze()  # from here on the CDC's progress never moves; the rows still arrive
    ctx.upstream.exec_driver_sql("create table t (id int primary key, v int)")
    ctx.sql.table("t").insert({"id": 1, "v": 1}).send().wait().check()
'''


def _site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    (site / "frozencdc-0.1.dist-info").mkdir(parents=True, exist_ok=True)
    (site / "frozencdc_plugin.py").write_text(PLUGIN)
    (site / "frozencdc-0.1.dist-info" / "METADATA").write_text("Metadata-Version: 2.1\nName: frozencdc\n"
                                                               "Version: 0.1\n")
    (site / "frozencdc-0.1.dist-info" / "entry_points.txt").write_text(
        "[sinkmatrix.cdcs]\nfrozencdc = frozencdc_plugin:FrozenCdc\n")
    return site


def _run(tmp_path: Path, *args: str) -> tuple[dict[str, Any], str]:
    """The case run through the sinkmatrix plugin in a pytest of its own: its summary.json entry."""
    repo = tmp_path / "repo"
    repo.mkdir(exist_ok=True)
    (repo / "test_frozen.py").write_text(CASE)
    reports = tmp_path / f"reports{len(args)}"
    env = {**os.environ, "SINKMATRIX_REPORTS": str(reports),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(_site(tmp_path)), os.environ.get("PYTHONPATH")]))}
    env.pop("SINKMATRIX_RUNTIME_DIR", None)
    done = subprocess.run([sys.executable, "-m", "pytest", "test_frozen.py", "-q", "-n", "0", "-p",
                           "no:cacheprovider", "--cdc", "frozencdc", "--wait-timeout", "0.5", *args],
                          cwd=repo, env=env, capture_output=True, text=True, timeout=300, check=False)
    summary = json.loads((reports / "latest" / "summary.json").read_text())
    [entry] = summary["tests"].values()
    return entry, done.stdout + done.stderr


def test_a_progress_that_never_moves_is_reported_and_fails_under_strict_progress(tmp_path: Path) -> None:
    entry, out = _run(tmp_path)
    assert entry["outcome"] == "passed", out
    misses = entry["progress_misses"]
    assert misses[0].startswith("a wait for 1 key(s) ended at its deadline after 0."), misses
    assert misses[1].startswith("the whole-database check ended at its deadline"), misses  # the final check
    assert "wait(s) ended at their deadline, not by the sink's progress" in out

    strict, out = _run(tmp_path, "--strict-progress")
    assert strict["outcome"] == "failed", out
    assert "ProgressNeverMoved" in strict["message"] and "(--strict-progress)" in strict["longrepr"], out
    [first] = strict["progress_misses"]  # the first wait that missed failed the case
    assert first.startswith("a wait for 1 key(s) ended at its deadline after 0."), first
