"""quality_score and quality_difference: ROC AUC by hand against scikit-learn, MAE, verdicts."""

from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from greennb.errors import InvalidValueError
from greennb.evaluation import QUALITY_VERDICTS, quality_difference, quality_score


def test_roc_auc_equals_scikit_learn_with_ties_and_string_labels():
    rng = np.random.default_rng(1)
    y = rng.choice(["neg", "pos"], size=300, p=[0.9, 0.1])
    scores = np.round(rng.random(300), 1)  # many ties
    expected = roc_auc_score(y == "pos", scores)
    assert quality_score(y, scores, metric="roc_auc", pos_label="pos") == pytest.approx(expected)


def test_roc_auc_by_hand_and_one_class_is_nan():
    # pairs (pos, neg): (0.35 > 0.1), (0.35 < 0.4), (0.8 > both): 3 of 4
    assert quality_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], metric="roc_auc") == 0.75
    assert math.isnan(quality_score([1, 1], [0.2, 0.3], metric="roc_auc"))


def test_mae_by_hand():
    assert quality_score([1.0, 2.0, 4.0], [2.0, 2.0, 1.0], metric="mae") == pytest.approx(4 / 3)


def test_a_clearly_better_classifier_is_better_and_the_same_one_is_not():
    y = np.array([0, 1] * 100)
    good = np.where(y == 1, 0.8, 0.2)
    poor = np.random.default_rng(0).random(200)
    better = quality_difference(y, good, poor, metric="roc_auc", names=("good", "poor"))
    assert better.verdict == "better" and better.low > 0
    assert better.value_a == 1.0 and better.difference == pytest.approx(1.0 - better.value_b)
    assert "good is better than poor" in str(better)
    same = quality_difference(y, good, good, metric="roc_auc")
    assert same.verdict == QUALITY_VERDICTS[2] and same.difference == 0.0


def test_lower_mae_is_better():
    y = np.arange(100, dtype=float)
    result = quality_difference(y, y + 0.1, y + 5.0, metric="mae")
    assert result.difference == pytest.approx(-4.9)
    assert result.verdict == "better"
    assert quality_difference(y, y + 5.0, y + 0.1, metric="mae").verdict == "worse"


def test_noise_is_no_difference():
    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, 80)
    a, b = rng.random(80), rng.random(80)
    assert quality_difference(y, a, b, metric="roc_auc").verdict == QUALITY_VERDICTS[2]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"metric": "accuracy"}, "metric"),
        ({"metric": "mae", "n_bootstrap": 0}, "n_bootstrap"),
        ({"metric": "mae", "confidence": 1.0}, "confidence"),
    ],
)
def test_bad_inputs_raise(kwargs, match):
    with pytest.raises(InvalidValueError, match=match):
        quality_difference([1.0, 2.0], [1.0, 2.0], [1.0, 2.0], **kwargs)


def test_rows_of_different_lengths_raise():
    with pytest.raises(InvalidValueError, match="aligned rows"):
        quality_difference([1.0, 2.0], [1.0], [1.0, 2.0], metric="mae")
