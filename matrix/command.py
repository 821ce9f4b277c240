"""How a matrix run calls pytest: the nox sessions and the bench share it, so what is measured is what runs.

Kept free of imports beyond the standard library: the noxfile loads it outside the project's venv.
"""

from __future__ import annotations

import os

# The cases are example-based: hypothesis's pytest plugin would only import hypothesis (≈1 s of CPU
# in every process, at its terminal summary) for nothing. Cells stay on their worker (loadgroup).
PYTEST_ARGS = ("--dist=loadgroup", "-p", "no:cacheprovider", "-p", "no:hypothesispytest")
# what a matrix run runs: the DSL cases and the SQL-file workloads
CASE_DIRS = ("tests/cases", "tests/workloads")


def environment() -> dict[str, str]:
    """The run's environment: pytest may cache the cases it rewrites for assertions (each worker
    would otherwise parse and rewrite every case module again, in every run)."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env
