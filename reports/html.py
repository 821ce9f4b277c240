"""The run report: one self-contained index.html (cases × cells grid, triage, failures) and rerun.txt.

    python -m reports.html [RUN_DIR]     # default: reports/latest; prints the page's path
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import quote

from reports import left_out, reliability, rundir, triage
from reports.bundle import tail

OUTCOMES = ("passed", "failed", "error", "xfailed", "skipped")
NO_CELL = "-"  # summary.json's cell for a test that runs on no cell
TAIL_LINES = 50
TEST_LOG_RECORDS = 200


def esc(value: object) -> str:
    return escape(str(value), quote=True)


def render(run_dir: Path) -> Path:
    """Write run_dir/index.html and run_dir/rerun.txt from the run's summary.json; returns the page."""
    summary = triage.load_summary(run_dir)
    tests: dict[str, dict[str, Any]] = summary.get("tests", {})
    failed = [nodeid for nodeid, entry in tests.items() if entry.get("outcome") in triage.FAILED]
    (run_dir / "rerun.txt").write_text("".join(f"{nodeid}\n" for nodeid in failed))
    groups = triage.triage([run_dir])
    records = triage.log_records(run_dir, failed, last=TEST_LOG_RECORDS)
    # failures of one group sit together, biggest group first: the page reads like the triage
    ordered = dict.fromkeys([n for g in groups for n in g.nodeids] + failed)
    anchors = {nodeid: f"f-{i}" for i, nodeid in enumerate(ordered, 1)}
    body = [
        _header(run_dir, summary, len(failed)),
        _triage(groups, anchors),
        _grid(tests, anchors),
        _failures(run_dir, tests, anchors, records, groups[0].example.nodeid if groups else None),
        left_out.html_section(tests),
        reliability.html_section(run_dir),
    ]
    page = (f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>sinkmatrix {esc(summary.get('run', run_dir.name))}</title>"
            f"<style>{_CSS}</style></head>\n<body>\n{''.join(body)}<script>{_JS}</script></body></html>\n")
    out = run_dir / "index.html"
    out.write_text(page, encoding="utf-8")
    return out


def duration(seconds: float | None) -> str:
    if seconds is None:
        return ""
    if seconds < 60:
        return f"{seconds:.2f}s" if seconds < 10 else f"{seconds:.1f}s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes}m{rest:02d}s" if minutes < 60 else f"{minutes // 60}h{minutes % 60:02d}m"


def wall_time(run_dir: Path) -> tuple[dt.datetime | None, float | None]:
    """When the run started and how long it took, from junit.xml (the span of all its suites)."""
    try:
        root = ET.parse(run_dir / "junit.xml").getroot()
    except (OSError, ET.ParseError):
        return None, None
    spans = []
    for suite in root.iter("testsuite"):
        try:
            start = dt.datetime.fromisoformat(suite.get("timestamp", ""))
            spans.append((start, start + dt.timedelta(seconds=float(suite.get("time", "")))))
        except ValueError:
            continue
    if not spans:
        return None, None
    start, end = min(s for s, _ in spans), max(e for _, e in spans)
    return start, (end - start).total_seconds()


def row_key(nodeid: str, entry: dict[str, Any]) -> str:
    """The grid row of a test: its node id without the cell's part of the parameters."""
    case, bracket, params = nodeid.partition("[")
    cell = entry.get("cell", NO_CELL)
    if not bracket or cell == NO_CELL:
        return nodeid if bracket else case
    rest = params.rstrip("]").replace(cell, "", 1).replace("--", "-").strip("-")
    return f"{case}[{rest}]" if rest else case


def _header(run_dir: Path, summary: dict[str, Any], failed: int) -> str:
    totals: dict[str, int] = summary.get("totals", {})
    chips = "".join(f'<span class="chip {o}">{totals[o]} {o}</span>' for o in OUTCOMES if totals.get(o))
    started, took = wall_time(run_dir)
    facts = [f"{triage.counted(sum(totals.values()), 'test')} in "
             f"{triage.counted(len(summary.get('cells', {})), 'cell')}"]
    if took is not None:
        facts.append(f"wall time {duration(took)}")
    if started is not None:
        facts.append(f"started {started:%Y-%m-%d %H:%M:%S %Z}".strip())
    links = [(name, name) for name in ("summary.json", "junit.xml") if (run_dir / name).exists()]
    if failed:
        links.append((f"rerun.txt ({failed})", "rerun.txt"))
    nav = " · ".join(f'<a href="{esc(quote(href))}">{esc(label)}</a>' for label, href in links)
    command = f"pytest $(cat {_shown(run_dir.resolve() / 'rerun.txt')})"
    rerun = f'<p class="rerun">rerun the failures: <code>{esc(command)}</code></p>' if failed else ""
    return (f'<header><h1>sinkmatrix run <code>{esc(summary.get("run", run_dir.name))}</code></h1>'
            f'<p class="totals">{chips} <span class="facts">{esc(" · ".join(facts))}</span></p>'
            f'<p class="nav">{nav}</p>{rerun}</header>\n')


