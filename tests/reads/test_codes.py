"""The shipped code lists are the vendor's, exactly (API reference §7.2, §7.3)."""

from __future__ import annotations

from expertfile_nb.codes import COUNTRIES, STATES
from tests.contract.vendor_samples import country_codes, state_codes


def test_countries_are_the_vendors_list_in_its_order() -> None:
    assert list(COUNTRIES.items()) == list(country_codes().items())
    assert {"NF", "TP", "YU"} <= set(COUNTRIES) | set(STATES["CA"])  # kept as documented


def test_states_are_the_vendors_lists() -> None:
    assert state_codes() == STATES
    assert "NF" in STATES["CA"]
