"""Checks of the columns that fairness and training rely on: sensitive groups and the target.

Fairness code must never see a missing group silently dropped, nor a "comparison" of one
group with itself; training must never see a missing target, nor a third class where
classification is binary. :func:`check_sensitive` and :func:`check_target` refuse these with
a message that says what to fix, and both refuse a frame without rows first
(:func:`check_rows`), so that an emptied frame is never reported as a constant column. They
run when a :class:`~greennb.data.Dataset` is built and again on each part of a split.

Examples
--------
>>> import pandas as pd
>>> check_target(pd.DataFrame({"y": [1.0, 2.0]}), "y")
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from greennb._validation import require_columns
from greennb.errors import InvalidTypeError, InvalidValueError

UNKNOWN_CATEGORY = "unknown"
"""The explicit category that replaces a missing value in a shipped sensitive column."""

# Error-message templates, kept here so that tests can match them.
NOT_A_FRAME_MSG = "{what} must be a pandas DataFrame; got {type_name}."
NO_SENSITIVE_MSG = "No sensitive columns given; name at least one column of the frame."
NAN_SENSITIVE_MSG = (
    "Sensitive column {column!r} has {count} missing value(s){where}. Replace them with an "
    f"explicit category (greennb uses {UNKNOWN_CATEGORY!r}) before computing fairness."
)
CONSTANT_SENSITIVE_MSG = (
    "Sensitive column {column!r} has a single value ({value!r}){where}; fairness "
    "comparisons need at least two groups."
)
NAN_TARGET_MSG = (
    "Target column {column!r} has {count} missing value(s){where}; drop or impute those rows first."
)
TOO_MANY_CLASSES_MSG = (
    "Target column {column!r} has {count} classes{where}: {classes}; classification in greennb "
    "is binary (rates, fairness metrics and the SRI compare one positive class with the rest). "
    "Exclude or merge the extra classes first."
)
NO_ROWS_MSG = (
    "{what} has no rows{where}{how}; fairness checks, splits and training need at least one "
    "row. Look for a filter or selection that matched no row."
)


def require_frame(frame: Any, what: str) -> None:
    """Raise InvalidTypeError unless ``frame`` is a pandas DataFrame; ``what`` names it."""
    if not isinstance(frame, pd.DataFrame):
        raise InvalidTypeError(NOT_A_FRAME_MSG.format(what=what, type_name=type(frame).__name__))


def check_rows(
    frame: pd.DataFrame, *, what: str = "The frame", where: str = "", how: str = ""
) -> None:
    """Raise InvalidValueError if ``frame`` has no rows, saying which frame and how it got empty.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table to check.
    what : str, default="The frame"
        The subject of the message, e.g. ``"Dataset 'monica'"``.
    where : str, default=""
        Optional context, e.g. ``" in the test split of 'monica'"``.
    how : str, default=""
        Optional explanation of how it got empty, e.g. ``" (emptied after it was built)"``.

    Examples
    --------
    >>> import pandas as pd
    >>> check_rows(pd.DataFrame({"sex": []}), where=" in the test split")
    Traceback (most recent call last):
    ...
    greennb.errors.InvalidValueError: The frame has no rows in the test split; fairness checks, splits and training need at least one row. Look for a filter or selection that matched no row.
    """  # noqa: E501
    if len(frame) == 0:
        raise InvalidValueError(NO_ROWS_MSG.format(what=what, where=where, how=how))


def check_sensitive(frame: pd.DataFrame, columns: str | Sequence[str], *, where: str = "") -> None:
    """Check that sensitive columns exist, have no missing values and are not constant.

    Parameters
    ----------
    frame : pandas.DataFrame
        Table holding the sensitive columns.
    columns : str or sequence of str
        Name(s) of the sensitive column(s).
    where : str, default=""
        Optional context appended to error messages, e.g. ``" in the test split"``.

    Raises
    ------
    greennb.errors.InvalidTypeError
        If ``frame`` is not a DataFrame.
    greennb.errors.InvalidValueError
        If the frame has no rows, no column is given, a column is missing (the message
        lists the available columns), a column has missing values (NaN must become an
        explicit category, never reach fairness code silently) or a column has a single
        value.

    Examples
    --------
    >>> import pandas as pd
    >>> check_sensitive(pd.DataFrame({"sex": ["f", "m"]}), "sex")
    >>> check_sensitive(pd.DataFrame({"sex": ["f", "f"]}), "sex")
    Traceback (most recent call last):
    ...
    greennb.errors.InvalidValueError: Sensitive column 'sex' has a single value ('f'); fairness comparisons need at least two groups.
    """  # noqa: E501
    require_frame(frame, "frame")
    check_rows(frame, where=where)
    names = [columns] if isinstance(columns, str) else list(columns)
    if not names:
        raise InvalidValueError(NO_SENSITIVE_MSG)
    require_columns(frame, names, role="Sensitive")
    for column in names:
        values = frame[column]
        missing = int(values.isna().sum())
        if missing:
            raise InvalidValueError(
                NAN_SENSITIVE_MSG.format(column=column, count=missing, where=where)
            )
        distinct = values.unique()
        if len(distinct) < 2:
            raise InvalidValueError(
                CONSTANT_SENSITIVE_MSG.format(column=column, value=distinct[0], where=where)
            )


def check_target(
    frame: pd.DataFrame, target: str, *, task: str | None = None, where: str = ""
) -> None:
    """Check the target column: present, without missing values and, for classification, binary.

    Parameters
    ----------
    frame : pandas.DataFrame
        Table holding the target.
    target : str
        Name of the target column.
    task : str, optional
        The dataset's task; ``"classification"`` also refuses more than two distinct
        target values (classes that do not occur, such as unused categories, are not
        counted).
    where : str, default=""
        Optional context appended to error messages.

    Raises
    ------
    greennb.errors.InvalidTypeError
        If ``frame`` is not a DataFrame.
    greennb.errors.InvalidValueError
        If the frame has no rows, the column is missing (the message lists the available
        columns), has missing values (the message gives their count), or holds more than
        two classes for classification (the message names them).

    Examples
    --------
    >>> import pandas as pd
    >>> check_target(pd.DataFrame({"y": ["neg", "pos", "invalid"]}), "y", task="classification")
    Traceback (most recent call last):
    ...
    greennb.errors.InvalidValueError: Target column 'y' has 3 classes: ['invalid', 'neg', 'pos']; classification in greennb is binary (rates, fairness metrics and the SRI compare one positive class with the rest). Exclude or merge the extra classes first.
    """  # noqa: E501
    require_frame(frame, "frame")
    check_rows(frame, where=where)
    require_columns(frame, [target], role="Target")
    missing = int(frame[target].isna().sum())
    if missing:
        raise InvalidValueError(NAN_TARGET_MSG.format(column=target, count=missing, where=where))
    if task == "classification":
        classes = pd.unique(frame[target])
        if len(classes) > 2:
            raise InvalidValueError(
                TOO_MANY_CLASSES_MSG.format(
                    column=target,
                    count=len(classes),
                    where=where,
                    classes=sorted(map(str, classes)),
                )
            )
