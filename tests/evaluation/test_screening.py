"""Tests of screening at a fixed capacity and of showing each warning once."""

import warnings

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from greennb.errors import InvalidValueError
from greennb.evaluation import each_warning_once, screen_at_capacity


@pytest.fixture
def model_and_rows():
    X = np.arange(100, dtype=float).reshape(-1, 1)
    y = np.where(X[:, 0] >= 90, "pos", "neg")  # the 10 largest are positive
    return LogisticRegression().fit(X, y), X, y


def test_flags_the_share_of_rows_the_model_ranks_riskiest(model_and_rows):
    model, X, _ = model_and_rows
    decisions, scores = screen_at_capacity(model, X, X, positive="pos", share=0.1)
    assert (decisions == "pos").sum() == 10  # the cut is the 0.9 quantile of the scores
    assert set(np.flatnonzero(decisions == "pos")) == set(range(90, 100))
    assert scores.shape == (100,) and np.all(np.diff(scores) >= 0)


def test_the_cut_comes_from_the_fit_rows_not_the_judged_ones(model_and_rows):
    model, X, _ = model_and_rows
    decisions, _ = screen_at_capacity(model, X, X[:50], positive="pos", share=0.1)
    assert (decisions == "pos").sum() == 0  # none of the 50 smallest reaches the training cut


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"positive": "yes", "share": 0.1}, "'yes'.*classes are"),
    ({"positive": "pos", "share": 0.0}, "share"),
    ({"positive": "pos", "share": 1.0}, "share"),
])  # fmt: skip
def test_bad_input_is_named(model_and_rows, kwargs, match):
    model, X, _ = model_and_rows
    with pytest.raises(InvalidValueError, match=match):
        screen_at_capacity(model, X, X, **kwargs)


def test_each_distinct_warning_is_printed_once(capsys):
    with each_warning_once() as caught:
        for _ in range(3):
            warnings.warn("small group", UserWarning, stacklevel=1)
        warnings.warn("another", RuntimeWarning, stacklevel=1)
    assert len(caught) == 4
    assert capsys.readouterr().out.splitlines() == [
        "warning (once): UserWarning: small group",
        "warning (once): RuntimeWarning: another",
    ]
