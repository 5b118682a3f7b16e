"""Trade-off figures: scatter, Pareto front, per-variant and per-group change bars.

The tables are built by hand so that every expected value is known; no model is trained.
"""

import math

import numpy as np
import pandas as pd
import pytest

from greennb import plots
from greennb.plots._tradeoffs import NO_ROWS_MSG


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


def test_tradeoff_scatter_annotates_and_labels_kwh():
    table = pd.DataFrame(
        {"model": ["a", "b"], "energy_kwh": [1.0, 2.0], "accuracy": [0.8, 0.9], "sri": [1, 0.5]}
    )
    ax = plots.tradeoff_scatter(table)
    assert {text.get_text() for text in ax.texts} == {"a", "b"}
    assert ax.get_xlabel() == "energy (kWh, status not recorded)" and ax.get_ylabel() == "accuracy"
    assert ax.get_title() == "Trade-off: accuracy vs energy, coloured by R = A / B"
    assert ax.get_legend().get_title().get_text() == "R = A / B"
    with pytest.raises(ValueError, match="tradeoff_scatter needs the columns"):
        plots.tradeoff_scatter(table, y="mae")


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


def test_variant_group_bars_draws_one_metric(groups):
    ax = plots.variant_group_bars(groups, metric="accuracy")
    heights = sorted(round(bar.get_height(), 6) for bar in ax.patches if bar.get_width() > 0)
    assert heights == [0.7, 0.8, 0.85, 0.88, 0.9, 0.91]
    assert ax.get_ylabel() == "accuracy (fraction)" and ax.get_xlabel() == "model variant"
    with pytest.raises(
        ValueError, match=r"needs the columns \['mae'\]; the table has \['accuracy'"
    ):
        plots.variant_group_bars(groups, metric="mae")


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
    valid = ["int8", "student", "teacher"]
    message = NO_ROWS_MSG.format(
        what="group_change_bars", name="variant", value="fp16", valid=valid
    )
    with pytest.raises(ValueError) as raised:
        plots.group_change_bars(groups, baseline="fp16")
    assert str(raised.value) == message
    with pytest.raises(ValueError, match=r"metric='f1'; valid values: \['accuracy', 'tpr'\]"):
        plots.group_change_bars(groups, baseline="teacher", metric="f1")
    with pytest.raises(ValueError, match="group_change_bars needs the columns"):
        plots.group_change_bars(groups.drop(columns="count"), baseline="teacher")


def _error_segments(ax):
    """The (x_low, x_high) of each horizontal error bar drawn by ax.errorbar."""
    segments = [s for c in ax.collections if hasattr(c, "get_segments") for s in c.get_segments()]
    return sorted((float(s[:, 0].min()), float(s[:, 0].max())) for s in segments if len(s) == 2)


def test_tradeoff_scatter_draws_the_energy_interval_never_below_0():
    table = pd.DataFrame(
        {
            "model": ["a", "b"],
            "energy_kwh": [1.0, 2.0],
            "energy_kwh_low": [-1.0, 1.5],
            "energy_kwh_high": [3.0, 2.5],
            "accuracy": [0.8, 0.9],
            "sri": [1, 0.5],
        }
    )
    ax = plots.tradeoff_scatter(table)
    assert _error_segments(ax) == [(0.0, 3.0), (1.5, 2.5)]
    assert plots.tradeoff_scatter(table.drop(columns="energy_kwh_low")).containers == []


def test_pareto_frontier_draws_the_variants_intervals(variants):
    table = variants.assign(
        energy_wh_low=variants["energy_wh"] / 2, energy_wh_high=variants["energy_wh"] * 2
    )
    ax = plots.pareto_frontier(table, x="energy_wh")
    finite = table.dropna(subset=["energy_wh"])
    expected = sorted(zip(finite["energy_wh_low"], finite["energy_wh_high"], strict=True))
    assert _error_segments(ax) == expected
    labels = {text.get_text() for text in ax.get_legend().get_texts()}
    assert not any(label.startswith("_") for label in labels)


