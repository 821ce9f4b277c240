"""The fluent DSL: write upstream, wait until the sink shows it, check it column by column.

    table = ctx.sql.table("test")
    table.insert({"id": 0, "value": 0}).send().wait().check()
    All(ctx.sql, [table.insert({"id": i, "value": i}).send() for i in range(1, 1000)]).wait().check()
"""

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
    SinkProtocolError,
    UnknownColumn,
    UnknownTable,
    WaitTimeout,
)
from dsl.helper import SQLHelper
from dsl.requests import Awaitable, Checkable, Request
from dsl.table import Table

__all__ = [
    "All", "Awaitable", "BadValue", "CheckFailed", "Checkable", "DslError", "ForeignTargetError",
    "MissingKey", "NoKey",
    "NotSent", "NotWaited", "Request", "SQLHelper", "SinkProtocolError", "Table", "UnknownColumn",
    "UnknownTable",
    "WaitTimeout",
]
