"""Tests of greennb.data: shipped datasets, checksums, derived columns, splits, errors."""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import math
import shutil
import urllib.error
import warnings
from pathlib import Path

import fairlearn.datasets
import numpy as np
import pandas as pd
import pytest
from sklearn.utils import Bunch

from greennb.data import _datasets as gd
from greennb.data._datasets import (
    DATA_DIR_ENV,
    Dataset,
    DatasetFileError,
    DatasetOfflineError,
    check_sensitive,
    check_target,
    load_dataset,
    split_dataset,
)

REPO_DATA = Path(__file__).resolve().parents[2] / "data"
NAMES = [
    "chicago_ridership",
    "covid_testing",
    "credit_scoring",
    "hmda",
    "monica",
    "victoria_electricity",
]
# rows x columns of each loaded frame (derived columns included).
SHAPES = {
    # 20 stations x (5,698 days - 14 days whose own ridership is beyond the table's end)
    "chicago_ridership": (20 * (5698 - 14), 34),
    "covid_testing": (15524, 18),
    "credit_scoring": (4454, 15),
    "hmda": (2380, 14),
    "monica": (6367, 13),
    "victoria_electricity": (17520, 7),
}
CATEGORICAL = {
    "chicago_ridership": ["station", "neighbourhood", "day_of_week"],
    "covid_testing": ["gender", "result", "payor_group", "patient_class", "age_band"],
    "credit_scoring": ["Status", "Home", "Marital", "Job", "age_band"],
    "hmda": ["deny", "afam", "single", "hschool"],
    "monica": ["outcome", "sex", "hosp", "age_band"],
    "victoria_electricity": ["workday", "temperature_band", "day_of_week"],
}


@pytest.fixture(autouse=True)
def _repository_data(monkeypatch):
    """Every test reads the repository's data/ unless it points elsewhere itself."""
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)


def _copy_data(tmp_path: Path, names: list[str]) -> Path:
    target = tmp_path / "data"
    target.mkdir()
    for name in names:
        shutil.copy(REPO_DATA / f"{name}.csv.gz", target)
    shutil.copy(REPO_DATA / gd.MANIFEST_NAME, target)
    return target


def _tiny(task: str = "classification", **overrides) -> Dataset:
    frame = pd.DataFrame(
        {
            "x": np.arange(12, dtype=float),
            "group": pd.Categorical(["a", "b"] * 6),
            "y": pd.Categorical(["no", "no", "yes"] * 4),
            "when": pd.date_range("2020-01-01", periods=12, freq="D"),
        }
    )
    kwargs = {
        "name": "tiny",
        "frame": frame,
        "target": "y",
        "features": ["x"],
        "sensitive": ["group"],
        "task": task,
        "description": "tiny test table",
        "source": "hand-made",
        "positive_label": "yes" if task == "classification" else None,
        "time_column": "when" if task == "forecast" else None,
    }
    if task != "classification":
        kwargs["frame"] = frame.assign(y=frame["x"] * 2.0)
    kwargs.update(overrides)
    return Dataset(**kwargs)


# --------------------------------------------------------------------------- registry


def test_list_datasets_is_sorted_and_complete():
    assert gd.list_datasets() == NAMES


def test_manifest_lists_exactly_the_shipped_files():
    lines = (REPO_DATA / gd.MANIFEST_NAME).read_text().splitlines()
    listed = {line.split()[1]: line.split()[0] for line in lines}
    assert sorted(listed) == sorted(f"{name}.csv.gz" for name in NAMES)
    for file_name, digest in listed.items():
        assert hashlib.sha256((REPO_DATA / file_name).read_bytes()).hexdigest() == digest


def test_unknown_name_lists_the_valid_names():
    with pytest.raises(ValueError) as info:
        load_dataset("adult")
    message = str(info.value)
    assert "'adult'" in message
    for name in NAMES:
        assert name in message


@pytest.mark.parametrize("name", NAMES)
def test_dataset_schema(name):
    dataset = load_dataset(name)
    frame = dataset.frame
    assert frame.shape == SHAPES[name]
    assert dataset.target in frame.columns
    assert frame[dataset.target].isna().sum() == 0
    assert set(dataset.sensitive) <= set(frame.columns)
    assert frame[dataset.sensitive].isna().sum().sum() == 0
    for column in CATEGORICAL[name]:
        assert isinstance(frame[column].dtype, pd.CategoricalDtype), column
    forbidden = {dataset.target, dataset.time_column, *dataset.identifiers}
    assert not forbidden & set(dataset.features)
    assert dataset.X.shape == (len(frame), len(dataset.features))
    assert dataset.y.name == dataset.target
    assert list(dataset.sensitive_frame.columns) == dataset.sensitive


