"""Fairness figures: per-group bars against the SRI's bar, rates and errors per group and model.

Calibration curves are drawn in tests/fairness/test_calibration.py, on a real GroupCalibration.
"""

from types import SimpleNamespace

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
    assert ax.get_title() == "True positive rate by zone and model"
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
    assert ax.get_title() == "selection rate by group — R = 0.62"
