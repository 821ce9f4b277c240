"""Each failure says whose fault it is: the CDC's, a documented CDC behaviour, the transport's, the
workload's, or the framework's own."""

import pytest

from reports.blame import blame

pytestmark = pytest.mark.framework


@pytest.mark.parametrize(("exception", "message", "kinds", "party"), [
    ("CheckFailed", "database <db>: 1 difference(s) …\n  table t key (id=1): missing in the sink", (), "CDC"),
    ("PipelineFailed", "the CDC pipeline failed: connector stopped", (), "CDC"),
    ("SinkProtocolError", "the sink emitted 1 protocol violation(s)", ("type-mismatch",), "CDC"),
    ("CheckFailed", "table t key (id=1): t: expected None, actual 1970-01-01 00:00:00\n"
                    "  CDC behaviour: JsonConverter writes the default for a NULL — option "
                    "value.converter.replace.null.with.default=false", (), "CDC behaviour"),
    ("SinkProtocolError", "the sink emitted 1 protocol violation(s)", ("decoder-error",), "framework"),
    ("SinkProtocolError", "embedded Kafka dropped messages", ("transport-overflow",), "transport"),
    ("WorkloadFailed", "w.sql:3: the upstream refused `INSERT …`", (), "workload"),
    ("StackError", "not run: the CDC died in test_a[x]: ParsingException", (), "not run"),
    ("KeyError", "'offset'", (), "framework"),
    ("AttributeError", "'NoneType' object has no attribute 'x'", (), "framework"),
])
def test_a_failure_names_whose_fault_it_is(exception, message, kinds, party):
    assert blame(exception, message, kinds).party == party


def test_a_documented_behaviour_names_what_the_cdc_did_and_the_option():
    found = blame("CheckFailed", "x\n  CDC behaviour: NULL written as the column default — option o=false\n")
    assert str(found) == ("CDC behaviour: documented, not a defect of the framework: NULL written as the "
                          "column default — option o=false")
