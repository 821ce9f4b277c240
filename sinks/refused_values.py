"""A value the view's SQL refused, told as the wrong value it is.

When a decoded row does not apply because MariaDB refuses one of its values (out of range, too long,
not a value of the column's type, NULL in a NOT NULL column), the record carried a value the upstream
row cannot hold: the finding names the column, the value that arrived, the value the upstream holds
for the row's key now, and the record — not the view's SQL error alone.
"""

from __future__ import annotations

import re
from typing import Any

import MySQLdb
import pymysql

from dsl.identifiers import quote
from sinkmatrix.model.changes import RowChange

# MariaDB's errors for a value its column refuses (strict sql_mode): cannot be null, out of range,
# data truncated, incorrect datetime, incorrect value, data too long
VALUE_REFUSED = frozenset({1048, 1264, 1265, 1292, 1366, 1406})
_COLUMN = re.compile(r"column '((?:[^']|'')+)'")
_ABSENT = object()


def refused_value(change: RowChange, cause: BaseException,
                  upstream: dict[str, Any]) -> tuple[str, str] | None:
    """(field, why) when MariaDB refused one of the change's values, else None. `upstream`: the
    upstream's connect arguments (to read what it holds for the row's key)."""
    mysql_error = isinstance(cause, MySQLdb.MySQLError | pymysql.MySQLError)
    code = cause.args[0] if mysql_error and cause.args else None
    found = _COLUMN.search(str(cause.args[1] if len(cause.args) > 1 else cause))
    image = change.after if change.after is not None else change.before
    if code not in VALUE_REFUSED or found is None or image is None:
        return None
    column = found.group(1).replace("''", "'")
    if column not in image:
        return None
    arrived = image[column]
    held = _upstream_value(change, image, column, upstream)
    expected = "" if held is _ABSENT else f"; the upstream holds {held!r} for this key"
    return column, (f"{column} arrived as {arrived!r}{expected} (the view refused the value: "
                    f"{cause.args[1] if len(cause.args) > 1 else cause})")


def _upstream_value(change: RowChange, image: dict[str, Any], column: str, upstream: dict[str, Any]) -> Any:
    table = change.table
    if not table.key or any(k not in image for k in table.key):
        return _ABSENT
    where = " AND ".join(f"{quote(k)} <=> %s" for k in table.key)
    sql = f"SELECT {quote(column)} FROM {quote(table.database)}.{quote(table.name)} WHERE {where}"
    try:
        conn = pymysql.connect(host=upstream["host"], port=upstream["port"], user=upstream["user"],
                               password=upstream["password"], charset="utf8mb4", connect_timeout=5)
    except pymysql.MySQLError:
        return _ABSENT
    try:
        with conn.cursor() as cur:
            cur.execute(sql, [image[k] for k in table.key])
            row = cur.fetchone()
    except pymysql.MySQLError:
        return _ABSENT
    finally:
        conn.close()
    return _ABSENT if row is None else row[0]
