"""Task quality and the label fairness compares: the choices every evaluation shares."""

from __future__ import annotations

from typing import Any

from sklearn.metrics import accuracy_score, mean_absolute_error

from greennb.data import Dataset


def task_quality(task: str, y_true: Any, y_pred: Any) -> dict[str, float]:
    """Return the quality metric of a task: accuracy, or the MAE for any other task.

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


def favourable_or_positive(dataset: Dataset) -> Any:
    """Return the label whose rates fairness compares: the favourable outcome, if any.

    The four-fifths rule compares rates of the outcome people want (an approved loan), which
    is not always the class the model detects (a denial); without a favourable outcome, the
    dataset's positive label.
    """
    favourable = dataset.favourable_label
    return dataset.positive_label if favourable is None else favourable
