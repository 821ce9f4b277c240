"""The registry's store file: one JSON document, replaced atomically so a crash leaves old or new."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from sinkmatrix.schemareg.errors import StoreError

FORMAT = "sinkmatrix-schemareg/1"


def save(path: Path, state: dict[str, Any]) -> None:
    """Write `state` to `path`: a temp file beside it, synced, then renamed over it."""
    document = json.dumps({"format": FORMAT, **state}, ensure_ascii=False, indent=1)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(document)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        # the rename itself survives a crash only once the directory is synced
        directory = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
    except OSError as exc:
        raise StoreError(
            f"Error in the backend data store: cannot write {path} ({exc}); "
            "free space or fix permissions, then retry"
        ) from exc


def load(path: Path) -> dict[str, Any] | None:
    """The state saved at `path`, None if there is no file yet; StoreError if it is not ours."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StoreError(f"cannot read the store {path} ({exc}); fix its permissions") from exc
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise StoreError(
            f"the store {path} is not JSON ({exc}); move it away to start empty"
        ) from exc
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise StoreError(
            f"the store {path} is not a {FORMAT} file; pass another --store or move it away"
        )
    return document
