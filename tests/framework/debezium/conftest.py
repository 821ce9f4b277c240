"""A Debezium stack per module: the embedded debezium-json cell, started once for its tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from matrix import axes
from sinkmatrix.stack.embedded import EmbeddedStack


@pytest.fixture(scope="module")
def debezium_stack() -> Iterator[Any]:
    stack = EmbeddedStack.start(axes.cell("debezium-json", "kafka", "debezium-3.6"))
    try:
        yield stack
    finally:
        stack.close()
