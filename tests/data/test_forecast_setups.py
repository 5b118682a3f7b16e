"""Forecast setups of the smart-city case: no lag closer than the horizon, unknown names."""

from __future__ import annotations

import pytest

from greennb._validation import CHOICE_MSG, INTEGER_MSG, NOT_AN_INTEGER_MSG
from greennb.data import FORECAST_SETUPS, ForecastSetup, forecast_setup, load_forecast_dataset
from greennb.errors import InvalidTypeError, InvalidValueError

# Forecast horizon in time steps: Chicago forecasts 14 days ahead (the shipped lag), Victoria
# one day (48 half-hours) ahead. No lag a model sees may be shorter.
HORIZON_STEPS = {"chicago_ridership": 14, "victoria_electricity": 48}
STEPS_PER_DAY = {"chicago_ridership": 1, "victoria_electricity": 48}


@pytest.mark.parametrize("name", sorted(FORECAST_SETUPS))
def test_setups_never_look_closer_than_the_horizon(name):
    setup = forecast_setup(name)
    data, same = load_forecast_dataset(name, days=28)
    assert same is setup
    assert isinstance(setup, ForecastSetup) and setup.dataset == name
    lag_features = [f for f in data.features if "_lag" in f]
    assert setup.season_lag in lag_features and setup.equity_group in data.frame.columns
    assert min(int(f.rsplit("_lag", 1)[1]) for f in lag_features) == HORIZON_STEPS[name]
    assert data.frame[lag_features].notna().all().all()
    assert data.frame[data.time_column].nunique() == 28 * STEPS_PER_DAY[name]


def test_the_whole_series_is_kept_without_days():
    data, setup = load_forecast_dataset("victoria_electricity")
    assert setup.lags == (48, 336)
    assert len(data.frame) == 17520 - 336  # the first week has no week-old demand


@pytest.mark.parametrize("name", ["hmda", None])
def test_unknown_forecast_dataset_lists_the_valid_names(name):
    with pytest.raises(InvalidValueError) as info:
        forecast_setup(name)
    assert str(info.value) == CHOICE_MSG.format(
        name="forecast dataset", value=name, choices="chicago_ridership, victoria_electricity"
    )


def test_bad_days_are_refused():
    with pytest.raises(InvalidValueError) as info:
        load_forecast_dataset("victoria_electricity", days=0)
    assert str(info.value) == INTEGER_MSG.format(name="days", minimum=1, unit="", value=0)
    with pytest.raises(InvalidTypeError) as info:
        load_forecast_dataset("victoria_electricity", days="7")
    assert str(info.value) == NOT_AN_INTEGER_MSG.format(name="days", unit="", value="7", type="str")
