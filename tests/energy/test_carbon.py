"""Tests of greennb.carbon: facility energy, grid data, carbon, scenarios, water, embodied."""

import json
import math
import re
from importlib.resources import files

import pytest

from greennb.energy import _carbon as carbon
from greennb.energy._carbon import (
    DEFAULT_COOLING_SHARE,
    DEFAULT_PUE,
    SECONDS_PER_YEAR,
    carbon_emissions,
    carbon_scenarios,
    default_country,
    embodied_emissions,
    facility_energy,
    grid_carbon_intensity,
    grid_renewable_share,
    list_countries,
    water_footprint,
)


@pytest.fixture(scope="module")
def energy_mix_json():
    """CodeCarbon's energy-mix file, read directly (not through greennb or CodeCarbon's loader)."""
    path = files("codecarbon").joinpath("data/private_infra/global_energy_mix.json")
    return json.loads(path.read_text())


# --- facility energy ----------------------------------------------------------------------


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
    with pytest.raises(ValueError, match=re.escape(shown)) as info:
        facility_energy(energy, **kwargs)
    message = str(info.value)
    assert any(word in message for word in (">= 1", "between 0 and 1", ">= 0"))


def test_facility_energy_pue_message_names_valid_range():
    with pytest.raises(ValueError, match=r"pue must be a finite number >= 1 .* got 0\.5"):
        facility_energy(1.0, pue=0.5)


def test_facility_energy_rejects_non_numbers():
    with pytest.raises(TypeError, match=r"computation_kwh must be a real number .*'2'"):
        facility_energy("2")
    with pytest.raises(TypeError, match="got True"):
        facility_energy(1.0, pue=True)


# --- grid data ----------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["FRA", "DEU", "USA"])
def test_grid_carbon_intensity_equals_codecarbon_json(code, energy_mix_json):
    assert grid_carbon_intensity(code) == energy_mix_json[code]["carbon_intensity"]


def test_grid_carbon_intensity_known_orders_of_magnitude():
    # Nuclear/hydro grids are far cleaner than coal-heavy ones.
    assert grid_carbon_intensity("FRA") < 100 < grid_carbon_intensity("DEU")
    assert grid_carbon_intensity("fra") == grid_carbon_intensity(" FRA ")


def test_grid_renewable_share_is_renewables_over_total(energy_mix_json):
    record = energy_mix_json["DEU"]
    expected = record["renewables_TWh"] / record["total_TWh"]
    assert grid_renewable_share("DEU") == pytest.approx(expected)
    assert 0.5 < grid_renewable_share("DEU") < 0.55  # 264.56 / 504.79 TWh
    assert grid_renewable_share("NOR") > 0.95


def test_intensity_from_mix_without_published_value_uses_codecarbon_per_source_factors():
    # CodeCarbon's carbon_intensity_per_source.json: coal 995, wind 26 g CO2e/kWh.
    assert carbon._intensity_from_mix({"coal_TWh": 1.0, "total_TWh": 1.0}) == pytest.approx(995)
    record = {"coal_TWh": 1.0, "wind_TWh": 3.0, "total_TWh": 4.0}
    assert carbon._intensity_from_mix(record) == pytest.approx((995 * 1 + 26 * 3) / 4)


def test_unknown_country_names_code_and_how_to_list():
    with pytest.raises(ValueError, match="'XYZ'") as info:
        grid_carbon_intensity("XYZ")
    assert "list_countries()" in str(info.value)
    assert "3-letter ISO codes" in str(info.value)


def test_unknown_country_suggests_code_from_name():
    with pytest.raises(ValueError, match=r"Did you mean .*FRA \(France\)"):
        grid_renewable_share("France")


def test_country_must_be_a_string():
    with pytest.raises(TypeError, match="3-letter ISO code string"):
        grid_carbon_intensity(250)


