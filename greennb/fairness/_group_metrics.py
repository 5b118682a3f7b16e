"""Fairness of a model's predictions across groups, built on fairlearn's ``MetricFrame``.

:func:`group_metrics` disaggregates task metrics by sensitive group (and by intersections of
groups when several sensitive columns are given), with group sizes, overall values and
between-group differences and ratios. The social responsibility index that turns one of these
ratios into ``R = A / B`` is :func:`greennb.fairness.social_responsibility_index`.

Conventions
-----------
* Inputs are checked as :mod:`greennb.fairness._inputs` describes: rows aligned by position,
  NaN in any input an error, several sensitive columns giving intersectional groups.
* Rates are computed from counts (:mod:`greennb.fairness._rates`), so a rate with a zero
  denominator (the true positive rate of a group without actual positives) is NaN, not 0.0.
* NaN policy of ``to_dict()``: undefined numbers become ``None`` (JSON ``null``), so
  ``json.dumps(metrics.to_dict(), allow_nan=False)`` works.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from fairlearn.metrics import MetricFrame, count, selection_rate
from sklearn.metrics import accuracy_score, mean_absolute_error

from greennb._json import json_number
from greennb._validation import one_of
from greennb.data import TASKS
from greennb.errors import FairnessWarning, InvalidValueError
from greennb.fairness._inputs import Prepared, group_label, plain, prepare
from greennb.fairness._rates import balanced_accuracy, false_positive_rate, true_positive_rate
from greennb.models import mean_absolute_percentage_error

CLASSIFICATION_METRICS = (
    "accuracy",
    "selection_rate",
    "true_positive_rate",
    "false_positive_rate",
    "balanced_accuracy",
)
"""Per-group metrics of :func:`group_metrics` for binary classification."""

REGRESSION_METRICS = ("mae", "mape")
"""Per-group metrics of :func:`group_metrics` for regression and forecasts."""

# Error messages, kept as templates so that tests can match them.
UNKNOWN_GROUP_METRIC_ERROR = (
    "Unknown {task} metric {value!r}; valid metrics are: {choices} "
    "(or pass a mapping of names to callables)."
)


def _metric_functions(task: str, pos_label: Any) -> dict[str, Callable]:
    if task == "regression":
        return {"mae": mean_absolute_error, "mape": mean_absolute_percentage_error}
    return {
        "accuracy": accuracy_score,
        "selection_rate": functools.partial(selection_rate, pos_label=pos_label),
        "true_positive_rate": functools.partial(true_positive_rate, pos_label=pos_label),
        "false_positive_rate": functools.partial(false_positive_rate, pos_label=pos_label),
        "balanced_accuracy": functools.partial(balanced_accuracy, pos_label=pos_label),
    }


def _select_metrics(
    metrics: Sequence[str] | Mapping[str, Callable] | None, *, task: str, pos_label: Any
) -> dict[str, Callable]:
    available = _metric_functions(task, pos_label)
    if metrics is None:
        return available
    if isinstance(metrics, Mapping):
        return dict(metrics)
    names = [metrics] if isinstance(metrics, str) else list(metrics)
    for name in names:
        if name not in available:
            raise InvalidValueError(
                UNKNOWN_GROUP_METRIC_ERROR.format(
                    task=task, value=name, choices=", ".join(available)
                )
            )
    return {name: available[name] for name in names}


def _metric_values(values: pd.Series) -> dict[str, float | int | None]:
    """Metric name -> JSON-safe number, with the group count as an int."""
    return {
        str(name): int(value) if name == "count" else json_number(value)
        for name, value in values.items()
    }


@dataclass(frozen=True)
class GroupMetrics:
    """Per-group metrics of one model's predictions, from fairlearn's ``MetricFrame``.

    Attributes
    ----------
    task : str
        ``"classification"`` or ``"regression"``.
    pos_label : object
        The label counted as a positive prediction (classification), else None.
    sensitive_features : tuple of str
        Names of the sensitive columns; several columns mean intersectional groups.
    overall : pandas.Series
        Each metric on all rows (``count`` is the number of rows).
    by_group : pandas.DataFrame
        One row per group (a MultiIndex for intersections, including empty
        combinations with ``count`` 0 and NaN metrics), one column per metric
        plus ``count``. Rates are fractions in [0, 1]; MAE is in the target's
        unit; MAPE is a fraction. A rate with a zero denominator is NaN.
    difference : pandas.Series
        Per metric, largest minus smallest group value (groups with NaN are
        skipped, as ``MetricFrame.difference`` does).
    ratio : pandas.Series
        Per metric, smallest over largest group value, in [0, 1] (NaN when
        every group value is 0).
    """

    task: str
    pos_label: Any
    sensitive_features: tuple[str, ...]
    overall: pd.Series
    by_group: pd.DataFrame
    difference: pd.Series
    ratio: pd.Series

    def to_dict(self) -> dict[str, Any]:
        """Return the group metrics as plain Python types for a JSON run record.

        Returns
        -------
        dict
            Keys ``task``, ``pos_label``, ``sensitive_features``, ``overall``,
            ``by_group`` (group label → metric → value), ``difference`` and
            ``ratio``. NaN becomes None, so ``json.dumps(..., allow_nan=False)``
            succeeds.
        """
        names = list(self.sensitive_features)
        return {
            "task": self.task,
            "pos_label": plain(self.pos_label),
            "sensitive_features": names,
            "overall": _metric_values(self.overall),
            "by_group": {
                group_label(key, names): _metric_values(row)
                for key, row in self.by_group.iterrows()
            },
            "difference": {str(k): json_number(v) for k, v in self.difference.items()},
            "ratio": {str(k): json_number(v) for k, v in self.ratio.items()},
        }

    def _summary(self) -> pd.DataFrame:
        """By-group table with an ``overall`` row appended (for display)."""
        index = self.by_group.index
        if isinstance(index, pd.MultiIndex):
            key = ("overall",) + ("",) * (index.nlevels - 1)
            overall_index = pd.MultiIndex.from_tuples([key], names=index.names)
        else:
            overall_index = pd.Index(["overall"], name=index.name)
        overall = pd.DataFrame([self.overall.to_numpy()], columns=self.overall.index)
        overall.index = overall_index
        summary = pd.concat([self.by_group, overall[self.by_group.columns]])
        if "count" in summary:
            summary["count"] = summary["count"].astype(int)
        return summary

    def __repr__(self) -> str:
        positive = f", pos_label={self.pos_label!r}" if self.task == "classification" else ""
        header = (
            f"GroupMetrics({self.task}{positive}; groups by {', '.join(self.sensitive_features)})"
        )
        comparison = pd.DataFrame({"difference": self.difference, "ratio": self.ratio}).T
        return "\n".join(
            [
                header,
                self._summary().to_string(float_format=lambda x: f"{x:.3f}"),
                "between groups (max - min, min / max):",
                comparison.to_string(float_format=lambda x: f"{x:.3f}"),
            ]
        )

    def _repr_html_(self) -> str:
        comparison = pd.DataFrame({"difference": self.difference, "ratio": self.ratio}).T
        return (
            f"<p><b>GroupMetrics</b> ({self.task}; groups by "
            f"{', '.join(self.sensitive_features)})</p>"
            + self._summary().to_html(float_format=lambda x: f"{x:.3f}")
            + "<p>Between groups: difference = max − min, ratio = min / max</p>"
            + comparison.to_html(float_format=lambda x: f"{x:.3f}")
        )


def _warn_undefined(by_group: pd.DataFrame, names: Sequence[str]) -> None:
    present = by_group[by_group["count"] > 0].drop(columns="count")
    undefined = [
        f"{column} of {group_label(key, names)!r}"
        for key, row in present.iterrows()
        for column, value in row.items()
        if pd.isna(value)
    ]
    if undefined:
        warnings.warn(
            "Undefined (0/0, shown as NaN and skipped in difference/ratio): "
            + "; ".join(undefined),
            FairnessWarning,
            stacklevel=3,
        )


def _warn_zero_targets(prepared: Prepared, metric_names: Sequence[str]) -> None:
    n_zero = int(np.sum(prepared.truth == 0))
    if "mape" in metric_names and n_zero:
        warnings.warn(
            f"{n_zero} row(s) with y_true == 0 are left out of MAPE (no percentage error).",
            FairnessWarning,
            stacklevel=3,
        )


def group_metrics(
    y_true,
    y_pred,
    sensitive_features,
    *,
    task: str = "classification",
    pos_label: Any = 1,
    metrics: Sequence[str] | Mapping[str, Callable] | None = None,
) -> GroupMetrics:
    """Disaggregate task metrics by sensitive group with fairlearn's ``MetricFrame``.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels (classification: two distinct labels, e.g. 0/1, bool or
        ``"yes"``/``"no"``) or observed values (regression, in the target's unit).
    y_pred : array-like of shape (n_samples,)
        Predicted labels or values, aligned with ``y_true`` by position.
    sensitive_features : array-like, pandas.Series or pandas.DataFrame
        Group membership per row. Several columns give intersectional groups
        (every combination of observed values). NaN is an error.
    task : {"classification", "regression", "forecast"}, default "classification"
        ``"forecast"`` is scored like ``"regression"``.
    pos_label : object, default 1
        Label of a positive prediction (classification only); must occur in
        ``y_true`` or ``y_pred``.
    metrics : sequence of str or mapping of str to callable, optional
        Names from :data:`CLASSIFICATION_METRICS` or :data:`REGRESSION_METRICS`
        (default: all of the task's), or a mapping ``name -> f(y_true, y_pred)``
        passed to ``MetricFrame`` as is. A group count is always added.

    Returns
    -------
    GroupMetrics
        ``overall``, ``by_group`` (with ``count``), ``difference`` and ``ratio``.

    Raises
    ------
    ValueError
        Unknown task or metric, empty or misaligned input, NaN in any input,
        non-binary labels, a ``pos_label`` that does not occur, or non-numeric
        regression targets. The message names the bad value and the choices.

    Warns
    -----
    FairnessWarning
        When a group's metric is undefined (0/0), e.g. the true positive rate
        of a group without actual positives, or when MAPE leaves out zero targets.

    Notes
    -----
    MAPE is ``mean(|y_true - y_pred| / |y_true|)`` over rows with a non-zero
    target, as a fraction (see :func:`greennb.models.mean_absolute_percentage_error`).
    Balanced accuracy is ``(TPR + 1 - FPR) / 2``.

    Examples
    --------
    >>> metrics = group_metrics(
    ...     ["yes", "no", "yes", "no"], ["yes", "no", "no", "no"], ["a", "a", "b", "b"],
    ...     pos_label="yes", metrics=["selection_rate"])
    >>> metrics.by_group["selection_rate"].to_dict()
    {'a': 0.5, 'b': 0.0}
    >>> float(metrics.ratio["selection_rate"])
    0.0
    """
    task = "regression" if one_of(task, TASKS, name="task") == "forecast" else task
    prepared = prepare(y_true, y_pred, sensitive_features, task=task, pos_label=pos_label)
    functions = _select_metrics(metrics, task=task, pos_label=pos_label)
    frame = MetricFrame(
        metrics={**functions, "count": count},
        y_true=prepared.y_true if task == "classification" else prepared.truth,
        y_pred=prepared.y_pred if task == "classification" else prepared.pred,
        sensitive_features=prepared.features,
    )
    by_group = frame.by_group.copy()
    by_group["count"] = by_group["count"].fillna(0).astype(int)
    names = tuple(prepared.features.columns)
    _warn_undefined(by_group, names)
    _warn_zero_targets(prepared, list(functions))
    metric_columns = list(functions)
    return GroupMetrics(
        task=task,
        pos_label=pos_label if task == "classification" else None,
        sensitive_features=names,
        overall=frame.overall.astype(float),
        by_group=by_group,
        difference=frame.difference()[metric_columns].astype(float),
        ratio=frame.ratio()[metric_columns].astype(float),
    )
