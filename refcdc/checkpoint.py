"""The checkpoint: the binlog position up to which the sink holds everything, replaced atomically.

Next to the position it keeps the applier's state as of that position (the Kafka applier's commit
clock), so a restart replays what follows exactly as it was first sent.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from refcdc.changes import Position


def read(path: Path) -> tuple[Position, dict[str, Any]] | None:
    """The saved position and applier state, or None when there is no checkpoint yet."""
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        return None
    return Position.from_json(data), dict(data.get("state") or {})


def write(path: Path, position: Position, state: dict[str, Any] | None = None) -> None:
    # No fsync: the checkpoint must survive the CDC process dying, not the machine.
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps({**position.to_json(), "state": state or {}}))
    os.replace(tmp, path)
