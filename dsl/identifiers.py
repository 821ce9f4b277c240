"""MySQL identifiers in SQL text, quoted without SQLAlchemy: the reference CDC (which does not load it)
and the DSL quote names the same way, as the MySQL dialect does."""

from __future__ import annotations


def quote(identifier: str) -> str:
    """The identifier in backticks, a backtick inside doubled."""
    return "`" + identifier.replace("`", "``") + "`"


def quote_for_format(identifier: str) -> str:
    """As `quote`, for SQL that goes through the driver's %-formatting: a literal % doubled."""
    return quote(identifier).replace("%", "%%")
