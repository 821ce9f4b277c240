"""One reference CDC stack per test module (its tests share the servers, each on its own databases)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from stack.leases import Lease
from tests.framework.refcdc.support import Stack


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    lease = Lease.acquire("test-refcdc")
    root = Path(tempfile.mkdtemp(prefix="refcdc-test-"))
    lease.add_directory(root)
    try:
        built = Stack(root, lease)
        yield built
        built.cdc.stop()
        assert built.cdc.child is not None and built.cdc.child.process.returncode == 0
    finally:
        lease.release()
