"""The checkpoint: the binlog position up to which the sink holds everything, replaced atomically."""

from __future__ import annotations

import json
import os
from pathlib import Path

from refcdc.changes import Position


def read(path: Path) -> Position | None:
    """The saved position, or None when there is no checkpoint yet."""
    try:
        return Position.from_json(json.loads(path.read_text()))
    except FileNotFoundError:
        return None


def write(path: Path, position: Position) -> None:
    # No fsync: the checkpoint must survive the CDC process dying, not the machine.
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(position.to_json()))
    os.replace(tmp, path)
