"""The engineering unit chosen for energies shown together."""

import math

import pytest

from greennb.energy import ENERGY_DISPLAY_UNITS, energy_display_unit


@pytest.mark.parametrize(
    ("values", "unit"),
    [
        ([2.0], "kWh"),
        ([0.5, 0.002], "Wh"),
        ([0.0009, 1e-5], "mWh"),
        ([1e-6], "mWh"),
        ([9e-7, 2e-8], "µWh"),
        ([1e-13], "µWh"),
        ([math.nan, None, 0.0], "Wh"),
        (3e-4, "mWh"),
    ],
)
def test_unit(values, unit):
    assert energy_display_unit(values) == (unit, ENERGY_DISPLAY_UNITS[unit])


def test_factors_from_kwh():
    assert dict(ENERGY_DISPLAY_UNITS) == {"kWh": 1.0, "Wh": 1e3, "mWh": 1e6, "µWh": 1e9}
