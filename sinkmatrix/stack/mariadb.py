"""Private MariaDB instances: one datadir, port and socket each, in a 0700 temp dir, reaped if left.

Warm starts copy a cached pre-initialized datadir (the template) instead of running install-db.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pymysql
import structlog
from sqlalchemy.engine import URL

from sinkmatrix.stack.errors import MissingComponent, StackError
from sinkmatrix.stack.leases import Lease
from sinkmatrix.stack.ports import LOOPBACK, free_port
from sinkmatrix.stack.processes import Child

log = structlog.get_logger(__name__)

USER = "sinkmatrix"
# NO_TLS: connections to these private servers skip TLS. PyMySQL 2 negotiates it by default and
# builds a certificate store for every connection (≈30 ms each: a tenth of a matrix run's CPU).
# Options shared by install-db and the server, so the template matches what the server expects.
_STORAGE_OPTIONS = ("--innodb-log-file-size=8M", "--innodb-data-file-path=ibdata1:12M:autoextend")
_SERVER_OPTIONS = (
    "--skip-name-resolve",
    "--character-set-server=utf8mb4",
    "--collation-server=utf8mb4_general_ci",
    "--default-time-zone=+00:00",
    "--innodb-flush-log-at-trx-commit=0",
    "--innodb-doublewrite=0",
    "--innodb-buffer-pool-size=128M",
    "--max-allowed-packet=256M",
    "--max-connections=500",
    "--performance-schema=OFF",
    "--skip-log-warnings",
)
_BINLOG_OPTIONS = (
    "--binlog-format=ROW",
    "--binlog-row-image=FULL",
    "--binlog-row-metadata=FULL",
    "--sync-binlog=0",
)
_PROGRAMS = ("mariadbd", "mariadb-install-db")
_SEARCH_PATH = os.environ.get("PATH", "") + os.pathsep + "/usr/sbin:/usr/bin:/sbin"


def find_program(name: str) -> str | None:
    return shutil.which(name, path=_SEARCH_PATH)


def ensure_installed() -> tuple[str, str]:
    """Paths of mariadbd and mariadb-install-db; installs Debian's mariadb-server when root."""
    found = [find_program(p) for p in _PROGRAMS]
    if all(found):
        return found[0], found[1]  # type: ignore[return-value]
    hint = "run `sudo apt-get install -y mariadb-server` (Debian/Ubuntu), then retry"
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise MissingComponent("mariadbd", hint)
    log.info("installing mariadb-server with apt-get")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for argv in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "mariadb-server"]):
        done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            why = done.stderr.strip()[-300:]
            raise MissingComponent("mariadbd", f"{' '.join(argv)} failed ({why}); {hint}")
    found = [find_program(p) for p in _PROGRAMS]
    if not all(found):
        raise MissingComponent("mariadbd", hint)
    return found[0], found[1]  # type: ignore[return-value]


_VERSIONS: dict[tuple[str, int, int, int], str] = {}


def server_version(mariadbd: str) -> str:
    """The server's version, asked once per binary (≈30 ms a call; every server start needs it)."""
    found = os.stat(mariadbd)
    key = (os.path.realpath(mariadbd), found.st_ino, found.st_size, found.st_mtime_ns)  # upgraded: ask again
    if key not in _VERSIONS:
        out = subprocess.run([mariadbd, "--version"], capture_output=True, text=True, check=True).stdout
        _VERSIONS[key] = out.split(" Ver ")[1].split()[0] if " Ver " in out else out.strip()
    return _VERSIONS[key]


def cache_dir() -> Path:
    base = os.environ.get("SINKMATRIX_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "sinkmatrix"
    )
    return Path(base)


def template_datadir(mariadbd: str, install_db: str) -> tuple[Path, bool]:
    """The cached pre-initialized datadir for this server version, created on first use.

    Returns (path, created_now). Concurrent creators race to an atomic rename; losers discard.
    """
    version = server_version(mariadbd)
    digest = hashlib.sha1(" ".join(_STORAGE_OPTIONS).encode()).hexdigest()[:8]
    target = cache_dir() / f"mariadb-{version}-{digest}"
    if (target / "mysql").is_dir():
        return target, False
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".template-", dir=target.parent))
    datadir = work / "data"
    done = subprocess.run(
        [install_db, "--no-defaults", f"--datadir={datadir}", "--user=root",
         "--auth-root-authentication-method=normal", "--skip-test-db", *_STORAGE_OPTIONS],
        capture_output=True, text=True, check=False,
    )
    if done.returncode != 0:
        shutil.rmtree(work, ignore_errors=True)
        raise StackError(f"mariadb-install-db failed: {done.stdout[-500:]}{done.stderr[-500:]}")
    with contextlib.suppress(OSError):  # another process won the race; its template is as good
        os.rename(datadir, target)
    shutil.rmtree(work, ignore_errors=True)
    return target, True


