"""Tests that need a Docker engine: a skip saying why where none answers, a failure where one must.

The README's commands run on machines without a Docker daemon (a laptop, a CI runner with only the
client), so a missing engine skips the compose parts of a test with the reason. CI's compose step
sets SINKMATRIX_REQUIRE_DOCKER=1 after it has installed and started Docker: there a missing engine
is a failure.
"""

from __future__ import annotations

import os

import pytest

REQUIRE_ENV = "SINKMATRIX_REQUIRE_DOCKER"


def unavailable(reason: str | None) -> None:
    """Skip (or, where Docker is required, fail) when `reason` says why the engine cannot be used."""
    if reason is None:
        return
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{REQUIRE_ENV}=1, but {reason}")
    pytest.skip(reason)


def need_engine() -> None:
    """Docker, its daemon and `docker compose`, or a skip saying why."""
    from sinkmatrix.stack.docker_engine import engine_status

    unavailable(engine_status())
