"""Whose fault a failure is, from what it says: the CDC's, a documented behaviour of the CDC (with the
option that changes it), the transport's, the workload's, or ours (the framework's).

A judge that cannot say whose fault a failure is leaves the user to find out; this reads the exception
type, the message and the kinds of sink findings (as triage signatures hold them) and says it in a line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sinkmatrix.stack.keeper import NOT_RUN

# the assertions a case fails with when the pipeline delivered something else than the upstream holds
_PIPELINE = frozenset({"CheckFailed", "WaitTimeout", "PipelineFailed", "SinkProtocolError"})
_BEHAVIOUR = re.compile(r"CDC behaviour: (.+?)(?:\n|$)")
_OURS_FINDINGS = frozenset({"decoder-error"})


@dataclass(frozen=True)
class Blame:
    party: str  # "CDC" | "CDC behaviour" | "transport" | "workload" | "not run" | "framework"
    why: str

    def __str__(self) -> str:
        return f"{self.party}: {self.why}"


def blame(exception: str, message: str, finding_kinds: tuple[str, ...] = ()) -> Blame:
    """Whose fault a failure with this exception type, message and finding kinds is."""
    if behaviour := _BEHAVIOUR.search(message):
        return Blame("CDC behaviour", f"documented, not a defect of the framework: {behaviour.group(1)}")
    if message.startswith(NOT_RUN):
        return Blame("not run", "an earlier case on this cell left its CDC dead: see that case")
    if set(finding_kinds) & _OURS_FINDINGS:
        return Blame("framework", "a decoder failed on a record: a bug of the framework (or of a plug-in), "
                                  "not of the CDC; the finding names the record")
    if "transport-overflow" in finding_kinds:
        return Blame("transport", "the transport lost records before the view read them, not the CDC")
    if exception == "WorkloadFailed":
        return Blame("workload", "the upstream refused a statement of the workload")
    if exception in ("WorkloadError", "UsageError", "SqlFileError"):
        return Blame("workload", "the workload or the command line is not one the framework can run")
    if exception in _PIPELINE:
        if "the CDC pipeline failed" in message or finding_kinds:
            return Blame("CDC", "the CDC failed or wrote what its protocol does not allow")
        return Blame("CDC", "the sink does not hold what the upstream holds")
    return Blame("framework", f"{exception or 'an error'} raised inside the framework: a bug of ours "
                              "(or of a plug-in), not a verdict on the CDC")
