"""SQL-file cases: a folder holding `workload.sql` (and optionally `prepare.sql`) is a case.

Both files are DDL and DML without database names; they run in one upstream session in the test's
own database (a `SET` holds for what follows), `prepare.sql` first, then `workload.sql`, and the case
ends with the whole-database check (`ctx.sql.sync()`). A statement that fails upstream fails the
case with the file, the line and the server's error.

Limits the framework detects (dsl.limits: keyless tables, tables renamed, truncated, dropped or
changed by partition DDL) need no declaration: the whole-database check leaves just the tables they
concern out, with the reason, and checks the rest. A workload a sink cannot carry for a reason the
framework cannot see says so in a header comment, naming the adapter limit it meets
(`sinks.<adapter>.limits`):

    -- sinkmatrix: limit avro schema-evolution

On a cell of that sink the case is skipped with the limit's text as the reason; an unknown sink or
limit name fails the case, so a declaration cannot go stale silently. A header naming a limit the
framework detects skips nothing: that limit still applies per table.

A workload that shows a real defect or a documented behaviour of a CDC declares the catch:

    -- sinkmatrix: catches debezium-* "ParsingException" DBZ-2291: ANSI_QUOTES DDL stops the parser

On the cells the glob matches the case must fail, with a failure that says the quoted text: it is then
an expected failure (xfail) naming the catch; a pass fails the case (the catch went away: a fixed CDC,
so narrow the declaration), and any other failure stands as it is.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dsl import ddl_journal, limits, sqlfile
from dsl.sqlfile import Statement
from sinkmatrix.model.schema_journal import journal

FILES = ("prepare.sql", "workload.sql")
_DIRECTIVE = re.compile(r"^--\s*sinkmatrix:\s*limit\s+(\S+)\s+(\S+)\s*$", re.MULTILINE)
# -- sinkmatrix: catches <cell glob> "<text the failure contains>" <why, with its source>
_CATCH = re.compile(r'^--\s*sinkmatrix:\s*catches\s+(\S+)\s+"((?:[^"\\]|\\.)+)"\s+(.+?)\s*$', re.MULTILINE)
_CATCH_LINE = re.compile(r"^--\s*sinkmatrix:\s*catches\b", re.MULTILINE)


class WorkloadFailed(AssertionError):
    """A workload statement the upstream refused: file, line, statement and the server's error."""


class WorkloadError(ValueError):
    """A workload folder that is not one (no workload.sql, a bad limit declaration)."""


@dataclass(frozen=True)
class Catch:
    """A real defect or documented behaviour of a CDC the workload shows on some cells: there the case
    must fail, with a failure that says `match` (a strict expected failure)."""

    cells: str  # an fnmatch pattern over cell ids
    match: str
    why: str

    def applies(self, cell_id: str) -> bool:
        return fnmatch.fnmatchcase(cell_id, self.cells)


@dataclass(frozen=True)
class Workload:
    name: str
    folder: Path
    limits: dict[str, list[str]] = field(default_factory=dict)  # sink -> adapter limits it meets
    catches: tuple[Catch, ...] = ()

    def catch_on(self, cell_id: str) -> Catch | None:
        """The catch declared for this cell, if any."""
        return next((c for c in self.catches if c.applies(cell_id)), None)

    def statements(self) -> list[tuple[Path, Statement]]:
        out = []
        for name in FILES:
            path = self.folder / name
            if path.exists():
                out += [(path, s) for s in sqlfile.read(path)]
        return out

    def describe(self) -> str:
        """The workload's header: its leading comment lines (what it is, where it comes from)."""
        lines = []
        for line in (self.folder / "workload.sql").read_text(encoding="utf-8").splitlines():
            if not line.startswith("--"):
                break
            if not (_DIRECTIVE.match(line) or _CATCH_LINE.match(line)):
                lines.append(line[2:].strip())
        return "\n".join(lines) or f"SQL-file workload {self.name}"

    def __str__(self) -> str:
        return self.name


def load(folder: Path) -> Workload:
    """The workload in `folder` (WorkloadError if it holds no workload.sql)."""
    script = folder / "workload.sql"
    if not script.is_file():
        raise WorkloadError(f"{folder}: no workload.sql; a workload is a folder holding workload.sql "
                            "(and optionally prepare.sql)")
    text = script.read_text(encoding="utf-8")
    declared: dict[str, list[str]] = {}
    for sink, limit in _DIRECTIVE.findall(text):
        declared.setdefault(sink, []).append(limit)
    catches = tuple(Catch(cells, match.replace('\\"', '"'), why)
                    for cells, match, why in _CATCH.findall(text))
    if len(catches) != len(_CATCH_LINE.findall(text)):
        raise WorkloadError(f"{script}: a catch is declared as "
                            '-- sinkmatrix: catches <cell glob> "<text the failure contains>" <why>')
    return Workload(folder.name, folder, declared, catches)


def discover(root: Path) -> list[Workload]:
    """Every folder at or under `root` with a workload.sql, in path order."""
    return [load(script.parent) for script in sorted(root.rglob("workload.sql"))]


def limit_met(workload: Workload, sink: str, known: dict[str, str]) -> str | None:
    """Why `sink` (whose adapter declares the limits `known`) cannot carry the workload, in the
    adapter's words; None if it can."""
    names = workload.limits.get(sink)
    if not names:
        return None
    for name in names:
        if name not in known:
            raise WorkloadError(f"{workload.folder / 'workload.sql'}: the {sink} adapter declares no limit "
                                f"{name!r}; its limits: {', '.join(sorted(known)) or 'none'}")
    whole = [name for name in names if name not in limits.DETECTORS]  # the others apply per table
    if not whole:
        return None
    return "; ".join(f"{sink} cannot carry it ({name}: {known[name]})" for name in whole)


def run(ctx: Any, workload: Workload, timeout: float | None = None) -> Any:
    """Run the workload's statements upstream in one session of their own (what they SET — a time
    zone, an sql_mode — stays theirs: the checks read through sessions of their own), then the
    whole-database check."""
    ctx.sql.freeze_all()  # expectations of DSL requests still in flight read back first
    ctx.sql.verifier.wrote()
    own = ctx.upstream.engine.raw_connection()
    session = own.dbapi_connection
    session.autocommit(True)  # as a client's session: each statement commits unless in a transaction
    versions = journal(ctx.upstream.engine.url.port)
    cursor = session.cursor()
    try:
        for path, statement in workload.statements():
            ddl_journal.before(session, statement.sql, versions, ctx.database)
            try:
                cursor.execute(statement.sql)  # no arguments: a % in the text is a %
                while True:  # drain every result (SELECTs, CALLs)
                    cursor.fetchall()
                    if not cursor.nextset():
                        break
            except Exception as exc:  # the driver's error, as the server said it
                head = " ".join(statement.sql.split())[:120]
                where = f"{path}:{statement.line}"
                raise WorkloadFailed(f"{where}: the upstream refused `{head}`: {exc}") from None
            ddl_journal.after(session, statement.sql, versions, ctx.database)
    finally:
        cursor.close()
        own.close()
    return ctx.sql.sync(timeout)
