"""Tests of greennb.fairness (fairlearn report) and greennb.sri (social responsibility index).

Expected values are computed by hand in the comments next to each table and,
where fairlearn defines the same number, cross-checked against fairlearn.
"""

import json
import math
import re
import warnings

import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import (
    MetricFrame,
    demographic_parity_ratio,
    equal_opportunity_ratio,
    equalized_odds_ratio,
    selection_rate,
    true_positive_rate,
)
from sklearn.metrics import accuracy_score, mean_absolute_error

from greennb.fairness._group_metrics import (
    CLASSIFICATION_METRICS,
    REGRESSION_METRICS,
    FairnessWarning,
    GroupMetrics,
    group_metrics,
    mean_absolute_percentage_error,
)
from greennb.fairness._sri import (
    COMPLIANCE_POLICIES,
    REASON_CODES,
    SRI_METRICS,
    SRIResult,
    social_responsibility_index,
)


def sri(*args, **kwargs) -> SRIResult:
    """The SRI with its FairnessWarnings silenced (tests of warnings use pytest.warns)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FairnessWarning)
        return social_responsibility_index(*args, **kwargs)


def selected(n_selected: int, n_rows: int) -> list[int]:
    return [1] * n_selected + [0] * (n_rows - n_selected)


# ---------------------------------------------------------------------------
# Hand-computed A, B, R
# ---------------------------------------------------------------------------

# Demographic parity: group "a" 40 rows with 24 selected (0.6), "b" 40 rows
# with 12 selected (0.3). A = 0.3 / 0.6 = 0.5, B = 0.8, R = 0.5 / 0.8 = 0.625.
DP_PRED = selected(24, 40) + selected(12, 40)
DP_GROUPS = ["a"] * 40 + ["b"] * 40


def test_demographic_parity_hand_computed():
    result = sri(DP_PRED, DP_PRED, DP_GROUPS)
    assert result.fairness_score == pytest.approx(0.5)
    assert result.bar == 0.8
    assert result.value == pytest.approx(0.625)
    assert result.meets_bar is False
    assert result.policy == "four_fifths"
    assert result.metric == "demographic_parity"
    assert result.reason is None and result.explanation is None
    assert (result.worst_group, result.best_group) == ("b", "a")
    table = result.by_group
    assert table.loc["a", "selection_rate_numerator"] == 24
    assert table.loc["b", "selection_rate_denominator"] == 40
    assert table.loc["b", "selection_rate"] == pytest.approx(0.3)
    assert table["size"].tolist() == [40, 40]
    assert not table["small"].any()


def test_demographic_parity_agrees_with_fairlearn():
    result = sri(DP_PRED, DP_PRED, DP_GROUPS)
    expected = demographic_parity_ratio(DP_PRED, DP_PRED, sensitive_features=DP_GROUPS)
    assert result.fairness_score == pytest.approx(expected, rel=1e-12)


def test_worst_group_follows_whether_a_positive_is_favourable():
    # Predicting denial: the group denied more often ("a", 0.6) is the worse off.
    result = sri(DP_PRED, DP_PRED, DP_GROUPS, positive_is_favourable=False)
    assert (result.worst_group, result.best_group) == ("a", "b")
    assert result.fairness_score == pytest.approx(0.5)  # A itself is symmetric


def test_four_fifths_bar_is_inclusive_despite_floating_point():
    # 4/50 = 0.08 and 5/50 = 0.1; 0.08 / 0.1 is 0.7999999999999999 in floating point.
    y_pred = selected(4, 50) + selected(5, 50)
    groups = ["a"] * 50 + ["b"] * 50
    result = sri(y_pred, y_pred, groups, bar=0.8)
    assert (4 / 50) / (5 / 50) < 0.8  # the trap itself
    assert result.fairness_score == (4 / 50) / (5 / 50)
    assert result.meets_bar is True
    assert result.value == pytest.approx(1.0)
    assert demographic_parity_ratio(y_pred, y_pred, sensitive_features=groups) < 0.8


def test_just_below_the_bar_does_not_meet_it():
    # 39/500 over 50/500 = 0.78 < 0.8.
    y_pred = selected(39, 500) + selected(50, 500)
    groups = ["a"] * 500 + ["b"] * 500
    result = sri(y_pred, y_pred, groups)
    assert result.fairness_score == pytest.approx(0.78)
    assert result.meets_bar is False


# Equal opportunity / equalized odds. Group "a": 4 actual positives of which 3
# are predicted positive (TPR 3/4), 4 actual negatives of which 1 is predicted
# positive (FPR 1/4). Group "b": 2 positives, 1 predicted (TPR 1/2); 4
# negatives, 2 predicted positive (FPR 2/4).
# TPR ratio = 0.5 / 0.75 = 2/3; FPR ratio = 0.25 / 0.5 = 0.5; EO A = min = 0.5.
EO_TRUE = [1, 1, 1, 1, 0, 0, 0, 0] + [1, 1, 0, 0, 0, 0]
EO_PRED = [1, 1, 1, 0, 1, 0, 0, 0] + [1, 0, 1, 1, 0, 0]
EO_GROUPS = ["a"] * 8 + ["b"] * 6


def test_equal_opportunity_hand_computed_and_fairlearn():
    result = sri(EO_TRUE, EO_PRED, EO_GROUPS, metric="equal_opportunity")
    assert result.fairness_score == pytest.approx(2 / 3)
    assert result.value == pytest.approx((2 / 3) / 0.8)
    assert result.by_group.loc["a", "true_positive_rate_numerator"] == 3
    assert result.by_group.loc["a", "true_positive_rate_denominator"] == 4
    fairlearn_value = equal_opportunity_ratio(EO_TRUE, EO_PRED, sensitive_features=EO_GROUPS)
    assert result.fairness_score == pytest.approx(fairlearn_value)


def test_equalized_odds_is_smaller_of_tpr_and_fpr_ratios():
    result = sri(EO_TRUE, EO_PRED, EO_GROUPS, metric="equalized_odds")
    assert result.fairness_score == pytest.approx(0.5)
    assert result.binding_component == "false_positive_rate"
    assert result.by_group.loc["b", "false_positive_rate"] == pytest.approx(0.5)
    assert result.by_group.loc["a", "false_positive_rate"] == pytest.approx(0.25)
    fairlearn_value = equalized_odds_ratio(EO_TRUE, EO_PRED, sensitive_features=EO_GROUPS)
    assert result.fairness_score == pytest.approx(fairlearn_value)


def test_accuracy_ratio_matches_metricframe():
    # Accuracy a: 6/8 correct = 0.75; b: 3/6 = 0.5; ratio = 2/3.
    result = sri(EO_TRUE, EO_PRED, EO_GROUPS, metric="accuracy")
    frame = MetricFrame(
        metrics=accuracy_score, y_true=EO_TRUE, y_pred=EO_PRED, sensitive_features=EO_GROUPS
    )
    assert result.fairness_score == pytest.approx(2 / 3)
    assert result.fairness_score == pytest.approx(frame.ratio())
    assert (result.worst_group, result.best_group) == ("b", "a")


def test_policy_names_and_custom_bars():
    assert dict(COMPLIANCE_POLICIES) == {"four_fifths": 0.8, "strict_parity": 1.0}
    strict = sri(DP_PRED, DP_PRED, DP_GROUPS, bar="strict_parity")
    assert (strict.bar, strict.policy) == (1.0, "strict_parity")
    assert strict.value == pytest.approx(0.5)
    named = sri(DP_PRED, DP_PRED, DP_GROUPS, bar="four_fifths")
    assert (named.bar, named.policy) == (0.8, "four_fifths")
    custom = sri(DP_PRED, DP_PRED, DP_GROUPS, bar=0.5)
    assert custom.policy == "custom"
    assert custom.value == pytest.approx(1.0) and custom.meets_bar is True


def test_sensitive_features_positional_or_keyword_and_aligned_by_position():
    positional = sri(DP_PRED, DP_PRED, DP_GROUPS)
    keyword = sri(DP_PRED, DP_PRED, sensitive_features=DP_GROUPS)
    # pandas objects with scrambled indexes must still line up by position
    index = np.random.default_rng(0).permutation(len(DP_PRED))
    series = sri(
        pd.Series(DP_PRED, index=index),
        pd.Series(DP_PRED, index=index[::-1]),
        pd.Series(DP_GROUPS, name="group"),
    )
    assert positional.fairness_score == keyword.fairness_score == series.fairness_score


# ---------------------------------------------------------------------------
# Several metrics: NaN-aware minimum
# ---------------------------------------------------------------------------

# Group "b" has no actual positives, so equal opportunity (TPR) is undefined
# with only two groups; demographic parity is defined: a 2/4 = 0.5, b 1/4 =
# 0.25, ratio 0.5.
NAN_TRUE = [1, 1, 0, 0] + [0, 0, 0, 0]
NAN_PRED = [1, 0, 1, 0] + [1, 0, 0, 0]
NAN_GROUPS = ["a"] * 4 + ["b"] * 4


@pytest.mark.parametrize(
    "metrics",
    [["equal_opportunity", "demographic_parity"], ["demographic_parity", "equal_opportunity"]],
)
def test_several_metrics_take_nan_aware_minimum_in_any_order(metrics):
    # Python's min depends on the order when a NaN is present:
    assert math.isnan(min([math.nan, 0.5])) and min([0.5, math.nan]) == 0.5
    with pytest.warns(FairnessWarning, match="metric_undefined"):
        result = social_responsibility_index(
            NAN_TRUE, NAN_PRED, NAN_GROUPS, metric=metrics, min_group_size=0
        )
    assert result.fairness_score == pytest.approx(0.5)
    assert math.isnan(result.metric_scores["equal_opportunity"])
    assert result.metric_scores["demographic_parity"] == pytest.approx(0.5)
    assert result.reason == "metric_undefined"
    assert result.metric == tuple(metrics)


def test_several_defined_metrics_take_the_smallest():
    result = sri(EO_TRUE, EO_PRED, EO_GROUPS, metric=["equal_opportunity", "accuracy"])
    # equal opportunity 2/3, accuracy 2/3 as well; equalized odds would add 0.5
    assert result.fairness_score == pytest.approx(2 / 3)
    both = sri(EO_TRUE, EO_PRED, EO_GROUPS, metric=["accuracy", "equalized_odds"])
    assert both.fairness_score == pytest.approx(0.5)


# ---------------------------------------------------------------------------
# Reason codes
# ---------------------------------------------------------------------------


def test_single_group_is_nan_not_one():
    with pytest.warns(FairnessWarning, match="single_group"):
        result = social_responsibility_index(
            [1, 0, 1], [1, 0, 0], ["a", "a", "a"], min_group_size=0
        )
    assert math.isnan(result.value) and math.isnan(result.fairness_score)
    assert result.reason == "single_group"
    assert result.meets_bar is None
    assert result.worst_group is None and result.best_group is None
    assert "only one group" in result.explanation


def test_all_zero_rates_are_nan():
    # Nobody is selected: selection rates 0/2 and 0/2, ratio 0/0.
    with pytest.warns(FairnessWarning, match="all_zero"):
        result = social_responsibility_index(
            [1, 0, 1, 0], [0, 0, 0, 0], ["a", "a", "b", "b"], min_group_size=0
        )
    assert math.isnan(result.value)
    assert result.reason == "all_zero"
    assert math.isnan(
        demographic_parity_ratio([1, 0, 1, 0], [0] * 4, sensitive_features=list("aabb"))
    )


# Three groups; "c" has no actual positives. TPR a = 2/2 = 1.0, b = 1/2 = 0.5,
# c undefined (0/0) and left out: ratio 0.5. fairlearn's true_positive_rate of
# "c" is 0.0, which would make its ratio 0.0.
THREE_TRUE = [1, 1, 0] + [1, 1, 0] + [0, 0, 0]
THREE_PRED = [1, 1, 0] + [1, 0, 1] + [1, 0, 0]
THREE_GROUPS = ["a"] * 3 + ["b"] * 3 + ["c"] * 3


def test_group_without_positives_is_dropped_for_tpr_only():
    with pytest.warns(FairnessWarning, match="no_positives_in_group"):
        result = social_responsibility_index(
            THREE_TRUE,
            THREE_PRED,
            THREE_GROUPS,
            metric=["equal_opportunity", "demographic_parity"],
            min_group_size=0,
        )
    assert result.metric_scores["equal_opportunity"] == pytest.approx(0.5)
    # "c" still counts for demographic parity: a 2/3, b 2/3, c 1/3 -> 0.5
    assert result.metric_scores["demographic_parity"] == pytest.approx(0.5)
    assert result.dropped_groups == {"true_positive_rate": {"c": "no_positives_in_group"}}
    assert result.reason == "no_positives_in_group"
    assert "'c'" in result.explanation
    assert math.isnan(result.by_group.loc["c", "true_positive_rate"])
    # What fairlearn does instead: TPR of "c" is 0.0 and the ratio collapses to 0.
    frame = MetricFrame(
        metrics=true_positive_rate,
        y_true=THREE_TRUE,
        y_pred=THREE_PRED,
        sensitive_features=THREE_GROUPS,
    )
    assert frame.by_group["c"] == 0.0
    assert frame.ratio() == 0.0


def test_too_few_groups_left_after_dropping_is_nan():
    with pytest.warns(FairnessWarning, match="no_positives_in_group"):
        result = social_responsibility_index(
            NAN_TRUE, NAN_PRED, NAN_GROUPS, metric="equal_opportunity", min_group_size=0
        )
    assert math.isnan(result.value)
    assert result.reason == "no_positives_in_group"
    assert "fewer than two groups remain" in result.explanation


def test_group_without_negatives_is_dropped_for_fpr():
    # Group "c" has only actual positives: FPR undefined there. FPR a = 1/1, b = 1/2.
    y_true = [1, 0] + [1, 0, 0] + [1, 1]
    y_pred = [1, 1] + [1, 1, 0] + [1, 0]
    groups = ["a"] * 2 + ["b"] * 3 + ["c"] * 2
    result = sri(y_true, y_pred, groups, metric="equalized_odds")
    assert result.dropped_groups["false_positive_rate"] == {"c": "no_negatives_in_group"}
    # TPR a 1/1, b 1/1, c 1/2 -> 0.5; FPR ratio 0.5 / 1.0 = 0.5
    assert result.fairness_score == pytest.approx(0.5)


def test_empty_intersection_is_reported_and_left_out():
    # Intersections of sex x age: (F, old) has no rows. Selection rates:
    # F,young 1/2 = 0.5; M,old 2/2 = 1.0; M,young 1/4 = 0.25. A = 0.25.
    features = pd.DataFrame(
        {
            "sex": ["F", "F", "M", "M", "M", "M", "M", "M"],
            "age": ["young", "young", "old", "old", "young", "young", "young", "young"],
        }
    )
    y_pred = [1, 0, 1, 1, 1, 0, 0, 0]
    with pytest.warns(FairnessWarning, match="empty_group"):
        result = social_responsibility_index(y_pred, y_pred, features, min_group_size=0)
    assert result.fairness_score == pytest.approx(0.25)
    assert result.dropped_groups == {"selection_rate": {"sex=F, age=old": "empty_group"}}
    assert result.by_group.loc["sex=F, age=old", "size"] == 0
    assert (result.worst_group, result.best_group) == ("sex=M, age=young", "sex=M, age=old")
    frame = MetricFrame(
        metrics=selection_rate, y_true=y_pred, y_pred=y_pred, sensitive_features=features
    )
    assert result.fairness_score == pytest.approx(frame.ratio())


def test_every_reason_code_is_documented():
    assert {
        "single_group",
        "all_zero",
        "empty_group",
        "no_positives_in_group",
        "no_negatives_in_group",
        "no_nonzero_targets_in_group",
        "metric_undefined",
    } == set(REASON_CODES)


# ---------------------------------------------------------------------------
# Small groups and the bootstrap
# ---------------------------------------------------------------------------


def test_small_groups_are_flagged_with_a_warning():
    y_pred = selected(2, 5) + selected(20, 40)
    groups = ["tiny"] * 5 + ["big"] * 40
    with pytest.warns(FairnessWarning, match=r"min_group_size=30: 'tiny' \(n=5\)"):
        result = social_responsibility_index(y_pred, y_pred, groups)
    assert result.small_groups == ("tiny",)
    assert result.by_group["small"].to_dict() == {"big": False, "tiny": True}
    quiet = sri(y_pred, y_pred, groups, min_group_size=5)
    assert quiet.small_groups == ()


def test_bootstrap_lower_bound_is_reproducible_and_below_r():
    kwargs = dict(n_bootstrap=300, random_state=7)
    first = sri(DP_PRED, DP_PRED, DP_GROUPS, **kwargs)
    again = sri(DP_PRED, DP_PRED, DP_GROUPS, **kwargs)
    assert first.lower_bound == again.lower_bound
    assert 0.0 <= first.lower_bound <= first.value
    # the same resamples at a higher confidence give a lower (or equal) bound
    stricter = sri(DP_PRED, DP_PRED, DP_GROUPS, confidence=0.99, **kwargs)
    assert stricter.lower_bound <= first.lower_bound
    assert sri(DP_PRED, DP_PRED, DP_GROUPS).lower_bound is None


def test_bootstrap_resamples_vary_with_the_seed():
    bounds = {
        sri(DP_PRED, DP_PRED, DP_GROUPS, n_bootstrap=200, random_state=seed).lower_bound
        for seed in range(3)
    }
    assert len(bounds) > 1
    assert max(bounds) < sri(DP_PRED, DP_PRED, DP_GROUPS).value  # sampling noise lowers it


def test_bootstrap_is_stratified_by_group():
    # A one-row group would vanish from about a third of unstratified resamples
    # ((40/41)**41 = 0.36), making them undefined; stratified resampling keeps it.
    y_pred = [1] + selected(20, 40)
    groups = ["one"] + ["many"] * 40
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = social_responsibility_index(
            y_pred, y_pred, groups, n_bootstrap=200, random_state=0, min_group_size=0
        )
    assert not [w for w in caught if "resamples were undefined" in str(w.message)]
    assert result.lower_bound <= result.value


def test_undefined_bootstrap_resamples_are_counted_in_a_warning():
    # Group "b" has one actual positive in 40 rows; resamples that miss it leave
    # its TPR undefined and only one group for the TPR ratio.
    y_true = [1] * 20 + [0] * 20 + [1] + [0] * 39
    y_pred = [1] * 10 + [0] * 30 + [1] + [0] * 39
    groups = ["a"] * 40 + ["b"] * 40
    with pytest.warns(FairnessWarning, match=r"of 100 bootstrap resamples were undefined"):
        result = social_responsibility_index(
            y_true, y_pred, groups, metric="equal_opportunity", n_bootstrap=100, random_state=1
        )
    assert result.fairness_score == pytest.approx(0.5)  # TPR a 10/20, b 1/1


# ---------------------------------------------------------------------------
# Labels, intersections, regression
# ---------------------------------------------------------------------------


def test_string_labels_with_pos_label_match_zero_one_labels():
    words = {1: "yes", 0: "no"}
    numeric = sri(EO_TRUE, EO_PRED, EO_GROUPS, metric="equalized_odds")
    strings = sri(
        [words[v] for v in EO_TRUE],
        [words[v] for v in EO_PRED],
        EO_GROUPS,
        metric="equalized_odds",
        pos_label="yes",
    )
    booleans = sri(
        np.array(EO_TRUE, dtype=bool),
        np.array(EO_PRED, dtype=bool),
        EO_GROUPS,
        metric="equalized_odds",
        pos_label=True,
    )
    assert numeric.fairness_score == strings.fairness_score == booleans.fairness_score
    # pos_label decides which rate is compared: approvals ("no") instead of denials
    approvals = sri(
        [words[v] for v in DP_PRED], [words[v] for v in DP_PRED], DP_GROUPS, pos_label="no"
    )
    # a: 16/40 = 0.4, b: 28/40 = 0.7 -> 4/7
    assert approvals.fairness_score == pytest.approx(4 / 7)


def test_intersectional_groups_are_readable():
    features = pd.DataFrame({"sex": ["F", "F", "M", "M"] * 10, "band": ["lo", "hi"] * 20})
    y_pred = [1, 0, 1, 1] * 10
    result = sri(y_pred, y_pred, features)
    assert list(result.by_group.index) == [
        "sex=F, band=hi",
        "sex=F, band=lo",
        "sex=M, band=hi",
        "sex=M, band=lo",
    ]
    assert result.by_group.loc["sex=F, band=hi", "sex"] == "F"
    assert result.by_group.loc["sex=F, band=lo", "selection_rate"] == 1.0
    assert result.fairness_score == 0.0  # (F, hi) is never selected
    assert result.worst_group == "sex=F, band=hi"


# Regression: group "a" targets [10, 20] predicted [12, 20]: errors 2, 0 ->
# MAE 1.0, MAPE (0.2 + 0) / 2 = 0.1. Group "b" targets [10, 40, 0] predicted
# [13, 36, 5]: errors 3, 4, 5 -> MAE 4.0; MAPE leaves out the zero target:
# (0.3 + 0.1) / 2 = 0.2. MAE ratio 1/4 = 0.25; MAPE ratio 0.1/0.2 = 0.5.
REG_TRUE = [10.0, 20.0, 10.0, 40.0, 0.0]
REG_PRED = [12.0, 20.0, 13.0, 36.0, 5.0]
REG_GROUPS = ["a", "a", "b", "b", "b"]


def test_regression_mae_and_mape_ratios_by_hand():
    mae = sri(REG_TRUE, REG_PRED, REG_GROUPS, metric="mae")
    assert mae.fairness_score == pytest.approx(0.25)
    assert mae.by_group["mae"].to_dict() == pytest.approx({"a": 1.0, "b": 4.0})
    assert (mae.worst_group, mae.best_group) == ("b", "a")  # higher error is worse
    frame = MetricFrame(
        metrics=mean_absolute_error, y_true=REG_TRUE, y_pred=REG_PRED, sensitive_features=REG_GROUPS
    )
    assert mae.fairness_score == pytest.approx(frame.ratio())
    mape = sri(REG_TRUE, REG_PRED, REG_GROUPS, metric="mape")
    assert mape.by_group["mape"].to_dict() == pytest.approx({"a": 0.1, "b": 0.2})
    assert mape.by_group.loc["b", "mape_denominator"] == 2
    assert mape.fairness_score == pytest.approx(0.5)


def test_mape_of_a_group_with_only_zero_targets_is_dropped():
    y_true = [10.0, 20.0, 5.0, 4.0, 0.0, 0.0]
    y_pred = [11.0, 22.0, 5.5, 4.0, 1.0, 2.0]
    groups = ["a", "a", "b", "b", "c", "c"]
    result = sri(y_true, y_pred, groups, metric="mape")
    assert result.dropped_groups == {"mape": {"c": "no_nonzero_targets_in_group"}}
    # a: (0.1 + 0.1) / 2 = 0.1; b: (0.1 + 0) / 2 = 0.05 -> 0.5
    assert result.fairness_score == pytest.approx(0.5)


def test_mean_absolute_percentage_error_leaves_out_zero_targets():
    assert mean_absolute_percentage_error([2.0, 4.0, 0.0], [1.0, 5.0, 3.0]) == 0.375
    assert math.isnan(mean_absolute_percentage_error([0.0, 0.0], [1.0, 2.0]))


# ---------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "fragments"),
    [
        ({"metric": "parity"}, ValueError, ["'parity'", "demographic_parity", "mape"]),
        ({"metric": []}, ValueError, ["empty", "equalized_odds"]),
        ({"metric": ["mae", "demographic_parity"]}, ValueError, ["mix", "'mae'"]),
        ({"bar": "eighty_percent"}, ValueError, ["'eighty_percent'", "four_fifths"]),
        ({"bar": 0.0}, ValueError, ["0.0", "(0, 1]", "strict_parity"]),
        ({"bar": 1.5}, ValueError, ["1.5", "(0, 1]"]),
        ({"bar": math.nan}, ValueError, ["nan", "(0, 1]"]),
        ({"bar": [0.8]}, TypeError, ["[0.8]", "list", "four_fifths"]),
        ({"bar": True}, TypeError, ["True", "bool"]),
        ({"min_group_size": -1}, ValueError, ["min_group_size", "-1"]),
        ({"n_bootstrap": 2.5}, ValueError, ["n_bootstrap", "2.5"]),
        ({"confidence": 1.0}, ValueError, ["confidence", "1.0"]),
        ({"pos_label": "yes"}, ValueError, ["pos_label 'yes'", "[0, 1]"]),
    ],
)
def test_bad_arguments_name_the_value_and_the_choices(kwargs, error, fragments):
    with pytest.raises(error) as caught:
        social_responsibility_index(DP_PRED, DP_PRED, DP_GROUPS, **kwargs)
    for fragment in fragments:
        assert fragment in str(caught.value)


@pytest.mark.parametrize(
    ("y_true", "y_pred", "groups", "fragments"),
    [
        ([1, 0, 1], [1, 0], ["a", "b", "a"], ["3, 2 and 3"]),
        ([1, 0], [1, 0], ["a", "b", "a"], ["2, 2 and 3"]),
        ([], [], [], ["y_true is empty"]),
        ([1, 0, 1], [1, 0, 1], ["a", None, "b"], ["'sensitive_feature'", "1 missing", "row 1"]),
        ([1, 0, 1], [1, 0, 1], ["a", np.nan, "b"], ["'sensitive_feature'", "row 1"]),
        ([1, np.nan, 1], [1, 0, 1], ["a", "b", "b"], ["y_true", "row 1"]),
        ([1, 0, 1], [1, 0, None], ["a", "b", "b"], ["y_pred", "row 2"]),
        ([1, 0, 2], [1, 0, 1], ["a", "b", "b"], ["3 distinct", "[0, 1, 2]"]),
        ([1, 0, 1], [0.2, 0.7, 0.9], ["a", "b", "b"], ["binary", "0.7"]),
    ],
)
def test_bad_data_names_the_problem(y_true, y_pred, groups, fragments):
    with pytest.raises(ValueError) as caught:
        social_responsibility_index(y_true, y_pred, groups)
    for fragment in fragments:
        assert fragment in str(caught.value)


def test_nan_in_a_named_sensitive_column_names_the_column():
    features = pd.DataFrame({"sex": ["F", "M", "M"], "age_band": ["young", np.nan, "old"]})
    with pytest.raises(ValueError, match=re.escape("'age_band' has 1 missing value(s)")):
        social_responsibility_index([1, 0, 1], [1, 0, 1], features)
    with pytest.raises(ValueError, match="'age_band'"):
        group_metrics([1, 0, 1], [1, 0, 1], features)


def test_regression_metric_needs_numbers():
    with pytest.raises(ValueError, match=r"y_true must be numeric .* such as 'ten'"):
        social_responsibility_index(["ten", "five"], [1.0, 2.0], ["a", "b"], metric="mae")


def test_report_rejects_unknown_task_and_metric():
    with pytest.raises(ValueError, match="'clustering'.*classification, regression, forecast"):
        group_metrics([1, 0], [1, 0], ["a", "b"], task="clustering")
    with pytest.raises(ValueError, match="'mae'.*accuracy, selection_rate"):
        group_metrics([1, 0], [1, 0], ["a", "b"], metrics=["mae"])


# ---------------------------------------------------------------------------
# Serialization and display
# ---------------------------------------------------------------------------


def test_sri_to_dict_is_strict_json_for_defined_and_undefined_results():
    defined = sri(
        EO_TRUE, EO_PRED, EO_GROUPS, metric="equalized_odds", n_bootstrap=50, random_state=0
    )
    record = json.loads(json.dumps(defined.to_dict(), allow_nan=False))
    assert record["value"] == pytest.approx(0.625)
    assert record["metric"] == "equalized_odds"
    assert record["by_group"]["a"]["true_positive_rate_numerator"] == 3
    assert record["by_group"]["a"]["small"] is True
    assert record["policy_source"].startswith("Four-fifths rule")
    undefined = sri([1, 0, 1], [1, 0, 0], ["a", "a", "a"])
    record = json.loads(json.dumps(undefined.to_dict(), allow_nan=False))
    assert record["value"] is None and record["meets_bar"] is None
    assert record["reason"] == "single_group"


def test_sri_repr_reads_as_a_sentence():
    text = repr(sri(DP_PRED, DP_PRED, DP_GROUPS))
    assert text.startswith("SRI R=0.62 (A=0.50 demographic parity ratio / B=0.80 four-fifths bar)")
    assert "below the bar" in text
    assert "worst group 'b' (selection rate 0.30, n=40), best 'a' (0.60, n=40)" in text
    assert "single_group" in repr(sri([1, 0], [1, 0], ["a", "a"]))


# A report table. Group "x": y_true [1,1,0,0] y_pred [1,0,1,0]: accuracy 0.5,
# selection 0.5, TPR 1/2, FPR 1/2, balanced accuracy (0.5 + 1 - 0.5)/2 = 0.5.
# Group "y": y_true [0,0,0] y_pred [1,0,0]: accuracy 2/3, selection 1/3, TPR
# undefined (no positives), FPR 1/3, balanced accuracy undefined.
REPORT_TRUE = ["yes", "yes", "no", "no", "no", "no", "no"]
REPORT_PRED = ["yes", "no", "yes", "no", "yes", "no", "no"]
REPORT_GROUPS = pd.Series(["x"] * 4 + ["y"] * 3, name="region")


def make_report() -> GroupMetrics:
    with pytest.warns(FairnessWarning, match="true_positive_rate of 'y'"):
        return group_metrics(REPORT_TRUE, REPORT_PRED, REPORT_GROUPS, pos_label="yes")


def test_report_schema_and_hand_values():
    report = make_report()
    assert report.sensitive_features == ("region",)
    assert list(report.by_group.columns) == [*CLASSIFICATION_METRICS, "count"]
    assert report.by_group["count"].tolist() == [4, 3]
    assert report.by_group.loc["x"].to_dict() == pytest.approx(
        {
            "accuracy": 0.5,
            "selection_rate": 0.5,
            "true_positive_rate": 0.5,
            "false_positive_rate": 0.5,
            "balanced_accuracy": 0.5,
            "count": 4,
        }
    )
    assert report.by_group.loc["y", "selection_rate"] == pytest.approx(1 / 3)
    assert math.isnan(report.by_group.loc["y", "true_positive_rate"])
    assert report.overall["accuracy"] == pytest.approx(4 / 7)
    assert report.overall["count"] == 7
    assert report.difference["selection_rate"] == pytest.approx(0.5 - 1 / 3)
    assert report.ratio["selection_rate"] == pytest.approx((1 / 3) / 0.5)
    assert report.ratio["accuracy"] == pytest.approx(0.5 / (2 / 3))
    assert list(report.ratio.index) == list(CLASSIFICATION_METRICS)


def test_report_to_dict_is_strict_json_with_nan_as_null():
    record = json.loads(json.dumps(make_report().to_dict(), allow_nan=False))
    assert set(record) == {
        "task",
        "pos_label",
        "sensitive_features",
        "overall",
        "by_group",
        "difference",
        "ratio",
    }
    assert record["pos_label"] == "yes"
    assert record["by_group"]["y"]["true_positive_rate"] is None
    assert record["by_group"]["y"]["count"] == 3
    assert record["overall"]["count"] == 7


def test_report_display_includes_groups_and_overall():
    report = make_report()
    text = repr(report)
    assert "region" in text and "overall" in text and "pos_label='yes'" in text
    assert "<table" in report._repr_html_()


def test_report_intersections_and_regression():
    features = pd.DataFrame({"g": REG_GROUPS, "h": ["p", "q", "p", "p", "q"]})
    with pytest.warns(FairnessWarning) as caught:
        report = group_metrics(REG_TRUE, REG_PRED, features, task="forecast")
    messages = " | ".join(str(w.message) for w in caught)
    assert "1 row(s) with y_true == 0 are left out of MAPE" in messages
    assert "mape of 'g=b, h=q'" in messages
    assert report.task == "regression"
    assert list(report.by_group.columns) == [*REGRESSION_METRICS, "count"]
    record = report.to_dict()
    # (a, p): MAE 2; (a, q): 0; (b, p): (3 + 4) / 2 = 3.5; (b, q): 5, MAPE undefined
    assert record["by_group"]["g=a, h=p"]["mae"] == pytest.approx(2.0)
    assert record["by_group"]["g=b, h=p"]["mae"] == pytest.approx(3.5)
    assert record["by_group"]["g=b, h=q"]["mape"] is None
    assert record["overall"]["mae"] == pytest.approx(14 / 5)
    assert record["overall"]["mape"] == pytest.approx((0.2 + 0 + 0.3 + 0.1) / 4)


def test_every_sri_metric_runs_on_its_task():
    for name in SRI_METRICS:
        if name in ("mae", "mape"):
            result = sri(REG_TRUE, REG_PRED, REG_GROUPS, metric=name)
        else:
            result = sri(EO_TRUE, EO_PRED, EO_GROUPS, metric=name)
        assert 0.0 <= result.fairness_score <= 1.0
