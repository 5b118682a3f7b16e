"""Per-group rates and errors from explicit counts, with 0/0 kept as NaN.

Written by hand, not taken from fairlearn, because the tools disagree on 0/0: fairlearn's
ratio of an all-zero metric is NaN, yet its ``true_positive_rate`` of a group without actual
positives is 0.0 (a silent "worst possible" value); AIF360 and scikit-lego return 0 and
Aequitas caps disparities at 10. From explicit counts a zero denominator stays visible, and
the caller decides.

* :func:`component_counts` gives, per group, the numerator and denominator of one quantity
  (the SRI's ratios and its bootstrap are built from them);
* :func:`true_positive_rate`, :func:`false_positive_rate` and :func:`balanced_accuracy` are
  metric functions ``f(y_true, y_pred)`` for ``MetricFrame`` that return NaN on 0/0.

Examples
--------
>>> true_positive_rate([0, 0, 1], [1, 0, 1], pos_label=1)
1.0
>>> true_positive_rate([0, 0], [1, 0], pos_label=1)
nan
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from greennb.fairness._inputs import Prepared

COMPONENT_LABELS = MappingProxyType(
    {
        "selection_rate": "selection rate",
        "true_positive_rate": "TPR",
        "false_positive_rate": "FPR",
        "accuracy": "accuracy",
        "mae": "MAE",
        "mape": "MAPE",
    }
)
"""Short display name of each per-group quantity an SRI metric is built from."""


def _nonzero_targets(prepared: Prepared, rows: np.ndarray) -> np.ndarray:
    return rows[prepared.truth[rows] != 0]


def component_counts(
    component: str, prepared: Prepared, rows: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Return per-group (numerator, denominator) of one quantity over the given rows.

    Parameters
    ----------
    component : str
        A key of :data:`COMPONENT_LABELS`.
    prepared : Prepared
        The validated inputs.
    rows : numpy.ndarray of int, optional
        Row positions, possibly repeated (a bootstrap resample); default all rows.

    Returns
    -------
    numerator, denominator : numpy.ndarray of float
        One value per group. Numerators are counts for rates, the sum of absolute errors
        for MAE (target's unit) and the sum of absolute relative errors for MAPE (rows
        with a zero target left out); denominators are counts of rows.
    """
    rows = np.arange(len(prepared.codes)) if rows is None else rows
    if component == "mape":
        rows = _nonzero_targets(prepared, rows)
    codes, truth, pred = prepared.codes[rows], prepared.truth[rows], prepared.pred[rows]
    if component == "selection_rate":
        numerator, in_denominator = pred, np.ones_like(pred)
    elif component == "true_positive_rate":
        numerator, in_denominator = pred & truth, truth
    elif component == "false_positive_rate":
        numerator, in_denominator = pred & ~truth, ~truth
    elif component == "accuracy":
        numerator, in_denominator = pred == truth, np.ones_like(pred)
    elif component == "mae":
        numerator, in_denominator = np.abs(truth - pred), np.ones_like(pred)
    else:  # mape
        numerator, in_denominator = np.abs(truth - pred) / np.abs(truth), np.ones_like(pred)
    n_groups = len(prepared.groups)
    return (
        np.bincount(codes, weights=numerator.astype(float), minlength=n_groups),
        np.bincount(codes, weights=in_denominator.astype(float), minlength=n_groups),
    )


def add_component_columns(
    table: pd.DataFrame, prepared: Prepared, components: Sequence[str]
) -> pd.DataFrame:
    """Add each quantity's per-group value, ``_numerator`` and ``_denominator`` to ``table``.

    ``table`` has one row per group of ``prepared``, in its order; a value whose denominator
    is 0 is NaN. The table is changed in place and returned.
    """
    for component in components:
        numerator, denominator = component_counts(component, prepared)
        with np.errstate(invalid="ignore", divide="ignore"):
            table[component] = np.where(denominator > 0, numerator / denominator, np.nan)
        table[f"{component}_numerator"] = numerator
        table[f"{component}_denominator"] = denominator
    return table


def ratio_or_nan(numerator: float, denominator: float) -> float:
    """Return ``numerator / denominator`` as a float, or NaN when the denominator is 0."""
    return float(numerator / denominator) if denominator else math.nan


def true_positive_rate(y_true: Any, y_pred: Any, *, pos_label: Any) -> float:
    """Return the fraction of actual positives predicted positive (NaN without positives)."""
    actual = np.asarray(y_true) == pos_label
    return ratio_or_nan(np.sum(actual & (np.asarray(y_pred) == pos_label)), np.sum(actual))


def false_positive_rate(y_true: Any, y_pred: Any, *, pos_label: Any) -> float:
    """Return the fraction of actual negatives predicted positive (NaN without negatives)."""
    negative = np.asarray(y_true) != pos_label
    return ratio_or_nan(np.sum(negative & (np.asarray(y_pred) == pos_label)), np.sum(negative))


def balanced_accuracy(y_true: Any, y_pred: Any, *, pos_label: Any) -> float:
    """Return ``(TPR + 1 - FPR) / 2``, NaN when either rate is undefined.

    scikit-learn's ``balanced_accuracy_score`` averages only the classes present in
    ``y_true`` (with a warning), which would mix definitions across groups.
    """
    tpr = true_positive_rate(y_true, y_pred, pos_label=pos_label)
    fpr = false_positive_rate(y_true, y_pred, pos_label=pos_label)
    return (tpr + 1.0 - fpr) / 2.0
