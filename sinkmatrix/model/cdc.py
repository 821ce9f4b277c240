"""The CDC under test as a plug-in: what it needs from a stack, how it starts, what it can emit, and
the run it starts — a small required core and optional capabilities (sinkmatrix.model.cdc_contract
says which a run offers, and what the framework does without each). Plug-ins register by name in
the `sinkmatrix.cdcs` entry-point group — ours as anyone's — and a version profile's `cdc` names one.

Nothing here imports a plug-in: each loads by its 'module:Class' name when a cell needs it, so a
run of Debezium cells never loads the reference CDC, and the reverse.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from difflib import get_close_matches
from importlib import import_module
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

if TYPE_CHECKING:
    from sinkmatrix.model.cells import Cell, VersionProfile
    from sinkmatrix.model.faults import FaultSpec
    from sinkmatrix.model.progress import Progress

ENTRY_POINT_GROUP = "sinkmatrix.cdcs"


@dataclass
class CdcEnvironment:
    """What a stack gives the CDC of one cell."""

    cell: Cell
    upstream: Any  # the upstream database server (sinkmatrix.model.servers.DatabaseServer)
    downstream: Any  # the downstream server: the target of a MySQL sink
    services: dict[str, Any]  # "kafka" (.bootstrap), "schema-registry" (.url), as the sink needs
    root: Path  # the CDC's own scratch directory: its offsets, history and logs
    lease: Any  # the stack's lease (sinkmatrix.stack.leases.Lease): processes and directories it owns
    databases: str  # fnmatch pattern of the databases to capture (every test database)
    warm: Any = None  # what the plug-in's warm_up() returned for this cell
    settings: dict[str, Any] = field(default_factory=dict)  # anything else a stack of one's own passes


@dataclass(frozen=True)
class CdcOutput:
    """How a CDC names and writes its output: what the sink's view must know to read it.

    The default is a CDC whose topics are `<database>_<table>` (TiCDC's and the reference CDC's
    naming) and whose messages follow the format's rules of no particular release."""

    topic_prefix: str = ""  # what precedes the database in its topics' names ("dbserver1.")
    schema_topic: str | None = None  # the topic of schema changes (Debezium's `topic.prefix`), if any
    producer: str = ""  # who writes a format several programs write ("ticdc" for TiCDC's Debezium JSON)
    release: str | None = None  # the producer's release ("3.6", "TiCDC v7.5.6"): the rules held to
    # releases the run moved on to (an upgrade in place): what they write is held to their own release
    later_releases: list[str] = field(default_factory=list, compare=False)


class CdcRun(Protocol):
    """A CDC running for one cell: the core every run has. `start()` returned it streaming.

    Optional capabilities (sinkmatrix.model.cdc_contract.CAPABILITIES): `restart()`; `pause()` and
    `resume()`; `progress` (a native position, else the framework's default progress); `refuses()`,
    `inject()`, `faults()`, `clear_faults()` (CDC-side faults); `output()` (how it names its topics).
    Subclass sinkmatrix.model.cdc_contract.CdcRunBase to inherit their safe defaults."""

    @property
    def state(self) -> str:
        """starting | streaming | stopped | failed."""

    def stop(self) -> None:
        """Stop it as an operator would (its offsets committed)."""

    def kill(self) -> None:
        """SIGKILL, or the nearest to it: no warning, nothing flushed."""

    def close(self) -> None:
        """Stop it if it runs, and release what the run holds (the stack's teardown)."""

    def logs(self) -> dict[str, Path]:
        """Its log files by name, for failure bundles."""

    def describe(self) -> str:
        """Its state in a line (for diagnostics)."""


class Restartable(Protocol):
    def restart(self) -> None:
        """Kill it, then start it again from its own checkpoint (replays are at-least-once)."""


class Pausable(Protocol):
    def pause(self) -> None:
        """Freeze it (SIGSTOP or the CDC's own pause)."""

    def resume(self) -> None:
        """Undo `pause`."""


class Positioned(Protocol):
    @property
    def progress(self) -> Progress | None:
        """What waits block on: its own position; None: the framework's default progress."""


