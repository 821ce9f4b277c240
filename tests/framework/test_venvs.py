"""The sessions' shared environments: made once, made again only when what they are made from changes."""

import subprocess

import pytest

from matrix import venvs

pytestmark = pytest.mark.framework


def test_an_environment_is_made_once_and_reused_while_its_recipe_holds(tmp_path, monkeypatch):
    monkeypatch.delenv(venvs.PYTHON_ENV, raising=False)
    first = venvs.ready("probe", project=False, where=tmp_path)
    kept = tmp_path / "env-probe" / "kept-by-a-reuse"
    kept.write_text("")

    again = venvs.ready("probe", project=False, where=tmp_path)

    assert again == first and kept.exists()
    assert subprocess.run([first.python, "-c", "import sys; print(sys.prefix)"], capture_output=True,
                          text=True, check=True).stdout.strip() == str(tmp_path / "env-probe")
    assert first.variables["VIRTUAL_ENV"] == str(tmp_path / "env-probe")
    assert first.variables["PATH"].startswith(str(tmp_path / "env-probe" / "bin"))


def test_a_changed_recipe_makes_the_environment_again(tmp_path, monkeypatch):
    monkeypatch.delenv(venvs.PYTHON_ENV, raising=False)
    venvs.ready("probe", project=False, where=tmp_path)
    kept = tmp_path / "env-probe" / "kept-by-a-reuse"
    kept.write_text("")
    monkeypatch.setattr(venvs, "_recipe", lambda *_: "another recipe")

    venvs.ready("probe", project=False, where=tmp_path)

    assert not kept.exists()
    assert (tmp_path / "env-probe" / venvs.STAMP).read_text() == "another recipe"


def test_a_given_python_is_used_as_it_is(tmp_path, monkeypatch):
    monkeypatch.setenv(venvs.PYTHON_ENV, "/opt/ci/python")
    env = venvs.ready("probe", where=tmp_path)
    assert (env.python, env.variables) == ("/opt/ci/python", {})
    assert not (tmp_path / "env-probe").exists()
