"""`sinkmatrix doctor --check NAME`: how far a CDC plug-in meets the contract (sinkmatrix.model.cdc,
sinkmatrix.model.cdc_contract) — the members it has and lacks, required and optional, with what a
missing optional one means — and a smoke run on the embedded backend: start, progress past a mark,
kill and restart (when offered), stop, each step timed with its outcome."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from matrix import axes
from sinkmatrix.model import cdc as cdcs
from sinkmatrix.model.cdc import Cdc
from sinkmatrix.model.cdc_contract import CAPABILITIES, CORE, PLUGIN_OPTIONAL, PLUGIN_REQUIRED, lacks
from sinkmatrix.model.cells import Cell
from sinks import registry

_STEP_TIMEOUT = 60.0


@dataclass
class Member:
    kind: str  # "required" | "optional" | "capability"
    name: str
    present: bool
    meaning: str = ""  # what its absence means


@dataclass
class Step:
    name: str
    outcome: str  # "ok" | "failed" | "skipped"
    seconds: float = 0.0
    detail: str = ""


@dataclass
class Conformance:
    cdc: str
    target: str = ""
    members: list[Member] = field(default_factory=list)
    cell: str | None = None
    steps: list[Step] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and all(step.outcome != "failed" for step in self.steps)


def check(name: str, root: Path, given: list[str] | None = None, cell_id: str | None = None,
          smoke: bool = True) -> Conformance:
    """Judge the plug-in registered as `name`; with `smoke`, run it on one embedded cell."""
    result = Conformance(name, cdcs.available().get(name, ""))
    try:
        plugin = cdcs.get(name)
    except Exception as exc:
        result.problems.append(f"does not load: {type(exc).__name__}: {exc}")
        return result
    for member in PLUGIN_REQUIRED:
        result.members.append(Member("required", member, hasattr(plugin, member)))
    for member, meaning in PLUGIN_OPTIONAL.items():
        result.members.append(Member("optional", member, _overrides(plugin, member), meaning))
    missing = [m.name for m in result.members if m.kind == "required" and not m.present]
    if missing:
        result.problems.append(f"lacks {', '.join(missing)} (required of every CDC plug-in: "
                               "sinkmatrix.model.cdc.Cdc)")
        return result
    if smoke:
        cell = _cell(name, root, given or [], cell_id, result)
        if cell is not None:
            result.cell = cell.id
            _smoke(plugin, cell, result)
    return result


def _overrides(plugin: Any, member: str) -> bool:
    """Whether the plug-in has the member of its own (not the protocol's default)."""
    own = getattr(type(plugin), member, None)
    return own is not None and own is not getattr(Cdc, member, None)


def _cell(name: str, root: Path, given: list[str], cell_id: str | None, result: Conformance) -> Cell | None:
    try:
        axes.use(axes.user_files(root, given))
        cells = [c for c in axes.cells(registry.supported(), only_cdcs=[name]) if c.backend == "embedded"]
    except Exception as exc:
        result.problems.append(f"no cell to run: {type(exc).__name__}: {exc}")
        return None
    if cell_id is not None:
        cells = [c for c in cells if c.id == cell_id]
    if not cells:
        result.problems.append(f"no embedded cell{f' {cell_id}' if cell_id else ''} for the CDC {name!r}; "
                               + axes.profile_hint(name))
        return None
    cells.sort(key=lambda c: c.sink != "mysql")  # the cheapest stack first
    return cells[0]


def _smoke(plugin: Any, cell: Cell, result: Conformance) -> None:
    from sinkmatrix.stack.embedded import EmbeddedStack

    if why := cdcs.ask(plugin, "unavailable", cell):
        result.steps.append(Step("start", "skipped", detail=f"cannot run here: {why}"))
        return
    stack = _step(result, "start", lambda: EmbeddedStack.start(cell))
    if stack is None:
        return
    try:
        cdc = stack.cdc
        result.members += [Member("core", m, True) for m in CORE]
        for capability, cap in CAPABILITIES.items():
            offered = lacks(cdc, capability) is None
            result.members.append(Member("capability", capability, offered, cap.without))
        database = _step(result, "progress past a mark", lambda: _written(stack, "smoke", 1))
        if database is None:
            return
        result.steps[-1].detail = ("its own progress" if lacks(cdc, "progress") is None else
                                   "the framework's heartbeat")
        if _step(result, "kill", cdc.kill) is None:
            return
        if why := lacks(cdc, "restart"):
            result.steps.append(Step("restart", "skipped", detail=why))
        elif _step(result, "restart", cdc.restart) is not None:
            _step(result, "progress past a mark after the restart", lambda: _written(stack, database, 2))
        if cdc.state != "stopped":
            _step(result, "stop", cdc.stop)
        else:
            result.steps.append(Step("stop", "skipped", detail="killed, and it cannot restart"))
    finally:
        stack.close()


def _written(stack: Any, database: str, row: int) -> str:
    """Write a row upstream and wait until the sink's progress is past it; the database used."""
    if row == 1:
        database = stack.create_database(database)
        stack.upstream.execute(f"CREATE TABLE `{database}`.t (id INT PRIMARY KEY)")
    stack.upstream.execute(f"INSERT INTO `{database}`.t VALUES ({row})")
    progress = stack.progress
    if not progress.wait_past(progress.mark(), time.monotonic() + _STEP_TIMEOUT):
        raise TimeoutError(f"the sink's progress did not pass the mark within {_STEP_TIMEOUT:g}s "
                           f"({progress.describe()}); failure: {stack.failure()}")
    return database


def _step(result: Conformance, name: str, action: Callable[[], Any]) -> Any:
    began = time.perf_counter()
    try:
        value = action()
    except Exception as exc:
        took = time.perf_counter() - began
        result.steps.append(Step(name, "failed", took, f"{type(exc).__name__}: {exc}"))
        return None
    result.steps.append(Step(name, "ok", time.perf_counter() - began))
    return True if value is None else value


def render(result: Conformance) -> str:
    lines = [f"sinkmatrix doctor --check {result.cdc} ({result.target or 'not registered'})"]
    for kind in ("required", "optional", "core", "capability"):
        members = [m for m in result.members if m.kind == kind]
        if members:
            lines.append(f"  {kind}:" if kind != "core" else "  core of its run:")
        for m in members:
            state = "present" if m.present else "MISSING" if kind in ("required", "core") else "missing"
            why = f" — {m.meaning}" if not m.present and m.meaning else ""
            lines.append(f"    {m.name:<18} {state}{why}")
    if result.cell:
        lines.append(f"  smoke run on {result.cell} (embedded):")
    for step in result.steps:
        lines.append(f"    {step.name:<40} {step.outcome:<7} {step.seconds:7.2f} s"
                     + (f"  {step.detail.splitlines()[0]}" if step.detail else ""))
    lines += [f"  problem: {p}" for p in result.problems]
    missing = [m.name for m in result.members if m.kind == "capability" and not m.present]
    verdict = "conforms" if result.ok else "does NOT conform"
    lacking = f"; optional capabilities it lacks: {', '.join(missing)}" if missing else ""
    lines.append(f"  {verdict}{lacking}")
    return "\n".join(lines) + "\n"
