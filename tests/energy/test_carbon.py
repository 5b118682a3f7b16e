"""Tests of greennb.energy carbon: C = E_total × CI × (1 − ε), and the scenario table."""

import pytest

from greennb.energy import DEFAULT_PUE, carbon_emissions, carbon_scenarios, facility_energy
from greennb.errors import InvalidTypeError, InvalidValueError


def test_carbon_emissions_hand_computed():
    # 3 kWh x 400 g/kWh x (1 - 0.25) = 900 g = 0.9 kg
    assert carbon_emissions(3.0, carbon_intensity=400.0, renewable_share=0.25) == pytest.approx(0.9)
    assert carbon_emissions(3.0, carbon_intensity=400.0) == pytest.approx(1.2)
    assert carbon_emissions(3.0, carbon_intensity=400.0, renewable_share=1.0) == 0.0


def test_carbon_emissions_with_country_uses_grid_intensity(energy_mix_json):
    expected = 2.0 * energy_mix_json["FRA"]["carbon_intensity"] / 1000
    assert carbon_emissions(2.0, country="FRA") == pytest.approx(expected)


def test_carbon_emissions_of_facility_energy():
    total = facility_energy(2.0, pue=1.5).total_kwh
    assert carbon_emissions(total, carbon_intensity=100.0, renewable_share=0.5) == pytest.approx(
        0.15
    )


@pytest.mark.parametrize("epsilon", [1.5, -0.1, float("nan")])
def test_carbon_emissions_rejects_renewable_share_outside_unit_interval(epsilon):
    with pytest.raises(InvalidValueError, match=rf"renewable_share .*in \[0, 1\].*got {epsilon}"):
        carbon_emissions(1.0, carbon_intensity=300.0, renewable_share=epsilon)


def test_carbon_emissions_needs_exactly_one_intensity_source():
    with pytest.raises(InvalidValueError, match="exactly one of country"):
        carbon_emissions(1.0)
    with pytest.raises(InvalidValueError, match=r"country='FRA' and carbon_intensity=300"):
        carbon_emissions(1.0, country="FRA", carbon_intensity=300)


def test_carbon_emissions_rejects_negative_values():
    with pytest.raises(InvalidValueError, match=r"energy_kwh .*>= 0 \(kWh\); got -1"):
        carbon_emissions(-1, carbon_intensity=300)
    with pytest.raises(InvalidValueError, match=r"carbon_intensity .*g CO2e/kWh.*got -5"):
        carbon_emissions(1, carbon_intensity=-5)
    with pytest.raises(InvalidValueError, match="'ATLANTIS'"):
        carbon_emissions(1, country="ATLANTIS")
    with pytest.raises(InvalidTypeError, match=r"renewable_share must be a real number"):
        carbon_emissions(1, carbon_intensity=300, renewable_share="half")


SCENARIO_COLUMNS = [
    "country",
    "country_name",
    "carbon_intensity_g_per_kwh",
    "grid_renewable_share",
    "energy_mix_year",
    "pue",
    "renewable_share",
    "computation_kwh",
    "data_center_kwh",
    "cooling_kwh",
    "total_kwh",
    "emissions_g",
    "emissions_kg",
]


def test_carbon_scenarios_shape_columns_and_values(energy_mix_json):
    table = carbon_scenarios(
        2.0, countries=["FRA", "deu"], pues=[1.0, 1.5], renewable_shares=[0.0, 0.5, 1.0]
    )
    assert list(table.columns) == SCENARIO_COLUMNS
    assert table.shape == (2 * 2 * 3, len(SCENARIO_COLUMNS))
    assert list(table["country"].unique()) == ["FRA", "DEU"]
    row = table.query("country == 'FRA' and pue == 1.5 and renewable_share == 0.5").iloc[0]
    record = energy_mix_json["FRA"]
    assert row["total_kwh"] == pytest.approx(3.0)
    assert row["emissions_g"] == pytest.approx(3.0 * record["carbon_intensity"] * 0.5)
    assert row["emissions_kg"] == pytest.approx(row["emissions_g"] / 1000)
    assert row["country_name"] == "France"
    assert row["grid_renewable_share"] == record["renewables_TWh"] / record["total_TWh"]
    assert row["energy_mix_year"] == record["year"]
    assert (table.loc[table["renewable_share"] == 1.0, "emissions_g"] == 0).all()
    first = table.iloc[0]
    assert (first["country"], first["pue"], first["renewable_share"]) == ("FRA", 1.0, 0.0)


def test_carbon_scenarios_defaults():
    table = carbon_scenarios(1.0)
    assert table.shape[0] == 6 * 3 * 3
    assert set(table["pue"]) == {1.1, DEFAULT_PUE, 2.0}


def test_carbon_scenarios_accepts_single_values():
    table = carbon_scenarios(1.0, countries="FRA", pues=1.5, renewable_shares=0.0)
    assert table.shape[0] == 1 and table["total_kwh"].iloc[0] == 1.5


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"countries": []}, r"countries must contain at least one value"),
        ({"countries": ["FRA", "NOPE"]}, r"'NOPE'"),
        ({"pues": [1.2, 0.8]}, r"pue must be .*got 0\.8"),
        ({"renewable_shares": [0.2, 2.0]}, r"renewable_share .*got 2\.0"),
        ({"cooling_share": 1.5}, r"cooling_share .*got 1\.5"),
    ],
)
def test_carbon_scenarios_rejects_bad_choices(kwargs, match):
    with pytest.raises(InvalidValueError, match=match):
        carbon_scenarios(1.0, **kwargs)


def test_scenarios_price_an_interval_by_hand(energy_result):
    import dataclasses

    from greennb.energy import EnergyInterval, carbon_scenarios, grid_carbon_intensity

    result = dataclasses.replace(
        energy_result(2e-3, 1.0), interval=EnergyInterval(2e-3, 1e-3, 4e-3)
    )
    table = carbon_scenarios(result, countries=["FRA"], pues=[1.5], renewable_shares=[0.5])
    ci = grid_carbon_intensity("FRA")
    row = table.iloc[0]
    assert row["emissions_g"] == pytest.approx(2e-3 * 1.5 * ci * 0.5)
    assert row["emissions_g_low"] == pytest.approx(1e-3 * 1.5 * ci * 0.5)
    assert row["emissions_g_high"] == pytest.approx(4e-3 * 1.5 * ci * 0.5)
    assert (row["total_kwh_low"], row["total_kwh_high"]) == pytest.approx((1.5e-3, 6e-3))
    bare = carbon_scenarios(2e-3, countries=["FRA"], pues=[1.5], renewable_shares=[0.5])
    assert "emissions_g_low" not in bare and bare["emissions_g"][0] == row["emissions_g"]
