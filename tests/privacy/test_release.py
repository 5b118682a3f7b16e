"""DP counts and rates: the noise has its documented scale, budgets are spent before noise."""

from __future__ import annotations

import json
import math
import re

import pandas as pd
import pytest

from greennb.errors import InvalidTypeError, InvalidValueError
from greennb.privacy import _release
from greennb.privacy._budget import BudgetExceededError, PrivacyBudget
from greennb.privacy._release import (
    ALIGN_MSG,
    Release,
    dp_counts,
    dp_rate,
    expected_abs_noise,
    noise_scale,
    release_error,
)

# OpenDP draws from the OS's secure RNG and cannot be seeded (by design), so the noise tests
# are statistical. Each asserts that a mean of N = 20,000 draws lies within 6 standard errors
# of its expectation. By the central limit theorem (the noise has all moments; N is large) a
# false failure has probability 2·Φ(−6) ≈ 2.0e-9 per assertion, below 1e-8 for the two
# assertions of a test (checked in test_the_six_sigma_bound_is_below_one_in_a_hundred_million).
# 6 standard errors of the mean absolute noise are ~4 % of b here: a scale off by 10 % fails.
DRAWS = 20_000
SIGMAS = 6


def test_the_six_sigma_bound_is_below_one_in_a_hundred_million():
    two_sided = math.erfc(SIGMAS / math.sqrt(2))  # P(|Z| > 6) for a standard normal Z
    assert 2 * two_sided < 1e-8


def test_noise_scale_is_sensitivity_over_epsilon():
    assert noise_scale(0.5, 1) == 2.0
    assert noise_scale(0.1, 3) == pytest.approx(30.0)
    assert noise_scale(10, 1) == 0.1


def test_expected_abs_noise_of_the_discrete_laplace_by_hand():
    b = 2.0
    alpha = math.exp(-1 / b)  # P(X = x) ∝ α^|x|
    by_hand = 2 * alpha / (1 - alpha**2)
    assert expected_abs_noise(b, "geometric") == pytest.approx(by_hand, rel=1e-12)
    assert expected_abs_noise(b, "laplace") == b
    assert expected_abs_noise(100.0) == pytest.approx(100.0, rel=1e-4)  # → b as b grows


def _noise(epsilon, mechanism):
    """DRAWS noisy counts of 1 (one row per category), minus the true count."""
    rows = pd.Series(range(DRAWS))
    release = dp_counts(rows, epsilon=epsilon, categories=range(DRAWS), mechanism=mechanism)
    assert len(release.values) == DRAWS
    return release, release.values.astype(float) - 1.0


def _assert_within(mean, expected, second_moment, label):
    bound = SIGMAS * math.sqrt(second_moment / DRAWS)
    assert abs(mean - expected) < bound, f"{label}: {mean} vs {expected} ± {bound}"


def test_geometric_noise_has_the_documented_scale():
    release, noise = _noise(0.5, "geometric")
    b = release.scale
    assert b == 2.0
    assert (noise == noise.round()).all()  # integer counts
    alpha = math.exp(-1 / b)
    mean_abs = 2 * alpha / (1 - alpha**2)
    mean_square = 2 * alpha / (1 - alpha) ** 2  # E X² of the discrete Laplace
    _assert_within(noise.abs().mean(), mean_abs, mean_square - mean_abs**2, "E|X|")
    _assert_within(noise.mean(), 0.0, mean_square, "E X")


def test_laplace_noise_has_the_documented_scale():
    release, noise = _noise(0.25, "laplace")
    b = release.scale
    assert b == 4.0
    # |X| of a Laplace(b) is exponential with mean b and variance b²; E X² = 2b².
    _assert_within(noise.abs().mean(), b, b**2, "E|X|")
    _assert_within(noise.mean(), 0.0, 2 * b**2, "E X")


def test_the_release_records_opendps_epsilon_for_the_sensitivity():
    release = dp_counts(pd.Series(["a", "b", "b"]), epsilon=0.5, sensitivity=3)
    assert release.scale == 6.0
    assert release.sensitivity == 3
    assert release.epsilon == pytest.approx(0.5, rel=1e-12)
    assert release.mechanism == "geometric"
    assert release.what == "counts"
    assert release.values.name == "counts"


