"""The two-sided bootstrap interval of R: value, reuse of the lower bound's resamples, verdicts."""

import math

import numpy as np
import pytest

from greennb.errors import FairnessWarning, GreennbError
from greennb.fairness import SRIInterval, social_responsibility_index, sri_interval


def _data(rate_a, rate_b, n=200):
    y_pred = [1] * int(rate_a * n) + [0] * (n - int(rate_a * n))
    y_pred += [1] * int(rate_b * n) + [0] * (n - int(rate_b * n))
    return y_pred, ["a"] * n + ["b"] * n


def test_value_is_the_sri():
    y_pred, groups = _data(0.3, 0.5)
    interval = sri_interval(y_pred, y_pred, groups, n_bootstrap=300, random_state=1)
    sri = social_responsibility_index(y_pred, y_pred, groups)
    assert interval.value == pytest.approx(sri.value) == pytest.approx(0.6 / 0.8)
    assert interval.low < interval.value < interval.high


def test_lower_end_matches_the_one_sided_bound_at_twice_the_tail():
    y_pred, groups = _data(0.35, 0.45)
    interval = sri_interval(y_pred, y_pred, groups, n_bootstrap=400, confidence=0.9, random_state=7)
    sri = social_responsibility_index(
        y_pred, y_pred, groups, n_bootstrap=400, confidence=0.95, random_state=7
    )
    assert interval.low == pytest.approx(sri.lower_bound)  # same resamples, same quantile


def test_verdicts():
    far, groups = _data(0.1, 0.5)
    assert sri_interval(far, far, groups, n_bootstrap=200).verdict == "below the bar"
    equal, groups = _data(0.5, 0.5)
    assert sri_interval(equal, equal, groups, n_bootstrap=200).verdict in (
        "meets the bar",
        "undecided within the noise",
    )
    edge, groups = _data(0.4, 0.5)  # A = 0.8 exactly: R = 1 straddled
    assert sri_interval(edge, edge, groups, n_bootstrap=200).verdict == (
        "undecided within the noise"
    )


def test_verdict_bounds_by_hand():
    make = lambda low, high: SRIInterval(1.0, low, high, 0.8, 0.95, 10, 0)  # noqa: E731
    assert make(1.0, 1.2).verdict == "meets the bar"
    assert make(0.5, 0.99).verdict == "below the bar"
    assert make(math.nan, math.nan).verdict == "undefined"
    assert "R = 1.00 [1.00, 1.20]" in str(make(1.0, 1.2))


def test_reproducible_with_a_seed():
    y_pred, groups = _data(0.3, 0.4)
    first = sri_interval(y_pred, y_pred, groups, n_bootstrap=100, random_state=np.int64(3))
    again = sri_interval(y_pred, y_pred, groups, n_bootstrap=100, random_state=3)
    assert (first.low, first.high) == (again.low, again.high)


def test_undefined_resamples_warn():
    y_pred = [0] * 20 + [1, 0]
    groups = ["a"] * 20 + ["b"] * 2
    with pytest.warns(FairnessWarning, match="undefined"):
        result = sri_interval(y_pred, y_pred, groups, n_bootstrap=50)
    assert result.n_undefined > 0


@pytest.mark.parametrize(
    "options", [{"n_bootstrap": 0}, {"confidence": 1.5}, {"metric": "nope"}, {"bar": 2.0}]
)
def test_bad_input(options):
    y_pred, groups = _data(0.3, 0.4, n=20)
    with pytest.raises(GreennbError):
        sri_interval(y_pred, y_pred, groups, **options)
