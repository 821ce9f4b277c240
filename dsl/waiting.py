"""The wait loop: block on the sink's progress, look once it has caught up, decide, or time out."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import structlog

from dsl import diffs
from dsl.arrived import arrived
from dsl.errors import CheckFailed, PipelineFailed, SinkProtocolError, WaitTimeout
from dsl.verify import Expected, KeyOutcome, Verdict

if TYPE_CHECKING:
    from dsl.helper import SQLHelper

log = structlog.get_logger("sinkmatrix.wait")
_RECOVERY_LOOK = 0.25  # seconds between looks while the CDC restarts after a crash
_SHOW = 10  # keys listed in a message before "… and N more"


def wait_for(helper: SQLHelper, expectations: Sequence[Expected], timeout: float) -> Verdict:
    """Return once the sink shows every key, or shows them all and the pipeline has caught up.

    Keys missing (or present though deleted) keep the wait going until the deadline, then
    `WaitTimeout` names them with what the sink last showed — at once when the sink's progress is
    exact and says it has applied everything written before the wait: nothing more will come.
    Keys present with other values end the wait once the sink has applied everything sent;
    `check()` then reports the column diff.
    """
    progress = helper.progress
    started = time.monotonic()
    mark = progress.mark()
    looks = 0
    grace = 0.0  # the time the CDC spent coming back from a crash does not count (sinkmatrix.model.progress)
    while True:
        deadline = started + timeout + grace
        caught_up = progress.wait_past(mark, deadline)
        findings = helper.findings()
        if findings:  # what the sink emitted wrong comes first: a failure may only follow from it
            raise SinkProtocolError(findings)
        failure = progress.failure()
        if failure:
            raise PipelineFailed(f"the CDC pipeline failed: {failure}")
        seen = progress.current()
        verdict = helper.verifier.verify(expectations)
        looks += 1
        if not verdict.bad or (verdict.different and not verdict.missing
                               and (caught_up or time.monotonic() >= deadline)):
            log.debug("wait done", keys=verdict.checked, looks=looks, mismatched=len(verdict.bad),
                      ms=round((time.monotonic() - started) * 1000, 2))
            if not caught_up:
                helper.progress_missed(f"a wait for {verdict.checked} key(s)", time.monotonic() - started)
            return verdict
        if caught_up and progress.exact:
            raise WaitTimeout(_timeout_message(verdict, None, progress.describe(), None),
                              _keys(verdict.bad))
        downtime = progress.downtime(started)
        recovering, grace = downtime > grace, downtime
        deadline = started + timeout + grace
        if time.monotonic() >= deadline and not recovering:
            # a stall is judged on the wait's last half: a commit reported just after it began
            # (the table's DDL, say) must not hide that nothing came since
            why = None if caught_up else progress.diagnose(mark, max(started, time.monotonic() - timeout / 2))
            raise WaitTimeout(_timeout_message(verdict, timeout, progress.describe(), why),
                              _keys(verdict.bad))
        # while the CDC restarts, look again now and then: its streaming again may bring no batch
        until = max(deadline, time.monotonic() + _RECOVERY_LOOK) if recovering else deadline
        progress.wait_change(seen, until)


def check_now(helper: SQLHelper, expectations: Sequence[Expected], timeout: float, what: str = "") -> None:
    """Look at the sink as it is now; if it differs, let it catch up with everything written so far
    (changes may still be on their way) and look once more, then raise `CheckFailed`."""
    verdict = helper.verifier.verify(expectations, reuse_upstream=True)
    if not verdict.bad:
        return
    progress = helper.progress
    started = time.monotonic()
    caught_up = progress.wait_past(progress.mark(), started + timeout)
    if findings := helper.findings():
        raise SinkProtocolError(findings)
    verdict = helper.verifier.verify(expectations)
    if not verdict.bad and not caught_up:  # right at last, but only the deadline said when to look
        helper.progress_missed(what or f"a check of {verdict.checked} key(s)", time.monotonic() - started)
    if verdict.bad:
        if not caught_up:
            behind = f"the sink had not caught up within {timeout:g}s ({progress.describe()})"
            what = f"{what}; {behind}" if what else behind
        raise_if_bad(verdict, what, helper)


def raise_if_bad(verdict: Verdict, what: str = "", helper: Any = None) -> None:
    """`CheckFailed` naming every differing column (and, where the view could not hold a value, what
    arrived: `helper`'s view history), and the keys missing or left over in the sink."""
    bad = verdict.bad
    if not bad:
        return
    different, missing = verdict.different, verdict.missing
    parts = [_mismatch(o, helper) for o in different[:_SHOW]]
    parts += [_describe(o) for o in missing[: max(0, _SHOW - len(parts))]]
    lines = [f"{what}:"] if what else []
    if len(bad) > 1:
        wrong = f"are wrong ({len(missing)} missing or left over)" if missing else "differ"
        lines.append(f"{len(bad)} of {verdict.checked} rows {wrong} in the sink")
    if len(bad) > _SHOW:
        parts.append(f"… and {len(bad) - _SHOW} more keys")
    every = [_mismatch(o, helper) for o in different] + [_describe(o) for o in missing]
    raise CheckFailed("\n".join(lines + parts), _keys(different + missing), details=every)


def _mismatch(outcome: KeyOutcome, helper: Any) -> str:
    key = dict(zip(outcome.schema.key, outcome.key, strict=True))
    text = diffs.format_mismatch(outcome.schema, key, list(outcome.diffs))
    return text + (arrived(helper, outcome.schema, key, outcome.diffs) if helper is not None else "")


def _keys(outcomes: Sequence[KeyOutcome]) -> list[tuple[str, str, tuple[Any, ...]]]:
    return [(o.schema.database, o.schema.name, o.key) for o in outcomes[:_SHOW]]


def _timeout_message(verdict: Verdict, timeout: float | None, where: str, why: str | None) -> str:
    """`timeout` None: the sink caught up with everything written, so waiting longer cannot help."""
    bad = verdict.bad
    within = f"within {timeout:g}s" if timeout is not None else \
        "though it has applied everything written before the wait"
    lines = [f"sink did not reflect {len(bad)} of {verdict.checked} keys {within} (sink {where}):"]
    if why:
        lines.insert(0, f"{why}.")
    for outcome in bad[:_SHOW]:
        lines.append("  " + _describe(outcome))
    if len(bad) > _SHOW:
        lines.append(f"  … and {len(bad) - _SHOW} more")
    return "\n".join(lines)


def _describe(o: KeyOutcome) -> str:
    where = f"{o.schema.qualified} key ({o.key_text()})"
    if o.state == "missing":
        return f"{where}: missing in the sink (expected {_row(o.expected)})"
    if o.state == "unexpected":
        return f"{where}: still present in the sink though deleted upstream (sink shows {_row(o.actual)})"
    cols = ", ".join(d.column for d in o.diffs)
    return f"{where}: differs in {cols} (sink shows {_row(o.actual)})"


def _row(row: dict | None) -> str:
    if row is None:
        return "no row"
    text = ", ".join(f"{k}={v!r}" for k, v in row.items())
    return "{" + (text if len(text) <= 200 else text[:200] + "…") + "}"
