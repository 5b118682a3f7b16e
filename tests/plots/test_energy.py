"""Energy and carbon figures: energy table and bars, E_total's parts, footprint, grids.

The tables are built by hand so that every expected value is known; no model is trained.
"""

import numpy as np
import pandas as pd
import pytest

import greennb as gnb
from greennb import plots
from greennb.energy import EnergyInterval, total_energy
from greennb.plots._energy import INTERVAL_MISMATCH_MSG


def test_energy_table_is_in_wh_with_labels_and_missing_energy():
    results = [
        ("a", {"phase": "train", "duration_s": 2.0, "energy_kwh": 0.002, "status": "estimated"}),
        {"phase": "predict", "duration_s": 1.0, "energy_kwh": None, "status": "unavailable"},
    ]
    table = plots.energy_table(results, label="variant")
    assert list(table.columns) == [
        "variant", "phase", "duration_s", "energy_wh", "energy_wh_low", "energy_wh_high",
        "status",
    ]  # fmt: skip
    assert table["energy_wh"].iloc[0] == pytest.approx(2.0)
    assert table["variant"].iloc[0] == "a" and pd.isna(table["energy_wh"].iloc[1])
    assert table[["energy_wh_low", "energy_wh_high"]].isna().all().all()  # no interval given


def test_energy_table_carries_each_results_interval_in_wh(energy_result):
    # A result without a method carries the unknown method's range, -80 % to +200 %.
    result = energy_result(0.002, 1.0, phase="train")
    stored = {**result.to_dict(), "phase": "stored"}  # as in metrics.json: a dict interval
    table = plots.energy_table([("m", result), ("m", stored)])
    assert table["energy_wh_low"].tolist() == pytest.approx([0.4, 0.4])
    assert table["energy_wh_high"].tolist() == pytest.approx([6.0, 6.0])


def test_energy_bars_draw_each_interval_as_an_error_bar(bar_error_spans):
    table = pd.DataFrame(
        {
            "model": ["a", "b"],
            "phase": ["train", "train"],
            "energy_wh": [1.0, 3.0],
            "energy_wh_low": [-0.5, 2.0],  # a negative bound is clipped at 0 Wh
            "energy_wh_high": [1.5, 6.0],
            "status": ["estimated", "estimated"],
        }
    )
    ax = plots.energy_bars(table)
    assert sorted(p.get_height() for p in ax.patches if p.get_width()) == [1.0, 3.0]
    assert bar_error_spans(ax) == [(0.0, 1.5), (2.0, 6.0)]
    assert "measured" not in ax.get_title() and "estimated" in ax.get_title()


def test_energy_bars_summarise_repeats_by_their_median_and_widest_interval(bar_error_spans):
    table = pd.DataFrame(
        {
            "model": ["a"] * 3,
            "phase": ["train"] * 3,
            "energy_wh": [1.0, 2.0, 4.0],
            "energy_wh_low": [0.5, 1.5, 3.0],
            "energy_wh_high": [1.5, 2.5, 5.0],
            "status": ["estimated"] * 3,
        }
    )
    ax = plots.energy_bars(table)
    assert [p.get_height() for p in ax.patches if p.get_width()] == [2.0]
    assert bar_error_spans(ax) == [(0.5, 5.0)]


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
    assert ax.get_title() == "The same run's emissions (g CO2e) across grids (PUE 1.5)"
    assert ax.figure.axes[-1].get_ylabel() == "emissions (g CO2e)"  # the colour bar


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


def test_facility_breakdown_draws_the_interval_of_each_part(energy_result, bar_error_spans):
    result = energy_result(0.002, 1.0, phase="train")  # interval 0.4–6 Wh (-80 %, +200 %)
    facility = gnb.facility_energy(0.002, pue=1.5, cooling_share=0.6)
    ax = plots.facility_breakdown(facility, unit="Wh", interval=result)
    # computation x1, data centre x(0.5 x 0.4) = x0.2, cooling x(0.5 x 0.6) = x0.3
    expected = [(0.4, 6.0), (0.08, 1.2), (0.12, 1.8)]
    assert np.allclose(bar_error_spans(ax), sorted(expected))
    assert "E_total = 3 [0.6–9] Wh at PUE 1.5" in ax.get_title()
    assert ax.get_title().endswith(", estimated")  # the status comes from the result
    total = total_energy([result])
    again = plots.facility_breakdown(facility, unit="Wh", interval=total.interval)
    assert bar_error_spans(again) == bar_error_spans(ax)
    other = EnergyInterval(0.001, 0.0005, 0.002)
    message = INTERVAL_MISMATCH_MSG.format(value=0.001, computation=0.002)
    with pytest.raises(ValueError) as raised:
        plots.facility_breakdown(facility, interval=other)
    assert str(raised.value) == message


