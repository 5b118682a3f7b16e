"""Lag features without leakage and the recent-period subsample, with every refusal."""

from __future__ import annotations

import datetime
import math

import numpy as np
import pandas as pd
import pytest

from greennb._validation import INTEGER_MSG, MISSING_COLUMN_MSG, NOT_AN_INTEGER_MSG
from greennb.data import (
    LAG_COLUMN_TEMPLATE,
    add_lag_features,
    lag_column_name,
    load_dataset,
    recent_period,
    split_dataset,
    with_lag_features,
)
from greennb.data._checks import NOT_A_FRAME_MSG
from greennb.data._dataset import NOT_A_DATASET_MSG
from greennb.data._lags import (
    BAD_LAGS_MSG,
    BAD_STEP_MSG,
    DUPLICATE_TIME_MSG,
    LAG_EXISTS_MSG,
    NO_STEP_MSG,
    NOT_DATETIME_MSG,
    NOT_FORECAST_MSG,
)
from greennb.errors import InvalidTypeError, InvalidValueError


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


@pytest.mark.parametrize(
    "step", ["1D", pd.Timedelta(days=1), datetime.timedelta(days=1), np.timedelta64(1, "D")]
)
def test_step_may_be_a_string_or_a_time_span(step):
    frame = pd.DataFrame(
        {"time": pd.date_range("2024-01-01", periods=4, freq="12h"), "x": np.arange(4.0)}
    )
    lagged = add_lag_features(frame, "x", 1, time="time", step=step)
    assert lagged["x_lag1"].tolist()[2:] == [0.0, 1.0]


def test_lag_column_name():
    assert lag_column_name("demand", 336) == "demand_lag336"
    assert LAG_COLUMN_TEMPLATE.format(column="demand", lag=48) == "demand_lag48"


def test_duplicate_lags_are_built_once_in_order():
    lagged = add_lag_features(_daily([1.0, 2.0, 3.0]), "load", [2, 1, 2], time="day")
    assert list(lagged.columns) == ["day", "load", "load_lag1", "load_lag2"]


@pytest.mark.parametrize("lags", [0, -1, [], [1, 0], [3, -2]])
def test_non_positive_lags_are_refused_with_the_valid_form(lags):
    with pytest.raises(InvalidValueError) as info:
        add_lag_features(_daily([1.0, 2.0]), "load", lags, time="day")
    assert str(info.value) == BAD_LAGS_MSG.format(value=lags)


@pytest.mark.parametrize("lags", [[1.5], [True], True, "7", None, 2.0])
def test_lags_of_the_wrong_type_are_refused_with_the_valid_form(lags):
    with pytest.raises(InvalidTypeError) as info:
        add_lag_features(_daily([1.0, 2.0]), "load", lags, time="day")
    assert str(info.value) == BAD_LAGS_MSG.format(value=lags)


@pytest.mark.parametrize(
    ("column", "time", "group", "role", "missing"),
    [
        ("nope", "day", None, "Lagged", "nope"),
        ("load", "nope", None, "Time", "nope"),
        ("load", "day", "nope", "Group", "nope"),
    ],
)
def test_missing_columns_are_named(column, time, group, role, missing):
    with pytest.raises(InvalidValueError) as info:
        add_lag_features(_daily([1.0, 2.0, 3.0]), column, 1, time=time, group=group)
    assert str(info.value) == MISSING_COLUMN_MSG.format(
        role=role, column=missing, available="day, load"
    )


def test_the_time_column_must_hold_datetimes():
    with pytest.raises(InvalidValueError) as info:
        add_lag_features(_daily([1.0, 2.0, 3.0]), "day", 1, time="load")
    assert str(info.value) == NOT_DATETIME_MSG.format(column="load", dtype="float64")


@pytest.mark.parametrize("step", ["-1D", "0s", "soon", "NaT"])
def test_a_step_that_is_not_a_positive_span_is_refused(step):
    with pytest.raises(InvalidValueError) as info:
        add_lag_features(_daily([1.0, 2.0, 3.0]), "load", 1, time="day", step=step)
    assert str(info.value) == BAD_STEP_MSG.format(value=step)