class FaultInjectable(Protocol):
    def refuses(self, fault: FaultSpec) -> str | None:
        """Why this fault cannot be injected into this run, or None if it can."""

    def inject(self, fault: FaultSpec) -> None:
        """Make it (or the path its output takes) misbehave; FaultRefused if it cannot."""

    def faults(self) -> list[dict[str, Any]]:
        """The faults installed now, each with "kind", "databases", "nth" and "seen" (how many
        changes it has met that it could bend): a fault that never met one proves nothing."""

    def clear_faults(self, databases: str | None = None) -> None:
        """Remove the faults installed for `databases` (all when None)."""


class NamesItsOutput(Protocol):
    def output(self) -> CdcOutput:
        """How it names and writes its output (topics, producer, release)."""


class Cdc(Protocol):
    """A CDC plug-in. A plug-in may subclass it to inherit the defaults below (nothing missing, no
    server options, nothing to warm up, no compose flavour, no profile of its own)."""

    name: ClassVar[str]
    backends: ClassVar[tuple[str, ...]]  # where it can run: "embedded", "compose"

    def emits(self, profile: VersionProfile) -> dict[str, tuple[str, ...]]:
        """The sinks (wire formats) it can emit at this version, each with the variants it can write."""

    def start(self, env: CdcEnvironment) -> CdcRun:
        """Start it on the embedded backend; return once it streams (not merely runs)."""

    def unavailable(self, cell: Cell) -> str | None:
        """Why it cannot run this cell on this machine (a runtime not installed: say how to get it),
        or None."""
        return None

    def upstream_options(self, cell: Cell) -> tuple[str, ...]:
        """Server options the embedded upstream MariaDB must start with for it."""
        return ()

    def warm_up(self, cell: Cell, root: Path, lease: Any) -> Any:
        """What can start before the stack's servers answer (a JVM, say), handed to `start()` as
        env.settings["warm"]; None when nothing can."""
        return None

    def compose_flavour(self) -> Any:
        """How it runs on the compose backend (sinkmatrix.stack.compose_flavours.Flavour), or None:
        its cells run on the embedded backend only."""
        return None

    def default_profile(self) -> dict[str, Any] | None:
        """A version profile of its own, as a profile table of axes.toml reads ("name", "backends",
        component versions...), used while no axes file names a profile for it; None: none."""
        return None


class UnknownCdc(LookupError):
    def __init__(self, name: str, known: list[str]) -> None:
        close = get_close_matches(name, known, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        super().__init__(f"unknown CDC {name!r}{hint}; registered CDCs: {', '.join(known) or 'none'} "
                         f"(a plug-in registers in the {ENTRY_POINT_GROUP!r} entry-point group of its "
                         "package, e.g. [project.entry-points.\"sinkmatrix.cdcs\"] "
                         "mycdc = \"mycdc.plugin:MyCdc\", then is installed: pip install -e .)")


def ask(plugin: Any, member: str, *args: Any) -> Any:
    """Call one of the plug-in's optional members (`unavailable`, `upstream_options`, `warm_up`,
    `compose_flavour`, `default_profile`), or the default `Cdc` gives it when the plug-in has none
    (a plug-in need not subclass Cdc: it never dies on a method it left out)."""
    own = getattr(plugin, member, None)
    return own(*args) if callable(own) else getattr(Cdc, member)(plugin, *args)


def available() -> dict[str, str]:
    """CDC name -> 'module:Class', from the installed packages' entry points (the first of a name)."""
    found: dict[str, str] = {}
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        found.setdefault(ep.name, ep.value)
    return found


_LOADED: dict[str, Cdc] = {}


def get(name: str) -> Cdc:
    """The plug-in registered as `name` (loaded on first use)."""
    if name not in _LOADED:
        known = available()
        if name not in known:
            raise UnknownCdc(name, sorted(known))
        module, _, attr = known[name].partition(":")
        _LOADED[name] = getattr(import_module(module), attr)()
    return _LOADED[name]
