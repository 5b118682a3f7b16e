"""Tests of greennb.energy.water_footprint: litres = E_IT × WUE, an estimate."""

import pytest

from greennb.energy import DEFAULT_WUE, water_footprint
from greennb.energy._water import USER_WUE_SOURCE
from greennb.errors import InvalidTypeError, InvalidValueError


def test_water_footprint_hand_computed():
    result = water_footprint(2.0)
    assert result.litres == pytest.approx(3.6)
    assert result.wue == DEFAULT_WUE == 1.8
    assert result.estimate is True
    assert "Shehabi" in result.source
    custom = water_footprint(10.0, wue=0.2)
    assert custom.litres == pytest.approx(2.0)
    assert custom.source == USER_WUE_SOURCE
    assert custom.to_dict()["energy_kwh"] == 10.0


def test_water_footprint_rejects_bad_values():
    with pytest.raises(InvalidValueError, match=r"wue must be .*L/kWh.*got -1"):
        water_footprint(1.0, wue=-1)
    with pytest.raises(InvalidTypeError, match=r"energy_kwh must be a real number"):
        water_footprint(None)


def test_water_carries_the_energy_interval():
    from greennb.energy import EnergyInterval

    estimate = water_footprint(EnergyInterval(2.0, 1.4, 2.8), wue=1.8)
    assert estimate.litres == pytest.approx(3.6) and estimate.energy_kwh == 2.0
    assert estimate.litres_interval == {
        "value": pytest.approx(3.6),
        "low": pytest.approx(2.52),
        "high": pytest.approx(5.04),
    }
    assert water_footprint(2.0).litres_interval is None
