"""Figures over time: forecast vs actual, and the training-energy forecast curve."""

import pandas as pd
import pytest

from greennb import plots


def test_forecast_vs_actual_draws_each_series_and_checks_lengths():
    times = pd.date_range("2024-01-01", periods=3, freq="D")
    ax = plots.forecast_vs_actual(times, [1.0, 2.0, 3.0], {"naive": [1.0, 1.0, 2.0]}, unit="GW")
    assert ax.get_ylabel() == "value (GW)" and len(ax.get_lines()) >= 2
    assert ax.get_title() == "Forecast vs actual"
    with pytest.raises(ValueError, match=r"predictions\['naive'\] has 2 values but there are 3"):
        plots.forecast_vs_actual(times, [1.0, 2.0, 3.0], {"naive": [1.0, 2.0]})


def test_training_energy_curve_marks_the_forecast_and_the_planned_end():
    table = pd.DataFrame(
        {
            "epoch": [1, 2, 3],
            "cumulative_energy_wh": [1.0, 2.0, 3.0],
            "forecast_energy_wh": [1.0, 2.1, 3.2],
            "used_for_forecast": [True, True, False],
        }
    )
    ax = plots.training_energy_curve(table, planned_epochs=5)
    labels = {text.get_text() for text in ax.get_legend().get_texts()}
    assert {"tracked", "forecast", "forecast made (epoch 2)", "planned end"} <= labels
    assert ax.get_ylabel() == "cumulative computation energy (Wh)"
    assert ax.get_title() == "Training energy (tracked) vs forecast after 2 epoch(s)"
    # An estimated epoch makes the whole line estimated: never "measured" for an estimate.
    table["status"] = ["measured", "estimated", "measured"]
    ax = plots.training_energy_curve(table)
    assert "estimated" in {text.get_text() for text in ax.get_legend().get_texts()}
    assert ax.get_title() == "Training energy (estimated) vs forecast after 2 epoch(s)"
    with pytest.raises(ValueError, match="training_energy_curve needs the columns"):
        plots.training_energy_curve(table.drop(columns="epoch"))


def test_training_energy_curve_draws_the_interval_as_a_band_above_0_wh():
    table = pd.DataFrame(
        {
            "epoch": [1, 2],
            "cumulative_energy_wh": [1.0, 2.0],
            "cumulative_energy_wh_low": [-0.5, 1.0],  # clipped at 0 Wh
            "cumulative_energy_wh_high": [2.0, 4.0],
            "forecast_energy_wh": [1.0, 2.0],
            "used_for_forecast": [True, False],
            "status": ["estimated", "estimated"],
        }
    )
    ax = plots.training_energy_curve(table)
    (band,) = [c for c in ax.collections if c.get_label() == "estimated: interval"]
    vertices = band.get_paths()[0].vertices
    assert vertices[:, 1].min() == 0.0 and vertices[:, 1].max() == 4.0


def test_forecast_legend_sits_outside_the_axes():
    import pandas as pd

    times = pd.date_range("2016-07-01", periods=30, freq="D")
    ax = plots.forecast_vs_actual(times, [1.0] * 30, {"mlp": [1.1] * 30})
    ax.figure.canvas.draw()
    legend = ax.get_legend().get_window_extent()
    assert legend.x0 >= ax.get_window_extent().x1 - 1


def test_training_energy_curve_in_engineering_units():
    import pandas as pd

    table = pd.DataFrame(
        {
            "epoch": [1, 2],
            "cumulative_energy_wh": [0.002, 0.004],
            "forecast_energy_wh": [0.002, 0.0041],
            "used_for_forecast": [True, False],
            "status": ["estimated", "estimated"],
        }
    )
    ax = plots.training_energy_curve(table)
    assert ax.get_ylabel() == "cumulative computation energy (mWh)"
    assert list(ax.get_lines()[0].get_ydata()) == [2.0, 4.0]
