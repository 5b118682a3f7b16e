"""Forecasting helpers: lag features without leakage, the seasonal-naive baseline, scores."""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.utils.estimator_checks import parametrize_with_checks

from greennb import load_dataset, split_dataset
from greennb.data import recent_period
from greennb.models import SeasonalNaiveForecaster, forecast_metrics

matplotlib.use("Agg")


def _daily(values, start="2024-01-01"):
    return pd.DataFrame(
        {"day": pd.date_range(start, periods=len(values), freq="D"), "load": values}
    )


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
