"""The CDC contract: the core every run has, the optional capabilities a run may offer, their safe
defaults (`CdcRunBase`), and the one question the pytest plug-in, the DSL and `sinkmatrix doctor`
ask before they use a capability (`lacks`). A case that needs what the CDC cannot do is skipped with
the reason ("the CDC 'mycdc' cannot restart: ..."), never an AttributeError.

The stack hands the framework a `ContractedRun`: every member answers, what the run lacks takes its
default or raises `CapabilityMissing`, and a run without a native progress gets the framework's
default progress (the `fallback` the stack passes to `contract`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sinkmatrix.model.cdc import CdcOutput

if TYPE_CHECKING:
    from sinkmatrix.model.faults import FaultSpec
    from sinkmatrix.model.progress import Progress

CORE = ("state", "stop", "kill", "close", "logs", "describe")  # sinkmatrix.model.cdc.CdcRun
PROGRESS_CORE = ("mark", "wait_past", "current", "wait_change")  # sinkmatrix.model.progress.Progress


@dataclass(frozen=True)
class Capability:
    members: tuple[str, ...]
    can: str  # "the CDC 'x' cannot <can>"
    without: str  # what the framework does when a run lacks it


CAPABILITIES: dict[str, Capability] = {
    "restart": Capability(("restart",), "restart",
                          "cases that kill and restart it (test_cdc_restart, the detection suite's "
                          "restarts) are skipped on its cells"),
    "pause": Capability(("pause", "resume"), "pause",
                        "cases that freeze it are skipped on its cells"),
    "progress": Capability(("progress",), "report its own progress",
                           "waits use the framework's heartbeat (sinks.heartbeat: beats written "
                           "upstream, awaited in the sink's view)"),
    "faults": Capability(("refuses", "inject", "faults", "clear_faults"), "take faults",
                         "the framework commits faults on the sink's side where it can "
                         "(sinks.consumer_faults); a fault only the CDC could commit skips the case"),
    "output": Capability(("output",), "name its output",
                         "its topics are read as <database>_<table>, under no release's rules"),
}
# the plug-in's own optional members (sinkmatrix.model.cdc.Cdc) and what their absence means
PLUGIN_OPTIONAL: dict[str, str] = {
    "unavailable": "its cells are taken to run on every machine",
    "upstream_options": "the embedded upstream starts with the framework's options only",
    "warm_up": "nothing starts before the stack's servers answer",
    "compose_flavour": "its cells run on the embedded backend only",
    "default_profile": "it gets cells only from a version profile that names it",
}
PLUGIN_REQUIRED = ("name", "backends", "emits", "start")


class CapabilityMissing(Exception):
    """A case (or the framework) asked a CDC for a capability its run does not offer: a skip, not an
    error."""

    def __init__(self, cdc: str, capability: str) -> None:
        self.cdc, self.capability = cdc, capability
        super().__init__(reason(cdc, capability))


class CdcContractError(TypeError):
    """A plug-in's run lacks part of the required core: the run cannot be used at all."""

    def __init__(self, cdc: str, what: str, missing: list[str], protocol: str) -> None:
        super().__init__(
            f"the CDC {cdc!r} does not meet the contract: its {what} lacks {', '.join(missing)} "
            f"(required of every {protocol}); subclass sinkmatrix.model.cdc_contract.CdcRunBase, or "
            f"sinkmatrix.cdcs.external.ExternalProcessCdc for a program, and run `sinkmatrix doctor "
            f"--check {cdc}`")


def reason(cdc: str, capability: str) -> str:
    """Why a case that needs `capability` is skipped on this CDC's cells."""
    cap = CAPABILITIES[capability]
    members = ", ".join(f"{m}()" if m != "progress" else m for m in cap.members)
    return f"the CDC {cdc!r} cannot {cap.can}: its run offers no {members}; {cap.without}"