def _triage(groups: Sequence[triage.Group], anchors: dict[str, str]) -> str:
    if not groups:
        return ""
    total = sum(g.count for g in groups)
    rows = []
    for g in groups:
        cells = ", ".join("(no cell)" if c == NO_CELL else c for c in g.cells)
        sig = g.signature
        where = f'<span class="phase">{esc(sig.phase)}</span>' if sig.phase else ""
        kinds = "".join(f'<span class="kind">{esc(k)}</span>' for k in sig.finding_kinds)
        rows.append(
            f'<tr><td class="count">{g.count}×</td><td class="cells">{esc(cells)}</td>'
            f'<td><b>{esc(sig.exception)}</b> {where} {kinds}<p class="blame">whose fault: '
            f'<b>{esc(g.blame.party)}</b> — {esc(g.blame.why)}</p>'
            f'<pre class="sig">{esc(sig.message)}</pre></td>'
            f'<td><a href="#{anchors.get(g.example.nodeid, "")}">{esc(_short(g.example.nodeid))}</a>'
            "</td></tr>")
    title = f"{triage.counted(total, 'failure')} in {triage.counted(len(groups), 'group')}"
    return (f'<section id="triage"><h2>{title}</h2>'
            '<table class="triage"><thead><tr><th>count</th><th>cells</th><th>signature</th>'
            f'<th>first example</th></tr></thead><tbody>{"".join(rows)}</tbody></table></section>\n')


def _grid(tests: dict[str, dict[str, Any]], anchors: dict[str, str]) -> str:
    cells = sorted({e.get("cell", NO_CELL) for e in tests.values()}, key=lambda c: (c == NO_CELL, c))
    rows: dict[str, dict[str, list[tuple[str, dict[str, Any]]]]] = {}
    for nodeid, entry in tests.items():
        rows.setdefault(row_key(nodeid, entry), {}).setdefault(entry.get("cell", NO_CELL), []).append(
            (nodeid, entry))
    head = "".join(f"<th>{esc('(no cell)' if c == NO_CELL else c)}</th>" for c in cells)
    folder = os.path.commonpath([os.path.dirname(k.split("::", 1)[0]) for k in rows]) if rows else ""
    folder = folder + "/" if folder and all(k.startswith(folder + "/") for k in rows) else ""
    under = f' <span class="file">in {esc(folder)}</span>' if folder else ""
    body = []
    for key in sorted(rows):
        squares = "".join(f"<td>{_squares(rows[key].get(c, []), anchors)}</td>" for c in cells)
        failing = any(e.get("outcome") in triage.FAILED for ts in rows[key].values() for _, e in ts)
        file, sep, name = key.rpartition("::")
        label = f'<span class="file">{esc(file[len(folder):] + sep)}</span>{esc(name)}'
        state = "failing" if failing else "ok"
        body.append(f'<tr class="{state}"><th class="case" title="{esc(key)}">{label}</th>{squares}</tr>')
    legend = "".join(f'<span class="sq {o}">{o}</span>' for o in (*OUTCOMES, "notrun"))
    return ('<section id="grid"><h2>Cases × cells</h2><p class="tools">'
            '<label><input type="checkbox" id="only-failing"> only cases with failures</label>'
            f'<span class="legend">{legend.replace(">notrun<", ">not run<")}</span></p>'
            f'<div class="scroll"><table class="grid"><thead><tr><th>case{under}</th>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></div></section>\n')


def _squares(tests: Iterable[tuple[str, dict[str, Any]]], anchors: dict[str, str]) -> str:
    out = []
    for nodeid, entry in tests:
        outcome = entry.get("outcome", "passed")
        title = f"{outcome}: {nodeid}" + (f"\n{entry['message']}" if entry.get("message") else "")
        text = esc(duration(entry.get("duration")))
        attrs = f'class="sq {esc(outcome)}" title="{esc(title)}"'
        out.append(f'<a {attrs} href="#{anchors[nodeid]}">{text}</a>' if nodeid in anchors
                   else f"<span {attrs}>{text}</span>")
    return "".join(out) or '<span class="sq notrun" title="not run">–</span>'


