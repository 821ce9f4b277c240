"""Producer releases, and the TiCDC rules that changed between them.

A decoder holds a message to the release that wrote it (a cell's version profile names it): a rule
that changed between releases is checked in the form of that release. Each rule names the change
in pingcap/tiflow that made it (tests/vectors/ticdc/README.md has the evidence, tag by tag).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import total_ordering

_VERSION = re.compile(r"v?(\d+)\.(\d+)(?:\.(\d+))?")


class UnknownRelease(ValueError):
    """A release text that names no version."""

    def __init__(self, text: str) -> None:
        super().__init__(f"{text!r} names no release: write it as major.minor[.patch], e.g. 'v7.5.6' or "
                         "'TiCDC v7.5.6'")


@total_ordering
@dataclass(frozen=True)
class Release:
    """One producer release: its version, compared numerically."""

    major: int
    minor: int
    patch: int = 0

    @classmethod
    def parse(cls, text: str) -> Release:
        """'TiCDC v7.5.6', 'v8.5', '3.6.3.Final' -> a Release; UnknownRelease if it names none."""
        match = _VERSION.search(text)
        if match is None:
            raise UnknownRelease(text)
        return cls(int(match[1]), int(match[2]), int(match[3] or 0))

    @property
    def parts(self) -> tuple[int, int, int]:
        return (self.major, self.minor, self.patch)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Release):
            return NotImplemented
        return self.parts < other.parts

    def __str__(self) -> str:
        return f"v{self.major}.{self.minor}.{self.patch}"

    def between(self, low: str, high: str) -> bool:
        """low <= self < high."""
        return Release.parse(low) <= self < Release.parse(high)

    def at_least(self, low: str) -> bool:
        return self >= Release.parse(low)


# What the current rules are: the reference CDC writes these, and a cell whose profile names no
# release is held to them.
TICDC_CURRENT = Release(8, 5, 2)


def ticdc(text: str | None) -> Release:
    """The TiCDC release a profile's `cdc_version` names; the current rules when it names none."""
    return Release.parse(text) if text else TICDC_CURRENT


def canal_delete_keeps_old(release: Release) -> bool:
    """Before v5.4.0 a DELETE carried its row in `old` as well as `data`, and an INSERT wrote
    `"old":[null]` (tiflow bab1953f0d, #3677, cdc/sink/codec/canal_flat.go); since, both write null."""
    return release < Release(5, 4, 0)


def avro_float_type(release: Release) -> str:
    """The Avro type of a FLOAT column: "double" from the codec rewrite (tiflow c8e7ffff09, #5339,
    v6.1.0) until 92cc5155c8 (#8567) made it "float" again in v7.0.0, backported to v6.5.2."""
    if release.between("6.1.0", "7.0.0") and not release.between("6.5.2", "6.6.0"):
        return "double"
    return "float"


def has_content_compatible(release: Release) -> bool:
    """Canal-JSON's content-compatible option (tiflow 4a3762cdc5, #10014): v7.6.0, and backported to
    v6.5.6, v7.1.3 and v7.5.3."""
    return (release.at_least("7.6.0") or release.between("6.5.6", "6.6.0")
            or release.between("7.1.3", "7.2.0") or release.between("7.5.3", "7.6.0"))


def has_row_checksum(release: Release) -> bool:
    """Avro's row-level checksum fields (tiflow 5252420517, #8795): v7.1.0 on."""
    return release.at_least("7.1.0")


def has_vector(release: Release) -> bool:
    """TiDB VECTOR columns in TiCDC's codecs (tiflow 021fd64217, #11620): v8.4.0 on."""
    return release.at_least("8.4.0")


# TiDB has no spatial types (pingcap/tidb parser: GEOMETRY and its kinds are not column types TiDB
# accepts), so no TiCDC release writes such a column in any protocol.
SPATIAL_LIMIT = ("TiDB has no spatial types (GEOMETRY, POINT, POLYGON, ...): no TiCDC release writes "
                 "such a column, so a table holding one has no message contract to judge")
# TiDB's character sets are utf8, utf8mb4, ascii, latin1, binary and gbk (pingcap/tidb
# pkg/parser/charset): a text column in another (ucs2, utf16, big5, sjis, ...) has no TiCDC contract.
CHARSET_LIMIT = ("TiDB has only the utf8, utf8mb4, ascii, latin1, binary and gbk character sets: no TiCDC "
                 "release writes a text column in another one (ucs2, utf16, big5, sjis, ...)")
