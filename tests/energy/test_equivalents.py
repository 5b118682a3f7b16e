"""Everyday equivalents of CO2e and energy: the cited factors, the sentence, bad input."""

import math

import pytest

from greennb.energy import (
    CO2E_FACTORS_G,
    ENERGY_FACTORS_KWH,
    EQUIVALENT_SOURCES,
    co2e_equivalents,
    describe_equivalents,
    energy_equivalents,
)
from greennb.errors import GreennbError


def test_factors_are_the_cited_ones():
    # EPA: 3.93e-4 t CO2e per mile; 1 mile = 1.609344 km.
    assert CO2E_FACTORS_G["km_by_car"] == pytest.approx(393.0 / 1.609344)
    assert CO2E_FACTORS_G["phone_charges"] == pytest.approx(8.22)  # 8.22e-6 t per charge
    assert ENERGY_FACTORS_KWH == {"phone_charges": 0.012, "kettle_boils": 0.1}
    # 1 L of water from 15 to 100 C: 4.186 kJ/(kg K) x 85 K, in kWh, is just under 0.1.
    assert 4.186 * 85 / 3600 == pytest.approx(0.0988, abs=1e-4)
    assert set(EQUIVALENT_SOURCES) == set(CO2E_FACTORS_G) | set(ENERGY_FACTORS_KWH)


def test_co2e_equivalents_by_hand():
    found = co2e_equivalents(244.2)
    assert found["km_by_car"] == pytest.approx(244.2 / 244.19, rel=1e-4)
    assert found["phone_charges"] == pytest.approx(244.2 / 8.22)
    assert co2e_equivalents(0) == {"km_by_car": 0.0, "phone_charges": 0.0}


def test_energy_equivalents_by_hand():
    assert energy_equivalents(0.024) == pytest.approx({"phone_charges": 2.0, "kettle_boils": 0.24})


def test_sentence():
    text = describe_equivalents(emissions_g=0.42, energy_kwh=0.0012)
    assert text.startswith("0.42 g CO2e ≈ 0.0017 km by car ≈ 0.051 phone charges (US grid)")
    assert "1.2 Wh ≈ 0.1 phone charges ≈ 0.012 kettle boils" in text
    assert "rough equivalents" in text


def test_sentence_chooses_the_energy_unit():
    assert describe_equivalents(energy_kwh=3.4e-9).startswith("3.4 µWh")
    assert describe_equivalents(energy_kwh=2.5).startswith("2.5 kWh")
    assert describe_equivalents(energy_kwh=0.0005).startswith("500 mWh")


@pytest.mark.parametrize("value", [-1.0, math.inf, math.nan, "1"])
def test_bad_amounts(value):
    with pytest.raises(GreennbError):
        co2e_equivalents(value)
    with pytest.raises(GreennbError):
        energy_equivalents(value)


def test_sentence_needs_a_quantity():
    with pytest.raises(GreennbError, match="needs emissions_g"):
        describe_equivalents()
