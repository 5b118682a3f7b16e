"""Energy and carbon figures: energy table and bars, E_total's parts, footprint, grids.

The tables are built by hand so that every expected value is known; no model is trained.
"""

import pandas as pd
import pytest

import greennb as gnb
from greennb import plots


def test_energy_table_is_in_wh_with_labels_and_missing_energy():
    results = [
        ("a", {"phase": "train", "duration_s": 2.0, "energy_kwh": 0.002, "status": "estimated"}),
        {"phase": "predict", "duration_s": 1.0, "energy_kwh": None, "status": "unavailable"},
    ]
    table = plots.energy_table(results, label="variant")
    assert list(table.columns) == ["variant", "phase", "duration_s", "energy_wh", "status"]
    assert table["energy_wh"].iloc[0] == pytest.approx(2.0)
    assert table["variant"].iloc[0] == "a" and pd.isna(table["energy_wh"].iloc[1])


def test_energy_bars_labels_wh_and_the_statuses():
    table = pd.DataFrame(
        {
            "model": ["a", "b"],
            "phase": ["train", "train"],
            "energy_wh": [1.0, 3.0],
            "status": ["measured", "estimated"],
        }
    )
    ax = plots.energy_bars(table)
    assert sorted(p.get_height() for p in ax.patches if p.get_width()) == [1.0, 3.0]
    assert ax.get_ylabel() == "energy (Wh)"
    assert ax.get_title() == "Energy per model and phase (estimated, measured)"
    with pytest.raises(ValueError, match="energy_bars needs the columns"):
        plots.energy_bars(table.drop(columns="status"))


def test_scenario_heatmap_shows_one_pue_slice():
    scenarios = gnb.carbon_scenarios(
        0.001, countries=["SWE", "IND"], pues=[1.2, 1.5], renewable_shares=[0.0, 0.5]
    )
    ax = plots.scenario_heatmap(scenarios, pue=1.5)
    assert len(ax.texts) == 4  # 2 countries x 2 shares
    assert ax.get_ylabel() == "country (grid)"
    assert ax.get_title() == "Emissions of the same run across grids (PUE 1.5; emissions_g)"


def test_facility_breakdown_bars_are_the_parts_in_the_unit():
    facility = gnb.facility_energy(0.002, pue=1.5, cooling_share=0.6)
    ax = plots.facility_breakdown(facility, unit="Wh", status="estimated")
    heights = [patch.get_height() for patch in ax.patches]
    assert heights == pytest.approx([2.0, 0.4, 0.6])
    assert ax.get_ylabel() == "energy (Wh)"
    assert "E_total = 3 Wh at PUE 1.5" in ax.get_title()
    assert ax.get_title().endswith(", estimated")
    with pytest.raises(ValueError, match=r"Unknown energy unit 'J'; valid choices: kWh, Wh, mWh"):
        plots.facility_breakdown(facility, unit="J")


def test_footprint_bars_show_the_mean_over_runs_in_wh():
    frame = pd.DataFrame(
        {
            "case": ["a", "a", "b"],
            "model": ["m", "m", "n"],
            "energy_status": ["estimated"] * 3,
            "total_kwh": [0.001, 0.003, 0.004],
        }
    )
    ax = plots.footprint_bars(frame)
    widths = sorted(round(patch.get_width(), 9) for patch in ax.patches if patch.get_width())
    assert widths == [2.0, 4.0]  # mean 0.002 kWh = 2 Wh; 4 Wh
    assert "(Wh)" in ax.get_xlabel() and "estimated" in ax.get_title()
    with pytest.raises(ValueError, match="Unknown footprint value 'co2'.*emissions_g"):
        plots.footprint_bars(frame, value="co2")


def test_grid_carbon_bars_reprices_on_each_grid():
    pricing = dict(countries=["SWE", "IND"], pues=[1.5], renewable_shares=[0.0])
    table = pd.concat(
        [
            gnb.carbon_scenarios(kwh, **pricing).assign(variant=name)
            for name, kwh in {"teacher": 0.002, "student": 0.0005}.items()
        ],
        ignore_index=True,
    )
    ax = plots.grid_carbon_bars(table, unit="mg", log_y=True)
    heights = sorted(bar.get_height() for bar in ax.patches if bar.get_width() > 0)
    expected = sorted(
        1000 * 1.5 * kwh * gnb.grid_carbon_intensity(country)
        for kwh in (0.002, 0.0005)
        for country in ("SWE", "IND")
    )
    assert heights == pytest.approx(expected)
    swe = f"SWE ({gnb.grid_carbon_intensity('SWE'):.0f} g/kWh)"
    assert swe in {text.get_text() for text in ax.get_legend().get_texts()}
    assert ax.get_yscale() == "log" and ax.get_ylabel() == "emissions (mg CO2e)"
    assert "PUE 1.5" in ax.get_title() and "2 grids" in ax.get_title()
    with pytest.raises(ValueError, match="Unknown mass unit 't'; valid choices: kg, g, mg"):
        plots.grid_carbon_bars(table, unit="t")
