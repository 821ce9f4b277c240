"""Where an embedded stack keeps its servers' data: in memory when the machine has room for it.

A stack's databases, binlogs and logs are thrown away with it (a failure's logs are read into its
bundle before), so nothing needs a disk. On a tmpfs the servers' writes and the removal of a
datadir stay in memory: on a virtual disk, a matrix run spent ≈15% less system time and finished
≈0.5-1 s sooner. The choice, first that applies:

1. SINKMATRIX_RUNTIME_DIR, when set;
2. TMPDIR, when set: an explicit temp dir is honoured;
3. /dev/shm, when it is a tmpfs with at least MIN_FREE bytes free;
4. the system's temp dir.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

RUNTIME_ENV = "SINKMATRIX_RUNTIME_DIR"
MIN_FREE = 2 << 30  # a stack takes ≈100 MB; containers often mount a 64 MB /dev/shm
SHM = Path("/dev/shm")


def runtime_dir(mounts: Path = Path("/proc/mounts")) -> Path:
    chosen = os.environ.get(RUNTIME_ENV) or os.environ.get("TMPDIR")
    if chosen:
        return Path(chosen)
    if _is_roomy_tmpfs(SHM, mounts):
        return SHM
    return Path(tempfile.gettempdir())


def _is_roomy_tmpfs(path: Path, mounts: Path) -> bool:
    try:
        lines = mounts.read_text().splitlines()
        stat = os.statvfs(path)
    except OSError:
        return False
    tmpfs = any(fields[1] == str(path) and fields[2] == "tmpfs"
                for fields in (line.split() for line in lines) if len(fields) > 2)
    return tmpfs and os.access(path, os.W_OK) and stat.f_bavail * stat.f_frsize >= MIN_FREE
