"""Fairness of a model's predictions across groups, built on fairlearn's ``MetricFrame``.

:func:`group_metrics` disaggregates task metrics by sensitive group (and by
intersections of groups when several sensitive columns are given), with group
sizes, overall values and between-group differences and ratios. The social
responsibility index that turns one of these ratios into ``R = A / B`` lives in
:mod:`greennb.sri`; it shares the input checks and the count-based rates below.

Conventions
-----------
* Rows of ``y_true``, ``y_pred`` and the sensitive features are aligned by
  position, never by pandas index.
* A missing value (NaN/None) in a sensitive column is an error: dropping those
  rows silently would change who is counted.
* Rates are computed from counts, so a rate with a zero denominator (the true
  positive rate of a group without actual positives) is NaN, not 0.0.
* NaN policy of ``to_dict()``: undefined numbers become ``None`` (JSON
  ``null``), so ``json.dumps(report.to_dict(), allow_nan=False)`` works.
* Randomized mitigators (fairlearn's ``ThresholdOptimizer`` and
  ``ExponentiatedGradient``) must be given a ``random_state`` so that a
  notebook reproduces; mitigation helpers will live next to this module.
"""

from __future__ import annotations

import functools
import math
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd
from fairlearn.metrics import MetricFrame, count, selection_rate
from sklearn.metrics import accuracy_score, mean_absolute_error

from greennb.errors import FairnessWarning, InvalidValueError
from greennb.models import mean_absolute_percentage_error

__all__ = [
    "CLASSIFICATION_METRICS",
    "REGRESSION_METRICS",
    "TASKS",
    "GroupMetrics",
    "FairnessWarning",
    "group_metrics",
]

TASKS = ("classification", "regression", "forecast")
"""Valid ``task`` values; ``"forecast"`` is scored like ``"regression"``."""

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
EMPTY_INPUT_ERROR = "{name} is empty: need at least one row, got 0."
LENGTH_MISMATCH_ERROR = (
    "y_true, y_pred and sensitive_features must have the same number of rows; "
    "got {n_true}, {n_pred} and {n_sensitive}."
)
NOT_ONE_DIMENSIONAL_ERROR = "{name} must be one-dimensional; got an array of shape {shape}."
MISSING_TARGET_ERROR = (
    "{name} has {count} missing value(s) (NaN/None), the first at row {row}; "
    "drop or impute them before scoring."
)
MISSING_SENSITIVE_ERROR = (
    "Sensitive feature {column!r} has {count} missing value(s) (NaN/None), the first at "
    "row {row}; rows are never dropped silently: fill them with an explicit category "
    "(e.g. 'unknown') or drop those rows yourself."
)
UNKNOWN_TASK_ERROR = "Unknown task {value!r}; valid tasks are: {choices}."
UNKNOWN_REPORT_METRIC_ERROR = (
    "Unknown {task} metric {value!r}; valid metrics are: {choices} "
    "(or pass a mapping of names to callables)."
)
NOT_BINARY_ERROR = (
    "Classification needs binary labels, but y_true and y_pred together hold "
    "{count} distinct values: {labels}. Threshold scores or probabilities first, "
    "or use task='regression'."
)
POS_LABEL_NOT_FOUND_ERROR = (
    "pos_label {value!r} does not occur in y_true or y_pred; labels seen: {labels}. "
    "Pass the label that means a positive prediction, e.g. pos_label={example!r}."
)
NON_NUMERIC_TARGET_ERROR = (
    "{name} must be numeric for task {task!r}; got values of dtype {dtype} such as {example!r}."
)

DEFAULT_SENSITIVE_NAME = "sensitive_feature"


# ---------------------------------------------------------------------------
# Input checks shared with greennb.sri
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Prepared:
    """Validated inputs as aligned numpy arrays with one group code per row.

    ``truth``/``pred`` are booleans (``== pos_label``) for classification and
    floats for regression. ``group_values`` has one row per group (all
    combinations of the observed values of each sensitive column, as
    ``MetricFrame`` does) and ``groups`` the readable label of each.
    """

    task: str
    truth: np.ndarray
    pred: np.ndarray
    codes: np.ndarray
    groups: tuple[str, ...]
    group_values: pd.DataFrame
    features: pd.DataFrame
    y_true: np.ndarray
    y_pred: np.ndarray
    pos_label: Any

    @property
    def sizes(self) -> np.ndarray:
        """Number of rows in each group (0 for an empty intersection)."""
        return np.bincount(self.codes, minlength=len(self.groups))


