"""Tests of greennb.energy.embodied_emissions: manufacturing emissions amortized over use."""

import math

import pytest

from greennb.energy import DEFAULT_GPU_EMBODIED_KG_CO2E, embodied_emissions
from greennb.energy._embodied import SECONDS_PER_YEAR
from greennb.errors import InvalidValueError


def test_embodied_emissions_hand_computed():
    result = embodied_emissions(
        SECONDS_PER_YEAR, hardware_kg_co2e=600.0, lifetime_years=6.0, utilisation=0.5
    )
    assert result.kg_co2e == pytest.approx(200.0)
    assert result.estimate is True
    one_hour = embodied_emissions(3600.0)
    expected = 2500.0 * 3600.0 / (6 * 365.25 * 24 * 3600 * 0.85)
    assert one_hour.kg_co2e == pytest.approx(expected)
    assert math.isclose(one_hour.kg_co2e, 0.05592, rel_tol=1e-3)  # 2500 kg / 44,707 h in use
    assert "BLOOM" in one_hour.source
    assert one_hour.to_dict()["utilisation"] == 0.85


def test_embodied_emissions_with_a_gpu():
    server_and_gpu = embodied_emissions(
        3600.0, hardware_kg_co2e=2500 + DEFAULT_GPU_EMBODIED_KG_CO2E
    )
    assert server_and_gpu.kg_co2e == pytest.approx(2650.0 * 3600.0 / (6 * SECONDS_PER_YEAR * 0.85))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"utilisation": 0.0}, r"utilisation must be a number in \(0, 1\]; got 0\.0"),
        ({"utilisation": 1.5}, r"got 1\.5"),
        ({"lifetime_years": 0}, r"lifetime_years must be a finite number > 0 .*got 0"),
        ({"hardware_kg_co2e": -1.0}, r"hardware_kg_co2e .*got -1\.0"),
    ],
)
def test_embodied_emissions_rejects_bad_values(kwargs, match):
    with pytest.raises(InvalidValueError, match=match):
        embodied_emissions(10.0, **kwargs)
