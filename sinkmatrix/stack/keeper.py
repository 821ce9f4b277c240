"""One live stack per cell: a case gets the cell's stack only while its pipeline is alive, and a
stack a case left broken is replaced by a new one before the next case.

A case can kill the CDC: an apply error of its MySQL sink, a Debezium connector stopped by DDL its
parser refuses, a message too large for the transport. Every later case on that stack would then
fail at its first wait, naming an error that is not its own. Restarting that CDC from its checkpoint
would replay the statement that killed it, so the keeper starts a whole new stack instead: fresh
servers, and a CDC that starts from the new upstream's binlog end. A rebuild costs a warm stack start
(≈0.5-2 s embedded). If the rebuild fails too, the cell is dead: each later case fails at once with
`CellDead` ("not run: the CDC died in <case>: <cause>"), not after a wait of its own.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import structlog

from sinkmatrix.stack.errors import StackError

log = structlog.get_logger("sinkmatrix.stack")

NOT_RUN = "not run: the CDC died in "  # how a CellDead message starts (reports.triage groups on it)


class Stack(Protocol):
    """What the keeper needs of a stack (sinkmatrix.stack.embedded.EmbeddedStack,
    sinkmatrix.stack.compose.ComposeStack)."""

    def failure(self) -> str | None:
        """Why its pipeline cannot carry another case, or None while it can."""

    def close(self) -> None:
        """Stop everything it runs."""


@dataclass(frozen=True)
class Death:
    """The pipeline broke during (or, seen only later, after) `case`, for `cause`."""

    case: str
    cause: str


class PipelineBroke(StackError):
    """A case passed, but the cell's pipeline broke during it (the next case gets a new stack)."""

    def __init__(self, cause: str) -> None:
        self.cause = cause
        super().__init__(f"the CDC pipeline broke during this case: {cause}")


class CellDead(StackError):
    """The cell's pipeline died and no new stack could be started for it: the case was not run."""

    def __init__(self, death: Death, rebuild_error: str) -> None:
        self.death, self.rebuild_error = death, rebuild_error
        super().__init__(f"{NOT_RUN}{death.case}: {death.cause}\n"
                         f"(a new stack for the cell could not be started: {rebuild_error}; "
                         f"fix that, then run the cell again)")


class CellKeeper:
    """Hands out one cell's stack, started by `start`; rebuilds it after a case broke its pipeline."""

    def __init__(self, cell_id: str, start: Callable[[], Stack]) -> None:
        self.cell_id = cell_id
        self._start = start
        self.stack: Stack | None = start()  # a first start that fails fails the cell's every case, as before
        self._broken: Death | None = None  # the stack is broken: rebuild before the next case
        self._dead: tuple[Death, str] | None = None  # the rebuild failed too: no case runs any more
        self._last_case: str | None = None

    def live(self, case: str) -> Any:
        """The cell's stack, its pipeline alive, for `case`; CellDead when it died and no new stack
        could be started."""
        if self._dead is not None:
            raise CellDead(*self._dead)
        assert self.stack is not None  # only a failed rebuild leaves none, and that makes the cell dead
        if self._broken is None and (cause := self.stack.failure()):
            # it broke after the last case's end (e.g. the CDC met that case's poison late)
            self._broke(Death(self._last_case or "the stack's start", cause))
        if self._broken is None and (why := getattr(self.stack, "retired", None)):
            log.info("a case retired the cell's stack; a new one serves the next case",
                     cell=self.cell_id, case=self._last_case, why=why)
            self._broken = Death(self._last_case or "the stack's start", why)
        if self._broken is not None:
            self._rebuild(self._broken)
        self._last_case = case
        return self.stack

    def check(self, case: str) -> str | None:
        """After `case`: why the pipeline broke during it (None while it is alive). The next `live()`
        replaces the stack."""
        if self._broken is not None or self.stack is None:
            return None
        cause = self.stack.failure()
        if cause:
            self._broke(Death(case, cause))
        return cause

    def close(self) -> None:
        if self.stack is not None:
            self.stack.close()
            self.stack = None

    def _broke(self, death: Death) -> None:
        self._broken = death
        log.warning("the cell's pipeline broke; its stack is replaced before the next case",
                    cell=self.cell_id, case=death.case, cause=death.cause)

    def _rebuild(self, death: Death) -> None:
        began = time.perf_counter()
        old, self.stack = self.stack, None
        try:
            if old is not None:
                old.close()
        except Exception as exc:  # its lease reaps what is left; the new stack needs none of it
            log.warning("closing the broken stack failed", cell=self.cell_id, error=str(exc))
        closed = time.perf_counter() - began
        try:
            self.stack = self._start()
        except BaseException as exc:
            why = f"{type(exc).__name__}: {exc}"
            self._dead = (death, why)
            log.error("the cell's stack could not be rebuilt; its later cases are not run",
                      cell=self.cell_id, case=death.case, cause=death.cause, error=why)
            if isinstance(exc, Exception):
                raise CellDead(death, why) from exc
            raise
        self._broken = None
        seconds = time.perf_counter() - began
        log.info("stack rebuilt", cell=self.cell_id, after=death.case, seconds=round(seconds, 3),
                 closed_in=round(closed, 3))
