"""The social responsibility index R = A / B: hand-computed A, B and R, cross-checked with
fairlearn where it defines the same number.
"""

import json
import math

import numpy as np
import pytest
from fairlearn.metrics import (
    MetricFrame,
    demographic_parity_ratio,
    equal_opportunity_ratio,
    equalized_odds_ratio,
)
from sklearn.metrics import accuracy_score, mean_absolute_error

from greennb.errors import FairnessWarning, InvalidValueError
from greennb.fairness import SRI_METRICS, social_responsibility_index

# Undefined and small groups warn; the tests of those warnings use pytest.warns.
pytestmark = pytest.mark.filterwarnings("ignore::greennb.errors.FairnessWarning")


def selected(n_selected: int, n_rows: int) -> list[int]:
    return [1] * n_selected + [0] * (n_rows - n_selected)


# Demographic parity: group "a" 40 rows with 24 selected (0.6), "b" 40 rows
# with 12 selected (0.3). A = 0.3 / 0.6 = 0.5, B = 0.8, R = 0.5 / 0.8 = 0.625.
DP_PRED = selected(24, 40) + selected(12, 40)
DP_GROUPS = ["a"] * 40 + ["b"] * 40


def test_demographic_parity_hand_computed():
    result = social_responsibility_index(DP_PRED, DP_PRED, DP_GROUPS)
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
    result = social_responsibility_index(DP_PRED, DP_PRED, DP_GROUPS)
    expected = demographic_parity_ratio(DP_PRED, DP_PRED, sensitive_features=DP_GROUPS)
    assert result.fairness_score == pytest.approx(expected, rel=1e-12)


def test_worst_group_follows_whether_a_positive_is_favourable():
    # Predicting denial: the group denied more often ("a", 0.6) is the worse off.
    result = social_responsibility_index(DP_PRED, DP_PRED, DP_GROUPS, positive_is_favourable=False)
    assert (result.worst_group, result.best_group) == ("a", "b")
    assert result.fairness_score == pytest.approx(0.5)  # A itself is symmetric


# Equal opportunity / equalized odds. Group "a": 4 actual positives of which 3
# are predicted positive (TPR 3/4), 4 actual negatives of which 1 is predicted
# positive (FPR 1/4). Group "b": 2 positives, 1 predicted (TPR 1/2); 4
# negatives, 2 predicted positive (FPR 2/4).
# TPR ratio = 0.5 / 0.75 = 2/3; FPR ratio = 0.25 / 0.5 = 0.5; EO A = min = 0.5.
EO_TRUE = [1, 1, 1, 1, 0, 0, 0, 0] + [1, 1, 0, 0, 0, 0]
EO_PRED = [1, 1, 1, 0, 1, 0, 0, 0] + [1, 0, 1, 1, 0, 0]
EO_GROUPS = ["a"] * 8 + ["b"] * 6


def test_equal_opportunity_hand_computed_and_fairlearn():
    result = social_responsibility_index(EO_TRUE, EO_PRED, EO_GROUPS, metric="equal_opportunity")
    assert result.fairness_score == pytest.approx(2 / 3)
    assert result.value == pytest.approx((2 / 3) / 0.8)
    assert result.by_group.loc["a", "true_positive_rate_numerator"] == 3
    assert result.by_group.loc["a", "true_positive_rate_denominator"] == 4
    fairlearn_value = equal_opportunity_ratio(EO_TRUE, EO_PRED, sensitive_features=EO_GROUPS)
    assert result.fairness_score == pytest.approx(fairlearn_value)


def test_equalized_odds_is_smaller_of_tpr_and_fpr_ratios():
    result = social_responsibility_index(EO_TRUE, EO_PRED, EO_GROUPS, metric="equalized_odds")
    assert result.fairness_score == pytest.approx(0.5)
    assert result.binding_component == "false_positive_rate"
    assert result.by_group.loc["b", "false_positive_rate"] == pytest.approx(0.5)
    assert result.by_group.loc["a", "false_positive_rate"] == pytest.approx(0.25)
    fairlearn_value = equalized_odds_ratio(EO_TRUE, EO_PRED, sensitive_features=EO_GROUPS)
    assert result.fairness_score == pytest.approx(fairlearn_value)


