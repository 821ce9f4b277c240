"""The packages import each other one way: no cycle between packages (the top-level ones and those under
`sinkmatrix/`, each a node), and nothing outside the reference CDC's own package (tests and the bench
aside) imports it — it is one CDC plug-in among others."""

from __future__ import annotations

import ast
import itertools
from collections import defaultdict
from pathlib import Path

import pytest

pytestmark = pytest.mark.framework

REPO = Path(__file__).resolve().parents[2]
LEAVES = ("tests", "sinkmatrix.bench")  # may import anything; nothing imports them
NAMESPACE = "sinkmatrix"  # its subpackages are nodes of their own; its own modules (cli, doctor) one more


def packages() -> list[str]:
    found = [p.name for p in REPO.iterdir() if (p / "__init__.py").is_file() and not p.name.startswith(".")]
    found += [f"{NAMESPACE}.{p.name}" for p in (REPO / NAMESPACE).iterdir() if (p / "__init__.py").is_file()]
    return sorted(p for p in found if p not in LEAVES)


def _node(name: str, nodes: set[str]) -> str | None:
    """The package (node) a dotted module name belongs to."""
    parts = name.split(".")
    two = ".".join(parts[:2])
    return two if two in nodes else parts[0] if parts[0] in nodes else None


def _files(package: str) -> list[Path]:
    folder = REPO.joinpath(*package.split("."))
    if package == NAMESPACE:  # its own modules, not its subpackages'
        return sorted(folder.glob("*.py"))
    return sorted(folder.rglob("*.py"))


def imports_of(package: str) -> dict[str, set[str]]:
    """Package imported -> the modules of `package` that import it (every import statement,
    type-checking blocks and function bodies included)."""
    nodes = set(packages())
    found: dict[str, set[str]] = defaultdict(set)
    for path in _files(package):
        module = ".".join(path.relative_to(REPO).with_suffix("").parts)
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
                if node.module == NAMESPACE:  # from sinkmatrix import model
                    names = [f"{NAMESPACE}.{alias.name}" for alias in node.names]
            for name in names:
                target = _node(name, nodes)
                if target is not None and target != package:
                    found[target].add(module)
    return found


def graph() -> dict[str, dict[str, set[str]]]:
    return {package: imports_of(package) for package in packages()}


def test_top_level_packages_import_each_other_without_a_cycle() -> None:
    edges = graph()
    state: dict[str, str] = {}
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = "open"
        path.append(node)
        for target in sorted(edges[node]):
            if state.get(target) == "open":
                cycle = [*path[path.index(target):], target]
                steps = [f"{a} -> {b} ({', '.join(sorted(edges[a][b])[:3])})"
                         for a, b in itertools.pairwise(cycle)]
                pytest.fail("import cycle between packages:\n  " + "\n  ".join(steps))
            if target not in state:
                visit(target)
        path.pop()
        state[node] = "done"

    for package in sorted(edges):
        if package not in state:
            visit(package)


def test_nothing_outside_the_reference_cdc_imports_it() -> None:
    users = {package: sorted(modules) for package, found in graph().items()
             if package != "sinkmatrix.refcdc"
             for name, modules in found.items() if name == "sinkmatrix.refcdc"}
    assert users == {}, f"these modules import refcdc: {users}"


def test_the_shared_vocabulary_imports_no_other_package() -> None:
    assert dict(imports_of("sinkmatrix.model")) == {}
