"""The decoders' fast paths change no finding: the fast JSON reading declines whatever only the strict
reading may judge, and a Canal-JSON message of a shape seen clean decodes as the full reading does."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sinkmatrix.model.schema import TableSchema
from sinks import json_fast
from sinks.base import Decoded
from sinks.canal_frame import STRICT_JSON, Malformed, parse_record
from sinks.canal_json import CanalJsonDecoder
from tests.framework.canal_samples import (
    DB,
    FAMILIES,
    ID,
    TABLE,
    dele,
    encode,
    ins,
    record,
    upd,
    upstream_of,
)
from tests.framework.test_canal_json_findings import CASES, TIDB_CASES, mutations, rename

pytestmark = pytest.mark.framework


# --- the fast JSON reading -----------------------------------------------------------------------

DECLINED = [
    b'{"a":1,"a":2}',  # a key twice, compact
    b'{"a":1, "a":2}',
    b'{"a" :1,"a":2}',  # whitespace before the colon
    b'{"a"\n:1,"a"\t:2}',
    b'{"a":"\\"x","a":2}',  # a backslash in the bytes
    b'{"a\\u0062":1,"ab":2}',  # the same key, one spelled with an escape
    b'{"o":{"k":1,"k":2},"p":[{"q":1,"q":1}]}',  # nested
    b'{"x":[{"k":1}, {"k":1,"k":2}]}',
    b'{"a":NaN}',
    b'{"a":Infinity}',
    b'{"a":"\xff"}',  # not UTF-8
    b'{"a":"\\ud800"}',  # a lone surrogate
    b'{"a":123456789012345678901234567890}',  # beyond 64 bits: orjson reads a float
    b'{"a": 123456789012345678901234567890, "b": 1}',
    b'{"a":1',
]


@pytest.mark.parametrize("raw", DECLINED)
def test_the_fast_json_reading_declines_what_only_the_strict_reading_may_judge(raw: bytes) -> None:
    assert json_fast.loads(raw) is json_fast.UNPROVEN


@pytest.mark.parametrize("raw", [
    b'{"a":1,"b":[{"c":"x"},{"c":null}],"d":{"e":-1.5}}',  # compact: orjson's own writing
    b'{"a": 1, "b": [{"c": "x"}], "d": {"e": 2}}',  # spaced: the key ends are counted
    b'{"a":"k\\":","b":1}',  # a backslash, but orjson writes it so
    b'{"a": ":", "b": "\\" :"}',  # a colon after a quote inside a string: counted
])
def test_the_fast_json_reading_reads_clean_documents(raw: bytes) -> None:
    found = json_fast.loads(raw)
    if raw == b'{"a": ":", "b": "\\" :"}':
        assert found is json_fast.UNPROVEN  # a backslash, and not orjson's writing: strict
    else:
        assert found == json.loads(raw)


@pytest.mark.parametrize(("raw", "key"), [
    (b'{"a":1,"a":2}', "a"), (b'{"a" : 1, "a" : 2}', "a"), (b'{"a":"\\\\","b":{"c":1,"c":1}}', "c"),
])
def test_a_key_twice_is_still_named_through_the_fast_reading(raw: bytes, key: str) -> None:
    with pytest.raises(Malformed) as caught:
        parse_record(raw)
    assert caught.value.where == key


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=60) | st.text(alphabet='{}[]":, \\a1n', max_size=40).map(str.encode))
def test_the_fast_reading_answers_only_what_the_strict_reading_answers(raw: bytes) -> None:
    fast = json_fast.loads(raw)
    if fast is not json_fast.UNPROVEN:
        assert STRICT_JSON.decode(raw.decode("utf-8")) == fast


# --- the quick reading of Canal-JSON row messages -------------------------------------------------

SIGNED = [(c, v) for c, v, *_ in FAMILIES if not c.unsigned]  # unsigned: sqlType depends on the value
WIDE = TableSchema(DB, TABLE, (ID, *(rename(c, f"c{i}") for i, (c, _) in enumerate(SIGNED))), ("id",))
WIDE_ROW = {"id": 2, **{f"c{i}": v for i, (_, v) in enumerate(SIGNED)}}


def _outcome(decoded: Decoded) -> tuple[Any, ...]:
    return (decoded.changes, [(f.kind, f.field, f.why, f.database, f.table, f.key, f.offset)
                              for f in decoded.findings], decoded.watermark_ts)


def _both(tidb: bool, lookup: Any, warm: list[bytes], value: bytes | None) -> tuple[Any, Any]:
    """The last record decoded with and without the quick reading, after the same warm-up."""
    outcomes = []
    for quick in (True, False):
        decoder = CanalJsonDecoder(tidb, lookup)
        if not quick:
            decoder._quick.decode = lambda record, msg: None  # type: ignore[method-assign]
        for offset, raw in enumerate(warm):
            decoder.decode(record(raw, offset=offset))
        outcomes.append(_outcome(decoder.decode(record(value, offset=99))))
    return outcomes[0], outcomes[1]


def _without_extension(raw: bytes) -> bytes:
    return json.dumps({k: v for k, v in json.loads(raw).items() if k != "_tidb"}).encode()


def _compact(raw: bytes | None) -> bytes | None:
    """The message as a compact writer writes it (what is no JSON object stays as it is)."""
    try:
        return json.dumps(json.loads(raw or b""), separators=(",", ":"), ensure_ascii=False).encode()
    except ValueError:
        return raw


PLAIN_WARM = [encode([ins({"id": 5, "v": "x"})])[0],
              encode([upd({"id": 6, "v": "a"}, {"id": 6, "v": "b"})])[0]]


@pytest.mark.parametrize("value", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_a_violation_after_clean_messages_of_its_shape_is_the_same_finding(value: bytes | None) -> None:
    for raw in (value, _compact(value)):
        quick, full = _both(False, None, PLAIN_WARM, raw)
        assert quick == full
        assert full[1], "a violation must be found"


@pytest.mark.parametrize("value", [c[1] for c in TIDB_CASES], ids=[c[0] for c in TIDB_CASES])
def test_a_tidb_violation_after_clean_messages_of_its_shape_is_the_same_finding(value: bytes) -> None:
    warm = [encode([ins({"id": 5, "v": "x"})], tidb=True)[0]]
    for raw in (value, _compact(value)):
        quick, full = _both(True, None, warm, raw)
        assert quick == full and full[1]


def test_clean_messages_of_a_shape_seen_decode_quickly_and_alike() -> None:
    changes = [ins(WIDE_ROW, WIDE), upd(WIDE_ROW, {**WIDE_ROW, "c0": 1}, WIDE), dele(WIDE_ROW, WIDE),
               ins({**WIDE_ROW, "id": 3}, WIDE), ins({**WIDE_ROW, "id": 3}, WIDE)]
    messages = encode(changes, tidb=True)
    for n in range(1, len(messages)):
        quick, full = _both(True, upstream_of(WIDE), messages[:n], messages[n])
        assert quick == full
    decoder = CanalJsonDecoder(True, upstream_of(WIDE))
    decoder.decode(record(messages[0], offset=0))
    assert decoder._quick.decode(record(messages[3], offset=3), json.loads(messages[3])) is not None
    replayed = decoder.decode(record(messages[3], offset=4))  # the same insert again: a duplicate
    assert [f.kind for f in replayed.findings] == ["duplicate"] and not replayed.changes


WIDE_SEEDS = [json.loads(v) for v in encode(
    [ins(WIDE_ROW, WIDE), upd(WIDE_ROW, WIDE_ROW, WIDE), dele(WIDE_ROW, WIDE)], tidb=True)]
WIDE_WARM = encode([ins({**WIDE_ROW, "id": 7}, WIDE),
                    upd({**WIDE_ROW, "id": 8}, {**WIDE_ROW, "id": 8}, WIDE)], tidb=True)


@pytest.mark.parametrize("tidb", [False, True])
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=mutations(WIDE_SEEDS), compact=st.booleans())
def test_mutated_messages_after_clean_ones_are_judged_as_the_full_reading_judges(
        value: bytes, compact: bool, tidb: bool) -> None:
    warm = WIDE_WARM if tidb else [_compact(_without_extension(m)) for m in WIDE_WARM]
    raw = value if tidb else _without_extension(value)
    raw = _compact(raw) if compact else raw
    for lookup in (None, upstream_of(WIDE)):
        quick, full = _both(tidb, lookup, warm, raw)
        assert quick == full