def _failures(run_dir: Path, tests: dict[str, dict[str, Any]], anchors: dict[str, str],
              records: dict[str, list[triage.Record]], first: str | None) -> str:
    if not anchors:
        return ""
    parts = [_failure(run_dir, nodeid, tests[nodeid], anchor, records.get(nodeid), opened=nodeid == first)
             for nodeid, anchor in anchors.items()]
    return f'<section id="failures"><h2>Failures</h2>{"".join(parts)}</section>\n'


def _failure(run_dir: Path, nodeid: str, entry: dict[str, Any], anchor: str,
             records: list[triage.Record] | None, opened: bool) -> str:
    outcome = entry.get("outcome", "failed")
    bundle = _inside(run_dir, entry.get("bundle"))
    facts = [("cell", entry.get("cell")), ("phase", entry.get("phase")), ("when", entry.get("when")),
             ("exception", entry.get("exception")), ("duration", duration(entry.get("duration")))]
    facts_html = "".join(f"<div><dt>{k}</dt><dd>{esc(v)}</dd></div>" for k, v in facts if v)
    if bundle is not None:
        href = quote(str(bundle.relative_to(run_dir.resolve())))
        link = f'<a href="{esc(href)}/">{esc(entry.get("bundle"))}</a>'
        facts_html += f"<div><dt>bundle</dt><dd>{link}</dd></div>"
    if records is None:
        records = triage.bundle_records(bundle, last=TEST_LOG_RECORDS)
    exception = entry.get("exception") or triage.exception_type(entry)
    longrepr = str(entry.get("longrepr") or "")
    return (f'<details class="failure" id="{anchor}"{" open" if opened else ""}><summary>'
            f'<span class="badge {esc(outcome)}">{esc(outcome)}</span> <code>{esc(nodeid)}</code>'
            f'<span class="headline">{esc(entry.get("message", ""))}</span></summary>'
            f'<div class="body"><dl>{facts_html}</dl>'
            f'<h3>Diff</h3><pre class="diff">{esc(triage.exception_text(entry, exception))}</pre>'
            f"{_traceback(longrepr)}"
            f"{_findings(entry.get('findings') or [])}{_sink_history(bundle)}{_tails(run_dir, bundle)}"
            f"{_test_log(records)}"
            "</div></details>\n")


def _inside(run_dir: Path, relative: str | None) -> Path | None:
    """The bundle directory, only if it really lies inside the run (summary.json is just data)."""
    if not relative:
        return None
    path = (run_dir / relative).resolve()
    return path if path.is_dir() and path.is_relative_to(run_dir.resolve()) else None


def _traceback(longrepr: str) -> str:
    """pytest's whole report, folded: the diff above is its `E` lines, this is how it got there."""
    lines = []
    for line in longrepr.splitlines():
        cls = "e" if line.startswith("E ") else "src" if line.startswith(">") else ""
        lines.append(f'<span class="{cls}">{esc(line)}</span>' if cls else esc(line))
    return (f'<details class="traceback"><summary>traceback ({len(lines)} lines)</summary>'
            f'<pre class="tail">{chr(10).join(lines)}</pre></details>')


def _findings(findings: list[dict[str, Any]]) -> str:
    if not findings:
        return ""
    rows = "".join(
        f"<tr><td>{esc(f.get('kind'))}</td><td>{esc(f.get('topic'))}[{esc(f.get('partition'))}]"
        f"@{esc(f.get('offset'))}</td><td>{esc(f.get('field') or '')}</td><td>{esc(f.get('why'))}</td>"
        f"<td>{esc('.'.join(str(p) for p in (f.get('database'), f.get('table')) if p))}</td>"
        f"<td>{esc(f.get('key') if f.get('key') is not None else '')}</td></tr>" for f in findings)
    return (f"<h3>Sink findings ({len(findings)})</h3><table class=\"findings\"><thead><tr><th>kind</th>"
            "<th>where</th><th>field</th><th>why</th><th>table</th><th>key</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>")


