"""The JVMs an embedded stack starts (Kafka's broker, Kafka Connect): which java, the options they
share, and class-data sharing per classpath.

A JVM's first start for a classpath writes a class-data archive at its clean exit
(-XX:ArchiveClassesAtExit, Java 13+); every later start maps it, spending ≈0.3 s instead of ≈1 s
loading classes (a broker: 1.8 s → 0.8 s to its first served request).
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Sequence
from pathlib import Path

from sinkmatrix.stack.errors import StackError
from sinkmatrix.stack.maven import cache_root

# C1 only and the serial collector: a JVM here lives seconds to minutes on a couple of cores, where
# C2's compiler threads and G1's concurrent ones cost more CPU than they win back
OPTIONS = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Djava.awt.headless=true",
           "-Dorg.slf4j.simpleLogger.showDateTime=true")


def java() -> str:
    """The java to run: $JAVA_HOME's, else the one on PATH; StackError saying what to install."""
    home = os.environ.get("JAVA_HOME")
    found = str(Path(home) / "bin" / "java") if home else shutil.which("java")
    if not found or not Path(found).exists():
        raise StackError("the embedded stack's Kafka and Kafka Connect need Java 17 or newer: "
                         "`apt-get install default-jre-headless` (Debian), or set JAVA_HOME")
    return found


def class_archive(name: str, classpath: Sequence[Path], options: Sequence[str]) -> tuple[str, Path | None]:
    """The class-data option for a JVM of this classpath and these options: map the archive a first
    start wrote, or write it at this JVM's clean exit (then the path it writes, else None)."""
    digest = hashlib.sha256("\n".join([*map(str, classpath), *options]).encode()).hexdigest()[:16]
    cache = cache_root().parent / "jvm"
    cache.mkdir(parents=True, exist_ok=True)
    archives = sorted(cache.glob(f"{name}-{digest}-*.jsa"), key=lambda p: p.stat().st_mtime)
    if archives:
        return f"-XX:SharedArchiveFile={archives[-1]}", None
    target = cache / f"{name}-{digest}-{os.getpid()}.jsa"
    return f"-XX:ArchiveClassesAtExit={target}", target


QUIET_CDS = ("-Xlog:cds=off", "-Xlog:cds+dynamic=off")  # an archive refused is no error: it is rewritten