@pytest.mark.parametrize("step", [1, 1.5, True, ["1D"]])
def test_a_step_of_the_wrong_type_is_refused(step):
    with pytest.raises(InvalidTypeError) as info:
        add_lag_features(_daily([1.0, 2.0, 3.0]), "load", 1, time="day", step=step)
    assert str(info.value) == BAD_STEP_MSG.format(value=step)


def test_repeated_times_need_a_group():
    frame = pd.concat([_daily([1.0, 2.0]), _daily([5.0, 6.0])], ignore_index=True)
    with pytest.raises(InvalidValueError) as info:
        add_lag_features(frame, "load", 1, time="day")
    assert str(info.value) == DUPLICATE_TIME_MSG.format(
        time="day", within="", example={"day": pd.Timestamp("2024-01-01")}, per=""
    )


def test_repeated_times_within_a_group_are_named():
    frame = pd.concat([_daily([1.0, 2.0]), _daily([5.0, 6.0])], ignore_index=True)
    frame["station"] = "a"
    with pytest.raises(InvalidValueError) as info:
        add_lag_features(frame, "load", 1, time="day", group="station")
    example = {"station": "a", "day": pd.Timestamp("2024-01-01")}
    assert str(info.value) == DUPLICATE_TIME_MSG.format(
        time="day", within=" within 'station'", example=example, per=" and station"
    )


def test_a_single_time_cannot_infer_the_step():
    with pytest.raises(InvalidValueError) as info:
        add_lag_features(_daily([1.0]), "load", 1, time="day")
    assert str(info.value) == NO_STEP_MSG.format(column="day")


def test_an_existing_lag_column_is_not_overwritten():
    frame = _daily([1.0, 2.0]).assign(load_lag1=[9.0, 9.0])
    with pytest.raises(InvalidValueError) as info:
        add_lag_features(frame, "load", 1, time="day")
    assert str(info.value) == LAG_EXISTS_MSG.format(
        name="load_lag1", available="day, load, load_lag1"
    )


def test_frame_must_be_a_dataframe():
    with pytest.raises(InvalidTypeError) as info:
        add_lag_features([1, 2], "load", 1, time="day")
    assert str(info.value) == NOT_A_FRAME_MSG.format(what="frame", type_name="list")


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


def test_with_lag_features_keeps_the_rows_without_history_if_asked(victoria):
    lagged = with_lag_features(victoria, 48, dropna=False)
    assert len(lagged.frame) == len(victoria.frame)
    assert lagged.frame["demand_lag48"].isna().sum() == 48
    assert victoria.features[-1] != "demand_lag48"  # the original dataset is unchanged


@pytest.mark.parametrize("days", [0, -3])
def test_recent_period_rejects_days_below_one(victoria, days):
    with pytest.raises(InvalidValueError) as info:
        recent_period(victoria, days=days)
    assert str(info.value) == INTEGER_MSG.format(name="days", minimum=1, unit="", value=days)


@pytest.mark.parametrize("days", [2.5, "7", True, None])
def test_recent_period_rejects_days_of_the_wrong_type(victoria, days):
    with pytest.raises(InvalidTypeError) as info:
        recent_period(victoria, days=days)
    assert str(info.value) == NOT_AN_INTEGER_MSG.format(
        name="days", unit="", value=days, type=type(days).__name__
    )


@pytest.mark.parametrize(
    ("function", "call"),
    [
        ("recent_period", lambda data: recent_period(data, days=5)),
        ("with_lag_features", lambda data: with_lag_features(data, 1)),
    ],
)
def test_forecast_helpers_refuse_a_classification_dataset(function, call):
    with pytest.raises(InvalidValueError) as info:
        call(load_dataset("hmda"))
    assert str(info.value) == NOT_FORECAST_MSG.format(
        function=function, name="hmda", task="classification"
    )


@pytest.mark.parametrize(
    ("function", "call"),
    [
        ("recent_period", lambda data: recent_period(data, days=5)),
        ("with_lag_features", lambda data: with_lag_features(data, 1)),
    ],
)
def test_forecast_helpers_need_a_dataset(victoria, function, call):
    with pytest.raises(InvalidTypeError) as info:
        call(victoria.frame)
    assert str(info.value) == NOT_A_DATASET_MSG.format(function=function, type_name="DataFrame")
