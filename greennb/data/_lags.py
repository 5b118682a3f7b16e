"""Lag features without leakage, and the recent-period subsample of a forecast dataset.

A forecast may only use what is known when it is made. For a forecast ``k`` steps ahead, the
target of ``k`` or more steps earlier is known; the target of the last ``k − 1`` steps is not.
:func:`add_lag_features` builds such lagged copies of a column, per group (station) and by
timestamp, so a lag never reaches forward in time and never crosses from one group into
another. :func:`with_lag_features` does the same for a forecast :class:`~greennb.data.Dataset`
and adds the lags to its features; the smallest lag sets the forecast horizon.
:func:`recent_period` keeps the most recent days of a forecast dataset (the quick,
classroom-fast configuration of the notebooks).

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({"time": pd.date_range("2024-01-01", periods=4, freq="D"),
...                       "load": [1.0, 2.0, 3.0, 4.0]})
>>> add_lag_features(frame, "load", [1, 2], time="time")["load_lag2"].tolist()
[nan, nan, 1.0, 2.0]
"""

from __future__ import annotations

import dataclasses
import datetime
import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from greennb._validation import integer, is_integer, require_columns
from greennb.data._checks import require_frame
from greennb.data._dataset import Dataset, require_dataset
from greennb.errors import InvalidTypeError, InvalidValueError

LAG_COLUMN_TEMPLATE = "{column}_lag{lag}"
"""Name of a lag column, e.g. ``demand_lag48`` (48 steps earlier)."""

# Error-message templates, kept here so that tests can match them.
NOT_DATETIME_MSG = "time column {column!r} must hold datetimes; got dtype {dtype}."
BAD_LAGS_MSG = (
    "lags must be positive whole numbers of time steps (e.g. [48, 336] for one day and one "
    "week of half-hours); got {value!r}."
)
BAD_STEP_MSG = (
    "step must be a positive time span such as '30min' or '1D' (a pandas Timedelta); got {value!r}."
)
NO_STEP_MSG = (
    "Cannot infer the time step of column {column!r}: it has fewer than two distinct times. "
    "Pass step='1D' (or another pandas Timedelta)."
)
DUPLICATE_TIME_MSG = (
    "Column {time!r} has repeated times{within}, e.g. {example}; a lag needs one row per "
    "time{per}. Pass group=... naming the column that tells the series apart."
)
LAG_EXISTS_MSG = (
    "Column {name!r} already exists; drop it first or choose other lags (existing columns: "
    "{available})."
)
NOT_FORECAST_MSG = (
    "{function} needs a forecast dataset with a time column; dataset {name!r} has task "
    "{task!r}. Forecast datasets: chicago_ridership, victoria_electricity."
)

# What a step may be: a pandas offset string, or a time span (pandas.Timedelta is one).
_STEP_TYPES = (str, datetime.timedelta, np.timedelta64)


# --------------------------------------------------------------------------- checks


def _check_lags(lags: int | Sequence[int]) -> list[int]:
    """Return the distinct lags, sorted; wrong types and non-positive lags are refused."""
    values = [lags] if isinstance(lags, numbers.Integral) else lags
    try:
        values = list(values)
    except TypeError:
        raise InvalidTypeError(BAD_LAGS_MSG.format(value=lags)) from None
    if not all(is_integer(lag) for lag in values):
        raise InvalidTypeError(BAD_LAGS_MSG.format(value=lags))
    if not values or any(lag <= 0 for lag in values):
        raise InvalidValueError(BAD_LAGS_MSG.format(value=lags))
    return sorted({int(lag) for lag in values})