def test_accuracy_ratio_matches_metricframe():
    # Accuracy a: 6/8 correct = 0.75; b: 3/6 = 0.5; ratio = 2/3.
    result = social_responsibility_index(EO_TRUE, EO_PRED, EO_GROUPS, metric="accuracy")
    frame = MetricFrame(
        metrics=accuracy_score, y_true=EO_TRUE, y_pred=EO_PRED, sensitive_features=EO_GROUPS
    )
    assert result.fairness_score == pytest.approx(2 / 3)
    assert result.fairness_score == pytest.approx(frame.ratio())
    assert (result.worst_group, result.best_group) == ("b", "a")


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
    result = social_responsibility_index(
        EO_TRUE, EO_PRED, EO_GROUPS, metric=["equal_opportunity", "accuracy"]
    )
    # equal opportunity 2/3, accuracy 2/3 as well; equalized odds would add 0.5
    assert result.fairness_score == pytest.approx(2 / 3)
    both = social_responsibility_index(
        EO_TRUE, EO_PRED, EO_GROUPS, metric=["accuracy", "equalized_odds"]
    )
    assert both.fairness_score == pytest.approx(0.5)


def test_small_groups_are_flagged_with_a_warning():
    y_pred = selected(2, 5) + selected(20, 40)
    groups = ["tiny"] * 5 + ["big"] * 40
    with pytest.warns(FairnessWarning, match=r"min_group_size=30: 'tiny' \(n=5\)"):
        result = social_responsibility_index(y_pred, y_pred, groups)
    assert result.small_groups == ("tiny",)
    assert result.by_group["small"].to_dict() == {"big": False, "tiny": True}
    quiet = social_responsibility_index(y_pred, y_pred, groups, min_group_size=5)
    assert quiet.small_groups == ()


def test_bootstrap_lower_bound_is_reproducible_and_below_r():
    kwargs = dict(n_bootstrap=300, random_state=7)
    first = social_responsibility_index(DP_PRED, DP_PRED, DP_GROUPS, **kwargs)
    again = social_responsibility_index(DP_PRED, DP_PRED, DP_GROUPS, **kwargs)
    assert first.lower_bound == again.lower_bound
    assert 0.0 <= first.lower_bound <= first.value
    # the same resamples at a higher confidence give a lower (or equal) bound
    stricter = social_responsibility_index(DP_PRED, DP_PRED, DP_GROUPS, confidence=0.99, **kwargs)
    assert stricter.lower_bound <= first.lower_bound
    assert social_responsibility_index(DP_PRED, DP_PRED, DP_GROUPS).lower_bound is None


def test_bootstrap_resamples_vary_with_the_seed():
    bounds = {
        social_responsibility_index(
            DP_PRED, DP_PRED, DP_GROUPS, n_bootstrap=200, random_state=seed
        ).lower_bound
        for seed in range(3)
    }
    assert len(bounds) > 1
    assert (
        max(bounds) < social_responsibility_index(DP_PRED, DP_PRED, DP_GROUPS).value
    )  # sampling noise lowers it


def test_string_labels_with_pos_label_match_zero_one_labels():
    words = {1: "yes", 0: "no"}
    numeric = social_responsibility_index(EO_TRUE, EO_PRED, EO_GROUPS, metric="equalized_odds")
    strings = social_responsibility_index(
        [words[v] for v in EO_TRUE],
        [words[v] for v in EO_PRED],
        EO_GROUPS,
        metric="equalized_odds",
        pos_label="yes",
    )
    booleans = social_responsibility_index(
        np.array(EO_TRUE, dtype=bool),
        np.array(EO_PRED, dtype=bool),
        EO_GROUPS,
        metric="equalized_odds",
        pos_label=True,
    )
    assert numeric.fairness_score == strings.fairness_score == booleans.fairness_score
    # pos_label decides which rate is compared: approvals ("no") instead of denials
    approvals = social_responsibility_index(
        [words[v] for v in DP_PRED], [words[v] for v in DP_PRED], DP_GROUPS, pos_label="no"
    )
    # a: 16/40 = 0.4, b: 28/40 = 0.7 -> 4/7
    assert approvals.fairness_score == pytest.approx(4 / 7)


def test_policy_names_and_custom_bars():
    strict = social_responsibility_index(DP_PRED, DP_PRED, DP_GROUPS, bar="strict_parity")
    assert (strict.bar, strict.policy) == (1.0, "strict_parity")
    assert strict.value == pytest.approx(0.5)
    named = social_responsibility_index(DP_PRED, DP_PRED, DP_GROUPS, bar="four_fifths")
    assert (named.bar, named.policy) == (0.8, "four_fifths")
    custom = social_responsibility_index(DP_PRED, DP_PRED, DP_GROUPS, bar=0.5)
    assert custom.policy == "custom"
    assert custom.value == pytest.approx(1.0) and custom.meets_bar is True


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
        ({"n_bootstrap": 2.5}, TypeError, ["n_bootstrap", "2.5", "integer"]),
        ({"n_bootstrap": -1}, ValueError, ["n_bootstrap", ">= 0", "-1"]),
        ({"min_group_size": 30.0}, TypeError, ["min_group_size", "30.0", "integer"]),
        ({"confidence": "high"}, TypeError, ["confidence", "'high'"]),
        ({"confidence": 1.0}, ValueError, ["confidence", "1.0"]),
        ({"pos_label": "yes"}, ValueError, ["pos_label 'yes'", "[0, 1]"]),
    ],
)
def test_bad_arguments_name_the_value_and_the_choices(kwargs, error, fragments):
    with pytest.raises(error) as caught:
        social_responsibility_index(DP_PRED, DP_PRED, DP_GROUPS, **kwargs)
    for fragment in fragments:
        assert fragment in str(caught.value)


