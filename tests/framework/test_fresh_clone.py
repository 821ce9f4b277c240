"""The README's test command on a fresh clone, where a docker CLI is installed but no daemon runs (a
common laptop and CI-runner state): the embedded tests pass, the compose parts skip saying why."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from sinkmatrix.bench.setup_cost import fresh_copy, outside_environment

pytestmark = [pytest.mark.framework, pytest.mark.xdist_group("fresh-clone")]

REPO = Path(__file__).resolve().parents[2]
NESTED = "SINKMATRIX_IN_FRESH_CLONE"  # the clone's own run must not start this test again
NO_DAEMON = """#!/bin/sh
echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2
exit 1
"""
# every test file that reaches for Docker, embedded parts and compose parts alike
TOUCHING_DOCKER = "test_kill_points or test_compose_options or test_images or test_compose_files"


@pytest.mark.skipif(os.environ.get(NESTED) == "1", reason="this is the fresh clone's own run")
def test_run_tests_passes_where_docker_has_no_daemon(tmp_path: Path) -> None:
    clone, fake_bin = tmp_path / "clone", tmp_path / "bin"
    fresh_copy(clone)
    fake_bin.mkdir()
    (fake_bin / "docker").write_text(NO_DAEMON)
    (fake_bin / "docker").chmod(0o755)
    env = {k: v for k, v in outside_environment().items() if not k.startswith("PYTEST_")}
    env |= {"PATH": f"{fake_bin}{os.pathsep}{env['PATH']}", NESTED: "1",
            "SINKMATRIX_STATE_DIR": str(tmp_path / "state")}

    done = subprocess.run(["./run", "tests", "--", "-k", TOUCHING_DOCKER, "-rs"], cwd=clone, env=env,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=900)

    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-4000:]
    summary = [line for line in done.stdout.splitlines() if " passed" in line and " in " in line]
    assert summary and "failed" not in summary[-1] and "error" not in summary[-1], summary
    skips = [line for line in done.stdout.splitlines() if line.startswith("SKIPPED")]
    assert skips and all("Docker daemon is not reachable" in line for line in skips), "\n".join(skips)
    assert "Is the docker daemon running?" in skips[0]
