"""Fairness figures: per-group bars against the SRI's bar, rates and errors per group and model.

Calibration curves are drawn in tests/fairness/test_calibration.py, on a real GroupCalibration.
"""

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from greennb import plots
from greennb.plots._fairness import _bars_by_group


@pytest.fixture
def per_group():
    return pd.DataFrame(
        {
            "model": ["a", "a", "b", "b"],
            "zone": ["x", "y", "x", "y"],
            "mape": [0.1, 0.2, 0.3, 0.4],
            "true_positive_rate": [0.5, 0.6, 0.7, 0.8],
        }
    )


def test_bars_by_group_checks_the_columns_and_draws_a_bar_per_hue(per_group):
    ax = _bars_by_group(
        per_group, group="zone", metric="mape", hue="model", what="my_figure", ax=None
    )
    heights = [round(p.get_height(), 9) for p in ax.patches if p.get_width()]
    assert heights == [0.1, 0.2, 0.3, 0.4]
    assert {text.get_text() for text in ax.get_legend().get_texts()} == {"a", "b"}
    with pytest.raises(ValueError, match=r"my_figure needs the columns \['zone', 'mae', 'model'\]"):
        _bars_by_group(per_group, group="zone", metric="mae", hue="model", what="my_figure", ax=ax)


def test_group_error_bars_labels_mape_as_a_fraction(per_group):
    ax = plots.group_error_bars(per_group, group="zone", metric="mape")
    assert [p.get_height() for p in ax.patches][:2] == pytest.approx([0.1, 0.2])
    assert ax.get_ylabel() == "MAPE (fraction of the actual value)"
    assert ax.get_title() == "Forecast error (MAPE) by zone and model"
    in_gw = plots.group_error_bars(per_group, group="zone", metric="mape", unit="GW")
    assert in_gw.get_ylabel() == "MAPE (GW)"
    with pytest.raises(ValueError, match=r"group_error_bars needs the columns"):
        plots.group_error_bars(per_group, group="station")


def test_group_rate_bars_is_a_fraction_axis(per_group):
    ax = plots.group_rate_bars(per_group, group="zone")
    assert [p.get_height() for p in ax.patches][:2] == pytest.approx([0.5, 0.6])
    assert ax.get_ylabel() == "true positive rate (fraction)" and ax.get_ylim() == (0.0, 1.0)
    assert ax.get_title() == (
        "True positive rate by zone and model (no interval: the table has no counts)"
    )
    with pytest.raises(ValueError, match=r"group_rate_bars needs the columns"):
        plots.group_rate_bars(per_group, group="zone", metric="selection_rate")


def test_group_bars_draws_the_bar_relative_to_the_best_group():
    by_group = pd.DataFrame(
        {"selection_rate": [0.5, 0.25], "count": [10, 20]},
        index=pd.Index(["x", "y"], name="zone"),
    )
    sri = SimpleNamespace(by_group=by_group, bar=0.8, value=0.625)
    ax = plots.group_bars(sri)
    assert [p.get_height() for p in ax.patches] == pytest.approx([0.5, 0.25])
    (line,) = [line for line in ax.get_lines() if line.get_label() == "bar B=0.8 × best"]
    assert line.get_ydata()[0] == pytest.approx(0.4)  # 0.8 x the best group's 0.5
    assert ax.get_ylabel() == "selection rate"
    assert ax.get_title() == "selection rate by group — R = 0.62 (bars: 95% Wilson intervals)"


def test_group_rate_bars_draws_wilson_intervals_from_counts(bar_error_spans):
    from greennb.fairness import wilson_interval

    table = pd.DataFrame(
        {
            "model": ["m", "m"],
            "age_band": ["18+", "<1"],
            "selection_rate": [0.5, 0.1],
            "count": [40, 10],
        }
    )
    ax = plots.group_rate_bars(table, group="age_band", metric="selection_rate")
    assert [t.get_text() for t in ax.get_xticklabels()] == ["<1", "18+"]  # bands in order
    assert [p.get_height() for p in ax.patches][:2] == pytest.approx([0.1, 0.5])
    expected = sorted([wilson_interval(1, 10), wilson_interval(20, 40)])
    np.testing.assert_allclose(bar_error_spans(ax), expected)
    assert ax.get_title().endswith("(bars: 95% Wilson intervals)")


def test_group_rate_bars_uses_the_counts_of_group_rate_intervals(bar_error_spans):
    from greennb.fairness import group_rate_intervals, wilson_interval

    y_true = [1, 1, 1, 0, 1, 1, 0, 0]
    y_pred = [1, 0, 1, 1, 1, 0, 0, 0]
    afam = pd.Series(["no"] * 4 + ["yes"] * 4, name="afam")
    table = group_rate_intervals(y_true, y_pred, afam, metrics=["true_positive_rate"])
    ax = plots.group_rate_bars(table.assign(model="m"), group="afam", dataset="hmda")
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels == ["not African-American", "African-American applicant"]
    assert ax.get_xlabel() == "applicant African-American"
    np.testing.assert_allclose(
        bar_error_spans(ax), sorted([wilson_interval(2, 3), wilson_interval(1, 2)])
    )


def test_group_bars_of_a_real_sri_has_intervals_and_labels(bar_error_spans):
    from greennb.fairness import social_responsibility_index, wilson_interval

    y_pred = [1] * 4 + [0] * 46 + [1] * 5 + [0] * 45
    sex = pd.Series(["f"] * 50 + ["m"] * 50, name="sex")
    sri = social_responsibility_index(y_pred, y_pred, sex)
    ax = plots.group_bars(sri, dataset="monica")
    assert [t.get_text() for t in ax.get_xticklabels()] == ["female", "male"]
    assert ax.get_xlabel() == "sex"
    np.testing.assert_allclose(
        bar_error_spans(ax), sorted([wilson_interval(4, 50), wilson_interval(5, 50)])
    )


def test_group_error_bars_orders_temperature_bands_and_labels_them(per_group):
    table = per_group.assign(zone=["20-30°C", "<10°C", "20-30°C", "<10°C"])
    ax = plots.group_error_bars(table, group="zone", metric="mape")
    assert [t.get_text() for t in ax.get_xticklabels()] == ["<10°C", "20-30°C"]
    table = table.rename(columns={"zone": "temperature_band"})
    ax = plots.group_error_bars(
        table, group="temperature_band", metric="mape", dataset="victoria_electricity"
    )
    assert [t.get_text() for t in ax.get_xticklabels()] == ["below 10 °C", "20–30 °C"]
    assert ax.get_xlabel() == "Melbourne temperature"


def test_a_band_written_with_an_equals_sign_is_not_taken_for_an_intersectional_label(per_group):
    table = per_group.assign(temperature_band=[">=30°C", "<10°C", ">=30°C", "<10°C"])
    ax = plots.group_error_bars(
        table, group="temperature_band", metric="mape", dataset="victoria_electricity"
    )
    assert [t.get_text() for t in ax.get_xticklabels()] == ["below 10 °C", "30 °C and above"]