class CdcRunBase:
    """Optional capabilities' safe defaults: a plug-in's run may subclass this and implement only
    the core (state, stop, kill, close, logs, describe) and what it offers; what it leaves as
    inherited counts as not offered."""

    cdc_name: str = ""  # its plug-in's name, for messages (the plug-in sets it)
    progress: Progress | None = None  # None: the framework's default progress

    def restart(self) -> None:
        raise CapabilityMissing(self.cdc_name or type(self).__name__, "restart")

    def pause(self) -> None:
        raise CapabilityMissing(self.cdc_name or type(self).__name__, "pause")

    def resume(self) -> None:
        raise CapabilityMissing(self.cdc_name or type(self).__name__, "pause")

    def refuses(self, fault: FaultSpec) -> str | None:
        return reason(self.cdc_name or type(self).__name__, "faults")

    def inject(self, fault: FaultSpec) -> None:
        raise CapabilityMissing(self.cdc_name or type(self).__name__, "faults")

    def faults(self) -> list[dict[str, Any]]:
        return []

    def clear_faults(self, databases: str | None = None) -> None:
        pass

    def output(self) -> CdcOutput:
        return CdcOutput()

    def capabilities(self) -> frozenset[str]:
        """The optional capabilities this run offers (what it implements itself)."""
        return detect(self)

    def supports(self, name: str) -> bool:
        return name in self.capabilities()


def _implements(run: Any, member: str) -> bool:
    if member == "progress":
        return getattr(run, "progress", None) is not None
    own = getattr(type(run), member, None)
    if own is None:
        return callable(getattr(run, member, None))
    return own is not getattr(CdcRunBase, member, None)


def detect(run: Any) -> frozenset[str]:
    """The capabilities whose every member the run implements (not inherited from CdcRunBase)."""
    return frozenset(name for name, cap in CAPABILITIES.items()
                     if all(_implements(run, m) for m in cap.members))


def capabilities(run: Any) -> frozenset[str]:
    """What a run offers: its own answer (CdcRunBase.capabilities(), which a run may narrow), else
    what it implements."""
    own = getattr(run, "capabilities", None)
    return frozenset(own()) if callable(own) else detect(run)


def lacks(run: Any, capability: str, cdc: str | None = None) -> str | None:
    """Why `run` cannot do `capability` (the skip reason), or None when it can. The one question the
    pytest plug-in, the DSL and the doctor ask."""
    if capability not in CAPABILITIES:
        raise ValueError(f"unknown CDC capability {capability!r}; known: {', '.join(CAPABILITIES)}")
    if capability in capabilities(run):
        return None
    name = cdc or getattr(run, "cdc_name", "") or type(run).__name__
    return reason(name, capability)


def check_core(run: Any, cdc: str) -> None:
    """CdcContractError unless the run has every member of the core."""
    missing = [m for m in CORE if not hasattr(type(run), m) and not hasattr(run, m)]
    if missing:
        raise CdcContractError(cdc, f"run ({type(run).__name__})", missing,
                               "CDC run: sinkmatrix.model.cdc.CdcRun")


class ContractedRun:
    """A plug-in's run as the framework uses it (the stack's `cdc`, the case's `ctx.cdc`): the core
    delegated, the capabilities it lacks answered by their defaults or by `CapabilityMissing`, and
    anything else of the run reachable as its own attribute."""

    def __init__(self, run: Any, cdc: str, progress: Progress, owns_progress: bool = False) -> None:
        """`owns_progress`: the progress is the framework's default, which `close()` closes too."""
        check_core(run, cdc)
        self.run, self.cdc_name, self.progress = run, cdc, progress
        self.offers = capabilities(run)
        self._owns_progress = owns_progress
        self.restarted_at: list[float] = []  # wall-clock times of restart() through the contract

    def capabilities(self) -> frozenset[str]:
        return self.offers

    def supports(self, name: str) -> bool:
        return name in self.offers

    def require(self, name: str) -> None:
        """CapabilityMissing unless the run offers `name` (a case asks before it kills anything)."""
        if name not in self.offers:
            raise CapabilityMissing(self.cdc_name, name)

    @property
    def state(self) -> str:
        return str(self.run.state)

    def stop(self) -> None:
        self.run.stop()

    def kill(self) -> None:
        self.run.kill()

    def close(self) -> None:
        try:
            self.run.close()
        finally:
            close = getattr(self.progress, "close", None)
            if self._owns_progress and callable(close):
                close()

    def logs(self) -> dict[str, Path]:
        return dict(self.run.logs())

    def describe(self) -> str:
        return str(self.run.describe())

    def restart(self) -> None:
        self.require("restart")
        self.restarted_at.append(time.time())
        self.run.restart()

    def pause(self) -> None:
        self.require("pause")
        self.run.pause()

    def resume(self) -> None:
        self.require("pause")
        self.run.resume()

    def refuses(self, fault: FaultSpec) -> str | None:
        if "faults" not in self.offers:
            return reason(self.cdc_name, "faults")
        return self.run.refuses(fault)

    def inject(self, fault: FaultSpec) -> None:
        self.require("faults")
        self.run.inject(fault)

    def faults(self) -> list[dict[str, Any]]:
        return list(self.run.faults()) if "faults" in self.offers else []

    def clear_faults(self, databases: str | None = None) -> None:
        if "faults" in self.offers:
            self.run.clear_faults(databases)

    def output(self) -> CdcOutput:
        return self.run.output() if "output" in self.offers else CdcOutput()

    def __getattr__(self, name: str) -> Any:  # the run's own extras (a handle, a client)
        if name == "run":  # not set yet: no recursion through __getattr__
            raise AttributeError(name)
        return getattr(self.run, name)

    def __repr__(self) -> str:
        return f"ContractedRun({self.cdc_name!r}, {self.run!r}, offers={sorted(self.offers)})"


