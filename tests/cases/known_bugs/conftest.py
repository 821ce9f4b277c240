"""Known bugs of Debezium's releases, each a case that must catch it (matrix.known_bugs): on the
releases a bug affects the case is expected to fail with the diagnosis its marker names; on every
other release it passes. The evidence per bug (issue, fixing commit, releases) is in README.md here."""

import pytest

from matrix.known_bugs import identity


@pytest.fixture(autouse=True)
def _debezium_only(request: pytest.FixtureRequest) -> None:
    cell = request.getfixturevalue("cell")
    if identity(cell) is None:
        pytest.skip(f"cell {cell.id}: a probe for a known bug of Debezium's connectors")
