"""Worst-to-best group ratios: reason codes for undefined ratios, dropped groups, bootstrap."""

import math
import warnings

import pandas as pd
import pytest
from fairlearn.metrics import (
    MetricFrame,
    demographic_parity_ratio,
    selection_rate,
    true_positive_rate,
)

from greennb.errors import FairnessWarning
from greennb.fairness import social_responsibility_index
from greennb.fairness._group_ratios import (
    ComponentRatio,
    component_ratios,
    components_of,
    nanmin,
    worst_and_best,
)
from greennb.fairness._inputs import prepare

# Undefined and small groups warn; the tests of those warnings use pytest.warns.
pytestmark = pytest.mark.filterwarnings("ignore::greennb.errors.FairnessWarning")


def selected(n_selected: int, n_rows: int) -> list[int]:
    return [1] * n_selected + [0] * (n_rows - n_selected)


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


# Group "b" has no actual positives, so equal opportunity (TPR) is undefined
# with only two groups; demographic parity is defined: a 2/4 = 0.5, b 1/4 =
# 0.25, ratio 0.5.
NAN_TRUE = [1, 1, 0, 0] + [0, 0, 0, 0]
NAN_PRED = [1, 0, 1, 0] + [1, 0, 0, 0]
NAN_GROUPS = ["a"] * 4 + ["b"] * 4


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
    result = social_responsibility_index(y_true, y_pred, groups, metric="equalized_odds")
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


def test_mape_of_a_group_with_only_zero_targets_is_dropped():
    y_true = [10.0, 20.0, 5.0, 4.0, 0.0, 0.0]
    y_pred = [11.0, 22.0, 5.5, 4.0, 1.0, 2.0]
    groups = ["a", "a", "b", "b", "c", "c"]
    result = social_responsibility_index(y_true, y_pred, groups, metric="mape")
    assert result.dropped_groups == {"mape": {"c": "no_nonzero_targets_in_group"}}
    # a: (0.1 + 0.1) / 2 = 0.1; b: (0.1 + 0) / 2 = 0.05 -> 0.5
    assert result.fairness_score == pytest.approx(0.5)


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
# The ratio machinery itself
# ---------------------------------------------------------------------------


def test_nanmin_does_not_depend_on_the_order():
    assert nanmin([math.nan, 0.5, 0.25]) == nanmin([0.25, 0.5, math.nan]) == 0.25
    assert math.isnan(nanmin([math.nan, math.nan])) and math.isnan(nanmin([]))


def test_component_ratio_names_its_ends_and_dropped_groups():
    prepared = prepare(THREE_TRUE, THREE_PRED, THREE_GROUPS, task="classification", pos_label=1)
    ratios = component_ratios(prepared, ["true_positive_rate", "selection_rate"])
    tpr = ratios["true_positive_rate"]
    assert (tpr.value, tpr.reason) == (0.5, "no_positives_in_group")
    assert tpr.dropped == {"c": "no_positives_in_group"}
    assert (prepared.groups[tpr.min_group], prepared.groups[tpr.max_group]) == ("b", "a")
    selection = ratios["selection_rate"]
    assert selection.value == pytest.approx(0.5) and selection.reason is None
    assert prepared.groups[selection.min_group] == "c"


def test_components_of_several_metrics_are_listed_once():
    assert components_of(["equalized_odds", "equal_opportunity"]) == (
        "true_positive_rate",
        "false_positive_rate",
    )


@pytest.mark.parametrize(
    ("component", "favourable", "expected"),
    [
        ("selection_rate", True, ("low", "high")),
        ("selection_rate", False, ("high", "low")),
        ("accuracy", False, ("low", "high")),
        ("mae", True, ("high", "low")),
    ],
)
def test_worst_group_depends_on_what_higher_means(component, favourable, expected):
    ratio = ComponentRatio(component, 0.5, None, {}, min_group=0, max_group=1)
    assert worst_and_best(ratio, ["low", "high"], favourable) == expected
    undefined = ComponentRatio(component, math.nan, "all_zero", {}, min_group=0, max_group=1)
    assert worst_and_best(undefined, ["low", "high"], favourable) == (None, None)
