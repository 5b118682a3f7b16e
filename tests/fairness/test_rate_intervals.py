"""Wilson intervals on per-group rates: hand-computed values, tables and bad input."""

import math

import numpy as np
import pandas as pd
import pytest

from greennb.errors import GreennbError, InvalidValueError
from greennb.fairness import (
    group_metrics,
    group_rate_intervals,
    rate_intervals,
    social_responsibility_index,
    wilson_interval,
)


def _wilson_by_hand(k, n, z=1.959963984540054):
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


@pytest.mark.parametrize(("k", "n"), [(8, 10), (0, 25), (25, 25), (3, 40), (230, 476)])
def test_wilson_matches_the_formula(k, n):
    assert wilson_interval(k, n) == pytest.approx(_wilson_by_hand(k, n), abs=1e-12)


def test_wilson_hand_value_and_level():
    low, high = wilson_interval(8, 10)
    assert (round(low, 4), round(high, 4)) == (0.4902, 0.9433)
    narrow = wilson_interval(8, 10, confidence=0.5)
    assert low < narrow[0] < narrow[1] < high


def test_wilson_of_an_empty_group_is_nan():
    assert all(math.isnan(v) for v in wilson_interval(0, 0))


def test_wilson_accepts_float_counts_from_bincount():
    assert wilson_interval(np.float64(8.0), 10.0) == wilson_interval(8, 10)


@pytest.mark.parametrize(
    ("k", "n", "confidence"), [(11, 10, 0.95), (-1, 10, 0.95), (1, 10, 1.0), (1, 10, 0.0)]
)
def test_wilson_bad_input(k, n, confidence):
    with pytest.raises(InvalidValueError):
        wilson_interval(k, n, confidence=confidence)


def test_wilson_refuses_fractional_counts():
    with pytest.raises(GreennbError, match="trials"):
        wilson_interval(1, 2.5)


def test_group_rate_intervals_counts_and_bounds():
    y_true = [1, 1, 0, 0, 1, 1, 0, 0, 1, 0]
    y_pred = [1, 0, 1, 0, 1, 1, 1, 0, 0, 0]
    groups = ["a"] * 4 + ["b"] * 6
    table = group_rate_intervals(
        y_true, y_pred, groups, metrics=["selection_rate", "true_positive_rate"]
    )
    a, b = table.iloc[0], table.iloc[1]
    assert (a["group"], a["count"], a["selection_rate"]) == ("a", 4, 0.5)
    assert (b["true_positive_rate_numerator"], b["true_positive_rate_denominator"]) == (2.0, 3.0)
    assert (b["true_positive_rate_low"], b["true_positive_rate_high"]) == pytest.approx(
        _wilson_by_hand(2, 3)
    )
    assert table["sensitive_feature"].tolist() == ["a", "b"]


def test_group_rate_intervals_match_group_metrics():
    rng = np.random.default_rng(3)
    y_true, y_pred = rng.integers(0, 2, 200), rng.integers(0, 2, 200)
    groups = pd.Series(rng.choice(["x", "y", "z"], 200), name="band")
    ours = group_rate_intervals(y_true, y_pred, groups, metrics=["false_positive_rate"])
    theirs = group_metrics(y_true, y_pred, groups, metrics=["false_positive_rate"]).by_group
    assert ours["false_positive_rate"].tolist() == pytest.approx(
        theirs["false_positive_rate"].tolist()
    )
    assert ours["band"].tolist() == theirs.index.tolist()


def test_group_rate_intervals_unknown_rate():
    with pytest.raises(InvalidValueError, match="mae"):
        group_rate_intervals([1, 0], [1, 0], ["a", "b"], metrics=["mae"])


def test_rate_intervals_of_an_sri_result():
    y_pred = [1] * 4 + [0] * 46 + [1] * 5 + [0] * 45
    groups = ["a"] * 50 + ["b"] * 50
    sri = social_responsibility_index(y_pred, y_pred, groups)
    table = rate_intervals(sri)
    assert (table.loc["a", "selection_rate_low"], table.loc["a", "selection_rate_high"]) == (
        pytest.approx(_wilson_by_hand(4, 50))
    )


def test_rate_intervals_needs_counts():
    with pytest.raises(InvalidValueError, match="no rate"):
        rate_intervals(pd.DataFrame({"selection_rate": [0.5]}))