def test_list_countries_schema_and_values(energy_mix_json):
    table = list_countries()
    columns = ["iso_code", "name", "carbon_intensity", "renewable_share", "year"]
    assert list(table.columns) == columns
    assert len(table) == len(energy_mix_json)
    assert table["iso_code"].is_monotonic_increasing
    france = table.set_index("iso_code").loc["FRA"]
    assert france["name"] == "France"
    assert france["carbon_intensity"] == energy_mix_json["FRA"]["carbon_intensity"]
    assert france["year"] == energy_mix_json["FRA"]["year"]
    assert table["renewable_share"].between(0, 1).all()


def test_default_country(monkeypatch):
    monkeypatch.delenv("GREENNB_COUNTRY", raising=False)
    assert default_country() == "USA"
    monkeypatch.setenv("GREENNB_COUNTRY", "fra")
    assert default_country() == "FRA"
    monkeypatch.setenv("GREENNB_COUNTRY", "XX")
    with pytest.raises(ValueError, match=r"GREENNB_COUNTRY='XX'.*Unknown country code 'XX'"):
        default_country()


# --- carbon -------------------------------------------------------------------------------


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
    with pytest.raises(ValueError, match=rf"renewable_share .*between 0 and 1.*got {epsilon}"):
        carbon_emissions(1.0, carbon_intensity=300.0, renewable_share=epsilon)


def test_carbon_emissions_needs_exactly_one_intensity_source():
    with pytest.raises(ValueError, match="exactly one of country"):
        carbon_emissions(1.0)
    with pytest.raises(ValueError, match=r"country='FRA' and carbon_intensity=300"):
        carbon_emissions(1.0, country="FRA", carbon_intensity=300)


def test_carbon_emissions_rejects_negative_values():
    with pytest.raises(ValueError, match=r"energy_kwh .*>= 0 \(kWh\); got -1"):
        carbon_emissions(-1, carbon_intensity=300)
    with pytest.raises(ValueError, match=r"carbon_intensity .*g CO2e/kWh.*got -5"):
        carbon_emissions(1, carbon_intensity=-5)
    with pytest.raises(ValueError, match="'ATLANTIS'"):
        carbon_emissions(1, country="ATLANTIS")


# --- scenarios ----------------------------------------------------------------------------

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
    intensity = energy_mix_json["FRA"]["carbon_intensity"]
    assert row["total_kwh"] == pytest.approx(3.0)
    assert row["emissions_g"] == pytest.approx(3.0 * intensity * 0.5)
    assert row["emissions_kg"] == pytest.approx(row["emissions_g"] / 1000)
    assert row["country_name"] == "France"
    assert (table.loc[table["renewable_share"] == 1.0, "emissions_g"] == 0).all()
    first = table.iloc[0]
    assert (first["country"], first["pue"], first["renewable_share"]) == ("FRA", 1.0, 0.0)


def test_carbon_scenarios_defaults():
    table = carbon_scenarios(1.0)
    assert table.shape[0] == 6 * 3 * 3
    assert set(table["pue"]) == {1.1, DEFAULT_PUE, 2.0}


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
    with pytest.raises(ValueError, match=match):
        carbon_scenarios(1.0, **kwargs)


# --- water and embodied ---------------------------------------------------------------------


def test_water_footprint_hand_computed():
    result = water_footprint(2.0)
    assert result.litres == pytest.approx(3.6)
    assert result.estimate is True
    assert "Shehabi" in result.source
    custom = water_footprint(10.0, wue=0.2)
    assert custom.litres == pytest.approx(2.0)
    assert custom.source == "user-supplied WUE"


def test_water_footprint_rejects_negative():
    with pytest.raises(ValueError, match=r"wue must be .*L/kWh.*got -1"):
        water_footprint(1.0, wue=-1)


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


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"utilisation": 0.0}, r"utilisation must be a fraction > 0 and <= 1; got 0\.0"),
        ({"utilisation": 1.5}, r"got 1\.5"),
        ({"lifetime_years": 0}, r"lifetime_years must be a finite number > 0 .*got 0"),
        ({"hardware_kg_co2e": -1.0}, r"hardware_kg_co2e .*got -1\.0"),
    ],
)
def test_embodied_emissions_rejects_bad_values(kwargs, match):
    with pytest.raises(ValueError, match=match):
        embodied_emissions(10.0, **kwargs)
