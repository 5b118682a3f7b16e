"""Task-quality metrics: MAE, MAPE, forecast scores, the quality metric of each task."""

from __future__ import annotations

import math

import numpy as np
from sklearn.metrics import accuracy_score, mean_absolute_error, r2_score, root_mean_squared_error

QUALITY_BY_TASK = {"classification": "accuracy", "regression": "mae", "forecast": "mae"}
"""The quality metric each task is scored by: accuracy (fraction) or MAE (target unit)."""


def forecast_metrics(y_true, y_pred) -> dict[str, float]:
    """Score a forecast: MAE, RMSE (target units), MAPE (fraction) and R².

    Parameters
    ----------
    y_true : array-like of float
        Observed values.
    y_pred : array-like of float
        Forecasts, same unit and length.

    Returns
    -------
    dict of str to float
        ``mae`` and ``rmse`` in the target's unit (scikit-learn), ``mape`` as a fraction over
        the rows with a non-zero target (:func:`mean_absolute_percentage_error`;
        NaN if every target is 0) and ``r2`` (coefficient of determination, 1 is perfect).

    Examples
    --------
    >>> forecast_metrics([2.0, 4.0], [1.0, 5.0])
    {'mae': 1.0, 'rmse': 1.0, 'mape': 0.375, 'r2': 0.0}
    """
    truth = np.asarray(y_true, dtype=float)
    pred = np.asarray(y_pred, dtype=float)
    return {
        "mae": float(mean_absolute_error(truth, pred)),
        "rmse": float(root_mean_squared_error(truth, pred)),
        "mape": float(mean_absolute_percentage_error(truth, pred)),
        "r2": float(r2_score(truth, pred)),
    }


def mean_absolute_percentage_error(y_true, y_pred) -> float:
    """Mean absolute percentage error over the rows whose target is not zero.

    ``MAPE = mean(|y_true - y_pred| / |y_true|)`` over rows with
    ``y_true != 0``, as a fraction (0.05 means 5 %). Rows with a zero target
    have no defined percentage error and are left out; with no such rows
    the result is NaN. (scikit-learn instead divides by a tiny epsilon and
    returns an arbitrarily large number.)

    Parameters
    ----------
    y_true : array-like of float
        Observed values, in the target's unit.
    y_pred : array-like of float
        Predicted values, same unit.

    Returns
    -------
    float
        MAPE as a fraction, or NaN when every target is zero.

    Examples
    --------
    >>> mean_absolute_percentage_error([2.0, 4.0, 0.0], [1.0, 5.0, 3.0])
    0.375
    """
    truth = np.asarray(y_true, dtype=float)
    errors = np.abs(truth - np.asarray(y_pred, dtype=float))
    nonzero = truth != 0
    total = float(np.sum(errors[nonzero] / np.abs(truth[nonzero])))
    count = nonzero.sum()
    return float(total / count) if count else math.nan


def task_quality(task: str, y_true, y_pred) -> dict[str, float]:
    """Return the quality metric of a task (:data:`QUALITY_BY_TASK`): accuracy or MAE.

    Parameters
    ----------
    task : str
        ``"classification"``, or a regression task (``"regression"``, ``"forecast"``).
    y_true, y_pred : array-like
        Observed and predicted targets.

    Returns
    -------
    dict of str to float
        ``{"accuracy": ...}`` (fraction) or ``{"mae": ...}`` (target unit), from
        scikit-learn.

    Examples
    --------
    >>> task_quality("classification", [1, 0, 1, 1], [1, 0, 0, 1])
    {'accuracy': 0.75}
    >>> task_quality("forecast", [2.0, 4.0], [1.0, 5.0])
    {'mae': 1.0}
    """
    if task == "classification":
        return {"accuracy": float(accuracy_score(y_true, y_pred))}
    return {"mae": float(mean_absolute_error(y_true, y_pred))}