def _time_step(times: pd.Series, column: str, step: Any) -> pd.Timedelta:
    """Return the given step, or the smallest gap between distinct times."""
    if step is not None:
        if not isinstance(step, _STEP_TYPES):
            raise InvalidTypeError(BAD_STEP_MSG.format(value=step))
        try:
            value = pd.Timedelta(step)
        except ValueError:
            raise InvalidValueError(BAD_STEP_MSG.format(value=step)) from None
        if pd.isna(value) or value <= pd.Timedelta(0):
            raise InvalidValueError(BAD_STEP_MSG.format(value=step))
        return value
    distinct = np.sort(times.dropna().unique())
    if len(distinct) < 2:
        raise InvalidValueError(NO_STEP_MSG.format(column=column))
    return pd.Timedelta(np.diff(distinct).min())


def _check_unique_times(frame: pd.DataFrame, keys: list[str], time: str) -> None:
    repeated = frame.duplicated(subset=keys, keep=False)
    if repeated.any():
        example = frame.loc[repeated, keys].iloc[0].to_dict()
        grouped = len(keys) > 1
        raise InvalidValueError(
            DUPLICATE_TIME_MSG.format(
                time=time,
                within=f" within {keys[0]!r}" if grouped else "",
                example=example,
                per=f" and {keys[0]}" if grouped else "",
            )
        )


def _check_forecast(dataset: Dataset, function: str) -> str:
    require_dataset(dataset, function)
    if dataset.task != "forecast" or dataset.time_column is None:
        raise InvalidValueError(
            NOT_FORECAST_MSG.format(function=function, name=dataset.name, task=dataset.task)
        )
    return dataset.time_column


def lag_column_name(column: str, lag: int) -> str:
    """Return the name of the lag column, ``<column>_lag<lag>``.

    Parameters
    ----------
    column : str
        The lagged column.
    lag : int
        Lag in time steps.

    Returns
    -------
    str
        E.g. ``"demand_lag48"``.
    """
    return LAG_COLUMN_TEMPLATE.format(column=column, lag=lag)


def add_lag_features(
    frame: pd.DataFrame,
    column: str,
    lags: int | Sequence[int],
    *,
    time: str,
    group: str | None = None,
    step: str | pd.Timedelta | None = None,
) -> pd.DataFrame:
    """Add lagged copies of a column: its value ``lag`` time steps earlier, per group.

    The value of row ``(g, t)`` in ``<column>_lag<k>`` is ``column`` at time ``t − k·step`` in
    the same group ``g``, found by timestamp (a join on group and time, not a shift of row
    positions), so an unsorted frame or a gap in a series cannot pull in a wrong or a future
    value. Where that earlier time is absent (the start of a series, a gap), the lag is NaN.

    Parameters
    ----------
    frame : pandas.DataFrame
        Table with one row per time (and per group, if given).
    column : str
        Column to lag, e.g. the target.
    lags : int or sequence of int
        Lags in time steps, each > 0 (no lag may look forward).
    time : str
        Datetime column.
    group : str, optional
        Column telling series apart (e.g. ``"station"``); lags never cross groups.
    step : str or pandas.Timedelta, optional
        Length of one time step, e.g. ``"30min"``; default the smallest gap between distinct
        times.

    Returns
    -------
    pandas.DataFrame
        A copy of ``frame`` (same index and row order) with one new float column per lag,
        named by :func:`lag_column_name`.

    Raises
    ------
    greennb.errors.InvalidTypeError
        If ``frame`` is not a DataFrame, a lag is not an integer or ``step`` is neither a
        string nor a time span.
    greennb.errors.InvalidValueError
        If a column is missing, ``time`` is not datetime, a lag is not positive, ``step`` is
        not a positive time span (or cannot be inferred), a (group, time) pair is repeated,
        or a lag column already exists.

    Examples
    --------
    >>> frame = pd.DataFrame({"day": pd.to_datetime(["2024-01-02", "2024-01-01"] * 2),
    ...                       "station": ["a", "a", "b", "b"], "rides": [2.0, 1.0, 20.0, 10.0]})
    >>> add_lag_features(frame, "rides", 1, time="day", group="station")["rides_lag1"].tolist()
    [1.0, nan, 10.0, nan]
    """
    require_frame(frame, "frame")
    require_columns(frame, [column], role="Lagged")
    require_columns(frame, [time], role="Time")
    if group is not None:
        require_columns(frame, [group], role="Group")
    if not pd.api.types.is_datetime64_any_dtype(frame[time]):
        raise InvalidValueError(NOT_DATETIME_MSG.format(column=time, dtype=frame[time].dtype))
    lag_steps = _check_lags(lags)
    unit = _time_step(frame[time], time, step)
    keys = [time] if group is None else [group, time]
    _check_unique_times(frame, keys, time)
    result = frame.copy()
    for lag in lag_steps:
        name = lag_column_name(column, lag)
        if name in result.columns:
            available = ", ".join(map(str, result.columns))
            raise InvalidValueError(LAG_EXISTS_MSG.format(name=name, available=available))
        earlier = frame[[*keys, column]].rename(columns={column: name})
        earlier[time] = earlier[time] + lag * unit  # the value at t - lag, moved to t
        joined = frame[keys].merge(earlier, on=keys, how="left", validate="one_to_one")
        result[name] = joined[name].to_numpy(dtype=float)
    return result