def _as_1d(values, *, name: str) -> np.ndarray:
    array = np.asarray(values)
    if array.ndim == 2 and 1 in array.shape:
        array = array.reshape(-1)
    if array.ndim != 1:
        raise InvalidValueError(NOT_ONE_DIMENSIONAL_ERROR.format(name=name, shape=array.shape))
    return array


def _as_feature_frame(sensitive_features) -> pd.DataFrame:
    """Return the sensitive features as a DataFrame with str column names and a RangeIndex."""
    if isinstance(sensitive_features, pd.DataFrame):
        frame = sensitive_features.copy()
    elif isinstance(sensitive_features, pd.Series):
        name = (
            DEFAULT_SENSITIVE_NAME if sensitive_features.name is None else sensitive_features.name
        )
        frame = sensitive_features.to_frame(name=name)
    elif isinstance(sensitive_features, Mapping):
        frame = pd.DataFrame(dict(sensitive_features))
    else:
        array = np.asarray(sensitive_features, dtype=object)
        if array.ndim == 1:
            frame = pd.DataFrame({DEFAULT_SENSITIVE_NAME: array})
        elif array.ndim == 2:
            columns = [f"{DEFAULT_SENSITIVE_NAME}_{i}" for i in range(array.shape[1])]
            frame = pd.DataFrame(array, columns=columns)
        else:
            raise InvalidValueError(
                NOT_ONE_DIMENSIONAL_ERROR.format(name="sensitive_features", shape=array.shape)
            )
    frame.columns = [str(column) for column in frame.columns]
    return frame.reset_index(drop=True)


def _first_missing(values) -> tuple[int, int]:
    """Return (number of missing values, position of the first) of a 1-D array-like."""
    missing = np.asarray(pd.isna(pd.Series(values, dtype=object)))
    return int(missing.sum()), int(np.argmax(missing)) if missing.any() else -1


def _check_inputs(y_true: np.ndarray, y_pred: np.ndarray, features: pd.DataFrame) -> None:
    if len(y_true) == 0:
        raise InvalidValueError(EMPTY_INPUT_ERROR.format(name="y_true"))
    if not len(y_true) == len(y_pred) == len(features):
        raise InvalidValueError(
            LENGTH_MISMATCH_ERROR.format(
                n_true=len(y_true), n_pred=len(y_pred), n_sensitive=len(features)
            )
        )
    for name, values in (("y_true", y_true), ("y_pred", y_pred)):
        n_missing, row = _first_missing(values)
        if n_missing:
            raise InvalidValueError(
                MISSING_TARGET_ERROR.format(name=name, count=n_missing, row=row)
            )
    for column in features.columns:
        n_missing, row = _first_missing(features[column])
        if n_missing:
            raise InvalidValueError(
                MISSING_SENSITIVE_ERROR.format(column=column, count=n_missing, row=row)
            )


def _check_task(task: str) -> str:
    if task not in TASKS:
        raise InvalidValueError(UNKNOWN_TASK_ERROR.format(value=task, choices=", ".join(TASKS)))
    return "regression" if task == "forecast" else task


def _plain(value: Any) -> Any:
    """Return a numpy scalar as the matching Python scalar (for messages and JSON)."""
    return value.item() if isinstance(value, np.generic) else value


def _positive_masks(
    y_true: np.ndarray, y_pred: np.ndarray, pos_label: Any
) -> tuple[np.ndarray, np.ndarray]:
    labels = pd.unique(pd.Series(np.concatenate([y_true, y_pred]), dtype=object))
    shown = sorted((_plain(label) for label in labels), key=repr)
    if len(labels) > 2:
        raise InvalidValueError(NOT_BINARY_ERROR.format(count=len(labels), labels=shown[:10]))
    truth = (pd.Series(y_true, dtype=object) == pos_label).to_numpy(dtype=bool)
    pred = (pd.Series(y_pred, dtype=object) == pos_label).to_numpy(dtype=bool)
    if not (truth.any() or pred.any()):
        raise InvalidValueError(
            POS_LABEL_NOT_FOUND_ERROR.format(value=pos_label, labels=shown, example=shown[-1])
        )
    return truth, pred


