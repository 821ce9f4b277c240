"""`sinkmatrix doctor`: what is registered (CDCs, sinks), the version profiles and where each comes
from, the cells they make, and for a CDC without cells, why — in words that say what to do."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from matrix import axes
from sinkmatrix.model import cdc as cdcs
from sinkmatrix.model.cdc_contract import PLUGIN_OPTIONAL, PLUGIN_REQUIRED
from sinkmatrix.model.cells import Cell
from sinks import registry


@dataclass
class CdcEntry:
    name: str
    target: str  # its entry point's module:Class
    profiles: list[str] = field(default_factory=list)
    cells: list[Cell] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # lacks an optional capability, cannot run here, ...
    problems: list[str] = field(default_factory=list)  # why it has no cells, or does not load


@dataclass
class Report:
    root: Path
    files: list[Path]
    sinks: dict[str, str]  # name -> what it is, or why it does not load
    cdcs: list[CdcEntry]
    problems: list[str]


def examine(root: Path, given: list[str] | None = None) -> Report:
    """Look at the registrations and profiles seen from `root` (a user's repository)."""
    problems: list[str] = []
    files: list[Path] = []
    try:
        files = axes.user_files(root, given or ())
        axes.use(files)
        profiles = axes.versions()
        supported = registry.supported()
        cells = axes.cells(supported)
    except (axes.AxesError, Exception) as exc:  # the report says what broke, whatever it is
        return Report(root, files, {}, [], [f"{type(exc).__name__}: {exc}"])
    sinks = {name: _describe_sink(name) for name in sorted(registry.available())}
    entries = []
    for name, target in sorted(cdcs.available().items()):
        entry = CdcEntry(name, target)
        entry.profiles = sorted(p.name for p in profiles.values() if p.cdc == name)
        entry.cells = [c for c in cells if c.profile is not None and c.profile.cdc == name]
        _judge(entry, profiles)
        problems += [f"CDC {name}: {p}" for p in entry.problems]
        entries.append(entry)
    return Report(root, files, sinks, entries, problems)


def _describe_sink(name: str) -> str:
    try:
        adapter = registry.get(name)
    except Exception as exc:
        return f"does not load: {type(exc).__name__}: {exc}"
    variants = ", ".join(v or "(plain)" for v in adapter.variants)
    return (f"rides {', '.join(adapter.protocols)}; variants {variants}; "
            f"needs {', '.join(adapter.needs) or 'nothing'}; {len(adapter.limits)} declared limit(s)")


def _judge(entry: CdcEntry, profiles: dict[str, Any]) -> None:
    try:
        plugin = cdcs.get(entry.name)
    except Exception as exc:
        entry.problems.append(f"does not load ({entry.target}): {type(exc).__name__}: {exc}")
        return
    missing = [m for m in PLUGIN_REQUIRED if not hasattr(plugin, m)]
    if missing:
        entry.problems.append(f"lacks {', '.join(missing)} "
                              "(required of every CDC plug-in: sinkmatrix.model.cdc.Cdc)")
    entry.notes += [f"no {m}(): {meaning}" for m, meaning in PLUGIN_OPTIONAL.items()
                    if not hasattr(plugin, m)]
    if not entry.profiles:
        entry.problems.append(axes.profile_hint(entry.name))
        return
    if not entry.cells:
        for name in entry.profiles:
            profile = profiles[name]
            emitted = plugin.emits(profile) if hasattr(plugin, "emits") else {}
            backends = [b for b in profile.backends if b in getattr(plugin, "backends", ())]
            runs_on = ", ".join(getattr(plugin, "backends", ())) or "no backend"
            why = (f"profile {name}: the CDC runs on {runs_on}, the profile on {', '.join(profile.backends)}"
                   if not backends else
                   f"profile {name}: it emits {', '.join(sorted(emitted)) or 'no sink'}, and the axes expand "
                   "none of those sinks in a variant it writes")
            entry.problems.append(why)
        return
    unavailable = getattr(plugin, "unavailable", None)
    if unavailable is not None:
        for cell in entry.cells:
            if why := unavailable(cell):
                entry.notes.append(f"{cell.id} cannot run here: {why}")


def render(report: Report) -> str:
    own = ", ".join(str(f) for f in report.files) or "none (packaged only)"
    lines = [f"sinkmatrix doctor, in {report.root}", f"profiles of your own: {own}", ""]
    lines.append("sinks:")
    lines += [f"  {name}: {what}" for name, what in report.sinks.items()]
    lines += ["", "CDCs:"]
    for entry in report.cdcs:
        state = f"{len(entry.cells)} cell(s)" if entry.cells else "NO CELLS"
        named = ", ".join(entry.profiles) or "none"
        lines.append(f"  {entry.name} ({entry.target}): {state}; profiles: {named}")
        lines += [f"      {cell.id}" for cell in entry.cells]
        lines += [f"    note: {note}" for note in entry.notes]
        lines += [f"    problem: {line}" for problem in entry.problems for line in problem.splitlines()]
    lines += ["", "what a CDC's run offers (restart, pause, progress, faults) and a smoke run of it: "
              "sinkmatrix doctor --check NAME"]
    lines += ["", f"{len(report.problems)} problem(s)" if report.problems else "no problems"]
    lines += [f"  {p.splitlines()[0]}" for p in report.problems]
    return "\n".join(lines) + "\n"
