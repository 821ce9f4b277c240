"""The Python environments nox's sessions run in: one per set of dependency groups, shared by every
session that needs the same packages, made with uv where it is installed, and made again only when
what they were made from (pyproject.toml, the groups, the Python) changed.

Kept free of imports beyond the standard library: the noxfile loads it outside the project's venv.
`SINKMATRIX_PYTHON=/path/to/python` runs the sessions with an interpreter that has sinkmatrix
installed already (a prepared CI image, a developer's own venv): nothing is made or installed then.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

PYTHON_ENV = "SINKMATRIX_PYTHON"
ROOT = Path(__file__).resolve().parent.parent
STAMP = ".sinkmatrix-made-from"


@dataclass(frozen=True)
class Env:
    """A ready environment: its interpreter and the variables a command runs with."""

    python: str
    variables: dict[str, str]

    def bin(self, name: str) -> str:
        return str(Path(self.python).parent / name)


def ready(name: str, extras: tuple[str, ...] = (), packages: tuple[str, ...] = (),
          *, project: bool = True, where: Path | None = None) -> Env:
    """The environment `name` under .nox/, holding the project (editable) with `extras` and `packages`."""
    given = os.environ.get(PYTHON_ENV)
    if given:
        return Env(given, {})
    root = (where or ROOT / ".nox") / f"env-{name}"
    wanted = _recipe(extras, packages, project)
    stamp = root / STAMP
    if _read(stamp) != wanted:
        root.parent.mkdir(parents=True, exist_ok=True)
        with (root.parent / f".env-{name}.lock").open("a") as lock:  # two nox runs at once: one makes it
            fcntl.flock(lock, fcntl.LOCK_EX)
            if _read(stamp) != wanted:
                _make(root, extras, packages, project)
                stamp.write_text(wanted)
    python = str(root / "bin" / "python")
    path = f"{root / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"
    return Env(python, {"VIRTUAL_ENV": str(root), "PATH": path})


def _recipe(extras: tuple[str, ...], packages: tuple[str, ...], project: bool) -> str:
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() if project else b"")
    digest.update(repr((sorted(extras), sorted(packages), sys.version, sys.executable)).encode())
    return digest.hexdigest()


def _read(path: Path) -> str | None:
    try:
        return path.read_text()
    except OSError:
        return None


def _uv() -> str | None:
    beside = Path(sys.executable).parent / "uv"
    return str(beside) if beside.is_file() else shutil.which("uv")


def _make(root: Path, extras: tuple[str, ...], packages: tuple[str, ...], project: bool) -> None:
    """(Re)make the environment: a venv of this Python, then one install of everything it holds."""
    wanted = [*packages]
    if project:
        wanted += ["-e", f"{ROOT}[{','.join(extras)}]" if extras else str(ROOT)]
    uv = _uv()
    shutil.rmtree(root, ignore_errors=True)
    print(f"sinkmatrix: making the {root.name} environment ({'uv' if uv else 'venv + pip'})", flush=True)
    python = str(root / "bin" / "python")
    if uv:
        # --seed: pip too, which the images session builds its wheelhouse with
        _run([uv, "venv", "--quiet", "--seed", "--python", sys.executable, str(root)])
        install = [uv, "pip", "install", "--quiet", "--compile-bytecode", "--python", python]
    else:
        _run([sys.executable, "-m", "venv", str(root)])
        install = [python, "-m", "pip", "install", "--quiet"]
    if wanted:
        _run([*install, *wanted])
    if project:
        # Every stack starts Python services (the reference CDC, the registry, the broker host) and every
        # xdist worker imports the framework: compiled once here, they load it as bytecode even where
        # PYTHONDONTWRITEBYTECODE keeps Python from caching what it compiles itself.
        _run([python, "-m", "compileall", "-q", *_packages()], cwd=ROOT)


def _packages() -> list[str]:
    return sorted(p.name for p in ROOT.iterdir() if (p / "__init__.py").is_file() and p.name != "tests")


def _run(argv: list[str], cwd: Path | None = None) -> None:
    done = subprocess.run(argv, cwd=cwd, check=False)
    if done.returncode != 0:
        raise SystemExit(f"sinkmatrix: {' '.join(argv[:4])} … failed with exit status {done.returncode}")
