"""Debezium releases, and the rules of its binlog connectors' change events that changed between them.

A decoder holds a record to the release that wrote it (its `source.version`: a cell upgraded in
place holds records of two releases). Each rule names the Debezium change that made it, as
sinkmatrix.formats.releases does for TiCDC; a bug fixed between releases is no rule but a known bug
(tests/cases/known_bugs), which the framework must report as what it is.
"""

from __future__ import annotations

from sinkmatrix.formats.releases import Release, UnknownRelease


def release_of(version: object) -> Release | None:
    """The release a record's `source.version` names ("3.1.1.Final"), or None."""
    if not isinstance(version, str):
        return None
    try:
        return Release.parse(version)
    except UnknownRelease:
        return None


def source_schema_version(release: Release) -> int | None:
    """The Connect schema version of the `source` block (`io.debezium.connector.mysql.Source`): 1 from
    3.1.0, when the source info became versioned (DBZ-8499, debezium/debezium 7ac082cd82 "Make source
    info versioned", SchemaFactory.SOURCE_INFO_DEFAULT_SCHEMA_VERSION); none before."""
    return 1 if release.at_least("3.1.0") else None

