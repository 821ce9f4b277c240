"""The rules of Debezium's change events that changed between its releases (sinkmatrix.formats.
debezium_releases): a record is held to the release that wrote it."""

from sinkmatrix.formats.debezium_releases import release_of, source_schema_version


def test_the_source_block_is_versioned_from_3_1() -> None:
    assert source_schema_version(release_of("3.0.8.Final")) is None  # type: ignore[arg-type]
    assert source_schema_version(release_of("3.1.1.Final")) == 1  # type: ignore[arg-type]
    assert source_schema_version(release_of("3.6.1.Final")) == 1  # type: ignore[arg-type]


def test_a_version_that_names_no_release_is_none() -> None:
    assert release_of("nightly") is None and release_of(None) is None
