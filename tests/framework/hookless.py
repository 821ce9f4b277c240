"""A CDC run with no fault hooks, as a user's own CDC may be: it has no `refuses`, `inject`, `faults` or
`clear_faults` at all, so every fault the detection suite asks for is committed by the framework
(sinks.consumer_faults on Kafka, sinks.sink_tamper on MySQL) or not at all."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_HOOKS = frozenset({"refuses", "inject", "faults", "clear_faults"})


class HooklessCdc:
    """Everything of the wrapped run but its fault hooks."""

    def __init__(self, run: Any) -> None:
        self._run = run

    def __getattr__(self, name: str) -> Any:
        if name in _HOOKS:
            raise AttributeError(f"a CDC with no fault hooks has no {name!r}")
        return getattr(self._run, name)


@contextmanager
def without_fault_hooks(stack: Any) -> Iterator[Any]:
    """The stack's CDC stripped of its fault hooks while the block runs."""
    run = stack.cdc
    stack.cdc = HooklessCdc(run)
    try:
        yield stack
    finally:
        stack.cdc = run
