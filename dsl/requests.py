"""The request lifecycle: Request --send()--> Awaitable --wait()--> Checkable --check()--> None."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from dsl.errors import NotSent, NotWaited
from dsl.verify import Expected, Verdict
from dsl.waiting import wait_for

if TYPE_CHECKING:
    from dsl.helper import SQLHelper


class Checkable:
    """A waited-for change. `check()` looks at the sink again, as it is when called, and raises
    `CheckFailed` with a column diff if it differs; `verdict` is what the wait saw."""

    def __init__(self, helper: SQLHelper, expectations: Sequence[Expected], verdict: Verdict) -> None:
        self.helper = helper
        self.expectations = expectations
        self.verdict = verdict

    def check(self) -> None:
        self.helper.check(self.expectations)


class Awaitable:
    """A sent change; `wait()` returns once the sink reflects it."""

    def __init__(self, helper: SQLHelper, expectations: Sequence[Expected], what: str,
                 batch: bool = False) -> None:
        self.helper = helper
        self.expectations = list(expectations)
        self.what = what
        self.batch = batch

    def wait(self, timeout: float | None = None) -> Checkable:
        if timeout is None:
            timeout = self.helper.batch_timeout if self.batch else self.helper.request_timeout
        verdict = wait_for(self.helper, self.expectations, timeout)
        self.helper.settle(self.expectations)
        return Checkable(self.helper, self.expectations, verdict)

    def check(self) -> None:
        raise NotWaited(self.what)

    def __repr__(self) -> str:
        return f"<Awaitable {self.what}>"


class Request:
    """A change described but not yet executed upstream."""

    def __init__(self, what: str, execute: Callable[[], Awaitable]) -> None:
        self.what = what
        self._execute = execute
        self._sent: Awaitable | None = None

    def send(self) -> Awaitable:
        """Execute upstream; the stored row becomes the expectation."""
        if self._sent is None:
            self._sent = self._execute()
        return self._sent

    def wait(self, timeout: float | None = None) -> Checkable:
        raise NotSent(self.what)

    def check(self) -> None:
        raise NotSent(self.what)

    def __repr__(self) -> str:
        return f"<Request {self.what}>"
