"""Forecasting helpers: lag features without leakage, the seasonal-naive baseline, scores."""

from __future__ import annotations

import math

import matplotlib
import numpy as np
import pandas as pd
import pytest

from greennb import load_dataset, split_dataset
from greennb.data._timeseries import (
    BAD_DAYS_MSG,
    BAD_LAGS_MSG,
    FORECAST_SETUPS,
    add_lag_features,
    forecast_setup,
    lag_column_name,
    load_forecast_dataset,
    recent_period,
    with_lag_features,
)

matplotlib.use("Agg")


def _daily(values, start="2024-01-01"):
    return pd.DataFrame(
        {"day": pd.date_range(start, periods=len(values), freq="D"), "load": values}
    )


# --------------------------------------------------------------------------- add_lag_features


def test_lags_of_a_tiny_series_by_hand():
    lagged = add_lag_features(_daily([10.0, 11.0, 12.0, 13.0, 14.0]), "load", [1, 3], time="day")
    assert lagged["load_lag1"].tolist()[1:] == [10.0, 11.0, 12.0, 13.0]
    assert lagged["load_lag3"].tolist()[3:] == [10.0, 11.0]
    assert lagged["load_lag1"].isna().tolist() == [True, False, False, False, False]
    assert lagged["load_lag3"].isna().sum() == 3


def test_lags_follow_time_not_row_order_and_keep_the_index():
    frame = _daily([1.0, 2.0, 3.0, 4.0]).iloc[[2, 0, 3, 1]]
    frame.index = [30, 10, 40, 20]
    lagged = add_lag_features(frame, "load", 1, time="day")
    assert list(lagged.index) == [30, 10, 40, 20]
    assert lagged["load_lag1"].tolist()[0] == 2.0  # day 3 looks back to day 2
    assert lagged["load_lag1"].tolist()[2] == 3.0  # day 4 looks back to day 3
    assert math.isnan(lagged.loc[10, "load_lag1"])  # the first day has no history
    assert "load_lag1" not in frame.columns  # the input is left untouched


def test_a_gap_gives_nan_not_the_value_before_the_gap():
    frame = _daily([1.0, 2.0, 3.0, 4.0]).drop(index=2)  # day 3 is missing
    lagged = add_lag_features(frame, "load", 1, time="day")
    assert lagged["load_lag1"].iloc[1] == 1.0
    assert math.isnan(lagged["load_lag1"].iloc[2])  # day 4 has no day 3: NaN, not 2.0


def test_lags_never_cross_groups():
    frame = pd.DataFrame(
        {
            "day": pd.to_datetime(["2024-01-01", "2024-01-02"] * 2),
            "station": pd.Categorical(["a", "a", "b", "b"]),
            "rides": [1.0, 2.0, 100.0, 200.0],
        }
    )
    lagged = add_lag_features(frame, "rides", 1, time="day", group="station")
    assert lagged["rides_lag1"].iloc[[1, 3]].tolist() == [1.0, 100.0]
    assert lagged["rides_lag1"].iloc[[0, 2]].isna().all()


def test_explicit_step_counts_lags_in_that_step():
    frame = pd.DataFrame(
        {"time": pd.date_range("2024-01-01", periods=6, freq="12h"), "x": np.arange(6.0)}
    )
    lagged = add_lag_features(frame, "x", 1, time="time", step="1D")  # one day = two rows
    assert lagged["x_lag1"].tolist()[2:] == [0.0, 1.0, 2.0, 3.0]


def test_lag_column_name():
    assert lag_column_name("demand", 336) == "demand_lag336"


@pytest.mark.parametrize("lags", [0, -1, [], [1, 0], [1.5], [True], "7", None])
def test_bad_lags_are_rejected_with_the_valid_form(lags):
    with pytest.raises(ValueError) as error:
        add_lag_features(_daily([1.0, 2.0]), "load", lags, time="day")
    assert str(error.value) == BAD_LAGS_MSG.format(value=lags)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"column": "nope"}, r"Lagged column 'nope' is not in the frame\. Available columns: day"),
        ({"time": "nope"}, r"Time column 'nope' is not in the frame"),
        ({"group": "nope"}, r"Group column 'nope' is not in the frame"),
        ({"time": "load", "column": "day"}, r"time column 'load' must hold datetimes"),
        ({"step": "-1D"}, r"step must be a positive time span .* got '-1D'"),
        ({"step": "soon"}, r"step must be a positive time span .* got 'soon'"),
    ],
)
def test_bad_arguments_name_the_value_and_the_choices(kwargs, match):
    arguments = {"column": "load", "time": "day", **kwargs}
    with pytest.raises(ValueError, match=match):
        add_lag_features(_daily([1.0, 2.0, 3.0]), arguments.pop("column"), 1, **arguments)


