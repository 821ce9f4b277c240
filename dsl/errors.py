"""Errors the DSL raises: each names the table, key or column involved and says what to do."""

from __future__ import annotations

from collections.abc import Sequence
from difflib import get_close_matches
from typing import Any


class DslError(Exception):
    """Bad use of the DSL, raised at the call that made it; nothing was written."""


def _suggest(name: str, choices: Sequence[str]) -> str:
    close = get_close_matches(name, choices, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


class UnknownTable(DslError):
    def __init__(self, database: str, table: str, existing: Sequence[str]) -> None:
        self.database, self.table = database, table
        listing = ", ".join(existing) if existing else "none"
        super().__init__(
            f"table {table!r} does not exist in the test database {database!r}{_suggest(table, existing)}; "
            f"tables there: {listing}. Create it upstream first (ctx.upstream.exec_driver_sql(...))."
        )


class UnknownColumn(DslError):
    def __init__(self, table: str, column: str, columns: Sequence[str]) -> None:
        self.table, self.column = table, column
        super().__init__(
            f"table {table!r} has no column {column!r}{_suggest(column, columns)}; "
            f"its columns: {', '.join(columns)}"
        )


class MissingKey(DslError):
    def __init__(self, table: str, request: str, missing: Sequence[str], key: Sequence[str]) -> None:
        self.table, self.missing = table, tuple(missing)
        super().__init__(
            f"{request} on {table!r} needs the key columns ({', '.join(key)}); "
            f"missing: {', '.join(missing)}"
        )


class NoKey(DslError):
    def __init__(self, table: str) -> None:
        super().__init__(
            f"table {table!r} has neither a primary key nor a NOT NULL unique key, so its rows "
            "cannot be located in the sink; add one to the table definition"
        )


class ForeignTargetError(DslError):
    """A DSL table or request aimed at a database the run did not create for this test."""

    def __init__(self, database: str, table: str, own: str) -> None:
        self.database, self.table, self.own = database, table, own
        super().__init__(
            f"table {table!r} is in database {database!r}, not in this test's database {own!r}: the DSL "
            "writes only to the database the run created for the test. Use an unqualified name for a "
            "table of the test's database; to write there anyway, say so: "
            f"ctx.sql.table({f'{database}.{table}'!r}, allow_foreign=True)"
        )


class BadValue(DslError):
    """A value the column cannot hold; the statement was not executed (or rolled back)."""

    def __init__(self, table: str, column: str, value: Any, why: str) -> None:
        self.table, self.column, self.value = table, column, value
        super().__init__(f"{table}.{column} cannot hold {value!r}: {why}")


class NotSent(DslError):
    def __init__(self, what: str) -> None:
        super().__init__(f"{what} was not sent: call .send() first, then .wait() on what it returns")


class NotWaited(DslError):
    def __init__(self, what: str) -> None:
        super().__init__(f"{what} has not been waited for: call .wait() before .check()")


class _KeyedFailure(AssertionError):
    """A failure about particular rows: `keys` holds (database, table, key values) of each; `details`
    every difference, where the message shows the first few (the failure bundle keeps them all)."""

    def __init__(self, message: str, keys: Sequence[tuple[str, str, tuple[Any, ...]]] = (),
                 details: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.keys = list(keys)
        self.details = list(details)


class CheckFailed(_KeyedFailure):
    """The sink shows something other than what the upstream stored; the message is a column diff."""


class WaitTimeout(_KeyedFailure):
    """The sink did not reflect the change in time; names the keys still missing or different."""


class PipelineFailed(WaitTimeout):
    """The CDC pipeline failed while the case waited (its CDC died, its view broke): the message is
    the failure's own cause, not a timeout."""


class ProgressNeverMoved(AssertionError):
    """Under --strict-progress: a wait ended at its deadline, not because the sink's progress passed
    its mark (the rows were right): the CDC's progress signal is broken, or far too slow."""


class SinkProtocolError(AssertionError):
    """What the sink emitted violates its protocol; each finding names topic, partition, offset, field."""

    def __init__(self, findings: Sequence[object], shown: int = 10) -> None:
        self.findings = list(findings)
        lines = [f"the sink emitted {len(self.findings)} protocol violation(s):"]
        lines += [f"  {f}" for f in self.findings[:shown]]
        if len(self.findings) > shown:
            lines.append(f"  … and {len(self.findings) - shown} more")
        super().__init__("\n".join(lines))
