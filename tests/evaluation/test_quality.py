"""The task-quality metric and the label whose rates fairness compares."""

import dataclasses

from greennb.data import load_dataset
from greennb.evaluation import favourable_or_positive, task_quality


def test_task_quality_is_accuracy_or_mae():
    assert task_quality("classification", ["a", "b"], ["a", "a"]) == {"accuracy": 0.5}
    assert task_quality("regression", [1.0, 3.0], [2.0, 3.0]) == {"mae": 0.5}
    assert task_quality("forecast", [2.0, 4.0], [1.0, 5.0]) == {"mae": 1.0}


def test_fairness_compares_the_favourable_outcome_else_the_positive_label():
    data = load_dataset("hmda")
    assert favourable_or_positive(data) == "no"  # no denial, though "yes" is detected
    without = dataclasses.replace(data, favourable_label=None)
    assert favourable_or_positive(without) == data.positive_label
