"""Profiles and CDCs from the user's own repository: a profile in its pyproject.toml (or sinkmatrix.toml,
or --axes FILE) joins the packaged ones; a CDC registered through an entry point but named by no profile
says what to add; a plug-in's own default profile gives it cells."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.framework

CASE = "def test_rows(ctx):\n    pass\n"
PLUGIN = '''
from sinkmatrix.refcdc.plugin import ReferenceCdc


class MyCdc(ReferenceCdc):
    name = "mycdc"
{extra}
'''
DEFAULT_PROFILE = '''
    def default_profile(self):
        return {"name": "mycdc-1.0", "backends": ["embedded"], "cdc_version": "mycdc 1.0"}
'''


def _collect(repo: Path, *args: str, site: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SINKMATRIX_REPORTS": str(repo / "reports")}
    if site is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(site), env.get("PYTHONPATH")]))
    command = [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *args]
    return subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True, timeout=120,
                          check=False)


def _repo(tmp_path: Path, pyproject: str = "") -> Path:
    repo = tmp_path / "their-repo"
    repo.mkdir()
    (repo / "test_theirs.py").write_text(CASE)
    (repo / "pyproject.toml").write_text(pyproject)
    return repo


def _registered(tmp_path: Path, extra: str = "") -> Path:
    """A site folder with an installed plug-in `mycdc` (its module and dist-info entry point)."""
    site = tmp_path / "site"
    (site / "mycdc-0.1.dist-info").mkdir(parents=True)
    (site / "mycdc_plugin.py").write_text(PLUGIN.format(extra=extra))
    metadata = "Metadata-Version: 2.1\nName: mycdc\nVersion: 0.1\n"
    (site / "mycdc-0.1.dist-info" / "METADATA").write_text(metadata)
    (site / "mycdc-0.1.dist-info" / "entry_points.txt").write_text(
        "[sinkmatrix.cdcs]\nmycdc = mycdc_plugin:MyCdc\n")
    return site


def test_a_profile_in_the_users_pyproject_gives_cells(tmp_path: Path) -> None:
    repo = _repo(tmp_path, '[tool.sinkmatrix.versions.mine]\ncdc = "refcdc"\nbackends = ["embedded"]\n')
    done = _collect(repo, "--profile", "mine", "--sink", "mysql")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "test_theirs.py::test_rows[mysql-mysql-mine]" in done.stdout


def test_a_sinkmatrix_toml_or_an_axes_file_gives_cells_too(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    (repo / "sinkmatrix.toml").write_text('[versions.beside]\ncdc = "refcdc"\n')
    assert "[mysql-mysql-beside]" in _collect(repo, "--profile", "beside", "--sink", "mysql").stdout
    (tmp_path / "elsewhere.toml").write_text('[versions.given]\ncdc = "refcdc"\n')
    done = _collect(repo, "--axes", str(tmp_path / "elsewhere.toml"), "--profile", "given", "--sink", "mysql")
    assert "[mysql-mysql-given]" in done.stdout, done.stdout + done.stderr


def test_a_registered_cdc_no_profile_names_says_what_to_add(tmp_path: Path) -> None:
    done = _collect(_repo(tmp_path), "--cdc", "mycdc", site=_registered(tmp_path))
    assert done.returncode == 4, done.stdout + done.stderr
    assert "no version profile names CDC 'mycdc'; add one to your repository's pyproject.toml:" in done.stderr
    assert "[tool.sinkmatrix.versions.mycdc]" in done.stderr


def test_a_plugins_default_profile_gives_it_cells(tmp_path: Path) -> None:
    done = _collect(_repo(tmp_path), "--cdc", "mycdc", "--sink", "canal-json",
                    site=_registered(tmp_path, DEFAULT_PROFILE))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "test_rows[canal-json-kafka-mycdc-1.0]" in done.stdout


def test_an_unknown_table_in_the_settings_says_which_are_known(tmp_path: Path) -> None:
    done = _collect(_repo(tmp_path, '[tool.sinkmatrix.version.mine]\ncdc = "refcdc"\n'))
    assert done.returncode == 4
    assert "unknown table 'version' under the sinkmatrix settings; known: sinks, versions" in done.stderr


def _doctor(repo: Path, site: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if site is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(site), env.get("PYTHONPATH")]))
    return subprocess.run([sys.executable, "-m", "sinkmatrix", "doctor", "--root", str(repo)], env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def test_doctor_lists_the_cdcs_their_profiles_and_cells(tmp_path: Path) -> None:
    done = _doctor(_repo(tmp_path, '[tool.sinkmatrix.versions.mine]\ncdc = "refcdc"\n'))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "  refcdc (sinkmatrix.refcdc.plugin:ReferenceCdc): " in done.stdout
    assert "profiles: local, local-kafka3.9, mine" in done.stdout
    assert "      mysql-mysql-mine\n" in done.stdout and done.stdout.endswith("no problems\n")


def test_doctor_says_why_a_registered_cdc_has_no_cells(tmp_path: Path) -> None:
    done = _doctor(_repo(tmp_path), site=_registered(tmp_path))
    assert done.returncode == 1
    assert "  mycdc (mycdc_plugin:MyCdc): NO CELLS; profiles: none" in done.stdout
    assert "    problem: no version profile names CDC 'mycdc'" in done.stdout
