"""Input preparation shared by group metrics, the SRI, calibration and mitigation.

Conventions every fairness function follows:

* rows of ``y_true``, ``y_pred`` and the sensitive features are aligned by position, never
  by pandas index;
* a missing value (NaN/None) in any input is an error: dropping those rows silently would
  change who is counted; so is an infinite label, prediction or probability (``inf``,
  ``-inf``), which no rate or error can count;
* several sensitive columns define intersectional groups over every combination of their
  observed values (as fairlearn's ``MetricFrame`` does), so an empty combination shows up
  as a group with zero rows instead of disappearing;
* a group's readable label is its value (``"no"``) for one sensitive column and
  ``"column=value"`` pairs (``"sex=f, age_band=35-44"``) for several: :func:`group_label`.

Examples
--------
>>> group_label("no", ["smoker"])
'no'
>>> group_label(("f", "35-44"), ["sex", "age_band"])
'sex=f, age_band=35-44'
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from greennb._validation import is_real
from greennb.errors import InvalidValueError

DEFAULT_SENSITIVE_NAME = "sensitive_feature"
"""Column name given to sensitive features passed without one (a list, an unnamed Series)."""

# Error messages, kept as templates so that tests can match them.
EMPTY_INPUT_ERROR = "{name} is empty: need at least one row, got 0."
LENGTH_MISMATCH_ERROR = (
    "y_true, y_pred and sensitive_features must have the same number of rows; "
    "got {n_true}, {n_pred} and {n_sensitive}."
)
NOT_ONE_DIMENSIONAL_ERROR = "{name} must be one-dimensional; got an array of shape {shape}."
MISSING_VALUES_ERROR = (
    "{name} has {count} missing value(s) (NaN/None), the first at row {row}; "
    "drop or impute those rows first."
)
MISSING_SENSITIVE_ERROR = (
    "Sensitive feature {column!r} has {count} missing value(s) (NaN/None), the first at "
    "row {row}; rows are never dropped silently: fill them with an explicit category "
    "(e.g. 'unknown') or drop those rows yourself."
)
NOT_BINARY_ERROR = (
    "Classification needs binary labels, but y_true and y_pred together hold "
    "{count} distinct values: {labels}. Threshold scores or probabilities first, "
    "or use task='regression'."
)
NON_FINITE_VALUES_ERROR = (
    "{name} has {count} infinite value(s), the first {value!r} at row {row}; labels, "
    "predictions and probabilities must be finite: fix or drop those rows first."
)
POS_LABEL_NOT_FOUND_ERROR = (
    "pos_label {value!r} does not occur in y_true or y_pred; labels seen: {labels}. "
    "Pass the label that means a positive prediction, e.g. pos_label={example!r}."
)
NON_NUMERIC_TARGET_ERROR = (
    "{name} must be numeric for task {task!r}; got values of dtype {dtype} such as {example!r}."
)


@dataclass(frozen=True)
class Prepared:
    """Validated inputs as aligned numpy arrays with one group code per row.

    Attributes
    ----------
    truth, pred : numpy.ndarray
        Booleans (``== pos_label``) for classification, floats for regression.
    codes : numpy.ndarray of int
        The group of each row, an index into ``groups``.
    groups : tuple of str
        Readable label of each group (see :func:`group_label`).
    group_values : pandas.DataFrame
        One row per group with its value of each sensitive column: every combination of
        the observed values, as ``MetricFrame`` builds them.
    features : pandas.DataFrame
        The sensitive features, with str column names and a RangeIndex.
    y_true, y_pred : numpy.ndarray
        The labels or values as given, one-dimensional.
    """

    truth: np.ndarray
    pred: np.ndarray
    codes: np.ndarray
    groups: tuple[str, ...]
    group_values: pd.DataFrame
    features: pd.DataFrame
    y_true: np.ndarray
    y_pred: np.ndarray

    @property
    def sizes(self) -> np.ndarray:
        """Number of rows in each group (0 for an empty intersection)."""
        return np.bincount(self.codes, minlength=len(self.groups))


def plain(value: Any) -> Any:
    """Return a numpy scalar as the matching Python scalar (for messages and JSON)."""
    return value.item() if isinstance(value, np.generic) else value


def shown_labels(labels: Iterable[Any]) -> list[Any]:
    """Return labels as plain Python values in a stable order, for error messages."""
    return sorted((plain(label) for label in labels), key=repr)


def distinct_labels(values: np.ndarray) -> np.ndarray:
    """Return the distinct values of a 1-D array in order of appearance (any dtype)."""
    return pd.unique(pd.Series(values, dtype=object))


def group_label(key: Any, names: Sequence[str]) -> str:
    """Return the readable label of one group.

    Parameters
    ----------
    key : object or tuple
        The group's value of its sensitive column, or a tuple with one value per column
        (a key of a pandas ``MultiIndex``, such as ``MetricFrame.by_group``'s).
    names : sequence of str
        The names of the sensitive columns, in the order of the values in ``key``.

    Returns
    -------
    str
        The value itself for one column (``"no"``), else ``"column=value"`` pairs joined by
        commas (``"sex=f, age_band=35-44"``).

    Examples
    --------
    >>> group_label(1, ["afam"])
    '1'
    >>> group_label(("m", "45+"), ["sex", "age_band"])
    'sex=m, age_band=45+'
    """
    values = key if isinstance(key, tuple) else (key,)
    if len(names) == 1:
        return str(plain(values[0]))
    return ", ".join(f"{name}={plain(value)}" for name, value in zip(names, values, strict=True))


def as_1d(values: Any, *, name: str) -> np.ndarray:
    """Return ``values`` as a 1-D numpy array (a single row or column is flattened)."""
    array = np.asarray(values)
    if array.ndim == 2 and 1 in array.shape:
        array = array.reshape(-1)
    if array.ndim != 1:
        raise InvalidValueError(NOT_ONE_DIMENSIONAL_ERROR.format(name=name, shape=array.shape))
    return array


def as_feature_frame(sensitive_features: Any) -> pd.DataFrame:
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


def _first_missing(values: Any) -> tuple[int, int]:
    """Return (number of missing values, position of the first) of a 1-D array-like."""
    missing = np.asarray(pd.isna(pd.Series(values, dtype=object)))
    return int(missing.sum()), int(np.argmax(missing)) if missing.any() else -1


def _infinite_mask(values: Any) -> np.ndarray:
    """Return which entries of a 1-D array-like are infinite numbers (``inf``, ``-inf``)."""
    array = np.asarray(values)
    if array.dtype.kind in "fc":
        return np.isinf(array)
    if array.dtype.kind != "O":  # integers, booleans, strings, datetimes: never infinite
        return np.zeros(array.shape, dtype=bool)
    return np.fromiter(
        (is_real(value) and math.isinf(value) for value in array), dtype=bool, count=array.size
    )


def check_complete(values: Any, *, name: str) -> None:
    """Raise InvalidValueError naming the first missing (NaN/None) or infinite value.

    Examples
    --------
    >>> check_complete([0.2, float("inf")], name="y_pred")
    Traceback (most recent call last):
    ...
    greennb.errors.InvalidValueError: y_pred has 1 infinite value(s), the first inf at row 1; labels, predictions and probabilities must be finite: fix or drop those rows first.
    """  # noqa: E501
    n_missing, row = _first_missing(values)
    if n_missing:
        raise InvalidValueError(MISSING_VALUES_ERROR.format(name=name, count=n_missing, row=row))
    infinite = _infinite_mask(values)
    if infinite.any():
        row = int(np.argmax(infinite))
        value = plain(np.asarray(values)[row])
        raise InvalidValueError(
            NON_FINITE_VALUES_ERROR.format(
                name=name, count=int(infinite.sum()), value=value, row=row
            )
        )


def check_sensitive_complete(features: pd.DataFrame) -> None:
    """Raise InvalidValueError naming the first sensitive column with a missing value."""
    for column in features.columns:
        n_missing, row = _first_missing(features[column])
        if n_missing:
            raise InvalidValueError(
                MISSING_SENSITIVE_ERROR.format(column=column, count=n_missing, row=row)
            )


def check_inputs(y_true: np.ndarray, y_pred: np.ndarray, features: pd.DataFrame) -> None:
    """Check that the inputs are non-empty, aligned and free of missing values."""
    if len(y_true) == 0:
        raise InvalidValueError(EMPTY_INPUT_ERROR.format(name="y_true"))
    if not len(y_true) == len(y_pred) == len(features):
        raise InvalidValueError(
            LENGTH_MISMATCH_ERROR.format(
                n_true=len(y_true), n_pred=len(y_pred), n_sensitive=len(features)
            )
        )
    check_complete(y_true, name="y_true")
    check_complete(y_pred, name="y_pred")
    check_sensitive_complete(features)


def positive_masks(
    y_true: np.ndarray, y_pred: np.ndarray, pos_label: Any
) -> tuple[np.ndarray, np.ndarray]:
    """Return the boolean masks ``y_true == pos_label`` and ``y_pred == pos_label``.

    Raises InvalidValueError when the two arrays hold more than two labels together, or when
    ``pos_label`` occurs in neither.
    """
    labels = distinct_labels(np.concatenate([y_true, y_pred]))
    shown = shown_labels(labels)
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
                name=name, task=task, dtype=values.dtype, example=plain(values[0])
            )
        ) from None


def _factorize(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    try:
        return pd.factorize(column, sort=True)
    except TypeError:  # mixed types that cannot be ordered: keep order of appearance
        return pd.factorize(column, sort=False)


def encode_groups(features: pd.DataFrame) -> tuple[np.ndarray, tuple[str, ...], pd.DataFrame]:
    """Give each row the index of its group among all combinations of observed values.

    Returns
    -------
    codes : numpy.ndarray of int
        The group of each row.
    labels : tuple of str
        The readable label of each group (:func:`group_label`).
    group_values : pandas.DataFrame
        One row per group with its value of each sensitive column.
    """
    factorized = [_factorize(features[column]) for column in features.columns]
    dims = tuple(len(uniques) for _, uniques in factorized)
    codes = np.ravel_multi_index(tuple(codes for codes, _ in factorized), dims)
    product = pd.MultiIndex.from_product(
        [uniques for _, uniques in factorized], names=list(features.columns)
    )
    group_values = product.to_frame(index=False)
    labels = tuple(
        group_label(tuple(row), features.columns) for row in group_values.itertuples(index=False)
    )
    return codes.astype(np.intp), labels, group_values


def prepare(
    y_true: Any, y_pred: Any, sensitive_features: Any, *, task: str, pos_label: Any
) -> Prepared:
    """Validate the inputs and encode groups.

    Parameters
    ----------
    y_true, y_pred, sensitive_features : array-like
        As given to :func:`greennb.fairness.group_metrics`.
    task : {"classification", "regression"}
        Already normalized (``"forecast"`` is ``"regression"`` here).
    pos_label : object
        Label of a positive prediction (classification only).

    Returns
    -------
    Prepared
        The aligned arrays and group codes.
    """
    y_true = as_1d(y_true, name="y_true")
    y_pred = as_1d(y_pred, name="y_pred")
    features = as_feature_frame(sensitive_features)
    check_inputs(y_true, y_pred, features)
    if task == "classification":
        truth, pred = positive_masks(y_true, y_pred, pos_label)
    else:
        truth = _numeric(y_true, name="y_true", task=task)
        pred = _numeric(y_pred, name="y_pred", task=task)
    codes, groups, group_values = encode_groups(features)
    return Prepared(
        truth=truth,
        pred=pred,
        codes=codes,
        groups=groups,
        group_values=group_values,
        features=features,
        y_true=y_true,
        y_pred=y_pred,
    )
