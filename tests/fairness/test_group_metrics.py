"""group_metrics: per-group metrics from fairlearn's MetricFrame, on hand-computed tables."""

import json
import math

import pandas as pd
import pytest

from greennb.errors import FairnessWarning
from greennb.fairness import (
    CLASSIFICATION_METRICS,
    REGRESSION_METRICS,
    GroupMetrics,
    group_metrics,
)

# Regression: group "a" targets [10, 20] predicted [12, 20]: errors 2, 0 ->
# MAE 1.0, MAPE (0.2 + 0) / 2 = 0.1. Group "b" targets [10, 40, 0] predicted
# [13, 36, 5]: errors 3, 4, 5 -> MAE 4.0; MAPE leaves out the zero target:
# (0.3 + 0.1) / 2 = 0.2.
REG_TRUE = [10.0, 20.0, 10.0, 40.0, 0.0]
REG_PRED = [12.0, 20.0, 13.0, 36.0, 5.0]
REG_GROUPS = ["a", "a", "b", "b", "b"]

# A classification table. Group "x": y_true [1,1,0,0] y_pred [1,0,1,0]: accuracy 0.5,
# selection 0.5, TPR 1/2, FPR 1/2, balanced accuracy (0.5 + 1 - 0.5)/2 = 0.5.
# Group "y": y_true [0,0,0] y_pred [1,0,0]: accuracy 2/3, selection 1/3, TPR
# undefined (no positives), FPR 1/3, balanced accuracy undefined.
TABLE_TRUE = ["yes", "yes", "no", "no", "no", "no", "no"]
TABLE_PRED = ["yes", "no", "yes", "no", "yes", "no", "no"]
TABLE_GROUPS = pd.Series(["x"] * 4 + ["y"] * 3, name="region")


def make_group_metrics() -> GroupMetrics:
    with pytest.warns(FairnessWarning, match="true_positive_rate of 'y'"):
        return group_metrics(TABLE_TRUE, TABLE_PRED, TABLE_GROUPS, pos_label="yes")


def test_group_metrics_schema_and_hand_values():
    metrics = make_group_metrics()
    assert metrics.sensitive_features == ("region",)
    assert list(metrics.by_group.columns) == [*CLASSIFICATION_METRICS, "count"]
    assert metrics.by_group["count"].tolist() == [4, 3]
    assert metrics.by_group.loc["x"].to_dict() == pytest.approx(
        {
            "accuracy": 0.5,
            "selection_rate": 0.5,
            "true_positive_rate": 0.5,
            "false_positive_rate": 0.5,
            "balanced_accuracy": 0.5,
            "count": 4,
        }
    )
    assert metrics.by_group.loc["y", "selection_rate"] == pytest.approx(1 / 3)
    assert math.isnan(metrics.by_group.loc["y", "true_positive_rate"])
    assert metrics.overall["accuracy"] == pytest.approx(4 / 7)
    assert metrics.overall["count"] == 7
    assert metrics.difference["selection_rate"] == pytest.approx(0.5 - 1 / 3)
    assert metrics.ratio["selection_rate"] == pytest.approx((1 / 3) / 0.5)
    assert metrics.ratio["accuracy"] == pytest.approx(0.5 / (2 / 3))
    assert list(metrics.ratio.index) == list(CLASSIFICATION_METRICS)


def test_group_metrics_to_dict_is_strict_json_with_nan_as_null():
    record = json.loads(json.dumps(make_group_metrics().to_dict(), allow_nan=False))
    assert set(record) == {
        "task",
        "pos_label",
        "sensitive_features",
        "overall",
        "by_group",
        "difference",
        "ratio",
    }
    assert record["pos_label"] == "yes"
    assert record["by_group"]["y"]["true_positive_rate"] is None
    assert record["by_group"]["y"]["count"] == 3
    assert record["overall"]["count"] == 7


def test_group_metrics_display_includes_groups_and_overall():
    metrics = make_group_metrics()
    text = repr(metrics)
    assert "region" in text and "overall" in text and "pos_label='yes'" in text
    assert "<table" in metrics._repr_html_()


def test_group_metrics_intersections_and_regression():
    features = pd.DataFrame({"g": REG_GROUPS, "h": ["p", "q", "p", "p", "q"]})
    with pytest.warns(FairnessWarning) as caught:
        metrics = group_metrics(REG_TRUE, REG_PRED, features, task="forecast")
    messages = " | ".join(str(w.message) for w in caught)
    assert "1 row(s) with y_true == 0 are left out of MAPE" in messages
    assert "mape of 'g=b, h=q'" in messages
    assert metrics.task == "regression"
    assert list(metrics.by_group.columns) == [*REGRESSION_METRICS, "count"]
    record = metrics.to_dict()
    # (a, p): MAE 2; (a, q): 0; (b, p): (3 + 4) / 2 = 3.5; (b, q): 5, MAPE undefined
    assert record["by_group"]["g=a, h=p"]["mae"] == pytest.approx(2.0)
    assert record["by_group"]["g=b, h=p"]["mae"] == pytest.approx(3.5)
    assert record["by_group"]["g=b, h=q"]["mape"] is None
    assert record["overall"]["mae"] == pytest.approx(14 / 5)
    assert record["overall"]["mape"] == pytest.approx((0.2 + 0 + 0.3 + 0.1) / 4)


def test_group_metrics_rejects_unknown_task_and_metric():
    with pytest.raises(ValueError, match="'clustering'.*classification, regression, forecast"):
        group_metrics([1, 0], [1, 0], ["a", "b"], task="clustering")
    with pytest.raises(ValueError, match="'mae'.*accuracy, selection_rate"):
        group_metrics([1, 0], [1, 0], ["a", "b"], metrics=["mae"])
