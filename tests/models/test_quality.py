"""Task-quality metrics: the zero-safe MAPE and the forecast scores, by hand."""

import math

import pytest

from greennb.models import (
    QUALITY_BY_TASK,
    forecast_metrics,
    mean_absolute_percentage_error,
    task_quality,
)


def test_mean_absolute_percentage_error_leaves_out_zero_targets():
    assert mean_absolute_percentage_error([2.0, 4.0, 0.0], [1.0, 5.0, 3.0]) == 0.375
    assert math.isnan(mean_absolute_percentage_error([0.0, 0.0], [1.0, 2.0]))


def test_forecast_metrics_by_hand():
    scores = forecast_metrics([2.0, 4.0, 0.0], [1.0, 5.0, 3.0])
    assert scores["mae"] == pytest.approx(5 / 3)
    assert scores["rmse"] == pytest.approx(math.sqrt(11 / 3))
    assert scores["mape"] == pytest.approx((1 / 2 + 1 / 4) / 2)  # the zero target is left out
    assert scores["r2"] == pytest.approx(1 - 11 / 8)  # SS_res 11, SS_tot 8


def test_task_quality_is_accuracy_or_mae():
    assert task_quality("classification", ["a", "b"], ["a", "a"]) == {"accuracy": 0.5}
    assert task_quality("regression", [1.0, 3.0], [2.0, 3.0]) == {"mae": 0.5}
    assert task_quality("forecast", [2.0, 4.0], [1.0, 5.0]) == {"mae": 1.0}
    assert all(list(task_quality(t, [1.0], [1.0])) == [m] for t, m in QUALITY_BY_TASK.items())
