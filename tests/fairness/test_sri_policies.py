"""SRI policies and arguments: the bar B, its inclusive comparison, metric names, reason codes."""

import math

import pytest
from fairlearn.metrics import demographic_parity_ratio

from greennb.fairness import (
    BAR_TOLERANCE,
    COMPLIANCE_POLICIES,
    POLICY_SOURCES,
    REASON_CODES,
    REGRESSION_SRI_METRICS,
    SRI_METRICS,
    social_responsibility_index,
)
from greennb.fairness._sri_policies import meets_bar, resolve_bar, resolve_metrics

# Undefined and small groups warn; the tests of those warnings use pytest.warns.
pytestmark = pytest.mark.filterwarnings("ignore::greennb.errors.FairnessWarning")


def selected(n_selected: int, n_rows: int) -> list[int]:
    return [1] * n_selected + [0] * (n_rows - n_selected)


def test_four_fifths_bar_is_inclusive_despite_floating_point():
    # 4/50 = 0.08 and 5/50 = 0.1; 0.08 / 0.1 is 0.7999999999999999 in floating point.
    y_pred = selected(4, 50) + selected(5, 50)
    groups = ["a"] * 50 + ["b"] * 50
    result = social_responsibility_index(y_pred, y_pred, groups, bar=0.8)
    assert (4 / 50) / (5 / 50) < 0.8  # the trap itself
    assert result.fairness_score == (4 / 50) / (5 / 50)
    assert result.meets_bar is True
    assert result.value == pytest.approx(1.0)
    assert demographic_parity_ratio(y_pred, y_pred, sensitive_features=groups) < 0.8


def test_just_below_the_bar_does_not_meet_it():
    # 39/500 over 50/500 = 0.78 < 0.8.
    y_pred = selected(39, 500) + selected(50, 500)
    groups = ["a"] * 500 + ["b"] * 500
    result = social_responsibility_index(y_pred, y_pred, groups)
    assert result.fairness_score == pytest.approx(0.78)
    assert result.meets_bar is False


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


def test_meets_bar_is_inclusive_with_a_relative_tolerance():
    assert meets_bar(0.8 * (1 - BAR_TOLERANCE / 2), 0.8) is True
    assert meets_bar(0.8 * (1 - 10 * BAR_TOLERANCE), 0.8) is False
    assert meets_bar(1.0, 0.8) is True
    assert meets_bar(math.nan, 0.8) is None


def test_resolve_bar_names_the_policy_of_a_number():
    assert resolve_bar(0.8) == (0.8, "four_fifths")
    assert resolve_bar(1) == (1.0, "strict_parity")
    assert resolve_bar(0.9) == (0.9, "custom")
    assert dict(COMPLIANCE_POLICIES) == {"four_fifths": 0.8, "strict_parity": 1.0}
    assert set(POLICY_SOURCES) == {*COMPLIANCE_POLICIES, "custom"}


def test_resolve_metrics_drops_repeats_and_keeps_the_order():
    assert resolve_metrics("mae") == ("mae",)
    assert resolve_metrics(["accuracy", "demographic_parity", "accuracy"]) == (
        "accuracy",
        "demographic_parity",
    )
    assert REGRESSION_SRI_METRICS <= set(SRI_METRICS)