def _sink_history(bundle: Path | None) -> str:
    """What the sink delivered for each failing key (from the bundle's context.json)."""
    try:
        context = json.loads((bundle / "context.json").read_text()) if bundle else {}
        history = context.get("sink_history")
    except (OSError, ValueError):
        return ""
    if not history:
        return ""
    parts = []
    for key, events in history.items():
        rows = "".join(
            f"<tr><td>{esc(e.get('topic'))}[{esc(e.get('partition'))}]@{esc(e.get('offset'))}</td>"
            f"<td>{esc(e.get('kind'))}</td><td>{esc(e.get('timestamp_ms'))}</td>"
            f"<td>{esc(', '.join(f'{k}={v}' for k, v in (e.get('values') or {}).items()))}</td></tr>"
            for e in events) or '<tr><td colspan="4">nothing delivered for this key</td></tr>'
        parts.append(f"<h4>{esc(key)}</h4><table class=\"findings\"><thead><tr><th>where</th><th>kind</th>"
                     f"<th>timestamp ms</th><th>values</th></tr></thead><tbody>{rows}</tbody></table>")
    return f"<h3>Sink history of the failing keys</h3>{''.join(parts)}"


def _tails(run_dir: Path, bundle: Path | None) -> str:
    if bundle is None:
        return ""
    files, items = [], []
    for path in sorted(bundle.iterdir()):
        href = esc(quote(str(path.relative_to(run_dir.resolve()))))
        if not path.name.endswith(".log.txt"):
            files.append(f'<a href="{href}">{esc(path.name)}</a>')
            continue
        lines = tail(path, TAIL_LINES)
        body = esc("".join(lines)) if lines else "(empty)"
        items.append(f'<li><details><summary><a href="{href}">{esc(path.name)}</a> '
                     f'<span class="dim">last {triage.counted(len(lines), "line")}</span></summary>'
                     f'<pre class="tail">{body}</pre></details></li>')
    listing = f'<p class="files">{" · ".join(files)}</p>' if files else ""
    return f'<h3>Bundle</h3>{listing}<ul class="bundle">{"".join(items)}</ul>'


def _test_log(records: list[triage.Record]) -> str:
    if not records:
        return ""
    rows = "".join(
        f'<tr class="{esc(r.get("level", ""))}"><td>{esc(str(r.get("timestamp", ""))[11:23])}</td>'
        f'<td>{esc(r.get("level", ""))}</td><td>{esc(r.get("logger", ""))}</td>'
        f'<td>{esc(r.get("event", ""))}</td><td>{esc(triage.own_fields(r))}</td>'
        f'<td class="dim">{esc(r.get("phase") or "")}</td></tr>' for r in records)
    return (f"<h3>Test log ({len(records)} records)</h3><table class=\"log\"><thead><tr><th>time</th>"
            "<th>level</th><th>logger</th><th>event</th><th>fields</th><th>phase</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>")


