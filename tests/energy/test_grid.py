"""Tests of greennb.energy grid data: CodeCarbon's energy mix per country."""

import pytest

from greennb.energy import (
    DEFAULT_COUNTRY,
    default_country,
    grid_carbon_intensity,
    grid_renewable_share,
    list_countries,
)
from greennb.energy import _grid as grid
from greennb.errors import InvalidTypeError, InvalidValueError


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
    assert grid.intensity_from_mix({"coal_TWh": 1.0, "total_TWh": 1.0}) == pytest.approx(995)
    record = {"coal_TWh": 1.0, "wind_TWh": 3.0, "total_TWh": 4.0}
    assert grid.intensity_from_mix(record) == pytest.approx((995 * 1 + 26 * 3) / 4)


def test_unknown_country_names_code_and_how_to_list():
    with pytest.raises(InvalidValueError, match="'XYZ'") as info:
        grid_carbon_intensity("XYZ")
    assert "list_countries()" in str(info.value)
    assert "3-letter ISO codes" in str(info.value)


def test_unknown_country_suggests_code_from_name():
    with pytest.raises(InvalidValueError, match=r"Did you mean .*FRA \(France\)"):
        grid_renewable_share("France")


def test_country_must_be_a_string():
    with pytest.raises(InvalidTypeError, match="3-letter ISO code string"):
        grid_carbon_intensity(250)


def test_normalise_country_gives_the_canonical_code():
    assert grid.normalise_country(" fra ") == "FRA"


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
    assert default_country() == DEFAULT_COUNTRY == "USA"
    monkeypatch.setenv("GREENNB_COUNTRY", "fra")
    assert default_country() == "FRA"
    monkeypatch.setenv("GREENNB_COUNTRY", "XX")
    with pytest.raises(InvalidValueError, match=r"GREENNB_COUNTRY='XX'.*Unknown country code 'XX'"):
        default_country()


def test_list_countries_search_matches_code_or_name_case_insensitively():
    from greennb.energy import list_countries

    everything = list_countries()
    assert list(list_countries(search="DEU")["name"]) == ["Germany"]
    assert list(list_countries(search="germ")["iso_code"]) == ["DEU"]
    assert list_countries(search="").equals(everything)
    assert list_countries(search="no such country").empty