@pytest.mark.parametrize(
    ("name", "task", "target", "positive", "sensitive"),
    [
        ("chicago_ridership", "forecast", "ridership", None, ["neighbourhood"]),
        ("covid_testing", "classification", "result", "positive", ["gender", "payor_group"]),
        ("credit_scoring", "classification", "Status", "bad", ["age_band", "Marital"]),
        ("hmda", "classification", "deny", "yes", ["afam"]),
        ("monica", "classification", "outcome", "dead", ["sex", "age_band"]),
        ("victoria_electricity", "forecast", "demand", None, ["workday", "temperature_band"]),
    ],
)
def test_dataset_roles(name, task, target, positive, sensitive):
    dataset = load_dataset(name)
    assert (dataset.task, dataset.target, dataset.positive_label) == (task, target, positive)
    assert dataset.sensitive == sensitive
    assert dataset.source and dataset.description


@pytest.mark.parametrize(
    ("name", "favourable"),
    [("hmda", "no"), ("credit_scoring", "good"), ("monica", None), ("covid_testing", None)],
)
def test_favourable_label_is_the_outcome_people_want(name, favourable):
    assert load_dataset(name).favourable_label == favourable


def test_target_units_of_forecasts():
    assert load_dataset("chicago_ridership").target_unit == "thousands of entries"
    assert load_dataset("victoria_electricity").target_unit == "GW"


def test_loaded_frames_are_independent_copies():
    first = load_dataset("hmda")
    first.frame.loc[0, "pirat"] = -1.0
    assert load_dataset("hmda").frame.loc[0, "pirat"] == pytest.approx(0.221)


def test_dataset_table_summarises_every_dataset():
    table = gd.dataset_table()
    assert list(table["name"]) == NAMES
    assert dict(zip(table["name"], table["rows"], strict=True)) == {
        name: shape[0] for name, shape in SHAPES.items()
    }
    assert table.loc[table["name"] == "hmda", "origin"].item() == "AER::HMDA"


# --------------------------------------------------------------------------- derived columns


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


def test_chicago_clark_lake_matches_modeldata_same_day_ridership():
    raw = pd.read_csv(REPO_DATA / "chicago_ridership.csv.gz", parse_dates=["date"])
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


def test_missing_sensitive_values_become_unknown():
    covid = load_dataset("covid_testing").frame
    credit = load_dataset("credit_scoring").frame
    assert (covid["payor_group"] == gd.UNKNOWN_CATEGORY).sum() == 7087
    assert (credit["Marital"] == gd.UNKNOWN_CATEGORY).sum() == 1
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


# --------------------------------------------------------------------------- files


def test_corrupted_file_is_detected(tmp_path, monkeypatch):
    load_dataset("monica")  # fills the in-process cache: it must not hide corruption
    folder = _copy_data(tmp_path, ["monica"])
    path = folder / "monica.csv.gz"
    payload = bytearray(path.read_bytes())
    payload[100] ^= 0xFF
    path.write_bytes(bytes(payload))
    monkeypatch.setenv(DATA_DIR_ENV, str(folder))
    with pytest.raises(DatasetFileError) as info:
        load_dataset("monica")
    message = str(info.value)
    assert str(path) in message
    assert "export_rdatasets.py" in message
    assert isinstance(info.value, OSError)


def test_missing_file_is_reported(tmp_path, monkeypatch):
    folder = _copy_data(tmp_path, [])
    monkeypatch.setenv(DATA_DIR_ENV, str(folder))
    with pytest.raises(DatasetFileError, match="hmda.csv.gz"):
        load_dataset("hmda")


def test_missing_manifest_is_reported(tmp_path, monkeypatch):
    folder = _copy_data(tmp_path, ["hmda"])
    (folder / gd.MANIFEST_NAME).unlink()
    monkeypatch.setenv(DATA_DIR_ENV, str(folder))
    with pytest.raises(DatasetFileError, match=gd.MANIFEST_NAME):
        load_dataset("hmda")


def test_intact_copy_loads_from_the_env_folder(tmp_path, monkeypatch):
    folder = _copy_data(tmp_path, ["hmda"])
    monkeypatch.setenv(DATA_DIR_ENV, str(folder))
    assert gd.data_dir() == folder
    assert load_dataset("hmda").frame.shape == SHAPES["hmda"]


def test_default_data_dir_is_the_repository_folder():
    assert gd.data_dir().resolve() == REPO_DATA