def _shown(path: Path) -> Path:
    """A path as typed from the working directory (where pytest runs), when it lies below it."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def _short(nodeid: str) -> str:
    return nodeid.rsplit("/", 1)[-1]


_CSS = """
:root{--pass:#1f7a3a;--pass-bg:#d9f2e0;--fail:#b3261e;--fail-bg:#fbd9d6;--err:#9a4a00;--err-bg:#fde3c2;
--skip:#6b5d00;--skip-bg:#f1ebbf;--none:#8a8f98;--none-bg:#eef0f3;--line:#d8dce2;--dim:#6b7280}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
color:#1f2933;background:#f7f8fa}
header{background:#1f2933;color:#f7f8fa;padding:14px 24px}
header h1{margin:0 0 6px;font-size:20px;font-weight:600}
header code{font-size:18px}header a{color:#9cc9ff}.facts{color:#cbd2d9;margin-left:8px}
.nav,.rerun{margin:4px 0;font-size:13px}.rerun code{background:#323f4b;padding:1px 6px;border-radius:3px;
font-size:12.5px}thead .file{font-weight:400}p.files{margin:2px 0 6px}details.traceback{margin:8px 0}
details.traceback>summary,ul.bundle summary{cursor:pointer}
section{padding:8px 24px}h2{font-size:17px;margin:14px 0 8px}h3{font-size:14px;margin:14px 0 6px}
code,pre{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,monospace;font-size:12.5px}
.chip{display:inline-block;padding:2px 10px;border-radius:11px;margin-right:6px;font-weight:600}
.chip.passed{background:var(--pass-bg);color:var(--pass)}.chip.failed{background:var(--fail-bg);color:var(--fail)}
.chip.error{background:var(--err-bg);color:var(--err)}.chip.skipped{background:var(--skip-bg);color:var(--skip)}
.chip.xfailed{background:var(--pass-bg);color:var(--pass)}
table{border-collapse:collapse;background:#fff}th,td{border:1px solid var(--line);padding:4px 8px;
text-align:left;vertical-align:top}thead th{background:#eef0f3;font-weight:600;white-space:nowrap}
.triage td.cells{white-space:nowrap}
.triage td.count{font-weight:700;font-size:16px;color:var(--fail);text-align:right}
pre.sig{margin:4px 0 0;white-space:pre-wrap;color:#323f4b}
.phase{background:#e6ecf5;color:#243b53;padding:0 6px;border-radius:3px;font-size:12px}
.kind{background:var(--err-bg);color:var(--err);padding:0 6px;border-radius:3px;font-size:12px;
margin-left:4px}
.scroll{overflow-x:auto}.grid th.case{font-weight:500;white-space:nowrap;
max-width:640px;overflow:hidden;text-overflow:ellipsis}.grid .file{color:var(--dim)}
.grid td{padding:3px;text-align:center}
.sq{display:inline-block;min-width:66px;padding:3px 6px;border-radius:4px;font-variant-numeric:tabular-nums;
font-size:12px;text-decoration:none;margin:1px}
.sq.passed{background:var(--pass-bg);color:var(--pass)}.sq.skipped{background:var(--skip-bg);color:var(--skip)}
.sq.xfailed{background:var(--pass-bg);color:var(--pass);font-style:italic}
.sq.failed{background:var(--fail);color:#fff;font-weight:600}.sq.error{background:var(--err);color:#fff;
font-weight:600}.sq.notrun{color:var(--none);background:repeating-linear-gradient(45deg,var(--none-bg) 0 6px,
#fff 6px 12px)}a.sq:hover{outline:2px solid #1f2933}
.tools{display:flex;gap:24px;align-items:center;margin:0 0 8px}.legend .sq{min-width:0}
body.only-failing .grid tr.ok{display:none}
details.failure{background:#fff;border:1px solid var(--line);border-left:4px solid var(--fail);
border-radius:4px;margin:0 0 10px}details.failure>summary{cursor:pointer;padding:8px 12px}
details.failure:target,details.failure.focus{box-shadow:0 0 0 3px #9cc9ff}
.headline{display:block;color:#323f4b;margin:4px 0 0 2px;font-family:ui-monospace,Menlo,Consolas,monospace;
font-size:12.5px;white-space:pre-wrap}
.badge{display:inline-block;padding:0 8px;border-radius:3px;color:#fff;font-weight:600;font-size:12px}
.badge.failed{background:var(--fail)}.badge.error{background:var(--err)}
.body{padding:0 14px 12px}dl{display:flex;flex-wrap:wrap;gap:4px 24px;margin:6px 0}
dl div{display:flex;gap:6px}dt{color:var(--dim)}dd{margin:0}
pre.diff,pre.tail{background:#1f2933;color:#e4e7eb;padding:10px 12px;border-radius:4px;overflow-x:auto;
max-height:520px;margin:0}pre.diff{background:#fff5f4;color:#7a1a14;border:1px solid var(--fail-bg);
white-space:pre-wrap}pre.tail .e{color:#ff9b93;font-weight:600}pre.tail .src{color:#ffd27a}
ul.bundle{list-style:none;padding:0;margin:0}ul.bundle li{margin:2px 0}.dim{color:var(--dim)}
table.log td{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}
table.log tr.warning td,table.log tr.error td{background:#fff4e5}
"""

_JS = """
function openFailure(id){var d=document.getElementById(id);if(!d||d.tagName!=='DETAILS')return;
document.querySelectorAll('details.focus').forEach(function(x){x.classList.remove('focus')});
d.open=true;d.classList.add('focus');d.scrollIntoView({block:'start'});}
document.addEventListener('click',function(ev){var a=ev.target.closest('a[href^="#f-"]');
if(a){ev.preventDefault();history.replaceState(null,'',a.getAttribute('href'));
openFailure(a.getAttribute('href').slice(1));}});
if(location.hash)openFailure(location.hash.slice(1));
var box=document.getElementById('only-failing');
if(box)box.addEventListener('change',function(){document.body.classList.toggle('only-failing',box.checked)});
"""


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if any(a in ("-h", "--help") for a in args) or len(args) > 1:
        print(__doc__.strip().splitlines()[-1].strip())
        return 0 if args and args[0] in ("-h", "--help") else 2
    run_dir = Path(args[0]) if args else rundir.reports_root() / "latest"
    try:
        print(render(run_dir))
    except FileNotFoundError as exc:
        print(f"html: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