def test_footprint_bars_show_the_median_over_runs_in_wh():
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


def _footprint_table():
    # Two datasets of one case, and the same model of another case run twice with the same
    # parameters (p1) and once with others (p2); intervals in kWh.
    return pd.DataFrame(
        {
            "case": ["a", "a", "b", "b", "b"],
            "dataset": ["d1", "d2", "d3", "d3", "d3"],
            "model": ["m", "m", "n", "n", "n"],
            "parameter_set": ["p1", "p1", "p1", "p1", "p2"],
            "train_status": ["estimated"] * 5,
            "train_kwh": [0.001, 0.003, 0.002, 0.004, 0.010],
            "train_kwh_low": [0.0, 0.002, 0.001, 0.003, 0.008],
            "train_kwh_high": [0.002, 0.004, 0.003, 0.006, 0.012],
        }
    )


def test_footprint_bars_never_average_datasets_or_parameter_sets(bar_error_spans):
    ax = plots.footprint_bars(_footprint_table(), value="train_kwh")
    labels = [tick.get_text() for tick in ax.get_yticklabels()]
    assert labels == [
        "a / d1 / m",
        "a / d2 / m",
        "b / d3 / n · parameters p1 (2 runs)",
        "b / d3 / n · parameters p2",
    ]
    widths = [round(p.get_width(), 9) for p in ax.patches if p.get_width()]
    assert widths == [1.0, 3.0, 3.0, 10.0]  # Wh; the two repeats: median 3 Wh
    # Error bars: each run's interval, the repeats' lowest low to highest high; never < 0.
    spans = bar_error_spans(ax, horizontal=True)
    assert np.allclose(spans, [(0.0, 2.0), (1.0, 6.0), (2.0, 4.0), (8.0, 12.0)])
    assert min(low for low, _ in spans) >= 0.0
    assert ax.get_xlabel() == "training computation energy (Wh)"
    assert ax.get_title().endswith("per case, dataset, model (estimated)")


def test_footprint_bars_per_1000_predictions_use_the_inference_status():
    table = _footprint_table().rename(
        columns=lambda c: c.replace("train_kwh", "inference_kwh_per_1000").replace(
            "train_status", "inference_status"
        )
    )
    ax = plots.footprint_bars(table, value="inference_kwh_per_1000")
    assert ax.get_xlabel() == "computation energy per 1,000 predictions (Wh)"
    with pytest.raises(ValueError, match="footprint_bars needs the columns.*inference_status"):
        plots.footprint_bars(table.drop(columns="inference_status"), value="inference_kwh_per_1000")


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


def test_grid_carbon_bars_draw_the_emissions_interval(bar_error_spans):
    pricing = dict(countries=["SWE", "IND"], pues=[1.5], renewable_shares=[0.0])
    table = gnb.carbon_scenarios(0.002, **pricing).assign(variant="teacher")
    table = table.assign(
        emissions_g_low=table["emissions_g"] * 0.5, emissions_g_high=table["emissions_g"] * 2
    )
    ax = plots.grid_carbon_bars(table, unit="mg")
    expected = sorted((500 * g, 2000 * g) for g in table["emissions_g"])
    assert np.allclose(bar_error_spans(ax), expected)


def test_energy_bars_choose_one_engineering_unit():
    table = pd.DataFrame(
        {
            "model": ["a", "b"],
            "phase": ["train", "train"],
            "energy_wh": [0.004, 0.0021],
            "energy_wh_low": [0.003, 0.002],
            "energy_wh_high": [0.005, 0.0022],
            "status": ["estimated", "estimated"],
        }
    )
    ax = plots.energy_bars(table)
    assert ax.get_ylabel() == "energy (mWh)"
    assert sorted(round(p.get_height(), 9) for p in ax.patches if p.get_height()) == [2.1, 4.0]
    assert ax.get_title().endswith("(estimated)")
    assert plots.energy_bars(table, unit="Wh").get_ylabel() == "energy (Wh)"


def test_facility_breakdown_unit_is_automatic():
    from greennb.energy import facility_energy

    facility = facility_energy(2e-9, pue=1.5)  # 2 µWh of computation
    ax = plots.facility_breakdown(facility)
    assert ax.get_ylabel() == "energy (µWh)"
    assert "E_total = 3 µWh" in ax.get_title() and ax.get_title().endswith("status not recorded")
