"""Java components from Maven Central, resolved by Maven itself and cached per version.

A component is a named list of artifacts (`group:artifact:version`); its jars and their runtime
dependencies land in one folder under the user's cache (`$SINKMATRIX_CACHE_DIR/jars`, else
`~/.cache/sinkmatrix/jars`), filled once: a warm cache needs neither Maven nor a network. Maven
(`mvn dependency:copy-dependencies` on a throwaway POM) was chosen over Python resolvers because it
is the reference implementation of the repository's rules (scopes, exclusions, version mediation)
and resolves Kafka's ≈90 jars in ≈5 s here; the wrappers on PyPI call it anyway.

    jars = resolve(Component("kafka-4.4.0", ("org.apache.kafka:kafka_2.13:4.4.0",)))
    classpath = str(jars / "*")
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import structlog

from sinkmatrix.stack.errors import StackError

log = structlog.get_logger(__name__)

_COMPLETE = ".complete"  # written last: a folder without it is a resolution that did not finish
_TIMEOUT = 900.0


class ResolutionError(StackError):
    """A component's jars could not be had: Maven is missing, or refused an artifact."""


@dataclass(frozen=True)
class Component:
    """Jars a process needs: artifacts with their runtime dependencies, less whole groups the host
    provides (a Connect plug-in leaves Kafka's own jars to the worker)."""

    name: str  # a folder name: "kafka-4.4.0", "debezium-mariadb-3.6.1.Final"
    artifacts: tuple[str, ...]  # group:artifact:version[:classifier]
    exclude_groups: tuple[str, ...] = ()
    exclude_artifacts: tuple[str, ...] = ()  # artifact ids, of any group

    def digest(self) -> str:
        text = "\n".join([*self.artifacts, "-", *self.exclude_groups, "-", *self.exclude_artifacts])
        return hashlib.sha256(text.encode()).hexdigest()[:12]


def cache_root() -> Path:
    return Path(os.environ.get("SINKMATRIX_CACHE_DIR") or Path.home() / ".cache" / "sinkmatrix") / "jars"


def cached(component: Component) -> Path | None:
    """The component's folder when a finished resolution is in the cache, else None."""
    folder = cache_root() / f"{component.name}-{component.digest()}"
    return folder if (folder / _COMPLETE).exists() else None


def resolve(component: Component) -> Path:
    """The folder holding the component's jars, resolving them first when the cache lacks them.
    Safe across processes: one resolves while the others wait on its lock."""
    if (found := cached(component)) is not None:
        return found
    root = cache_root()
    root.mkdir(parents=True, exist_ok=True)
    folder = root / f"{component.name}-{component.digest()}"
    with (root / f".{folder.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (found := cached(component)) is not None:  # another process finished while we waited
            return found
        _fill(component, folder)
    return folder


def _fill(component: Component, folder: Path) -> None:
    mvn = shutil.which("mvn")
    if mvn is None:
        raise ResolutionError(f"{component.name}: its jars are not cached ({folder}) and Maven is not "
                              "installed to fetch them: `apt-get install maven` (Debian), or put the "
                              "jars there by hand and an empty .complete file beside them")
    log.info("resolving jars", component=component.name, artifacts=list(component.artifacts))
    with tempfile.TemporaryDirectory(prefix=f".{folder.name}-", dir=folder.parent) as work:
        pom = Path(work) / "pom.xml"
        pom.write_text(_pom(component))
        jars = Path(work) / "jars"
        argv = [mvn, "-B", "-q", "-f", str(pom), "dependency:copy-dependencies",
                f"-DoutputDirectory={jars}", "-DincludeScope=runtime"]
        if component.exclude_groups:
            argv.append(f"-DexcludeGroupIds={','.join(component.exclude_groups)}")
        if component.exclude_artifacts:
            argv.append(f"-DexcludeArtifactIds={','.join(component.exclude_artifacts)}")
        try:
            done = subprocess.run(argv, capture_output=True, text=True, timeout=_TIMEOUT,
                                  stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise ResolutionError(f"{component.name}: Maven did not finish within {_TIMEOUT:g}s "
                                  "(is Maven Central reachable?)") from None
        if done.returncode != 0 or not jars.is_dir():
            tail = "\n  ".join((done.stdout + done.stderr).strip().splitlines()[-12:])
            raise ResolutionError(f"{component.name}: Maven could not resolve "
                                  f"{', '.join(component.artifacts)}:\n  {tail}")
        (jars / _COMPLETE).write_text("\n".join(component.artifacts) + "\n")
        if folder.exists():  # a folder some killed run left half-filled
            shutil.rmtree(folder)
        os.replace(jars, folder)
    log.info("jars cached", component=component.name, folder=str(folder),
             jars=sum(1 for _ in folder.glob("*.jar")))


def _pom(component: Component) -> str:
    dependencies = []
    for coordinates in component.artifacts:
        parts = coordinates.split(":")
        if len(parts) not in (3, 4):
            raise ResolutionError(f"{component.name}: {coordinates!r} is not group:artifact:version"
                                  "[:classifier]")
        fields = zip(("groupId", "artifactId", "version", "classifier"), parts, strict=False)
        inner = "".join(f"<{tag}>{escape(value)}</{tag}>" for tag, value in fields)
        dependencies.append(f"<dependency>{inner}</dependency>")
    return ("<project xmlns=\"http://maven.apache.org/POM/4.0.0\"><modelVersion>4.0.0</modelVersion>"
            "<groupId>sinkmatrix.local</groupId><artifactId>jars</artifactId><version>0</version>"
            "<packaging>pom</packaging><dependencies>" + "".join(dependencies)
            + "</dependencies></project>\n")
