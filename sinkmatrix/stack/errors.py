"""Typed errors raised while bringing a stack up or down."""

from __future__ import annotations


class StackError(RuntimeError):
    """A stack component could not be started or reached; the message says what to do."""


class FaultRefused(StackError):
    """A fault could not be injected: the cell's CDC takes none, or this one does not apply to it."""


class MissingComponent(StackError):
    """A program the stack needs is not installed."""

    def __init__(self, program: str, install_hint: str) -> None:
        self.program = program
        self.install_hint = install_hint
        super().__init__(f"{program} is not installed: {install_hint}")
