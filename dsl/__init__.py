"""The fluent DSL: write upstream, wait until the sink shows it, check it column by column.

    table = ctx.sql.table("test")
    table.insert({"id": 0, "value": 0}).send().wait().check()
    All(ctx.sql, [table.insert({"id": i, "value": i}).send() for i in range(1, 1000)]).wait().check()

Names load on first use: the reference CDC and the matrix's controller need only the schema model
(`dsl.schema`), not the request machinery and its imports.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dsl.batch import All
    from dsl.errors import (
        BadValue,
        CheckFailed,
        DslError,
        ForeignTargetError,
        MissingKey,
        NoKey,
        NotSent,
        NotWaited,
        PipelineFailed,
        ProgressNeverMoved,
        SinkProtocolError,
        UnknownColumn,
        UnknownTable,
        WaitTimeout,
    )
    from dsl.helper import SQLHelper
    from dsl.requests import Awaitable, Checkable, Request
    from dsl.table import Table

_HOMES = {
    "All": "dsl.batch",
    **dict.fromkeys(
        ("BadValue", "CheckFailed", "DslError", "ForeignTargetError", "MissingKey", "NoKey", "NotSent",
         "NotWaited", "PipelineFailed", "ProgressNeverMoved", "SinkProtocolError", "UnknownColumn",
         "UnknownTable", "WaitTimeout"),
        "dsl.errors",
    ),
    "SQLHelper": "dsl.helper",
    **dict.fromkeys(("Awaitable", "Checkable", "Request"), "dsl.requests"),
    "Table": "dsl.table",
}
__all__ = [
    "All", "Awaitable", "BadValue", "CheckFailed", "Checkable", "DslError", "ForeignTargetError",
    "MissingKey", "NoKey", "NotSent", "NotWaited", "PipelineFailed", "ProgressNeverMoved", "Request",
    "SQLHelper", "SinkProtocolError", "Table", "UnknownColumn", "UnknownTable", "WaitTimeout",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'dsl' has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES})
