"""Online-only datasets: fairlearn's fetchers faked, offline failures and unknown names."""

from __future__ import annotations

import urllib.error

import fairlearn.datasets
import pandas as pd
import pytest
from sklearn.utils import Bunch

from greennb.data import (
    UNKNOWN_CATEGORY,
    DatasetOfflineError,
    fetch_online_dataset,
    list_datasets,
    list_online_datasets,
)
from greennb.data._online import (
    OFFLINE_MSG,
    POSITIVE_NOT_FOUND_MSG,
    UNKNOWN_ONLINE_DATASET_MSG,
)
from greennb.errors import InvalidValueError


def test_list_online_datasets():
    assert list_online_datasets() == ["acs_income", "credit_card_default", "diabetes_hospital"]


def test_online_loader_offline_error_names_shipped_datasets(tmp_path, monkeypatch):
    error = urllib.error.URLError("[Errno -3] Temporary failure in name resolution")

    def offline(**kwargs):
        raise error

    monkeypatch.setattr(fairlearn.datasets, "fetch_credit_card", offline)
    cache = tmp_path / "cache"
    with pytest.raises(DatasetOfflineError) as info:
        fetch_online_dataset("credit_card_default", cache_dir=cache)
    assert str(info.value) == OFFLINE_MSG.format(
        name="credit_card_default",
        fetcher="fetch_credit_card",
        error_type="URLError",
        error=error,
        shipped=", ".join(list_datasets()),
    )
    assert isinstance(info.value, OSError)
    assert cache.is_dir()


@pytest.mark.parametrize("name", ["adult", 3])
def test_online_loader_unknown_name(name):
    with pytest.raises(InvalidValueError) as info:
        fetch_online_dataset(name)
    assert str(info.value) == UNKNOWN_ONLINE_DATASET_MSG.format(
        name=name,
        valid="acs_income, credit_card_default, diabetes_hospital",
        shipped=", ".join(list_datasets()),
    )


def _diabetes_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "race": ["Caucasian", None, "AfricanAmerican", "Caucasian"],
            "time_in_hospital": [3, 5, 2, 7],
            "readmitted": ["NO", "<30", ">30", "NO"],
            "readmit_binary": [0, 1, 1, 0],
            "readmit_30_days": [0, 1, 0, 0],
        }
    )


def test_online_loader_builds_a_dataset(tmp_path, monkeypatch):
    calls = {}
    frame = _diabetes_frame()

    def fake_fetch(*, data_home, as_frame):
        calls["data_home"] = data_home
        return Bunch(frame=frame, target=frame["readmit_30_days"])

    monkeypatch.setattr(fairlearn.datasets, "fetch_diabetes_hospital", fake_fetch)
    dataset = fetch_online_dataset("diabetes_hospital", cache_dir=tmp_path)
    assert calls["data_home"] == str(tmp_path)
    assert dataset.target == "readmit_30_days"
    assert dataset.positive_label == 1
    assert dataset.features == ["race", "time_in_hospital"]
    assert dataset.frame["race"].tolist()[1] == UNKNOWN_CATEGORY
    assert frame["race"].isna().sum() == 1  # fairlearn's frame is left untouched


def test_online_loader_without_a_positive_class(tmp_path, monkeypatch):
    frame = _diabetes_frame().assign(readmit_30_days=["a", "b", "a", "b"])
    monkeypatch.setattr(
        fairlearn.datasets,
        "fetch_diabetes_hospital",
        lambda **kwargs: Bunch(frame=frame, target=frame["readmit_30_days"]),
    )
    with pytest.raises(InvalidValueError) as info:
        fetch_online_dataset("diabetes_hospital", cache_dir=tmp_path)
    assert str(info.value) == POSITIVE_NOT_FOUND_MSG.format(
        name="diabetes_hospital", target="readmit_30_days", values=["a", "b"]
    )


def test_regression_online_dataset_has_no_positive_label(tmp_path, monkeypatch):
    frame = pd.DataFrame({"SEX": [1.0, 2.0, 1.0], "AGEP": [30, 40, 50], "PINCP": [1e4, 2e4, 3e4]})
    monkeypatch.setattr(
        fairlearn.datasets,
        "fetch_acs_income",
        lambda **kwargs: Bunch(frame=frame, target=frame["PINCP"]),
    )
    dataset = fetch_online_dataset("acs_income", cache_dir=tmp_path)
    assert (dataset.task, dataset.positive_label) == ("regression", None)
    assert dataset.target_unit == "US dollars per year"
    assert dataset.features == ["SEX", "AGEP"]
