"""Calibration by group: reliability curves, ECE/MCE, Brier score, checks."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.calibration import calibration_curve

from greennb.errors import FairnessWarning
from greennb.fairness import calibration_by_group


def test_hand_computed_errors_for_two_small_groups():
    y_true = ["dead", "live", "dead", "live", "live", "dead"]
    y_prob = [0.9, 0.1, 0.6, 0.6, 0.2, 0.7]
    groups = ["a", "a", "a", "b", "b", "b"]
    result = calibration_by_group(
        y_true, y_prob, groups, pos_label="dead", n_bins=2, min_group_size=0
    )
    a, b = result.summary.loc["a"], result.summary.loc["b"]
    # a: bin 0 holds 0.1 (live) -> gap 0.1; bin 1 holds 0.9, 0.6 (both dead) -> gap |1 - 0.75|
    assert a["ece"] == pytest.approx((1 * 0.1 + 2 * 0.25) / 3)
    assert a["mce"] == pytest.approx(0.25)
    assert a["brier"] == pytest.approx((0.1**2 + 0.1**2 + 0.4**2) / 3)
    # b: bin 0 holds 0.2 (live) -> 0.2; bin 1 holds 0.6 (live), 0.7 (dead) -> |0.5 - 0.65|
    assert b["ece"] == pytest.approx((0.2 + 2 * 0.15) / 3)
    assert b["calibration_in_the_large"] == pytest.approx(0.5 - 1 / 3)
    assert b["positives"] == 1 and b["size"] == 3
    assert result.worst_group == "a"  # 0.2 against 0.167
    assert result.ece_gap == pytest.approx(a["ece"] - b["ece"])


@pytest.mark.parametrize("strategy", ["uniform", "quantile"])
def test_curves_are_scikit_learns_with_bin_counts(strategy):
    rng = np.random.default_rng(1)
    prob = rng.uniform(size=300)
    truth = (rng.uniform(size=300) < prob).astype(int)
    groups = np.where(np.arange(300) % 3 == 0, "x", "y")
    result = calibration_by_group(truth, prob, groups, n_bins=5, strategy=strategy)
    for group in ("x", "y"):
        members = groups == group
        observed, predicted = calibration_curve(
            truth[members], prob[members], n_bins=5, strategy=strategy
        )
        curve = result.curves[result.curves["group"] == group]
        np.testing.assert_allclose(curve["fraction_positive"], observed)
        np.testing.assert_allclose(curve["mean_predicted"], predicted)
        assert curve["count"].sum() == members.sum()


def test_a_miscalibrated_group_stands_out():
    rng = np.random.default_rng(0)
    n = 4000
    risk = rng.uniform(0.1, 0.7, size=n)
    outcome = (rng.uniform(size=n) < risk).astype(int)
    group = np.where(np.arange(n) % 2 == 0, "honest", "inflated")
    predicted = np.where(group == "honest", risk, risk + 0.2)  # over-states one group's risk
    result = calibration_by_group(outcome, predicted, group)
    summary = result.summary
    assert summary.loc["honest", "ece"] < 0.04
    assert summary.loc["inflated", "ece"] == pytest.approx(0.2, abs=0.04)
    assert summary.loc["inflated", "calibration_in_the_large"] == pytest.approx(0.2, abs=0.03)
    assert result.worst_group == "inflated"


def test_two_columns_give_intersections_and_small_groups_warn():
    frame = pd.DataFrame({"sex": ["f", "f", "m", "m"] * 10, "age": ["old"] * 36 + ["young"] * 4})
    y = np.tile([1, 0], 20)
    prob = np.linspace(0.05, 0.95, 40)
    with pytest.warns(FairnessWarning, match=r"sex=f, age=young.*n=2"):
        result = calibration_by_group(y, prob, frame, n_bins=4)
    assert set(result.summary.index) == {
        "sex=f, age=old",
        "sex=m, age=old",
        "sex=f, age=young",
        "sex=m, age=young",
    }
    assert result.summary["small"].sum() == 4  # all below 30 rows
    assert result.sensitive_features == ("sex", "age")
    json.dumps(result.to_dict())


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"y_prob": [0.2, 1.3, 0.5, 0.1]}, r"probabilities in \[0, 1\].*from 0.1 to 1.3"),
        ({"y_prob": ["a", "b", "c", "d"]}, r"probabilities in \[0, 1\].*dtype"),
        ({"y_true": [0, 1, 2, 1]}, "at most two distinct labels; got 3"),
        (
            {"pos_label": "dead"},
            r"pos_label 'dead' is not a label of y_true; labels seen: \[0, 1\]",
        ),
        ({"strategy": "kmeans"}, "Unknown binning strategy 'kmeans'.*uniform, quantile"),
        ({"n_bins": 1}, "n_bins must be an integer >= 2; got 1"),
        ({"min_group_size": -1}, "min_group_size must be an integer >= 0"),
        ({"sensitive_features": ["a", None, "b", "b"]}, r"missing value.*row 1"),
        ({"sensitive_features": ["a", "b"]}, "same number of rows"),
    ],
)
def test_bad_input_names_the_value(kwargs, match):
    arguments = {
        "y_true": [0, 1, 1, 0],
        "y_prob": [0.2, 0.8, 0.5, 0.1],
        "sensitive_features": ["a", "a", "b", "b"],
        "min_group_size": 0,
        **kwargs,
    }
    with pytest.raises(ValueError, match=match):
        calibration_by_group(
            arguments.pop("y_true"),
            arguments.pop("y_prob"),
            arguments.pop("sensitive_features"),
            **arguments,
        )


def test_plots_draw_one_line_per_group_and_label_units():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from greennb import plots

    rng = np.random.default_rng(2)
    prob = rng.uniform(size=200)
    truth = (rng.uniform(size=200) < prob).astype(int)
    groups = np.where(np.arange(200) % 2 == 0, "a", "b")
    result = calibration_by_group(truth, prob, groups, n_bins=4)
    ax = plots.calibration_curves(result)
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert labels[0] == "perfect calibration"
    assert [label.split(" (ECE")[0] for label in labels[1:]] == ["a", "b"]
    assert "(fraction)" in ax.get_xlabel() and "4 uniform bins" in ax.get_title()
    table = pd.DataFrame(
        {
            "group": ["a", "b", "a", "b"],
            "model": ["m1", "m1", "m2", "m2"],
            "tpr": [0.2, 0.4, 0.5, 0.9],
        }
    )
    ax = plots.group_rate_bars(table, group="group", metric="tpr")
    assert sorted(round(p.get_height(), 2) for p in ax.patches if p.get_height()) == [
        0.2,
        0.4,
        0.5,
        0.9,
    ]
    with pytest.raises(ValueError, match="needs the columns"):
        plots.group_rate_bars(table, group="sex", metric="tpr")
    plt.close("all")