def with_lag_features(
    dataset: Dataset,
    lags: int | Sequence[int],
    *,
    group: str | None = None,
    step: str | pd.Timedelta | None = None,
    dropna: bool = True,
) -> Dataset:
    """Return a forecast dataset whose features include lags of its target.

    Lags are built on the whole frame before any split or subsample (they only look back), so
    the first test rows can use values from the training period, as a real forecast would.
    The smallest lag sets the horizon: with lags of 48 half-hours or more the task is a
    day-ahead forecast.

    Parameters
    ----------
    dataset : Dataset
        A forecast dataset (``task="forecast"`` with a ``time_column``).
    lags : int or sequence of int
        Lags of the target in time steps, each > 0.
    group : str, optional
        Column telling series apart (``"station"`` for Chicago).
    step : str or pandas.Timedelta, optional
        Length of one time step; default the smallest gap between distinct times.
    dropna : bool, default True
        Drop the rows with a missing lag (the start of each series), so that every model,
        the seasonal-naive baseline included, is trained and scored on the same rows.

    Returns
    -------
    Dataset
        A new dataset with the lag columns appended to ``frame`` and ``features``.

    Raises
    ------
    greennb.errors.InvalidTypeError
        If ``dataset`` is not a :class:`~greennb.data.Dataset`, or for the reasons of
        :func:`add_lag_features`.
    greennb.errors.InvalidValueError
        If the dataset is not a forecast, or for the reasons of :func:`add_lag_features`.
    """
    time = _check_forecast(dataset, "with_lag_features")
    frame = add_lag_features(dataset.frame, dataset.target, lags, time=time, group=group, step=step)
    names = [lag_column_name(dataset.target, lag) for lag in _check_lags(lags)]
    if dropna:
        frame = frame.dropna(subset=names).reset_index(drop=True)
    return dataclasses.replace(dataset, frame=frame, features=[*dataset.features, *names])


def recent_period(dataset: Dataset, *, days: int) -> Dataset:
    """Keep the most recent ``days`` days of a forecast dataset (a quick-mode subsample).

    Parameters
    ----------
    dataset : Dataset
        A forecast dataset.
    days : int
        Number of days to keep, counted back from the last time: rows with
        ``time > last_time − days`` are kept. With daily data, exactly ``days`` dates.

    Returns
    -------
    Dataset
        A new dataset with the recent rows only (index reset).

    Raises
    ------
    greennb.errors.InvalidTypeError
        If ``dataset`` is not a :class:`~greennb.data.Dataset` or ``days`` is not an integer.
    greennb.errors.InvalidValueError
        If the dataset is not a forecast or ``days`` is below 1.
    """
    time = _check_forecast(dataset, "recent_period")
    integer(days, name="days", minimum=1)
    times = dataset.frame[time]
    keep = times > times.max() - pd.Timedelta(days=int(days))
    return dataclasses.replace(dataset, frame=dataset.frame.loc[keep].reset_index(drop=True))