# Regression: group "a" targets [10, 20] predicted [12, 20]: errors 2, 0 ->
# MAE 1.0, MAPE (0.2 + 0) / 2 = 0.1. Group "b" targets [10, 40, 0] predicted
# [13, 36, 5]: errors 3, 4, 5 -> MAE 4.0; MAPE leaves out the zero target:
# (0.3 + 0.1) / 2 = 0.2. MAE ratio 1/4 = 0.25; MAPE ratio 0.1/0.2 = 0.5.
REG_TRUE = [10.0, 20.0, 10.0, 40.0, 0.0]
REG_PRED = [12.0, 20.0, 13.0, 36.0, 5.0]
REG_GROUPS = ["a", "a", "b", "b", "b"]


def test_regression_mae_and_mape_ratios_by_hand():
    mae = social_responsibility_index(REG_TRUE, REG_PRED, REG_GROUPS, metric="mae")
    assert mae.fairness_score == pytest.approx(0.25)
    assert mae.by_group["mae"].to_dict() == pytest.approx({"a": 1.0, "b": 4.0})
    assert (mae.worst_group, mae.best_group) == ("b", "a")  # higher error is worse
    frame = MetricFrame(
        metrics=mean_absolute_error, y_true=REG_TRUE, y_pred=REG_PRED, sensitive_features=REG_GROUPS
    )
    assert mae.fairness_score == pytest.approx(frame.ratio())
    mape = social_responsibility_index(REG_TRUE, REG_PRED, REG_GROUPS, metric="mape")
    assert mape.by_group["mape"].to_dict() == pytest.approx({"a": 0.1, "b": 0.2})
    assert mape.by_group.loc["b", "mape_denominator"] == 2
    assert mape.fairness_score == pytest.approx(0.5)


def test_every_sri_metric_runs_on_its_task():
    for name in SRI_METRICS:
        if name in ("mae", "mape"):
            result = social_responsibility_index(REG_TRUE, REG_PRED, REG_GROUPS, metric=name)
        else:
            result = social_responsibility_index(EO_TRUE, EO_PRED, EO_GROUPS, metric=name)
        assert 0.0 <= result.fairness_score <= 1.0


def test_sri_to_dict_is_strict_json_for_defined_and_undefined_results():
    defined = social_responsibility_index(
        EO_TRUE, EO_PRED, EO_GROUPS, metric="equalized_odds", n_bootstrap=50, random_state=0
    )
    record = json.loads(json.dumps(defined.to_dict(), allow_nan=False))
    assert record["value"] == pytest.approx(0.625)
    assert record["metric"] == "equalized_odds"
    assert record["by_group"]["a"]["true_positive_rate_numerator"] == 3
    assert record["by_group"]["a"]["small"] is True
    assert record["policy_source"].startswith("Four-fifths rule")
    undefined = social_responsibility_index([1, 0, 1], [1, 0, 0], ["a", "a", "a"])
    record = json.loads(json.dumps(undefined.to_dict(), allow_nan=False))
    assert record["value"] is None and record["meets_bar"] is None
    assert record["reason"] == "single_group"


def test_sri_repr_reads_as_a_sentence():
    text = repr(social_responsibility_index(DP_PRED, DP_PRED, DP_GROUPS))
    assert text.startswith("SRI R=0.62 (A=0.50 demographic parity ratio / B=0.80 four-fifths bar)")
    assert "below the bar" in text
    assert "worst group 'b' (selection rate 0.30, n=40), best 'a' (0.60, n=40)" in text
    assert "single_group" in repr(social_responsibility_index([1, 0], [1, 0], ["a", "a"]))


@pytest.mark.parametrize("value", [math.inf, -math.inf])
def test_an_infinite_prediction_is_refused_like_a_missing_one(value):
    y_pred = DP_PRED[:5] + [value] + DP_PRED[6:]
    with pytest.raises(
        InvalidValueError, match=rf"y_pred has 1 infinite value\(s\), the first {value!r} at row 5"
    ):
        social_responsibility_index(DP_PRED, y_pred, DP_GROUPS)