def test_pareto_optimal_does_not_let_a_gap_within_the_noise_decide():
    # "near" costs 10 % more than "base" (within the 15 % floor) and is more accurate: it is
    # as cheap as base for all the machine can tell, so base is off the front; at noise 0 it is
    # measurably more costly and both are on the front.
    table = pd.DataFrame(
        {"variant": ["base", "near", "far"], "wh": [1.0, 1.1, 3.0], "accuracy": [0.80, 0.81, 0.81]}
    )
    assert plots.pareto_optimal(table, x="wh", y="accuracy").to_list() == [False, True, False]
    assert plots.pareto_optimal(table, x="wh", y="accuracy", noise=0).to_list() == [
        True,
        True,
        False,
    ]


def test_pareto_optimal_compares_the_repeats_ranges():
    # Medians 1.0 and 2.0 Wh, but b's repeats reach down to 0.9 Wh: no measurable difference,
    # so the more accurate b keeps its place and a is off the front.
    table = pd.DataFrame(
        {"wh": [1.0, 2.0], "wh_min": [0.95, 0.9], "wh_max": [1.05, 2.1], "accuracy": [0.80, 0.85]}
    )
    assert plots.pareto_optimal(table, x="wh", y="accuracy", noise=0).to_list() == [True, True]
    ranged = plots.pareto_optimal(table, x="wh", y="accuracy", x_range=("wh_min", "wh_max"))
    assert ranged.to_list() == [False, True]


def test_pareto_optimal_refuses_a_negative_noise(variants):
    with pytest.raises(ValueError, match="noise.*-0.1"):
        plots.pareto_optimal(variants, x="energy_wh", y="accuracy", noise=-0.1)


def _boxes(ax):
    renderer = ax.figure.canvas.get_renderer()
    return [text.get_window_extent(renderer) for text in ax.texts]


def test_tradeoff_scatter_chooses_the_unit_and_says_the_status():
    table = pd.DataFrame(
        {
            "model": ["a", "b"],
            "energy_kwh": [2e-6, 4e-6],
            "energy_kwh_low": [1e-6, 3e-6],
            "energy_kwh_high": [3e-6, 5e-6],
            "accuracy": [0.8, 0.9],
            "sri": [1.0, 0.5],
            "status": ["estimated", "estimated"],
        }
    )
    ax = plots.tradeoff_scatter(table)
    assert ax.get_xlabel() == "energy (mWh, estimated)"
    offsets = np.concatenate([c.get_offsets() for c in ax.collections if len(c.get_offsets())])
    assert sorted(offsets[:, 0])[-2:] == pytest.approx([2.0, 4.0])  # mWh, no 1e-6 offset
    assert ax.xaxis.get_major_formatter().get_offset() == ""


def test_tradeoff_scatter_labels_do_not_overprint():
    names = ["logistic", "logistic-threshold_optimizer", "mlp", "mlp-threshold_optimizer"]
    table = pd.DataFrame(
        {
            "model": names,
            "energy_kwh": [1.0e-3, 1.01e-3, 1.02e-3, 1.03e-3],
            "accuracy": [0.80, 0.801, 0.802, 0.799],
            "sri": [1.0, 1.1, 0.9, 1.2],
        }
    )
    ax = plots.tradeoff_scatter(table)
    boxes = _boxes(ax)
    assert {t.get_text() for t in ax.texts} == set(names)
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b), (a, b)


def test_pareto_frontier_log_axis_has_plain_ticks():
    table = pd.DataFrame(
        {
            "variant": ["a", "b", "c"],
            "wh": [0.21, 0.35, 0.6],
            "accuracy": [0.7, 0.8, 0.9],
            "sri": [1.0, 1.0, 1.0],
        }
    )
    ax = plots.pareto_frontier(table, x="wh", log_x=True)
    ax.figure.canvas.draw()
    labels = [t.get_text() for t in ax.get_xticklabels(minor=True) if t.get_text()]
    assert labels == []  # no minor labels to collide
    shown = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert set(shown) >= {"0.2", "0.5"}