def test_every_category_is_released_including_empty_ones():
    release = dp_counts(pd.Series(["a", "a"]), epsilon=1.0, categories=["a", "b", "c"])
    assert list(release.values.index) == ["a", "b", "c"]


def test_categorical_series_release_their_unused_categories_by_default():
    series = pd.Series(pd.Categorical(["x"], categories=["w", "x", "y"]))
    assert list(dp_counts(series, epsilon=1.0).values.index) == ["w", "x", "y"]
    assert list(dp_counts(pd.Series(["b", "a", "b"]), epsilon=1).values.index) == ["a", "b"]


def test_a_value_outside_the_categories_is_named():
    with pytest.raises(InvalidValueError, match=r"values not in categories: 'z'; .*'a', 'b'"):
        dp_counts(pd.Series(["a", "z"]), epsilon=1.0, categories=["a", "b"])


def test_noisy_counts_may_be_negative_unless_clipped():
    zeros = pd.Series(["a"])
    categories = ["a", *range(300)]
    raw = dp_counts(zeros, epsilon=0.05, categories=categories)  # b = 20
    clipped = dp_counts(zeros, epsilon=0.05, categories=categories, clip_negative=True)
    assert (raw.values < 0).any()  # P(no negative among 300 zeros) ≈ 0.51^300
    assert (clipped.values >= 0).all()


def test_a_refused_spend_releases_nothing(monkeypatch):
    drawn = []
    monkeypatch.setattr(_release, "_noisy", lambda *args: drawn.append(args))
    budget = PrivacyBudget(0.5)
    with pytest.raises(BudgetExceededError, match=r"ε=0.5 exceeded.*'by clinic' asks for ε=1"):
        dp_counts(pd.Series(["a"]), epsilon=1.0, budget=budget, what="by clinic")
    assert drawn == []
    assert budget.ledger.empty


def test_a_release_spends_its_epsilon_on_the_budget():
    budget = PrivacyBudget(1.0)
    dp_counts(pd.Series(["a"]), epsilon=0.25, budget=budget, what="by clinic")
    dp_counts(pd.Series(["a"]), epsilon=0.25, budget=budget, what="by week")
    assert list(budget.ledger["what"]) == ["by clinic", "by week"]
    assert budget.spent == pytest.approx(0.5)


def _tests():
    positive = pd.Series([True, False, True, False, False, False])
    clinic = pd.Series(["north", "north", "south", "south", "south", "east"])
    return positive, clinic


def test_dp_rate_spends_two_halves_of_epsilon():
    positive, clinic = _tests()
    budget = PrivacyBudget(2.0)
    frame = dp_rate(positive, clinic, epsilon=1.0, budget=budget, what="positivity")
    assert list(frame.columns) == ["noisy_positive", "noisy_total", "rate"]
    assert list(frame.index) == ["east", "north", "south"]
    assert list(budget.ledger["what"]) == ["positivity: positives", "positivity: totals"]
    assert list(budget.ledger["epsilon"]) == pytest.approx([0.5, 0.5])
    assert frame.attrs["scale"] == 2.0  # sensitivity / (ε / 2)
    assert frame.attrs["epsilon"] == pytest.approx(1.0)


def test_dp_rate_refuses_when_the_whole_epsilon_does_not_fit(monkeypatch):
    drawn = []
    monkeypatch.setattr(_release, "_noisy", lambda *args: drawn.append(args))
    positive, clinic = _tests()
    budget = PrivacyBudget(0.7)  # one half (0.5) would fit, both do not
    with pytest.raises(BudgetExceededError, match="'rate' asks for ε=1"):
        dp_rate(positive, clinic, epsilon=1.0, budget=budget)
    assert budget.ledger.empty and drawn == []


def test_dp_rate_is_nan_where_the_noisy_total_is_not_positive():
    frame = _release._rate_frame(pd.Series([1, 2, 3]), pd.Series([4, 0, -1]))
    assert frame["rate"].iloc[0] == 0.25
    assert frame["rate"].iloc[1:].isna().all()


