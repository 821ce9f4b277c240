"""The finding kinds are one vocabulary (sinks.base.FINDING_KINDS): every kind an adapter or a CDC's
view reports is in it, and every kind in it is produced, located and explained by some framework test.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from sinks.base import FINDING_KINDS

pytestmark = pytest.mark.framework

REPO = Path(__file__).resolve().parents[2]
REPORTERS = {"check", "add", "_Problem", "note", "Finding", "_finding"}
KIND = re.compile(r"[a-z]+(?:-[a-z]+)*")


def _names(node: ast.expr) -> list[str]:
    """The string constants an argument can take (a literal, or either side of a conditional)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _names(node.body) + _names(node.orelse)
    return []


def _reported() -> dict[str, list[str]]:
    """Kind -> where it is reported, from every call of a reporting function in the source."""
    found: dict[str, list[str]] = {}
    for folder in ("sinks", "cdcs"):
        for path in sorted((REPO / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(), str(path))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name not in REPORTERS:
                    continue
                args = [node.args[0]] if node.args else []
                args += [k.value for k in node.keywords if k.arg == "kind"]
                for arg in args:
                    for kind in _names(arg):
                        if KIND.fullmatch(kind):
                            found.setdefault(kind, []).append(f"{path.relative_to(REPO)}:{node.lineno}")
    return found


def test_every_reported_kind_is_in_the_vocabulary() -> None:
    reported = _reported()
    assert len(reported) >= 15, reported  # the scan finds the decoders' calls
    unknown = {kind: where for kind, where in reported.items() if kind not in FINDING_KINDS}
    assert not unknown, f"finding kinds missing from sinks.base.FINDING_KINDS: {unknown}"


def test_every_kind_in_the_vocabulary_is_tested() -> None:
    texts = [p.read_text() for p in (REPO / "tests").rglob("test_*.py") if p.name != Path(__file__).name]
    untested = [kind for kind in FINDING_KINDS if not any(f'"{kind}"' in text for text in texts)]
    assert not untested, f"no framework test produces these finding kinds: {untested}"


def test_every_kind_says_what_it_means() -> None:
    assert all(KIND.fullmatch(kind) and len(meaning) > 20 for kind, meaning in FINDING_KINDS.items())