def _numeric(values: np.ndarray, *, name: str, task: str) -> np.ndarray:
    try:
        return np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise InvalidValueError(
            NON_NUMERIC_TARGET_ERROR.format(
                name=name, task=task, dtype=values.dtype, example=_plain(values[0])
            )
        ) from None


def _factorize(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    try:
        return pd.factorize(column, sort=True)
    except TypeError:  # mixed types that cannot be ordered: keep order of appearance
        return pd.factorize(column, sort=False)


def _group_label(values: Sequence[Any], columns: Sequence[str]) -> str:
    """Readable group name: ``'yes'`` for one column, ``'sex=F, age=old'`` for several."""
    if len(columns) == 1:
        return str(_plain(values[0]))
    return ", ".join(
        f"{column}={_plain(value)}" for column, value in zip(columns, values, strict=True)
    )


def _encode_groups(features: pd.DataFrame) -> tuple[np.ndarray, tuple[str, ...], pd.DataFrame]:
    """Give each row the index of its group among all combinations of observed values.

    Like ``MetricFrame``, several sensitive columns define intersectional groups
    over the full product of their observed values, so an empty combination
    shows up as a group with zero rows instead of disappearing.
    """
    factorized = [_factorize(features[column]) for column in features.columns]
    dims = tuple(len(uniques) for _, uniques in factorized)
    codes = np.ravel_multi_index(tuple(codes for codes, _ in factorized), dims)
    product = pd.MultiIndex.from_product(
        [uniques for _, uniques in factorized], names=list(features.columns)
    )
    group_values = product.to_frame(index=False)
    labels = tuple(
        _group_label(row, features.columns) for row in group_values.itertuples(index=False)
    )
    return codes.astype(np.intp), labels, group_values


def _prepare(y_true, y_pred, sensitive_features, *, task: str, pos_label: Any) -> _Prepared:
    """Validate the inputs and encode groups; ``task`` must already be normalized."""
    y_true = _as_1d(y_true, name="y_true")
    y_pred = _as_1d(y_pred, name="y_pred")
    features = _as_feature_frame(sensitive_features)
    _check_inputs(y_true, y_pred, features)
    if task == "classification":
        truth, pred = _positive_masks(y_true, y_pred, pos_label)
    else:
        truth = _numeric(y_true, name="y_true", task=task)
        pred = _numeric(y_pred, name="y_pred", task=task)
    codes, groups, group_values = _encode_groups(features)
    return _Prepared(
        task=task,
        truth=truth,
        pred=pred,
        codes=codes,
        groups=groups,
        group_values=group_values,
        features=features,
        y_true=y_true,
        y_pred=y_pred,
        pos_label=pos_label,
    )


# ---------------------------------------------------------------------------
# Per-group numerators and denominators (shared with greennb.sri)
# ---------------------------------------------------------------------------
# Written by hand, not taken from fairlearn: the tools disagree on 0/0.
# fairlearn's ratio of an all-zero metric is NaN, yet its true_positive_rate of
# a group without actual positives is 0.0 (a silent "worst possible" value);
# AIF360 and scikit-lego return 0 and Aequitas caps disparities at 10. From
# explicit counts a zero denominator stays visible, and the caller decides.

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


def _nonzero_targets(prepared: _Prepared, rows: np.ndarray) -> np.ndarray:
    return rows[prepared.truth[rows] != 0]


def _component_counts(
    component: str, prepared: _Prepared, rows: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Return per-group (numerator, denominator) of one quantity over the given rows.

    Numerators are counts for rates, the sum of absolute errors for MAE and
    the sum of absolute relative errors (rows with a zero target left out)
    for MAPE. ``rows`` (positions, possibly repeated) defaults to all rows.
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


# Metric functions for MetricFrame where fairlearn/scikit-learn would hide a 0/0
# (see the comment above): each returns NaN when its denominator is zero.


def _ratio_or_nan(numerator: float, denominator: float) -> float:
    return float(numerator / denominator) if denominator else math.nan


def _true_positive_rate(y_true, y_pred, *, pos_label) -> float:
    actual = np.asarray(y_true) == pos_label
    return _ratio_or_nan(np.sum(actual & (np.asarray(y_pred) == pos_label)), np.sum(actual))


def _false_positive_rate(y_true, y_pred, *, pos_label) -> float:
    negative = np.asarray(y_true) != pos_label
    return _ratio_or_nan(np.sum(negative & (np.asarray(y_pred) == pos_label)), np.sum(negative))


def _balanced_accuracy(y_true, y_pred, *, pos_label) -> float:
    # scikit-learn's balanced_accuracy_score averages only the classes present in
    # y_true (with a warning), which would mix definitions across groups.
    tpr = _true_positive_rate(y_true, y_pred, pos_label=pos_label)
    fpr = _false_positive_rate(y_true, y_pred, pos_label=pos_label)
    return (tpr + 1.0 - fpr) / 2.0


def _report_metric_functions(task: str, pos_label: Any) -> dict[str, Callable]:
    if task == "regression":
        return {"mae": mean_absolute_error, "mape": mean_absolute_percentage_error}
    return {
        "accuracy": accuracy_score,
        "selection_rate": functools.partial(selection_rate, pos_label=pos_label),
        "true_positive_rate": functools.partial(_true_positive_rate, pos_label=pos_label),
        "false_positive_rate": functools.partial(_false_positive_rate, pos_label=pos_label),
        "balanced_accuracy": functools.partial(_balanced_accuracy, pos_label=pos_label),
    }


def _select_metrics(
    metrics: Sequence[str] | Mapping[str, Callable] | None, *, task: str, pos_label: Any
) -> dict[str, Callable]:
    available = _report_metric_functions(task, pos_label)
    if metrics is None:
        return available
    if isinstance(metrics, Mapping):
        return dict(metrics)
    names = [metrics] if isinstance(metrics, str) else list(metrics)
    for name in names:
        if name not in available:
            raise InvalidValueError(
                UNKNOWN_REPORT_METRIC_ERROR.format(
                    task=task, value=name, choices=", ".join(available)
                )
            )
    return {name: available[name] for name in names}


# ---------------------------------------------------------------------------
# The report
# ---------------------------------------------------------------------------


def _json_number(value: Any) -> float | int | None:
    value = _plain(value)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return value
    value = float(value)
    return None if math.isnan(value) or math.isinf(value) else value


def _metric_values(values: pd.Series) -> dict[str, float | int | None]:
    """Metric name -> JSON-safe number, with the group count as an int."""
    return {
        str(name): int(value) if name == "count" else _json_number(value)
        for name, value in values.items()
    }


def _index_label(key: Any, names: Sequence[str]) -> str:
    values = key if isinstance(key, tuple) else (key,)
    return _group_label(values, names)


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
        """Return the report as plain Python types for a JSON run record.

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
            "pos_label": _plain(self.pos_label),
            "sensitive_features": names,
            "overall": _metric_values(self.overall),
            "by_group": {
                _index_label(key, names): _metric_values(row)
                for key, row in self.by_group.iterrows()
            },
            "difference": {str(k): _json_number(v) for k, v in self.difference.items()},
            "ratio": {str(k): _json_number(v) for k, v in self.ratio.items()},
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
        f"{column} of {_index_label(key, names)!r}"
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


def _warn_zero_targets(prepared: _Prepared, metric_names: Sequence[str]) -> None:
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
    target, as a fraction (see :func:`mean_absolute_percentage_error`).
    Balanced accuracy is ``(TPR + 1 - FPR) / 2``.

    Examples
    --------
    >>> report = group_metrics(
    ...     ["yes", "no", "yes", "no"], ["yes", "no", "no", "no"], ["a", "a", "b", "b"],
    ...     pos_label="yes", metrics=["selection_rate"])
    >>> report.by_group["selection_rate"].to_dict()
    {'a': 0.5, 'b': 0.0}
    >>> float(report.ratio["selection_rate"])
    0.0
    """
    task = _check_task(task)
    prepared = _prepare(y_true, y_pred, sensitive_features, task=task, pos_label=pos_label)
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