@dataclass
class MariaDB:
    """A running private MariaDB; connect as `USER` with the password it was started with."""

    name: str
    port: int
    socket: Path
    root: Path
    password: str
    child: Child | None  # None: the server runs elsewhere (a container) and is stopped there
    binlog: bool

    def url(self, database: str | None = None, driver: str = "mysqldb") -> URL:
        return URL.create(
            f"mysql+{driver}", username=USER, password=self.password, host=LOOPBACK,
            port=self.port, database=database, query={"charset": "utf8mb4"},
        )

    def connect_args(self) -> dict[str, object]:
        """Keyword arguments for PyMySQL-style clients (python-mysql-replication too)."""
        return {"host": LOOPBACK, "port": self.port, "user": USER, "password": self.password,
                "ssl_disabled": True}  # see NO_TLS

    def query(self, sql: str) -> list[tuple]:
        """Run one administrative statement on a short-lived connection; its rows."""
        return self.execute(sql)

    def execute(self, *statements: str) -> list[tuple]:
        """Run statements in order on one short-lived autocommit connection; the last one's rows."""
        conn = pymysql.connect(
            host=LOOPBACK, port=self.port, user=USER, password=self.password, autocommit=True,
            charset="utf8mb4", ssl_disabled=True,  # see NO_TLS
        )
        rows: list[tuple] = []
        try:
            with conn.cursor() as cur:
                for statement in statements:
                    cur.execute(statement)
                    rows = list(cur.fetchall())
            return rows
        finally:
            conn.close()

    def stop(self) -> None:
        # The datadir is thrown away, so there is nothing to flush: kill at once.
        if self.child is not None:
            self.child.stop()

    def __repr__(self) -> str:  # never show the password
        return f"MariaDB(name={self.name!r}, port={self.port}, binlog={self.binlog})"


class Launch:
    """A server process that was started but may not answer yet; `ready()` waits for it.

    Launching is split from waiting so several servers boot at once without a thread per server.
    """

    def __init__(self, name: str, *, root: Path, lease: Lease, binlog: bool, server_id: int,
                 options: tuple[str, ...] = ()) -> None:
        self.name, self.root, self.lease, self.binlog = name, root, lease, binlog
        mariadbd, install_db = ensure_installed()
        template, _ = template_datadir(mariadbd, install_db)
        shutil.copytree(template, root / "data")
        self.password = secrets.token_urlsafe(18)
        self.init = root / "init.sql"
        self.init.write_text(
            f"CREATE USER '{USER}'@'{LOOPBACK}' IDENTIFIED BY '{self.password}';\n"
            f"CREATE USER '{USER}'@'localhost' IDENTIFIED BY '{self.password}';\n"
            f"GRANT ALL PRIVILEGES ON *.* TO '{USER}'@'{LOOPBACK}' WITH GRANT OPTION;\n"
            f"GRANT ALL PRIVILEGES ON *.* TO '{USER}'@'localhost' WITH GRANT OPTION;\n"
        )
        self.init.chmod(0o600)
        self.socket = root / "mysqld.sock"
        self._argv = [
            mariadbd, "--no-defaults", f"--datadir={root / 'data'}", "--user=root",
            f"--bind-address={LOOPBACK}", f"--socket={self.socket}",
            f"--pid-file={root / 'mysqld.pid'}", f"--init-file={self.init}", f"--server-id={server_id}",
            f"--tmpdir={root}", *_STORAGE_OPTIONS, *_SERVER_OPTIONS,
        ]
        self._argv += [f"--log-bin={root / 'binlog'}", *_BINLOG_OPTIONS] if binlog else ["--skip-log-bin"]
        self._argv += options  # what the CDC under test asks of its upstream (e.g. a reported version)
        self._spawn()

    def _spawn(self) -> None:
        self.port = free_port()
        self.child = Child(self.name, [*self._argv, f"--port={self.port}"], lease=self.lease,
                           log_path=self.root / "mariadbd.log", ready_marker="ready for connections")

    def ready(self, timeout: float = 30.0) -> MariaDB:
        for _attempt in range(3):  # a port handed out by the kernel can be taken before we bind it
            try:
                self.child.wait_ready(timeout)
                break
            except StackError:
                self.child.stop()
                if "Address already in use" not in "\n".join(self.child.tail()):
                    raise
                self._spawn()
        else:
            raise StackError(f"{self.name}: no free port after 3 attempts")
        self.init.unlink()
        server = MariaDB(name=self.name, port=self.port, socket=self.socket, root=self.root,
                         password=self.password, child=self.child, binlog=self.binlog)
        server.query("SELECT 1")
        log.debug("mariadb ready", instance=self.name, port=self.port, binlog=self.binlog)
        return server


def start(name: str, *, root: Path, lease: Lease, binlog: bool, server_id: int,
          timeout: float = 30.0) -> MariaDB:
    """Start a private instance in `root` (a fresh dir of the lease) and return it once it answers."""
    return Launch(name, root=root, lease=lease, binlog=binlog, server_id=server_id).ready(timeout)