class CompletedProgress:
    """A native progress with the optional members it lacks filled in (no diagnosis, no downtime,
    no restarts seen), so a slow wait never dies on a missing method."""

    def __init__(self, progress: Any, cdc: str) -> None:
        self._progress, self._cdc = progress, cdc
        self.exact = bool(getattr(progress, "exact", False))

    def mark(self) -> Any:
        return self._progress.mark()

    def wait_past(self, mark: Any, deadline: float) -> bool:
        return bool(self._progress.wait_past(mark, deadline))

    def current(self) -> int:
        return int(self._progress.current())

    def wait_change(self, seen: int, deadline: float) -> int:
        return int(self._progress.wait_change(seen, deadline))

    def describe(self) -> str:
        own = getattr(self._progress, "describe", None)
        return str(own()) if own is not None else f"the CDC {self._cdc!r} (its progress tells no more)"

    def failure(self) -> str | None:
        own = getattr(self._progress, "failure", None)
        return own() if own is not None else None

    def diagnose(self, mark: Any, since: float) -> str | None:
        own = getattr(self._progress, "diagnose", None)
        return own(mark, since) if own is not None else None

    def downtime(self, since: float) -> float:
        own = getattr(self._progress, "downtime", None)
        return float(own(since)) if own is not None else 0.0

    def restarts(self) -> list[float]:
        own = getattr(self._progress, "restarts", None)
        return list(own()) if own is not None else []

    def __getattr__(self, name: str) -> Any:
        if name == "_progress":
            raise AttributeError(name)
        return getattr(self._progress, name)


_PROGRESS_OPTIONAL = ("exact", "describe", "failure", "diagnose", "downtime", "restarts")


def complete_progress(progress: Any, cdc: str) -> Progress:
    """`progress` itself when it has every member, else with the optional ones filled in;
    CdcContractError when it lacks one a wait cannot do without."""
    missing = [m for m in PROGRESS_CORE if not callable(getattr(progress, m, None))]
    if missing:
        raise CdcContractError(cdc, f"progress ({type(progress).__name__})", missing,
                               "progress: sinkmatrix.model.progress.Progress")
    if all(hasattr(progress, m) for m in _PROGRESS_OPTIONAL):
        return progress
    return CompletedProgress(progress, cdc)


def contract(run: Any, cdc: str, fallback: Callable[[ContractedRun], Progress]) -> ContractedRun:
    """The run as the framework uses it. When the run offers no progress, `fallback(handle)` makes
    the framework's default one (it may ask the handle for the run's state and `restarted_at`)."""
    native = getattr(run, "progress", None)
    if native is not None:
        return ContractedRun(run, cdc, complete_progress(native, cdc))
    handle = ContractedRun(run, cdc, None, owns_progress=True)  # type: ignore[arg-type]
    handle.progress = complete_progress(fallback(handle), cdc)
    return handle