def test_dp_rate_with_no_positives_still_releases_every_category():
    _, clinic = _tests()
    frame = dp_rate(
        pd.Series([False] * 6),
        clinic,
        epsilon=1.0,
        categories=["east", "west"] + ["north", "south"],
    )
    assert list(frame.index) == ["east", "west", "north", "south"]


def test_dp_rate_checks_its_inputs():
    positive, clinic = _tests()
    with pytest.raises(InvalidTypeError, match="Series of bool.*int64"):
        dp_rate(positive.astype(int), clinic, epsilon=1.0)
    with pytest.raises(InvalidValueError, match=re.escape(ALIGN_MSG)):
        dp_rate(positive, clinic.set_axis(range(10, 16)), epsilon=1.0)
    with pytest.raises(InvalidValueError, match="epsilon must be a finite number > 0.*got 0"):
        dp_rate(positive, clinic, epsilon=0)


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        ({"epsilon": 0}, InvalidValueError, r"epsilon must be a finite number > 0.*got 0\."),
        ({"epsilon": -1.0}, InvalidValueError, r"> 0.*got -1\.0"),
        ({"epsilon": math.inf}, InvalidValueError, r"> 0.*got inf"),
        ({"epsilon": "1"}, InvalidTypeError, r"epsilon must be a real number.*'1'"),
        ({"sensitivity": 0}, InvalidValueError, r"sensitivity must be an integer >= 1.*got 0"),
        ({"sensitivity": 1.5}, InvalidTypeError, r"sensitivity must be an integer.*1\.5"),
        ({"mechanism": "gaussian"}, InvalidValueError, r"'gaussian'; valid.*geometric, laplace"),
        ({"budget": 1.0}, InvalidTypeError, r"PrivacyBudget or None; got 1\.0"),
        ({"what": ""}, InvalidValueError, r"non-empty str"),
        ({"categories": ["a", "a"]}, InvalidValueError, r"distinct values; got \['a', 'a'\]"),
        ({"categories": "ab"}, InvalidTypeError, r"list of distinct values; got 'ab'"),
    ],
)
def test_bad_arguments_are_named(kwargs, error, pattern):
    arguments = {"epsilon": 1.0, **kwargs}
    with pytest.raises(error, match=pattern):
        dp_counts(pd.Series(["a", "b"]), **arguments)


@pytest.mark.parametrize(
    ("series", "error", "pattern"),
    [
        (pd.Series([], dtype=object), InvalidValueError, "series is empty"),
        (pd.Series(["a", None]), InvalidValueError, "1 missing value"),
        (["a", "b"], InvalidTypeError, r"series must be a pandas Series; got \['a', 'b'\]"),
    ],
)
def test_bad_series_are_refused(series, error, pattern):
    with pytest.raises(error, match=pattern):
        dp_counts(series, epsilon=1.0)


def _release_of(values):
    noisy = pd.Series(values, index=["a", "b", "c"])
    return Release(noisy, epsilon=1.0, sensitivity=1, scale=1.0, mechanism="geometric", what="x")


def test_release_error_against_the_truth_by_hand():
    truth = pd.Series({"a": 10, "b": 3})  # "c" had nobody: its true count is 0
    frame = release_error(_release_of([12, 3, -1]), truth)
    assert list(frame.columns) == ["true", "noisy", "abs_error", "expected_abs_error"]
    assert list(frame["true"]) == [10.0, 3.0, 0.0]
    assert list(frame["abs_error"]) == [2.0, 0.0, 1.0]
    assert frame["expected_abs_error"].iloc[0] == pytest.approx(1 / math.sinh(1.0))


def test_release_error_refuses_truth_about_unreleased_categories():
    with pytest.raises(InvalidValueError, match=r"not released: 'z'; released are 'a', 'b', 'c'"):
        release_error(_release_of([1, 2, 3]), pd.Series({"a": 1, "z": 4}))
    with pytest.raises(InvalidTypeError, match="release must be a Release"):
        release_error({"a": 1}, pd.Series({"a": 1}))


def test_release_to_dict_is_plain_json():
    record = _release_of([1, 2, 3]).to_dict()
    assert record["values"] == {"a": 1, "b": 2, "c": 3}
    assert record["mechanism"] == "geometric"
    json.dumps(record, allow_nan=False)
