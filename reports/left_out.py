"""Tables a declared sink limit left out of a case's check: listed in the report, never silent.

Each case's entry in summary.json may carry "left_out": one line per table, saying what the framework
saw of the table and which limit of which sink it concerns (dsl.limits).
"""

from __future__ import annotations

from html import escape as esc
from typing import Any


def entries(tests: dict[str, dict[str, Any]]) -> list[tuple[str, str, str]]:
    """(node id, cell, line) for every table left out in the run, by node id."""
    return [(nodeid, str(entry.get("cell", "-")), line) for nodeid, entry in sorted(tests.items())
            for line in entry.get("left_out") or ()]


def terminal_line(tests: dict[str, dict[str, Any]]) -> str | None:
    found = entries(tests)
    if not found:
        return None
    cases = len({nodeid for nodeid, _, _ in found})
    return (f"left out by declared limits: {len(found)} table(s) in {cases} case(s), the rest of each "
            "case checked (the report lists them)")


def html_section(tests: dict[str, dict[str, Any]]) -> str:
    found = entries(tests)
    if not found:
        return ""
    rows = "".join(f"<tr><td><code>{esc(nodeid)}</code></td><td>{esc(cell)}</td><td>{esc(line)}</td></tr>"
                   for nodeid, cell, line in found)
    return ('<section id="left-out"><h2>Left out by declared limits</h2>'
            "<p>Tables a limit of the sink concerns were left out of these cases' checks; every other "
            "table was checked.</p>"
            f'<table class="left-out"><thead><tr><th>case</th><th>cell</th><th>table and limit</th></tr>'
            f"</thead><tbody>{rows}</tbody></table></section>\n")
