"""Frame builders: derived columns of each shipped dataset, checked against hand-computed values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from greennb._validation import MISSING_COLUMN_MSG
from greennb.data import CHICAGO_NEIGHBOURHOODS, UNKNOWN_CATEGORY, load_dataset
from greennb.data._builders import build_chicago, build_covid, fill_unknown
from greennb.errors import InvalidValueError


def test_chicago_without_a_station_column_is_refused():
    raw = pd.DataFrame({"date": ["2001-01-22"], "Austin": [1.0]})
    with pytest.raises(InvalidValueError) as info:
        build_chicago(raw)
    assert str(info.value) == MISSING_COLUMN_MSG.format(
        role="Chicago", column="Clark_Lake", available="date, Austin"
    )


def test_chicago_neighbourhoods_cover_twenty_stations():
    assert len(CHICAGO_NEIGHBOURHOODS) == 20
    assert set(CHICAGO_NEIGHBOURHOODS.values()) == {
        "downtown",
        "north_northwest",
        "west",
        "southwest",
    }


def test_fill_unknown_makes_missing_values_an_explicit_category():
    frame = fill_unknown(pd.DataFrame({"g": ["a", None, "b"]}), "g")
    assert frame["g"].tolist() == ["a", UNKNOWN_CATEGORY, "b"]
    assert isinstance(frame["g"].dtype, pd.CategoricalDtype)


def test_chicago_ridership_is_the_lag_column_fourteen_days_later():
    frame = load_dataset("chicago_ridership").frame.set_index(["station", "date"])
    # Hand-checked in the raw export: Austin's column reads 1.463 on 2001-01-22
    # (entries on 2001-01-08) and 1.584 on 2001-02-05 (entries on 2001-01-22).
    row = frame.loc[("Austin", pd.Timestamp("2001-01-22"))]
    assert row["ridership"] == pytest.approx(1.584)
    assert row["ridership_lag14"] == pytest.approx(1.463)
    later = frame.loc[("Austin", pd.Timestamp("2001-02-05")), "ridership_lag14"]
    assert later == pytest.approx(row["ridership"])


def test_chicago_lag_identity_holds_for_every_station_and_day():
    frame = load_dataset("chicago_ridership").frame
    wide_target = frame.pivot(index="date", columns="station", values="ridership")
    wide_lag = frame.pivot(index="date", columns="station", values="ridership_lag14")
    shifted = wide_target.shift(freq=pd.Timedelta(days=14)).reindex(wide_lag.index)
    both = shifted.notna()
    assert both.sum().sum() == 20 * (5684 - 14)
    mask = both.to_numpy()
    assert np.allclose(shifted.to_numpy()[mask], wide_lag.to_numpy()[mask])


def test_chicago_clark_lake_matches_modeldata_same_day_ridership(repo_data):
    raw = pd.read_csv(repo_data / "chicago_ridership.csv.gz", parse_dates=["date"])
    frame = load_dataset("chicago_ridership").frame
    clark = frame[frame["station"] == "Clark_Lake"].set_index("date")["ridership"]
    same_day = raw.set_index("date")["ridership"].reindex(clark.index)
    assert len(clark) == 5684
    assert np.array_equal(clark.to_numpy(), same_day.to_numpy())


def test_chicago_dates_stations_and_neighbourhoods():
    frame = load_dataset("chicago_ridership").frame
    assert frame["date"].min() == pd.Timestamp("2001-01-22")
    assert frame["date"].max() == pd.Timestamp("2016-08-14")
    assert frame.groupby("date").size().eq(20).all()
    assert frame["neighbourhood"].value_counts().to_dict() == {
        "west": 8 * 5684,
        "downtown": 6 * 5684,
        "north_northwest": 5 * 5684,
        "southwest": 1 * 5684,
    }
    assert frame.loc[0, "day_of_week"] == "Mon"  # 22 January 2001 was a Monday


def test_victoria_time_index_is_rebuilt_half_hourly():
    frame = load_dataset("victoria_electricity").frame
    assert pd.api.types.is_datetime64_any_dtype(frame["time"])
    assert frame["time"].iloc[0] == pd.Timestamp("2014-01-01 00:00")
    assert frame["time"].iloc[-1] == pd.Timestamp("2014-12-31 23:30")
    assert frame["time"].diff().dropna().eq(pd.Timedelta(minutes=30)).all()
    assert frame["day_of_week"].iloc[0] == "Wed"  # 1 January 2014 was a Wednesday
    assert frame["hour"].iloc[:3].tolist() == [0.0, 0.5, 1.0]
    # 251 work days x 48 half-hours (365 days - 104 weekend days - 10 public holidays)
    assert (frame["workday"] == "workday").sum() == 251 * 48


def test_victoria_workday_flag_aligns_with_rebuilt_days():
    # If the rebuilt index were shifted, the work-day flag would change mid-day.
    frame = load_dataset("victoria_electricity").frame
    day = frame["time"].dt.normalize()
    assert frame.groupby(day)["workday"].nunique().eq(1).all()
    off = day[(frame["workday"] == "non-workday") & (frame["time"].dt.day_of_week < 5)]
    holidays_2014_victoria = [
        "2014-01-01",  # New Year's Day
        "2014-01-27",  # Australia Day (observed)
        "2014-03-10",  # Labour Day
        "2014-04-18",  # Good Friday
        "2014-04-21",  # Easter Monday
        "2014-04-25",  # Anzac Day
        "2014-06-09",  # Queen's Birthday
        "2014-11-04",  # Melbourne Cup
        "2014-12-25",  # Christmas Day
        "2014-12-26",  # Boxing Day
    ]
    assert sorted(off.dt.strftime("%Y-%m-%d").unique()) == holidays_2014_victoria


def test_victoria_temperature_bands():
    frame = load_dataset("victoria_electricity").frame
    expected = pd.cut(frame["temperature"], [-np.inf, 10, 20, 30, np.inf], right=False)
    assert frame["temperature_band"].cat.codes.tolist() == expected.cat.codes.tolist()
    assert frame.loc[frame["temperature"] >= 30, "temperature_band"].eq(">=30°C").all()
    assert (frame["temperature_band"] == ">=30°C").sum() == 468


def test_monica_age_bands_by_hand():
    frame = load_dataset("monica").frame
    by_age = frame.drop_duplicates("age").set_index("age")["age_band"]
    assert by_age[35] == "35-44"
    assert by_age[44] == "35-44"
    assert by_age[45] == "45-54"
    assert by_age[64] == "55-64"
    assert by_age[69] == "65-69"
    assert frame["age_band"].value_counts().to_dict() == {
        "35-44": 395,
        "45-54": 1112,
        "55-64": 2787,
        "65-69": 2073,
    }


def test_missing_sensitive_values_become_unknown(repo_data):
    covid = build_covid(pd.read_csv(repo_data / "covid_testing.csv.gz"))  # before exclusions
    credit = load_dataset("credit_scoring").frame
    assert (covid["payor_group"] == UNKNOWN_CATEGORY).sum() == 7087
    assert (credit["Marital"] == UNKNOWN_CATEGORY).sum() == 1
    # Missing values in features stay NaN for the models' imputers.
    assert covid["patient_class"].isna().sum() == 7077
    assert credit["Income"].isna().sum() == 381


def test_covid_identifiers_and_leaky_columns_are_not_features():
    dataset = load_dataset("covid_testing")
    assert dataset.identifiers == ["subject_id", "fake_first_name", "fake_last_name"]
    for column in ["subject_id", "fake_first_name", "ct_result", "rec_ver_tat", "age_band"]:
        assert column not in dataset.features
    bands = ["<1", "1-4", "5-11", "12-17", "18+"]
    assert dataset.frame["age_band"].cat.categories.tolist() == bands


def test_credit_age_bands():
    frame = load_dataset("credit_scoring").frame
    assert frame.loc[frame["Age"] == 24, "age_band"].eq("18-24").all()
    assert frame.loc[frame["Age"] == 25, "age_band"].eq("25-34").all()
    assert frame.loc[frame["Age"] == 68, "age_band"].eq("55+").all()
