"""How the DSL's connections read values: the driver's converters, but a date the driver cannot
represent is read as its text instead of NULL.

MySQLdb turns a DATE, DATETIME or TIMESTAMP it cannot make a Python date of — MySQL's zero date, and
zero-in-date values such as '2020-00-05' or '0000-00-00 00:00:01' that a lax sql_mode stores — into
None, the same as NULL. A sink that wrote NULL for such a value would then look right. Read as text,
dsl.compare tells them apart (ZERO_DATE, or the value's text).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from MySQLdb import converters, times
from MySQLdb.constants import FIELD_TYPE


def _or_text(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    def convert(text: str) -> Any:
        value = parse(text)
        return text if value is None and text else value
    return convert


CONVERSIONS: dict[Any, Any] = {
    **converters.conversions,
    FIELD_TYPE.DATE: _or_text(times.Date_or_None),
    FIELD_TYPE.DATETIME: _or_text(times.DateTime_or_None),
    FIELD_TYPE.TIMESTAMP: _or_text(times.DateTime_or_None),
}


def connect_args() -> dict[str, Any]:
    """Keyword arguments for the DSL's MySQLdb connections (SQLAlchemy's `connect_args`)."""
    return {"conv": CONVERSIONS}