def test_export_writes_reproducible_gzip():
    spec = importlib.util.spec_from_file_location(
        "export_rdatasets", REPO_DATA / "export_rdatasets.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    frame = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    first, second = module.gzip_csv_bytes(frame), module.gzip_csv_bytes(frame)
    assert first == second
    assert first[4:8] == b"\x00\x00\x00\x00"  # gzip MTIME field
    assert gzip.decompress(first).decode() == "a,b\n1,x\n2,y\n"
    assert module.DATASETS["chicago_ridership"] == ("modeldata", "Chicago", 5698)


# --------------------------------------------------------------------------- checks


def test_check_sensitive_missing_column_lists_available():
    frame = pd.DataFrame({"sex": ["f", "m"], "age": [30, 40]})
    with pytest.raises(
        ValueError, match=r"'race' is not in the frame\. Available columns: sex, age"
    ):
        check_sensitive(frame, ["race"])


def test_check_sensitive_nan_is_an_error():
    frame = pd.DataFrame({"sex": ["f", None, "m", None]})
    with pytest.raises(ValueError, match=r"'sex' has 2 missing value\(s\)"):
        check_sensitive(frame, "sex")


def test_check_sensitive_constant_is_an_error():
    frame = pd.DataFrame({"sex": ["f", "f", "f"]})
    with pytest.raises(ValueError, match=r"'sex' has a single value \('f'\)"):
        check_sensitive(frame, ["sex"])


def test_check_sensitive_needs_a_column():
    with pytest.raises(ValueError, match="No sensitive columns"):
        check_sensitive(pd.DataFrame({"a": [1, 2]}), [])


def test_check_target_nan_and_missing():
    frame = pd.DataFrame({"y": [1.0, np.nan, np.nan], "x": [1, 2, 3]})
    with pytest.raises(ValueError, match=r"Target column 'y' has 2 missing value\(s\)"):
        check_target(frame, "y")
    with pytest.raises(ValueError, match=r"'label' is not in the frame\. Available columns: y, x"):
        check_target(frame, "label")


def test_dataset_rejects_nan_target_and_bad_roles():
    good = _tiny()
    with pytest.raises(ValueError, match=r"Target column 'y' has 1 missing"):
        _tiny(frame=good.frame.assign(y=good.frame["y"].where(good.frame["x"] != 3)))
    with pytest.raises(ValueError, match=r"Unknown task 'clustering'.*classification, regression"):
        _tiny(task="clustering")
    with pytest.raises(ValueError, match=r"include \['y'\]"):
        _tiny(features=["x", "y"])
    with pytest.raises(ValueError, match=r"positive_label 'maybe'.*Values: \['no', 'yes'\]"):
        _tiny(positive_label="maybe")
    with pytest.raises(ValueError, match=r"favourable_label 'perhaps'.*Values: \['no', 'yes'\]"):
        _tiny(favourable_label="perhaps")
    with pytest.raises(ValueError, match="datetime time_column"):
        _tiny(task="forecast", time_column="x", features=[])
    with pytest.raises(ValueError, match=r"'group' has a single value"):
        _tiny(frame=good.frame.assign(group="a"))


# --------------------------------------------------------------------------- splits


def test_stratified_split_keeps_group_and_target_proportions():
    dataset = load_dataset("monica")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # monica's strata are all large enough
        split = split_dataset(dataset, test_size=0.25, random_state=0)
    assert len(split.test) == math.ceil(0.25 * 6367) == 1592
    assert len(split.train) == 6367 - 1592
    assert not set(split.train.index) & set(split.test.index)
    assert split.method == "stratified by outcome, sex, age_band"
    for column in ["outcome", "sex", "age_band"]:
        train_share = split.train[column].value_counts(normalize=True)
        test_share = split.test[column].value_counts(normalize=True)
        assert (train_share - test_share).abs().max() < 0.005, column
    assert list(split.X_train.columns) == dataset.features
    assert split.y_test.equals(split.test["outcome"])
    assert list(split.sensitive_test.columns) == ["sex", "age_band"]


def test_split_is_reproducible_and_seed_dependent():
    dataset = load_dataset("hmda")
    first = split_dataset(dataset, random_state=1)
    again = split_dataset(dataset, random_state=1)
    other = split_dataset(dataset, random_state=2)
    assert first.test.index.equals(again.test.index)
    assert not first.test.index.equals(other.test.index)
    afam_share = (first.test["afam"] == "yes").mean()
    assert afam_share == pytest.approx(339 / 2380, abs=0.005)


def test_small_strata_are_merged_with_a_warning():
    dataset = load_dataset("credit_scoring")  # Marital 'unknown' has a single row
    with pytest.warns(UserWarning, match="merged") as record:
        split = split_dataset(dataset)
    assert any("unknown" in str(item.message) for item in record)
    assert len(split.test) == math.ceil(0.25 * 4454)
    bad_train = (split.y_train == "bad").mean()
    bad_test = (split.y_test == "bad").mean()
    assert bad_train == pytest.approx(bad_test, abs=0.005)


def test_impossible_stratification_falls_back_with_a_warning():
    dataset = _tiny()  # 12 rows: 4 strata of 3 or 4 rows, but test_size=0.2 gives 3 test rows
    with pytest.warns(UserWarning, match="Falling back to stratifying by the target only"):
        split = split_dataset(dataset, test_size=0.2)
    assert len(split.test) == 3
    assert split.method == "stratified by y"


def test_chronological_split_has_no_overlap():
    dataset = load_dataset("chicago_ridership")
    split = split_dataset(dataset, test_size=0.25)
    assert split.train["date"].max() < split.test["date"].min()
    assert split.test["date"].nunique() == math.ceil(0.25 * 5684)
    assert split.test.groupby("date").size().eq(20).all()
    assert len(split.train) + len(split.test) == SHAPES["chicago_ridership"][0]
    assert split.method.startswith("chronological")


def test_chronological_split_of_victoria():
    split = split_dataset(load_dataset("victoria_electricity"), test_size=0.5)
    assert len(split.train) == len(split.test) == 8760
    assert split.train["time"].max() == pd.Timestamp("2014-07-02 11:30")
    assert split.test["time"].min() == pd.Timestamp("2014-07-02 12:00")


def test_regression_split_is_random():
    dataset = _tiny(task="regression")
    split = split_dataset(dataset, test_size=0.25, random_state=0)
    assert (len(split.train), len(split.test)) == (9, 3)
    assert split.method == "random"
    assert not split.test.index.equals(pd.RangeIndex(9, 12))


@pytest.mark.parametrize("bad", [0, 1, 0.0, 1.0, -0.1, 1.5, True, "0.2", None])
def test_bad_test_size_names_the_value(bad):
    with pytest.raises(ValueError, match="strictly between 0 and 1; got " + repr(bad)):
        split_dataset(load_dataset("hmda"), test_size=bad)


def test_empty_split_is_an_error():
    with pytest.raises(ValueError, match=r"test_size=0\.99 on 12 distinct times leaves the train"):
        split_dataset(_tiny(task="forecast"), test_size=0.99)


def test_constant_group_in_a_split_part_is_an_error():
    base = _tiny(task="forecast")
    frame = base.frame.assign(group=pd.Categorical(["a"] * 9 + ["b"] * 3))
    dataset = _tiny(task="forecast", frame=frame)
    with pytest.raises(ValueError, match=r"'group' has a single value \('a'\) in the train split"):
        split_dataset(dataset, test_size=0.25)


# --------------------------------------------------------------------------- online


def test_online_loader_offline_error_names_shipped_datasets(tmp_path, monkeypatch):
    def offline(**kwargs):
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(fairlearn.datasets, "fetch_credit_card", offline)
    cache = tmp_path / "cache"
    with pytest.raises(DatasetOfflineError) as info:
        gd.fetch_online_dataset("credit_card_default", cache_dir=cache)
    message = str(info.value)
    assert "credit_card_default" in message and "URLError" in message
    for name in NAMES:
        assert name in message
    assert cache.is_dir()


def test_online_loader_unknown_name():
    with pytest.raises(ValueError, match=r"Unknown online dataset 'adult'.*acs_income.*monica"):
        gd.fetch_online_dataset("adult")


def test_online_loader_builds_a_dataset(tmp_path, monkeypatch):
    calls = {}
    frame = pd.DataFrame(
        {
            "race": ["Caucasian", None, "AfricanAmerican", "Caucasian"],
            "time_in_hospital": [3, 5, 2, 7],
            "readmitted": ["NO", "<30", ">30", "NO"],
            "readmit_binary": [0, 1, 1, 0],
            "readmit_30_days": [0, 1, 0, 0],
        }
    )

    def fake_fetch(*, data_home, as_frame):
        calls["data_home"] = data_home
        return Bunch(frame=frame, target=frame["readmit_30_days"])

    monkeypatch.setattr(fairlearn.datasets, "fetch_diabetes_hospital", fake_fetch)
    dataset = gd.fetch_online_dataset("diabetes_hospital", cache_dir=tmp_path)
    assert calls["data_home"] == str(tmp_path)
    assert dataset.target == "readmit_30_days"
    assert dataset.positive_label == 1
    assert dataset.features == ["race", "time_in_hospital"]
    assert dataset.frame["race"].tolist()[1] == gd.UNKNOWN_CATEGORY
