"""Checks of the columns that fairness and training rely on: sensitive groups and the target.

Fairness code must never see a missing group silently dropped, nor a "comparison" of one
group with itself; training must never see a missing target. :func:`check_sensitive` and
:func:`check_target` refuse both with a message that says what to fix. They run when a
:class:`~greennb.data.Dataset` is built and again on each part of a split.

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


def require_frame(frame: Any, what: str) -> None:
    """Raise InvalidTypeError unless ``frame`` is a pandas DataFrame; ``what`` names it."""
    if not isinstance(frame, pd.DataFrame):
        raise InvalidTypeError(NOT_A_FRAME_MSG.format(what=what, type_name=type(frame).__name__))


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
        If no column is given, a column is missing (the message lists the available
        columns), a column has missing values (NaN must become an explicit category,
        never reach fairness code silently) or a column has a single value.

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
            value = distinct[0] if len(distinct) else None
            raise InvalidValueError(
                CONSTANT_SENSITIVE_MSG.format(column=column, value=value, where=where)
            )


def check_target(frame: pd.DataFrame, target: str, *, where: str = "") -> None:
    """Check that the target column exists and has no missing values.

    Parameters
    ----------
    frame : pandas.DataFrame
        Table holding the target.
    target : str
        Name of the target column.
    where : str, default=""
        Optional context appended to error messages.

    Raises
    ------
    greennb.errors.InvalidTypeError
        If ``frame`` is not a DataFrame.
    greennb.errors.InvalidValueError
        If the column is missing (the message lists the available columns) or has
        missing values (the message gives their count).
    """
    require_frame(frame, "frame")
    require_columns(frame, [target], role="Target")
    missing = int(frame[target].isna().sum())
    if missing:
        raise InvalidValueError(NAN_TARGET_MSG.format(column=target, count=missing, where=where))
