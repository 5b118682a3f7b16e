"""The :class:`Dataset`: a typed table, the roles of its columns, and the checks of those roles.

A dataset names its target, features, sensitive columns, identifiers and (for forecasts) its
time column, and refuses, when it is built, the mistakes that would silently spoil a result:
an empty frame, a missing or NaN target, a third class in a classification target, a NaN or
constant sensitive column, a feature that leaks the target, an identifier or the time, a
positive label that is not a value of the target.

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({"x": [1.0, 2.0], "sex": ["f", "m"], "y": ["no", "yes"]})
>>> data = Dataset(name="toy", frame=frame, target="y", features=["x"], sensitive=["sex"],
...                task="classification", description="a toy", source="by hand",
...                positive_label="yes")
>>> data.X.shape, data.y.name
((2, 1), 'y')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from greennb._validation import one_of, require_columns
from greennb.data._checks import check_rows, check_sensitive, check_target, require_frame
from greennb.errors import InvalidTypeError, InvalidValueError

TASKS = ("classification", "regression", "forecast")
"""The learning tasks a :class:`Dataset` can have."""

# Error-message templates, kept here so that tests can match them.
LEAKY_FEATURES_MSG = (
    "Features of dataset {name!r} include {columns}, which are the target, identifiers or the "
    "time column; remove them from the feature list."
)
POSITIVE_LABEL_MSG = (
    "{role} {label!r} of dataset {name!r} is not a value of target {target!r}. Values: {values}."
)
POSITIVE_LABEL_TASK_MSG = (
    "{role} is only meaningful for classification; dataset {name!r} has task {task!r} "
    "but {role}={label!r}."
)
TIME_COLUMN_MSG = (
    "Forecast dataset {name!r} needs a datetime time_column; got {column!r} (columns: {available})."
)
NOT_A_DATASET_MSG = (
    "{function} needs a greennb.data.Dataset (e.g. load_dataset('monica')); got {type_name}."
)


@dataclass(frozen=True, eq=False, kw_only=True)
class Dataset:
    """A typed table with the roles of its columns and its provenance.

    Parameters
    ----------
    name : str
        Registry name, e.g. ``"monica"``.
    frame : pandas.DataFrame
        The data: categorical columns as ``category`` dtype, times as ``datetime64``;
        includes derived grouping columns such as ``age_band``.
    target : str
        Name of the target column.
    features : list of str
        Model inputs. Never the target, identifiers, the time column or derived-only
        grouping columns.
    sensitive : list of str
        Columns that define the groups for fairness analysis; never contain NaN.
    task : {"classification", "regression", "forecast"}
        Learning task.
    description : str
        One-paragraph description, with units.
    source : str
        Citation of the original data and the R package it was exported from.
    positive_label : object, optional
        The positive class for classification (e.g. ``"dead"``); ``None`` otherwise.
    identifiers : list of str, default=[]
        Columns that identify people (e.g. fake names); never in ``features`` and
        to be pseudonymized before they reach any output.
    time_column : str, optional
        The datetime column of a forecast dataset.
    target_unit : str, optional
        Unit of a numeric target, e.g. ``"GW"`` or ``"thousands of entries"``.
    favourable_label : object, optional
        For decisions granted to people (a loan, credit), the outcome the person wants
        (``"no"`` denial for HMDA, ``"good"`` status for credit scoring). Selection-rate
        comparisons such as the four-fifths rule compare rates of this outcome, which may
        differ from ``positive_label`` (the event the model detects). ``None`` where the
        prediction is not such a decision.
    excluded_rows : int, default=0
        Rows of the shipped file left out of ``frame`` when it was loaded (e.g. COVID-19
        tests with an ``invalid`` result); ``notes`` says which and why.
    notes : tuple of str, default=()
        How ``frame`` differs from the shipped file, one sentence each, with counts.

    Raises
    ------
    greennb.errors.InvalidTypeError
        If ``frame`` is not a DataFrame.
    greennb.errors.InvalidValueError
        On an unknown task, a frame without rows, a missing/NaN target, more than two
        classes in a classification target, a missing/NaN/constant sensitive column,
        leaky features, a positive label that is not a target value, or a forecast
        without a datetime time column.
    """

    name: str
    frame: pd.DataFrame
    target: str
    features: list[str]
    sensitive: list[str]
    task: str
    description: str
    source: str
    positive_label: Any = None
    identifiers: list[str] = field(default_factory=list)
    time_column: str | None = None
    target_unit: str | None = None
    favourable_label: Any = None
    excluded_rows: int = 0
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _validate_dataset(self)

    @property
    def X(self) -> pd.DataFrame:  # noqa: N802 - scikit-learn's name for the feature matrix
        """pandas.DataFrame: the feature columns."""
        return self.frame[self.features]

    @property
    def y(self) -> pd.Series:
        """pandas.Series: the target column."""
        return self.frame[self.target]

    @property
    def sensitive_frame(self) -> pd.DataFrame:
        """pandas.DataFrame: the sensitive columns."""
        return self.frame[self.sensitive]


def require_dataset(dataset: Any, function: str) -> None:
    """Raise InvalidTypeError unless ``dataset`` is a :class:`Dataset`; ``function`` needs it."""
    if not isinstance(dataset, Dataset):
        raise InvalidTypeError(
            NOT_A_DATASET_MSG.format(function=function, type_name=type(dataset).__name__)
        )


def _validate_dataset(dataset: Dataset) -> None:
    one_of(dataset.task, TASKS, name="task")
    require_frame(dataset.frame, "frame")
    frame = dataset.frame
    check_rows(frame, what=f"Dataset {dataset.name!r}")
    check_target(frame, dataset.target, task=dataset.task)
    require_columns(frame, dataset.features, role="Feature")
    require_columns(frame, dataset.identifiers, role="Identifier")
    forbidden = {dataset.target, *dataset.identifiers, dataset.time_column}
    leaky = [column for column in dataset.features if column in forbidden]
    if leaky:
        raise InvalidValueError(LEAKY_FEATURES_MSG.format(name=dataset.name, columns=leaky))
    check_sensitive(frame, dataset.sensitive)
    _validate_labels(dataset)
    if dataset.task == "forecast":
        _validate_time_column(dataset)


def _validate_labels(dataset: Dataset) -> None:
    labels = {
        "positive_label": dataset.positive_label,
        "favourable_label": dataset.favourable_label,
    }
    if dataset.task != "classification":
        for role, label in labels.items():
            if label is not None:
                raise InvalidValueError(
                    POSITIVE_LABEL_TASK_MSG.format(
                        role=role, name=dataset.name, task=dataset.task, label=label
                    )
                )
        return
    values = set(pd.unique(dataset.frame[dataset.target]))
    for role, label in labels.items():
        if label is None and role == "favourable_label":
            continue
        if label not in values:
            raise InvalidValueError(
                POSITIVE_LABEL_MSG.format(
                    role=role,
                    label=label,
                    name=dataset.name,
                    target=dataset.target,
                    values=sorted(map(str, values)),
                )
            )


def _validate_time_column(dataset: Dataset) -> None:
    column = dataset.time_column
    frame = dataset.frame
    if column not in frame.columns or not pd.api.types.is_datetime64_any_dtype(frame[column]):
        raise InvalidValueError(
            TIME_COLUMN_MSG.format(
                name=dataset.name, column=column, available=", ".join(map(str, frame.columns))
            )
        )


def favourable_or_positive(dataset: Dataset) -> Any:
    """Return the label whose rates fairness compares: the favourable outcome, if any.

    The four-fifths rule compares rates of the outcome people want (an approved loan), which
    is not always the class the model detects (a denial); without a favourable outcome, the
    dataset's positive label.

    Parameters
    ----------
    dataset : Dataset
        A classification dataset.

    Returns
    -------
    object
        ``dataset.favourable_label``, or ``dataset.positive_label`` when there is none.
    """
    favourable = dataset.favourable_label
    return dataset.positive_label if favourable is None else favourable
