"""The comparator on bits, bytes and text: binary, strings, JSON, ENUM, SET, NULL, types without a family."""

from __future__ import annotations

import pytest

from dsl.compare import canonical, equal
from tests.framework.compare_columns import (
    BIT1,
    BIT12,
    BIT64,
    BLOB,
    ENUM,
    INT,
    JSON_MARIADB,
    JSON_MYSQL,
    SET,
    VARBINARY,
    VARCHAR,
    assert_equality,
    col,
)

pytestmark = pytest.mark.framework


@pytest.mark.parametrize(
    ("column", "a", "b", "same"),
    [
        (BIT64, b"\xff" * 8, 2**64 - 1, True),
        (BIT64, "\xff" * 8, 2**64 - 1, True),  # Canal-JSON: bytes as ISO-8859-1 text
        (BIT64, b"\x00\x05", 5, True),
        (BIT12, b"\x0f\xff", 4095, True),
        (BIT12, b"\x01", 2, False),
        (BIT1, True, b"\x01", True),
        (BIT1, False, b"\x01", False),
    ],
)
def test_bit_compares_big_endian_bytes_ints_and_latin1_text(column, a, b, same):
    assert_equality(column, a, b, same)


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        (BIT1, b"\x02", "does not fit in 1 bits"),
        (BIT12, 4096, "does not fit in 12 bits"),
        (BIT64, b"\x01" + b"\x00" * 8, "does not fit in 64 bits"),
        (BIT64, -1, "does not fit"),
        (BIT64, "€", "not ISO-8859-1"),
    ],
)
def test_bit_rejects_values_wider_than_the_column(column, value, reason):
    with pytest.raises(ValueError, match=reason):
        canonical(column, value)


@pytest.mark.parametrize(
    ("column", "a", "b", "same"),
    [
        (VARBINARY, "\xe9\x00\xff", b"\xe9\x00\xff", True),
        (VARBINARY, "é", b"\xc3\xa9", False),  # latin-1, not UTF-8
        (VARBINARY, bytearray(b"ab"), b"ab", True),
        (BLOB, memoryview(b"\x00" * 3), b"\x00" * 3, True),
        (BLOB, b"a", b"a\x00", False),
    ],
)
def test_binary_takes_text_as_latin1(column, a, b, same):
    assert_equality(column, a, b, same)


@pytest.mark.parametrize(("value", "reason"), [("€", "not ISO-8859-1"), (5, "int is not binary")])
def test_binary_rejects_what_is_no_byte_string(value, reason):
    with pytest.raises(ValueError, match=reason):
        canonical(VARBINARY, value)


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("héllo", "héllo".encode(), True),
        ("a", "A", False),
        ("a", "a ", False),
        ("", b"", True),
    ],
)
def test_text_decodes_bytes_as_utf8(a, b, same):
    assert_equality(VARCHAR, a, b, same)


@pytest.mark.parametrize(("value", "reason"), [(b"\xff", "not UTF-8"), (5, "int is not text")])
def test_text_rejects_non_utf8_bytes_and_numbers(value, reason):
    with pytest.raises(ValueError, match=reason):
        canonical(VARCHAR, value)


@pytest.mark.parametrize("column", [JSON_MARIADB, JSON_MYSQL])
@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ('{"a":1,"b":[1,2]}', '{"b": [1, 2], "a": 1}', True),
        ('{"a": 1}', {"a": 1}, True),
        ('{"a": 1}', b'{"a":1}', True),
        ("1", "1.0", True),
        ("1", '"1"', False),
        ("true", "1", False),
        ('{"a": true}', '{"a": 1}', False),
        ("[1, 2]", "[2, 1]", False),
        ('{"a": null}', "{}", False),
    ],
)
def test_json_compares_structure_not_text(column, a, b, same):
    assert_equality(column, a, b, same)


def test_json_null_is_not_sql_null():
    assert not equal(JSON_MARIADB, "null", None)
    assert equal(JSON_MARIADB, "null", "null")


@pytest.mark.parametrize(("value", "reason"), [("{a: 1}", "not valid JSON"), ("NaN", "not JSON")])
def test_json_rejects_invalid_text(value, reason):
    with pytest.raises(ValueError, match=reason):
        canonical(JSON_MARIADB, value)


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("medium", 2, True),
        ("medium", "2", True),  # as MySQL reads a numeric string that names no member
        ("medium", b"medium", True),
        ("small", "large", False),
        ("", 0, True),
    ],
)
def test_enum_compares_members_and_one_based_indexes(a, b, same):
    assert_equality(ENUM, a, b, same)


@pytest.mark.parametrize(
    ("value", "reason"), [("huge", "not one of"), (4, "index 4"), ("²", "not one of")]
)
def test_enum_rejects_unknown_members(value, reason):
    with pytest.raises(ValueError, match=reason):
        canonical(ENUM, value)


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("a,c", "c,a", True),
        ("a,c", {"c", "a"}, True),
        ("a,c", frozenset({"a", "c"}), True),
        ("", frozenset(), True),
        ("a,b", 3, True),  # bitmask, as MySQL stores it
        ("a", "a,b", False),
    ],
)
def test_set_ignores_member_order(a, b, same):
    assert_equality(SET, a, b, same)


@pytest.mark.parametrize(("value", "reason"), [("a,z", "z not among"), (8, "bitmask 8")])
def test_set_rejects_unknown_members(value, reason):
    with pytest.raises(ValueError, match=reason):
        canonical(SET, value)


@pytest.mark.parametrize(
    ("column", "other"),
    [(VARCHAR, ""), (INT, 0), (INT, "0"), (BIT1, b"\x00"), (VARBINARY, b""), (SET, "")],
)
def test_null_equals_only_null(column, other):
    assert canonical(column, None) is None
    assert equal(column, None, None)
    assert_equality(column, None, other, False)


def test_types_without_a_family_compare_as_given():
    geometry = col("geometry")
    assert equal(geometry, b"\x01\x02", b"\x01\x02")
    assert not equal(geometry, b"\x01\x02", b"\x01\x03")
