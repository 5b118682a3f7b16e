"""Tests of the trade-off figures of greennb.plots: Pareto front, per-group change, grid carbon.

The tables are built by hand so that every expected value is known; no model is trained.
"""

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import greennb as gnb
from greennb import plots


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def variants():
    # cost (Wh), accuracy, R. Front by hand: cheap (0.5, .70), mid (1, .80), best (2, .90);
    # worse (2, .85) and late (3, .90) are dominated; twin equals mid; "nan" has no cost.
    return pd.DataFrame(
        {
            "variant": ["late", "best", "mid", "worse", "cheap", "twin", "nan"],
            "energy_wh": [3.0, 2.0, 1.0, 2.0, 0.5, 1.0, math.nan],
            "accuracy": [0.90, 0.90, 0.80, 0.85, 0.70, 0.80, 0.99],
            "sri": [1.1, 0.9, 1.2, 1.0, 0.7, 1.2, 1.0],
        },
        index=[10, 11, 12, 13, 14, 15, 16],
    )


def test_pareto_optimal_marks_exactly_the_undominated_rows(variants):
    optimal = plots.pareto_optimal(variants, x="energy_wh", y="accuracy")
    assert list(optimal.index) == list(variants.index)
    on_front = set(variants.loc[optimal, "variant"])
    assert on_front == {"cheap", "mid", "twin", "best"}
    # A row that is better on both counts removes the ones it dominates.
    dominant = pd.concat(
        [variants, pd.DataFrame({"variant": ["star"], "energy_wh": [0.1], "accuracy": [0.95]})],
        ignore_index=True,
    )
    assert list(
        dominant.loc[plots.pareto_optimal(dominant, x="energy_wh", y="accuracy"), "variant"]
    ) == ["star"]


def test_pareto_optimal_needs_its_columns(variants):
    with pytest.raises(ValueError, match=r"pareto_optimal needs the columns \['kwh', 'accuracy'\]"):
        plots.pareto_optimal(variants, x="kwh", y="accuracy")


def test_pareto_frontier_draws_the_front_as_a_step_line(variants):
    ax = plots.pareto_frontier(
        variants, x="energy_wh", xlabel="energy (Wh)", hue_label="R", log_x=True
    )
    (front,) = [line for line in ax.get_lines() if line.get_label() == "Pareto front"]
    xs = np.asarray(front.get_xdata(), dtype=float)
    ys = np.asarray(front.get_ydata(), dtype=float)
    assert xs.tolist() == [0.5, 1.0, 1.0, 2.0] and ys.tolist() == [0.70, 0.80, 0.80, 0.90]
    assert ax.get_xscale() == "log" and ax.get_xlabel() == "energy (Wh)"
    assert ax.get_ylabel() == "accuracy" and "colour: R" in ax.get_title()
    assert ax.get_legend().get_title().get_text() == "R"
    annotated = {text.get_text() for text in ax.texts}
    assert {"late", "best", "mid", "worse", "cheap", "twin"} <= annotated


@pytest.fixture
def groups():
    rows = []
    values = {"teacher": (0.90, 0.80), "int8": (0.91, 0.70), "student": (0.88, 0.85)}
    for variant, (large, small) in values.items():
        rows += [
            {"variant": variant, "group": "no", "count": 500, "metric": "accuracy", "value": large},
            {"variant": variant, "group": "yes", "count": 80, "metric": "accuracy", "value": small},
            {"variant": variant, "group": "yes", "count": 80, "metric": "tpr", "value": 0.5},
        ]
    return pd.DataFrame(rows)


def test_group_change_bars_shows_points_against_the_baseline(groups):
    ax = plots.group_change_bars(groups, baseline="teacher")
    heights = sorted(round(bar.get_height(), 6) for bar in ax.patches if bar.get_width() > 0)
    # int8: +1 and -10 points; student: -2 and +5 points; the baseline is not drawn.
    assert heights == [-10.0, -2.0, 1.0, 5.0]
    labels = {text.get_text() for text in ax.get_legend().get_texts()}
    assert labels == {"no (n=500)", "yes (n=80)"}
    assert [tick.get_text() for tick in ax.get_xticklabels()] == ["int8", "student"]
    assert ax.get_ylabel() == "accuracy change (percentage points)"


def test_group_change_bars_names_the_valid_choices(groups):
    with pytest.raises(ValueError, match=r"variant='fp16'; valid values: \['int8', 'student'"):
        plots.group_change_bars(groups, baseline="fp16")
    with pytest.raises(ValueError, match=r"metric='f1'; valid values: \['accuracy', 'tpr'\]"):
        plots.group_change_bars(groups, baseline="teacher", metric="f1")
    with pytest.raises(ValueError, match="group_change_bars needs the columns"):
        plots.group_change_bars(groups.drop(columns="count"), baseline="teacher")


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
    with pytest.raises(ValueError, match="Unknown mass unit 't'; valid units: kg, g, mg"):
        plots.grid_carbon_bars(table, unit="t")
