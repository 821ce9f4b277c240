"""One compose project of the compose backend, driven by python-on-whales, and the reaper of projects
that killed runs left behind.

Every service carries the labels `org.sinkmatrix.stack=1`, `org.sinkmatrix.run` and
`org.sinkmatrix.owner` (`PID:START` of the process that brought it up); a project whose owner is
gone is taken down at the next start. Projects kept up on purpose (`--keep-on-failure`) are listed
under the state dir's `kept/` and left alone until removed with `python -m sinkmatrix.stack.compose_project
down`.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

import structlog
from python_on_whales import DockerClient
from python_on_whales.exceptions import DockerException

import compose
from sinkmatrix.stack.errors import StackError
from sinkmatrix.stack.leases import alive, process_start_time, state_dir

log = structlog.get_logger(__name__)

COMPOSE_DIR = compose.DIRECTORY
LABEL_STACK = "org.sinkmatrix.stack"
LABEL_OWNER = "org.sinkmatrix.owner"
PROJECT_PREFIX = "sm-"
_UP_TIMEOUT = 180  # seconds for `up --wait`: images are local, but TiKV and friends are slow


def project_name(*parts: str) -> str:
    """A compose project name (lowercase letters, digits, '-' and '_') from readable parts."""
    raw = "-".join(parts).lower()
    return (PROJECT_PREFIX + re.sub(r"[^a-z0-9_-]+", "-", raw).strip("-"))[:63]


def owner_label() -> str:
    pid = os.getpid()
    return f"{pid}:{process_start_time(pid)}"


def _owner_alive(label: str) -> bool:
    pid, _, start = label.partition(":")
    try:
        return alive(int(pid), int(start) if start.isdigit() else None)
    except ValueError:
        return False


def _kept_dir() -> Path:
    path = state_dir() / "kept"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _error(what: str, exc: DockerException) -> StackError:
    out = "\n  ".join((exc.stderr or exc.stdout or "").strip().splitlines()[-15:])
    return StackError(f"{what} failed (exit {exc.return_code}):\n  {out}")


class ComposeProject:
    """`docker compose -p NAME -f FILES --env-file ENV` as an object. The env file (mode 0600, it
    holds the stack's password) is written before anything runs, so a person can attach by hand."""

    def __init__(self, name: str, files: Iterable[Path], env: dict[str, str], root: Path) -> None:
        self.name, self.files, self.root = name, [Path(f) for f in files], root
        self.env_file = root / "compose.env"
        fd = os.open(self.env_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            out.writelines(f"{key}={value}\n" for key, value in sorted(env.items()))
        self.docker = self._client([])

    def _client(self, profiles: list[str]) -> DockerClient:
        return DockerClient(compose_files=list(self.files), compose_project_name=self.name,
                            compose_env_files=[self.env_file], compose_profiles=profiles,
                            compose_project_directory=COMPOSE_DIR)

    def command(self, verb: str = "ps") -> str:
        """The shell command to run `verb` on this project by hand."""
        files = " ".join(f"-f {f}" for f in self.files)
        return f"docker compose -p {self.name} --env-file {self.env_file} {files} {verb}"

    def up(self, services: list[str] | None = None, profiles: list[str] | None = None,
           build: bool = False) -> None:
        """Start services and wait until every healthcheck passes."""
        try:
            self._client(profiles or []).compose.up(services=services, detach=True, wait=True,
                                                    build=build, pull="never", quiet=True,
                                                    wait_timeout=_UP_TIMEOUT)
        except DockerException as exc:
            raise _error(f"starting {', '.join(services or ['the stack'])} of {self.name}", exc) from None

    def add_file(self, path: Path) -> None:
        """Layer one more compose file (an override) over the project's files."""
        self.files.append(path)
        self.docker = self._client([])

    def halt(self, service: str, grace: float, profiles: list[str] | None = None) -> None:
        """Stop one service: SIGTERM and `grace` seconds before SIGKILL; 0 kills it at once (a crash)."""
        compose = self._client(profiles or []).compose
        try:
            if grace <= 0:
                compose.kill([service])
            else:
                compose.stop([service], timeout=int(grace))
        except DockerException as exc:
            raise _error(f"stopping {service} of {self.name}", exc) from None

    def port(self, service: str, private: int) -> int:
        """The host port (on 127.0.0.1) published for a service's container port."""
        host, port = self.docker.compose.port(service, private)
        if port is None:
            raise StackError(f"{self.name}: {service} publishes no port for {private}")
        if host not in ("127.0.0.1", None):
            raise StackError(f"{self.name}: {service}:{private} is published on {host}, not 127.0.0.1")
        return int(port)

    def container(self, service: str, profiles: list[str] | None = None) -> str:
        found = self._client(profiles or []).compose.ps(services=[service], all=True)
        if not found:
            raise StackError(f"{self.name}: no container for service {service}")
        return str(found[0].id)

    def save_logs(self, into: Path) -> dict[str, Path]:
        """Every service's log, one file each, into a directory; their paths by service."""
        into.mkdir(parents=True, exist_ok=True)
        saved: dict[str, Path] = {}
        for container in self._client(["*"]).compose.ps(all=True):
            service = (container.config.labels or {}).get("com.docker.compose.service", container.name)
            try:
                text = self.docker.container.logs(container.id, timestamps=True)
            except DockerException as exc:
                text = f"(logs unavailable: {exc})"
            path = into / f"{service}.log"
            path.write_text(text if isinstance(text, str) else "")
            saved[service] = path
        return saved

    def keep(self) -> None:
        """Leave the project up past this run (reapers skip it) until `down_kept(name)`."""
        (_kept_dir() / self.name).write_text(self.command("down -v --remove-orphans") + "\n")

    def down(self) -> None:
        down(self.name)


def down(name: str) -> None:
    """Remove a project's containers, networks and volumes (only its name is needed)."""
    try:
        DockerClient(compose_project_name=name).compose.down(remove_orphans=True, volumes=True,
                                                             timeout=0, quiet=True)
    except DockerException as exc:
        log.warning("compose down failed", project=name, error=str(_error("down", exc)))
    (_kept_dir() / name).unlink(missing_ok=True)


def leftover_projects() -> dict[str, str]:
    """Projects with our label whose containers or networks exist: name -> owner label.

    One listing per kind, formatted by the CLI: no per-object inspect that could race with another
    worker taking its own project down."""
    found: dict[str, str] = {}
    fields = '{{.Label "com.docker.compose.project"}}\t{{.Label "' + LABEL_OWNER + '"}}'
    for kind in (["ps", "--all"], ["network", "ls"]):
        listed = subprocess.run(["docker", *kind, "--filter", f"label={LABEL_STACK}", "--format", fields],
                                capture_output=True, text=True, check=False)
        if listed.returncode != 0:
            raise StackError(f"docker {' '.join(kind)} failed: {listed.stderr.strip()}")
        for line in listed.stdout.splitlines():
            name, _, owner = line.partition("\t")
            if name:
                found.setdefault(name, owner)
    return found


def reap_projects() -> list[str]:
    """Take down every project whose owner process is gone (and that was not kept on purpose)."""
    kept = {p.name for p in _kept_dir().iterdir()}
    reaped = []
    for name, owner in sorted(leftover_projects().items()):
        if name in kept or _owner_alive(owner):
            continue
        down(name)
        reaped.append(name)
        log.info("reaped compose project", project=name, owner=owner)
    return reaped


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sinkmatrix.stack.compose_project",
                                     description="List or remove sinkmatrix compose projects.")
    sub = parser.add_subparsers(dest="verb", required=True)
    sub.add_parser("list", help="projects that exist, with their owners")
    rm = sub.add_parser("down", help="take projects down (kept ones too)")
    rm.add_argument("names", nargs="*", help="default: every kept project")
    args = parser.parse_args(argv)
    if args.verb == "list":
        kept = {p.name for p in _kept_dir().iterdir()}
        for name, owner in sorted(leftover_projects().items()):
            state = "kept" if name in kept else ("running" if _owner_alive(owner) else "orphaned")
            print(f"{name}  {state}")
        return 0
    for name in args.names or sorted(p.name for p in _kept_dir().iterdir()):
        down(name)
        print(f"removed {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
