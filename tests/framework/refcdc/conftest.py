"""One reference CDC stack per test module (its tests share the servers, each on its own databases)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sinkmatrix.stack.leases import Lease
from tests.framework.refcdc.support import Stack


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    with Lease.acquire("test-refcdc") as lease:
        built = Stack(lease.scratch_dir("refcdc-test-"), lease)
        yield built
        built.cdc.stop()
        assert built.cdc.child is not None and built.cdc.child.process.returncode == 0