def test_repeated_times_need_a_group():
    frame = pd.concat([_daily([1.0, 2.0]), _daily([5.0, 6.0])], ignore_index=True)
    with pytest.raises(ValueError, match=r"repeated times.*Pass group="):
        add_lag_features(frame, "load", 1, time="day")


def test_a_single_time_cannot_infer_the_step():
    with pytest.raises(ValueError, match=r"fewer than two distinct times. Pass step="):
        add_lag_features(_daily([1.0]), "load", 1, time="day")


def test_an_existing_lag_column_is_not_overwritten():
    frame = _daily([1.0, 2.0]).assign(load_lag1=[9.0, 9.0])
    with pytest.raises(ValueError, match=r"Column 'load_lag1' already exists"):
        add_lag_features(frame, "load", 1, time="day")


def test_frame_must_be_a_dataframe():
    with pytest.raises(TypeError, match=r"frame must be a pandas DataFrame; got list"):
        add_lag_features([1, 2], "load", 1, time="day")


# --------------------------------------------------------------------------- datasets


@pytest.fixture(scope="module")
def victoria():
    return load_dataset("victoria_electricity")


def test_victoria_lags_are_the_demand_one_day_and_one_week_earlier(victoria):
    lagged = with_lag_features(victoria, [48, 336])
    assert len(lagged.frame) == len(victoria.frame) - 336  # the first week has no history
    assert lagged.features[-2:] == ["demand_lag48", "demand_lag336"]
    first = lagged.frame.iloc[0]
    assert first["time"] == pd.Timestamp("2014-01-08 00:00")
    demand = victoria.frame["demand"]
    assert first["demand_lag336"] == demand.iloc[0]
    assert first["demand_lag48"] == demand.iloc[336 - 48]
    # Same rows and a forecast split that keeps every test time after every train time.
    split = split_dataset(lagged, test_size=0.25)
    assert split.train["time"].max() < split.test["time"].min()


def test_chicago_lag14_rebuilt_per_station_matches_the_shipped_lag():
    chicago = load_dataset("chicago_ridership")
    frame = chicago.frame.rename(columns={"ridership_lag14": "shipped_lag14"})
    rebuilt = add_lag_features(frame, "ridership", 14, time="date", group="station")
    known = rebuilt["ridership_lag14"].notna()
    assert known.sum() == len(frame) - 14 * 20  # 20 stations x 14 days without history
    np.testing.assert_allclose(
        rebuilt.loc[known, "ridership_lag14"], frame.loc[known, "shipped_lag14"]
    )


def test_recent_period_keeps_the_last_days(victoria):
    recent = recent_period(victoria, days=7)
    assert len(recent.frame) == 7 * 48
    assert recent.frame["time"].min() == pd.Timestamp("2014-12-25 00:00")


@pytest.mark.parametrize("days", [0, -3, 2.5, "7", True])
def test_recent_period_rejects_bad_days(victoria, days):
    with pytest.raises(ValueError) as error:
        recent_period(victoria, days=days)
    assert str(error.value) == BAD_DAYS_MSG.format(value=days)


def test_forecast_helpers_refuse_a_classification_dataset():
    hmda = load_dataset("hmda")
    with pytest.raises(ValueError, match=r"dataset 'hmda' has task 'classification'"):
        recent_period(hmda, days=5)
    with pytest.raises(ValueError, match=r"Forecast datasets: chicago_ridership"):
        with_lag_features(hmda, 1)


# Forecast horizon in time steps: Chicago forecasts 14 days ahead (the shipped lag), Victoria
# one day (48 half-hours) ahead. No lag a model sees may be shorter.
HORIZON_STEPS = {"chicago_ridership": 14, "victoria_electricity": 48}
STEPS_PER_DAY = {"chicago_ridership": 1, "victoria_electricity": 48}


@pytest.mark.parametrize("name", sorted(FORECAST_SETUPS))
def test_setups_never_look_closer_than_the_horizon(name):
    setup = forecast_setup(name)
    data, same = load_forecast_dataset(name, days=28)
    assert same is setup
    lag_features = [f for f in data.features if "_lag" in f]
    assert setup.season_lag in lag_features and setup.equity_group in data.frame.columns
    assert min(int(f.rsplit("_lag", 1)[1]) for f in lag_features) == HORIZON_STEPS[name]
    assert data.frame[lag_features].notna().all().all()
    assert data.frame[data.time_column].nunique() == 28 * STEPS_PER_DAY[name]


def test_unknown_forecast_dataset_lists_the_valid_names():
    with pytest.raises(ValueError, match=r"Unknown forecast dataset 'hmda'\. Valid names: chicago"):
        forecast_setup("hmda")
