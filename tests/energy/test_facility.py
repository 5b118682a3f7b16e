"""Tests of greennb.energy.facility_energy: E_total = E × PUE, split into cooling and the rest."""

import re

import pytest

from greennb.energy import DEFAULT_COOLING_SHARE, DEFAULT_PUE, facility_energy
from greennb.energy._facility import PUE_RANGE_MSG
from greennb.errors import InvalidTypeError, InvalidValueError


def test_facility_energy_hand_computed():
    # 2 kWh at PUE 1.5: overhead 1 kWh, of which 60 % cooling.
    result = facility_energy(2.0, pue=1.5, cooling_share=0.6)
    assert result.computation_kwh == 2.0
    assert result.total_kwh == pytest.approx(3.0)
    assert result.cooling_kwh == pytest.approx(0.6)
    assert result.data_center_kwh == pytest.approx(0.4)
    assert result.pue == 1.5
    total = result.computation_kwh + result.data_center_kwh + result.cooling_kwh
    assert total == pytest.approx(result.total_kwh)


def test_facility_energy_defaults_are_the_cited_values():
    assert DEFAULT_PUE == 1.56
    assert DEFAULT_COOLING_SHARE == pytest.approx(0.7917, abs=1e-4)
    result = facility_energy(1.0)
    assert result.total_kwh == pytest.approx(1.56)
    assert result.cooling_kwh == pytest.approx(0.56 * 38 / 48)
    assert result.data_center_kwh == pytest.approx(0.56 * 10 / 48)


def test_facility_energy_pue_one_has_no_overhead():
    result = facility_energy(5.0, pue=1.0, cooling_share=0.3)
    assert (result.total_kwh, result.cooling_kwh, result.data_center_kwh) == (5.0, 0.0, 0.0)


def test_facility_energy_to_dict():
    assert facility_energy(2.0, pue=1.5, cooling_share=0.5).to_dict() == {
        "computation_kwh": 2.0,
        "data_center_kwh": 0.5,
        "cooling_kwh": 0.5,
        "total_kwh": 3.0,
        "pue": 1.5,
        "cooling_share": 0.5,
    }


@pytest.mark.parametrize(
    ("kwargs", "shown"),
    [
        ({"computation_kwh": 1.0, "pue": 0.9}, "0.9"),
        ({"computation_kwh": 1.0, "pue": float("nan")}, "nan"),
        ({"computation_kwh": 1.0, "cooling_share": 1.2}, "1.2"),
        ({"computation_kwh": 1.0, "cooling_share": -0.1}, "-0.1"),
        ({"computation_kwh": -2.0}, "-2.0"),
        ({"computation_kwh": float("inf")}, "inf"),
    ],
)
def test_facility_energy_rejects_bad_values(kwargs, shown):
    energy = kwargs.pop("computation_kwh")
    with pytest.raises(InvalidValueError, match=re.escape(shown)) as info:
        facility_energy(energy, **kwargs)
    message = str(info.value)
    assert any(word in message for word in (">= 1", "in [0, 1]", ">= 0"))


def test_facility_energy_pue_message_explains_pue():
    expected = PUE_RANGE_MSG.format(value=0.5)
    assert "total facility energy / IT energy" in expected
    with pytest.raises(InvalidValueError, match=re.escape(expected)):
        facility_energy(1.0, pue=0.5)


def test_facility_energy_rejects_non_numbers():
    with pytest.raises(InvalidTypeError, match=r"computation_kwh must be a real number .*'2'"):
        facility_energy("2")
    with pytest.raises(InvalidTypeError, match="got True"):
        facility_energy(1.0, pue=True)
