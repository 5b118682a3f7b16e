"""Forecasting helpers: lag features without leakage, the seasonal-naive baseline, scores."""

from __future__ import annotations

import math

import matplotlib
import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.utils.estimator_checks import parametrize_with_checks

from greennb import facility_energy, load_dataset, split_dataset
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
from greennb.models import SeasonalNaiveForecaster, forecast_metrics
from greennb.plots._plots import facility_breakdown, forecast_vs_actual, group_error_bars

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


# --------------------------------------------------------------------------- baseline


def test_seasonal_naive_predicts_the_lag_column_of_a_frame():
    X = pd.DataFrame(
        {"day_of_week": pd.Categorical(["Mon", "Tue"]), "load_lag7": [4.0, 5.5], "t": [1, 2]}
    )
    model = SeasonalNaiveForecaster(lag_column="load_lag7").fit(X, [4.2, 5.0])
    np.testing.assert_array_equal(model.predict(X), [4.0, 5.5])
    assert model.n_features_in_ == 3
    assert list(model.feature_names_in_) == ["day_of_week", "load_lag7", "t"]


def test_seasonal_naive_by_position_on_an_array():
    X = np.array([[1.0, 10.0], [2.0, 20.0]])
    np.testing.assert_array_equal(
        SeasonalNaiveForecaster(lag_column=-1).fit(X).predict(X), [10, 20]
    )


def test_seasonal_naive_on_chicago_scores_the_shipped_lag():
    chicago = recent_period(load_dataset("chicago_ridership"), days=60)
    split = split_dataset(chicago, test_size=0.25)
    model = SeasonalNaiveForecaster(lag_column="ridership_lag14").fit(split.X_train, split.y_train)
    scores = forecast_metrics(split.y_test, model.predict(split.X_test))
    expected = np.mean(np.abs(split.y_test.to_numpy() - split.X_test["ridership_lag14"].to_numpy()))
    assert scores["mae"] == pytest.approx(expected)


def test_seasonal_naive_errors_name_the_column_and_the_choices():
    X = pd.DataFrame({"a": [1.0, np.nan, np.nan], "b": [1.0, 2.0, 3.0]})
    with pytest.raises(
        ValueError, match=r"lag_column 'a' has 2 missing value\(s\), the first at row 1"
    ):
        SeasonalNaiveForecaster(lag_column="a").fit(X)
    with pytest.raises(ValueError, match=r"lag_column 'c' is not a column of X; columns: a, b"):
        SeasonalNaiveForecaster(lag_column="c").fit(X)
    with pytest.raises(ValueError, match=r"lag_column 5 must be a column name .* range\(-2, 2\)"):
        SeasonalNaiveForecaster(lag_column=5).fit(X)
    with pytest.raises(ValueError, match=r"lag_column None must be a column name"):
        SeasonalNaiveForecaster().fit(X)
    with pytest.raises(ValueError, match=r"y has 2 values but X has 3 rows"):
        SeasonalNaiveForecaster(lag_column="b").fit(X, [1.0, 2.0])
    with pytest.raises(NotFittedError):
        SeasonalNaiveForecaster(lag_column="b").predict(X)
    fitted = SeasonalNaiveForecaster(lag_column="b").fit(X)
    with pytest.raises(ValueError, match=r"feature names"):
        fitted.predict(X.rename(columns={"a": "z"}))


# A seasonal-naive forecast ignores y and every column but its lag: by design it neither
# learns a regression (check_regressors_train) nor minds NaN in columns it does not read.
EXPECTED_FAILED_CHECKS = {
    "check_regressors_train": "ignores y and the other features by design",
    "check_estimators_nan_inf": "NaN outside lag_column is never read, so it is allowed",
}


@parametrize_with_checks(
    [SeasonalNaiveForecaster(lag_column=0)],
    expected_failed_checks=lambda estimator: EXPECTED_FAILED_CHECKS,
)
def test_seasonal_naive_follows_the_scikit_learn_contract(estimator, check):
    check(estimator)


# --------------------------------------------------------------------------- scores


def test_forecast_metrics_by_hand():
    scores = forecast_metrics([2.0, 4.0, 0.0], [1.0, 5.0, 3.0])
    assert scores["mae"] == pytest.approx(5 / 3)
    assert scores["rmse"] == pytest.approx(math.sqrt(11 / 3))
    assert scores["mape"] == pytest.approx((1 / 2 + 1 / 4) / 2)  # the zero target is left out
    assert scores["r2"] == pytest.approx(1 - 11 / 8)  # SS_res 11, SS_tot 8


# --------------------------------------------------------------------------- plots


def test_facility_breakdown_bars_are_the_parts_in_the_unit():
    facility = facility_energy(0.002, pue=1.5, cooling_share=0.6)
    ax = facility_breakdown(facility, unit="Wh", status="estimated")
    heights = [patch.get_height() for patch in ax.patches]
    assert heights == pytest.approx([2.0, 0.4, 0.6])
    assert ax.get_ylabel() == "energy (Wh)"
    assert "E_total = 3 Wh at PUE 1.5" in ax.get_title()
    assert ax.get_title().endswith(", estimated")
    with pytest.raises(ValueError, match=r"Unknown energy unit 'J'; valid units: kWh, Wh, mWh"):
        facility_breakdown(facility, unit="J")


def test_forecast_vs_actual_and_group_errors():
    times = pd.date_range("2024-01-01", periods=3, freq="D")
    ax = forecast_vs_actual(times, [1.0, 2.0, 3.0], {"naive": [1.0, 1.0, 2.0]}, unit="GW")
    assert ax.get_ylabel() == "value (GW)" and len(ax.get_lines()) >= 2
    with pytest.raises(ValueError, match=r"predictions\['naive'\] has 2 values but there are 3"):
        forecast_vs_actual(times, [1.0, 2.0, 3.0], {"naive": [1.0, 2.0]})
    table = pd.DataFrame({"model": ["a", "a"], "zone": ["x", "y"], "mape": [0.1, 0.2]})
    ax = group_error_bars(table, group="zone", metric="mape")
    assert [p.get_height() for p in ax.patches][:2] == pytest.approx([0.1, 0.2])
    assert ax.get_ylabel() == "MAPE (fraction of the actual value)"
    with pytest.raises(ValueError, match=r"group_error_bars needs the columns"):
        group_error_bars(table, group="station")
