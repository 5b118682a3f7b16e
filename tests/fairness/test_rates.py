"""Per-group rates from counts: hand-computed numerators and denominators, 0/0 as NaN."""

import math

import numpy as np
import pytest
from fairlearn.metrics import MetricFrame, false_positive_rate, true_positive_rate

from greennb.fairness._inputs import prepare
from greennb.fairness._rates import (
    COMPONENT_LABELS,
    balanced_accuracy,
    component_counts,
    ratio_or_nan,
)
from greennb.fairness._rates import false_positive_rate as fpr_or_nan
from greennb.fairness._rates import true_positive_rate as tpr_or_nan

# Group "a": y_true [1, 1, 0, 0], y_pred [1, 0, 1, 1]: selected 3 of 4, TPR 1/2, FPR 2/2,
# accuracy 1/4. Group "b": y_true [0, 0], y_pred [0, 1]: selected 1 of 2, TPR 0/0 (no
# positives), FPR 1/2, accuracy 1/2.
Y_TRUE = [1, 1, 0, 0, 0, 0]
Y_PRED = [1, 0, 1, 1, 0, 1]
GROUPS = ["a", "a", "a", "a", "b", "b"]


def counts(component, y_true=Y_TRUE, y_pred=Y_PRED, groups=GROUPS, task="classification"):
    prepared = prepare(y_true, y_pred, groups, task=task, pos_label=1)
    numerator, denominator = component_counts(component, prepared)
    return numerator.tolist(), denominator.tolist()


@pytest.mark.parametrize(
    ("component", "expected"),
    [
        ("selection_rate", ([3, 1], [4, 2])),
        ("true_positive_rate", ([1, 0], [2, 0])),
        ("false_positive_rate", ([2, 1], [2, 2])),
        ("accuracy", ([1, 1], [4, 2])),
    ],
)
def test_classification_counts_by_hand(component, expected):
    assert counts(component) == expected


def test_regression_counts_sum_errors_and_leave_zero_targets_out_of_mape():
    # "a": |10 - 12| + |20 - 20| = 2 over 2 rows; "b": 3 + 4 + 5 = 12 over 3 rows.
    # MAPE: "a" 0.2 + 0 over 2; "b" 0.3 + 0.1 over 2 (the zero target is left out).
    y_true, y_pred = [10.0, 20.0, 10.0, 40.0, 0.0], [12.0, 20.0, 13.0, 36.0, 5.0]
    groups = ["a", "a", "b", "b", "b"]
    assert counts("mae", y_true, y_pred, groups, "regression") == ([2.0, 12.0], [2.0, 3.0])
    numerator, denominator = counts("mape", y_true, y_pred, groups, "regression")
    assert numerator == pytest.approx([0.2, 0.4]) and denominator == [2.0, 2.0]


def test_counts_over_resampled_rows_count_repeats():
    prepared = prepare(Y_TRUE, Y_PRED, GROUPS, task="classification", pos_label=1)
    rows = np.array([0, 0, 0, 4])  # row 0 (a, selected) three times, row 4 (b, not)
    numerator, denominator = component_counts("selection_rate", prepared, rows)
    assert numerator.tolist() == [3.0, 0.0] and denominator.tolist() == [3.0, 1.0]


def test_every_component_has_a_display_label():
    for component in ("selection_rate", "true_positive_rate", "false_positive_rate"):
        assert component in COMPONENT_LABELS
    assert COMPONENT_LABELS["true_positive_rate"] == "TPR"


def test_rates_are_nan_on_zero_denominators_where_fairlearn_says_zero():
    no_positives = ([0, 0], [0, 1])
    assert math.isnan(tpr_or_nan(*no_positives, pos_label=1))
    assert true_positive_rate(*no_positives) == 0.0  # fairlearn's silent "worst" value
    no_negatives = ([1, 1], [1, 0])
    assert math.isnan(fpr_or_nan(*no_negatives, pos_label=1))
    assert math.isnan(ratio_or_nan(0, 0)) and ratio_or_nan(1, 4) == 0.25


def test_rates_agree_with_fairlearn_where_both_are_defined():
    tpr = MetricFrame(
        metrics=true_positive_rate, y_true=Y_TRUE, y_pred=Y_PRED, sensitive_features=GROUPS
    )
    fpr = MetricFrame(
        metrics=false_positive_rate, y_true=Y_TRUE, y_pred=Y_PRED, sensitive_features=GROUPS
    )
    assert tpr_or_nan(Y_TRUE[:4], Y_PRED[:4], pos_label=1) == tpr.by_group["a"] == 0.5
    assert fpr_or_nan(Y_TRUE[4:], Y_PRED[4:], pos_label=1) == fpr.by_group["b"] == 0.5


def test_balanced_accuracy_is_the_mean_of_tpr_and_tnr():
    # TPR 1/2, FPR 2/2: (0.5 + 1 - 1) / 2 = 0.25
    assert balanced_accuracy(Y_TRUE[:4], Y_PRED[:4], pos_label=1) == 0.25
    assert balanced_accuracy(["y", "n", "n"], ["y", "y", "n"], pos_label="y") == 0.75
    assert math.isnan(balanced_accuracy([0, 0], [0, 1], pos_label=1))
