"""The detection table: failures sorted into categories, and the table a user reads."""

from __future__ import annotations

from dsl import CheckFailed, SinkProtocolError, WaitTimeout
from reports import reliability
from reports.reliability import Entry, classify
from sinks.base import Finding


def test_failures_fall_into_the_category_a_reader_would_name():
    finding = Finding("bad-magic", "sm_a_t", 0, 3, "value", "magic byte 7")
    assert classify(SinkProtocolError([finding])).category == "protocol violation"
    assert "sm_a_t[0]@3" in classify(SinkProtocolError([finding])).detail
    dup = Finding("duplicate", "sm_a_t", 1, 4, None, "again")
    assert classify(SinkProtocolError([dup])).category == "duplicate"
    mismatch = classify(CheckFailed("sm_a.t key (id=1)\n  note: expected 'x', actual ''"))
    assert (mismatch.category, mismatch.detail) == ("value mismatch", "column note")
    missing = "sink did not reflect 1 of 1 keys within 3s:\n  sm_a.t key (id=1): missing in the sink"
    assert classify(WaitTimeout(missing)).category == "missing row"
    assert classify(WaitTimeout("no progress: the CDC reported nothing for 1.5s.\n" + missing)).category \
        == "stall (no progress)"
    assert classify(WaitTimeout("the CDC took the changes in but ... it lags behind.\n" + missing)).detail \
        == "keys (id=1)"
    assert classify(WaitTimeout("the CDC pipeline failed: ApplyError: boom")).category == "CDC failure"
    assert classify(None).category == "passed"


def test_the_table_counts_catches_and_false_alarms(tmp_path):
    entries = [
        Entry("drop", "rows", "mysql-mysql-local", "missing row", "missing row", "keys (id=1)", 0.1),
        Entry("drop", "rows", "avro-kafka-local", "missing row", "value mismatch", "column v", 0.2),
        Entry("bad-magic", "rows", "mysql-mysql-local", "n/a", "n/a", "", None, "no messages"),
        Entry("(none)", "rows", "mysql-mysql-local", "passed", "passed", "", 0.05),
        Entry("(none)", "rows", "avro-kafka-local", "passed", "missing row", "keys (id=2)", 3.0),
    ]
    for entry in entries:
        reliability.record(tmp_path, "gw0", entry)
    written = reliability.write(tmp_path, "run-1", also=tmp_path / "RELIABILITY.md")
    text = written.read_text()
    assert text == (tmp_path / "RELIABILITY.md").read_text()
    assert ("**1 of 2 fault × sink runs ended as expected; clean runs: 1 of 2 passed "
            "(false alarms: 1).**") in text
    assert "| `drop` | ❌ value mismatch 0.20s | ✅ missing row 0.10s |" in text
    assert "| `bad-magic` |  | — |" in text and "no messages" in text
    assert 'class="failed"' in reliability.html_section(tmp_path)
    assert reliability.write(tmp_path / "empty", "run-2") is None


def test_a_cdc_with_no_fault_hooks_gets_a_column_and_a_table_of_its_own(tmp_path):
    entries = [
        Entry("drop", "rows", "mysql-mysql-local", "missing row", "missing row", "keys (id=1)", 0.1),
        Entry("drop", "rows", "mysql-mysql-local", "missing row", "missing row", "keys (id=1)", 0.02,
              hooks="none"),
        Entry("drop", "rows", "avro-kafka-local", "missing row", "value mismatch", "column v", 0.2,
              hooks="none"),
        Entry("crash", "replay", "avro-kafka-local", "n/a", "n/a", "", None, "its own lifecycle",
              hooks="none"),
    ]
    for entry in entries:
        reliability.record(tmp_path, "gw0", entry)
    text = reliability.write(tmp_path, "run-1").read_text()
    assert "| fault | avro-kafka-local | mysql-mysql-local | no fault hooks |" in text
    assert "| `drop` |  | ✅ missing row 0.10s | ❌ 1 of 2 sinks |" in text
    assert "| `crash` |  |  | — |" in text
    assert "A CDC with no fault hooks: 1 of 2 fault × sink runs" in text
    section = text.split("## A CDC with no fault hooks", 1)[1].split("## Details", 1)[0]
    assert "| `drop` | ❌ value mismatch 0.20s | ✅ missing row 0.02s |" in section
    assert "| `crash` | — |  |" in section
    assert "| `crash` | avro-kafka-local (no fault hooks) | replay | n/a | — | its own lifecycle |" in text
    assert "drop (no fault hooks)" in reliability.html_section(tmp_path)
