"""mitigate_to_bound: reductions at a chosen difference bound (a constraint-strength sweep)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from greennb.errors import InvalidTypeError, InvalidValueError
from greennb.fairness import (
    DEFAULT_DIFFERENCE_BOUND,
    MitigatedClassifier,
    mitigate,
    mitigate_to_bound,
)


@pytest.fixture(scope="module")
def biased():
    """Group a gets 'yes' far more often than group b: selection rates about 0.8 and 0.2."""
    rng = np.random.default_rng(0)
    group = rng.choice(["a", "b"], size=600)
    x = rng.normal(size=600) + np.where(group == "a", 1.0, -1.0)
    X = np.column_stack([x, rng.normal(size=600)])
    y = np.where(x + 0.3 * rng.normal(size=600) > 0, "yes", "no")
    return X, y, group


def _gap(model, X, group) -> float:
    """Difference of the two groups' 'yes' rates (fraction)."""
    yes = model.predict(X) == "yes"
    return abs(yes[group == "a"].mean() - yes[group == "b"].mean())


def test_a_tighter_bound_narrows_the_gap_on_the_training_data(biased):
    X, y, group = biased
    loose = mitigate_to_bound(LogisticRegression(), X, y, sensitive_features=group,
                              difference_bound=1.0, pos_label="yes")  # fmt: skip
    tight = mitigate_to_bound(LogisticRegression(), X, y, sensitive_features=group,
                              difference_bound=0.01, pos_label="yes")  # fmt: skip
    assert isinstance(tight, MitigatedClassifier) and tight.method == "exponentiated_gradient"
    assert _gap(loose, X, group) > 0.4  # a bound of 1 never binds: the plain model's gap
    # each group within 0.01 of the overall rate: the groups within 0.02 (+ slack of the game)
    assert _gap(tight, X, group) < 0.1


def test_the_default_bound_is_what_mitigate_uses(biased):
    X, y, group = biased
    assert DEFAULT_DIFFERENCE_BOUND == 0.01
    ours = mitigate_to_bound(LogisticRegression(), X, y, sensitive_features=group,
                             pos_label="yes", random_state=3)  # fmt: skip
    theirs = mitigate(LogisticRegression(), X, y, sensitive_features=group, pos_label="yes",
                      method="exponentiated_gradient", random_state=3)  # fmt: skip
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))


def test_every_constraint_takes_a_bound(biased):
    X, y, group = biased
    for constraint in ("equalized_odds", "true_positive_rate_parity"):
        fair = mitigate_to_bound(LogisticRegression(), X, y, sensitive_features=group,
                                 difference_bound=0.05, constraint=constraint, pos_label="yes",
                                 max_iter=10)  # fmt: skip
        assert set(fair.predict(X)) <= {"yes", "no"}


@pytest.mark.parametrize(
    ("options", "error", "match"),
    [
        ({"difference_bound": 0.0}, InvalidValueError, "difference_bound"),
        ({"difference_bound": 1.5}, InvalidValueError, "difference_bound"),
        ({"constraint": "parity"}, InvalidValueError, "demographic_parity"),
        ({"max_iter": 0}, InvalidValueError, "max_iter"),
        ({"random_state": 0.5}, InvalidTypeError, "random_state"),
        ({"pos_label": "maybe"}, InvalidValueError, "maybe"),
    ],
)
def test_bad_input_is_refused_with_its_name(biased, options, error, match):
    X, y, group = biased
    arguments = {"sensitive_features": group, "pos_label": "yes", **options}
    with pytest.raises(error, match=match):
        mitigate_to_bound(LogisticRegression(), X, y, **arguments)


def test_misaligned_labels_are_refused(biased):
    X, y, group = biased
    with pytest.raises(InvalidValueError, match="rows"):
        mitigate_to_bound(LogisticRegression(), X, y[:-1], sensitive_features=group,
                          pos_label="yes")  # fmt: skip
