"""Row values as JSON that keeps their Python types (Decimal, bytes, dates, times), for vector files."""

from __future__ import annotations

import base64
import datetime as dt
from decimal import Decimal
from typing import Any


def dump(value: Any) -> Any:
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, bytes | bytearray):
        return {"$bytes": base64.b64encode(bytes(value)).decode()}
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, dt.timedelta):
        return {"$micros": value // dt.timedelta(microseconds=1)}
    if isinstance(value, dict):
        return {k: dump(v) for k, v in value.items()}
    return value


def load(value: Any) -> Any:
    if isinstance(value, dict):
        if len(value) == 1:
            (tag, inner), = value.items()
            if tag == "$decimal":
                return Decimal(inner)
            if tag == "$bytes":
                return base64.b64decode(inner)
            if tag == "$datetime":
                return dt.datetime.fromisoformat(inner)
            if tag == "$date":
                return dt.date.fromisoformat(inner)
            if tag == "$micros":
                return dt.timedelta(microseconds=inner)
        return {k: load(v) for k, v in value.items()}
    return value
