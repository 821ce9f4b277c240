"""Edits of a decoded JSON message, for making the broken copies the decoder tests feed in."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def setter(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """A change to a decoded message: set the field at `path` ('data/0/id': parts by name or index)."""
    def apply(message: dict[str, Any]) -> None:
        *parents, last = path.split("/")
        target: Any = message
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[last] = value
    return apply


def drop(name: str) -> Callable[[dict[str, Any]], None]:
    """A change to a decoded message: leave the top-level field `name` out."""
    return lambda message: message.pop(name)
