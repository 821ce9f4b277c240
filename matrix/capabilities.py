"""pytest glue for the CDC contract (sinkmatrix.model.cdc_contract): a case that needs a capability
the cell's CDC does not offer is skipped with the reason — declared up front
(`@pytest.mark.cdc_needs("restart")`, `ctx.requires("pause")`) or found when the case calls it."""

from __future__ import annotations

from typing import Any

import pytest

from sinkmatrix.model.cdc_contract import CAPABILITIES, CapabilityMissing, lacks


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "cdc_needs(*capabilities): run this case only where the cell's CDC "
                                       f"offers these ({', '.join(CAPABILITIES)}); skip elsewhere, "
                                       "with the reason")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Any:
    """A CDC asked for what it cannot do skips the case; it is no failure of the CDC's."""
    try:
        return (yield)
    except CapabilityMissing as exc:
        pytest.skip(str(exc))


def skip_lacking(item: pytest.Item, cdc: Any) -> None:
    """Skip the case if the cell's CDC lacks a capability its `cdc_needs` marker names."""
    for marker in item.iter_markers("cdc_needs"):
        for capability in marker.args:
            if capability not in CAPABILITIES:
                raise pytest.UsageError(f"@pytest.mark.cdc_needs({capability!r}): no such capability; "
                                        f"known: {', '.join(CAPABILITIES)}")
            if cdc is not None and (why := lacks(cdc, capability)):
                pytest.skip(why)
