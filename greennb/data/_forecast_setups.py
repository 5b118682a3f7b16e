"""Forecast setups of the smart-city case: which lags, which baseline, which equity group.

:data:`FORECAST_SETUPS` holds, per smart-city dataset, the lags added as features (none
shorter than the forecast horizon), the lag column that the seasonal-naive baseline
(:class:`greennb.models.SeasonalNaiveForecaster`) predicts from, the series column, the
equity group and the horizon; :func:`load_forecast_dataset` loads a dataset with them.

Examples
--------
>>> forecast_setup("victoria_electricity").season_lag
'demand_lag336'
"""

from __future__ import annotations

from dataclasses import dataclass

from greennb._validation import one_of
from greennb.data._dataset import Dataset
from greennb.data._lags import recent_period, with_lag_features
from greennb.data._registry import load_dataset


@dataclass(frozen=True)
class ForecastSetup:
    """How the smart-city notebook forecasts one dataset, without leakage.

    Attributes
    ----------
    dataset : str
        Registry name of the dataset.
    lags : tuple of int
        Lags of the target added as features, in time steps; none is shorter than the horizon.
    group : str or None
        Column telling series apart (lags never cross it).
    season_lag : str
        Lag column the seasonal-naive baseline predicts from (the target one season earlier).
    equity_group : str
        Default column for the equity analysis of forecast errors.
    horizon : str
        The forecast horizon in words, set by the shortest lag the models see.
    """

    dataset: str
    lags: tuple[int, ...]
    group: str | None
    season_lag: str
    equity_group: str
    horizon: str


FORECAST_SETUPS: dict[str, ForecastSetup] = {
    # The shipped ridership_lag14 (same station 14 days earlier) makes it a 14-day-ahead
    # forecast; the added lags (3, 4, 5 weeks and 52 weeks, same weekday) are all older.
    "chicago_ridership": ForecastSetup(
        dataset="chicago_ridership",
        lags=(21, 28, 35, 364),
        group="station",
        season_lag="ridership_lag14",
        equity_group="neighbourhood",
        horizon="14 days ahead (daily entries per station)",
    ),
    # One day (48 half-hours) and one week (336) earlier: a day-ahead forecast whose
    # seasonal-naive baseline repeats last week's demand at the same half-hour.
    "victoria_electricity": ForecastSetup(
        dataset="victoria_electricity",
        lags=(48, 336),
        group=None,
        season_lag="demand_lag336",
        equity_group="workday",
        horizon="1 day ahead (half-hourly demand)",
    ),
}
"""Forecast setups of the smart-city case, by dataset name."""


def forecast_setup(name: str) -> ForecastSetup:
    """Return the forecast setup of a smart-city dataset.

    Parameters
    ----------
    name : {"chicago_ridership", "victoria_electricity"}
        Dataset name.

    Returns
    -------
    ForecastSetup
        Lags, series column, baseline lag column, equity group and horizon.

    Raises
    ------
    greennb.errors.InvalidValueError
        If ``name`` is not a forecast dataset; the message lists the valid names.
    """
    return FORECAST_SETUPS[one_of(name, sorted(FORECAST_SETUPS), name="forecast dataset")]


def load_forecast_dataset(name: str, *, days: int | None = None) -> tuple[Dataset, ForecastSetup]:
    """Load a smart-city dataset with its lag features, optionally only its recent days.

    Lags are built on the whole series first, then the recent period is cut, so a short
    quick-mode sample still has its history.

    Parameters
    ----------
    name : {"chicago_ridership", "victoria_electricity"}
        Dataset name.
    days : int, optional
        Keep only the most recent ``days`` days (see :func:`recent_period`); None keeps all.

    Returns
    -------
    tuple of (Dataset, ForecastSetup)
        The dataset with lag features (rows without full history dropped) and its setup.

    Raises
    ------
    greennb.errors.InvalidValueError
        For an unknown dataset or a ``days`` below 1.
    greennb.errors.InvalidTypeError
        For a ``days`` that is not an integer.
    """
    setup = forecast_setup(name)
    data = with_lag_features(load_dataset(name), list(setup.lags), group=setup.group)
    if days is not None:
        data = recent_period(data, days=days)
    return data, setup
