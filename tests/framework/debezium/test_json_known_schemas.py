"""The JSON parser reads a known schema text once: a record that repeats it byte for byte has only its
payload read, and is judged exactly as when it is read whole. Broken records behind a known schema
(Debezium's own events from tests/vectors/debezium-3.6, edited as bytes) get the findings they get
from a parser that has seen nothing before."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from sinks.base import Record
from sinks.debezium_decode import DebeziumDecoder
from sinks.debezium_json import KnownSchemas, json_parser
from tests.framework.debezium.test_vectors import JSON, decoder_for, load, records

pytestmark = pytest.mark.framework


def _inserts() -> tuple[dict[str, Any], list[Record]]:
    vector = load(JSON)
    found = [r for r in records(vector) if r.topic.endswith(".t") and r.value and b'"op":"c"' in r.value]
    assert len(found) >= 2, "the vector has two inserts into t"
    return vector, found


def _decoder(vector: dict[str, Any]) -> DebeziumDecoder:
    made = decoder_for(vector)()
    made.parse = json_parser(with_schemas=True)  # a parser of its own: nothing learned yet
    return made


def _judged(vector: dict[str, Any], record: Record,
            learned_from: Record | None) -> list[tuple[str, str | None]]:
    decoder = _decoder(vector)
    if learned_from is not None:
        first = decoder.decode(learned_from)
        assert first.findings == [], [str(f) for f in first.findings]
    return [(f.kind, f.field) for f in decoder.decode(record).findings]


def _edited(record: Record, edit: Callable[[bytes], bytes]) -> Record:
    assert record.value is not None
    return Record(record.topic, record.partition, record.offset + 1000, record.key, edit(record.value))


EDITS: dict[str, Callable[[bytes], bytes]] = {
    "a key twice in the payload": lambda v: v.replace(b'"op":"c"', b'"op":"c","op":"c"', 1),
    "a field after the payload": lambda v: v[:-1] + b',"extra":1}',
    "bytes after the record": lambda v: v + b" {}",
    "NaN in the payload": lambda v: v.replace(b'"ts_ms":', b'"ts_ms":NaN,"x":', 1),
    "the payload cut short": lambda v: v[:-40],
    "not UTF-8 in the payload": lambda v: v.replace(b'"op":"c"', b'"op":"\xff"', 1),
    "a second payload": lambda v: v[:-1] + b',"payload":{}}',
}


@pytest.mark.parametrize("edit", list(EDITS))
def test_a_broken_record_behind_a_known_schema_is_judged_as_when_read_whole(edit: str) -> None:
    vector, (first, second, *_) = _inserts()
    broken = _edited(second, EDITS[edit])
    cold = _judged(vector, broken, learned_from=None)
    warm = _judged(vector, broken, learned_from=first)
    assert cold, f"{edit}: the edit should be a finding"
    assert warm == cold


def test_a_record_behind_a_known_schema_decodes_to_the_same_change() -> None:
    vector, (first, second, *_) = _inserts()
    cold = _decoder(vector).decode(second)
    decoder = _decoder(vector)
    decoder.decode(first)
    warm = decoder.decode(second)
    assert warm.findings == cold.findings == []
    assert [(c.kind, c.before, c.after) for c in warm.changes] == [(c.kind, c.before, c.after)
                                                                   for c in cold.changes]


def test_only_a_schema_repeated_exactly_is_known() -> None:
    _, (first, second, *_) = _inserts()
    assert first.value is not None and second.value is not None
    text = first.value.decode()
    known = KnownSchemas()
    schema, _ = known.split(text) or (None, None)
    assert type(schema) is dict
    again, payload = known.split(second.value.decode()) or (None, None)
    assert again is schema and payload["op"] == "c"  # the table's next record: its payload only read
    other = text.replace('"optional":false', '"optional":true', 1)  # another schema, same payload
    assert (known.split(other) or (schema,))[0] is not schema
    spaced = text.replace('{"schema":', '{"schema": ', 1)  # not the converter's compact form
    assert known.split(spaced) is None


def test_the_known_schemas_are_bounded() -> None:
    known = KnownSchemas(limit=3)
    texts = [f'{{"schema":{{"n":{i}}},"payload":{{}}}}' for i in range(5)]
    first = [known.split(t)[0] for t in texts]  # type: ignore[index]
    again = [known.split(t)[0] for t in reversed(texts)]  # type: ignore[index]
    # the last three were known (the same objects); the first two had been let go, and were read anew
    assert [a is f for a, f in zip(again, reversed(first), strict=True)] == [True, True, True, False, False]
