"""Tests of greennb.energy.Pricing: one (country, PUE, ε) to turn energy into E_total and CO2e."""

import pytest

from greennb.energy import Pricing, carbon_emissions, grid_carbon_intensity
from greennb.errors import InvalidTypeError, InvalidValueError


def test_price_hand_computed():
    # E = 0.002 kWh at PUE 1.5: E_total = 0.003 kWh; C = 0.003 kWh x CI x (1 - 0.5).
    intensity = grid_carbon_intensity("DEU")
    pricing = Pricing(country="DEU", pue=1.5, renewable_share=0.5)
    priced = pricing.price(0.002)
    assert priced["total_kwh"] == pytest.approx(0.003)
    assert priced["emissions_g"] == pytest.approx(0.003 * intensity * 0.5)
    assert (priced["country"], priced["pue"], priced["renewable_share"]) == ("DEU", 1.5, 0.5)
    assert pricing.carbon_intensity_g_per_kwh == intensity


def test_price_agrees_with_the_carbon_model():
    pricing = Pricing(country="FRA", pue=1.2, renewable_share=0.25)
    expected_g = 1000 * carbon_emissions(0.01 * 1.2, country="FRA", renewable_share=0.25)
    assert pricing.emissions_g(0.01) == pytest.approx(expected_g)
    assert pricing.facility_kwh(0.01) == pytest.approx(0.012)


def test_unavailable_energy_prices_to_none():
    priced = Pricing(country="FRA").price(None)
    assert priced["total_kwh"] is None and priced["emissions_g"] is None


def test_defaults_and_to_dict(monkeypatch):
    monkeypatch.setenv("GREENNB_COUNTRY", "swe")
    pricing = Pricing()
    assert pricing.to_dict() == {"country": "SWE", "pue": 1.56, "renewable_share": 0.0}
    assert Pricing(country="FRA", pue=1, renewable_share=0).to_dict() == {
        "country": "FRA",
        "pue": 1.0,
        "renewable_share": 0.0,
    }


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"country": "NARNIA"}, InvalidValueError, "'NARNIA'"),
        ({"country": 250}, InvalidTypeError, "3-letter ISO code string"),
        ({"pue": 0.9}, InvalidValueError, r"pue must be a finite number >= 1 .*got 0\.9"),
        ({"pue": "1.5"}, InvalidTypeError, "pue must be a real number"),
        ({"renewable_share": 1.5}, InvalidValueError, r"renewable_share .*got 1\.5"),
        ({"renewable_share": -0.1}, InvalidValueError, r"renewable_share .*got -0\.1"),
    ],
)
def test_bad_values_fail_at_construction(kwargs, error, match):
    with pytest.raises(error, match=match):
        Pricing(**{"country": "FRA", **kwargs})


def test_an_interval_is_priced_bound_by_bound(monkeypatch):
    # [0.7, 1.0, 1.4] mWh × PUE 1.5 = [1.05, 1.5, 2.1] mWh; × 400 g/kWh = [0.42, 0.6, 0.84] g.
    from greennb.energy import EnergyInterval
    from greennb.energy import _pricing as pricing_module

    monkeypatch.setattr(pricing_module, "grid_carbon_intensity", lambda country: 400.0)
    monkeypatch.setattr(
        pricing_module,
        "carbon_emissions",
        lambda kwh, *, country, renewable_share: carbon_emissions(
            kwh, carbon_intensity=400.0, renewable_share=renewable_share
        ),
    )
    pricing = Pricing(country="FRA", pue=1.5)
    priced = pricing.price(EnergyInterval(1.0e-6, 0.7e-6, 1.4e-6))
    assert priced["total_kwh"] == pytest.approx(1.5e-6)
    assert priced["emissions_g"] == pytest.approx(0.6e-3)
    assert priced["total_kwh_interval"] == {
        "value": pytest.approx(1.5e-6),
        "low": pytest.approx(1.05e-6),
        "high": pytest.approx(2.1e-6),
    }
    assert priced["emissions_g_interval"] == {
        "value": pytest.approx(0.6e-3),
        "low": pytest.approx(0.42e-3),
        "high": pytest.approx(0.84e-3),
    }
    plain = pricing.price(1.0e-6)  # a bare number: no interval to carry
    assert plain["total_kwh_interval"] is None and plain["emissions_g_interval"] is None
    assert pricing.facility_interval(None) is None and pricing.emissions_interval_g(None) is None
