"""`All`: wait for and check many sent changes at once, with set-based reads."""

from __future__ import annotations

from collections.abc import Iterable

from dsl.errors import DslError, NotSent
from dsl.helper import SQLHelper
from dsl.requests import Awaitable, Request


def All(helper: SQLHelper, awaitables: Iterable[Awaitable]) -> Awaitable:
    """One Awaitable for a batch: `All(ctx.sql, reqs).wait().check()`."""
    expectations = []
    count = 0
    for item in awaitables:
        if isinstance(item, Request):
            raise NotSent(item.what)
        if not isinstance(item, Awaitable):
            raise DslError(f"All() takes what .send() returned, got {type(item).__name__}")
        expectations.extend(item.expectations)
        count += 1
    return Awaitable(helper, expectations, f"a batch of {count} changes", batch=True)
