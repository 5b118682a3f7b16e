"""The public surface of greennb.data: a thin, sorted re-export."""

from __future__ import annotations

import greennb.data

# Names that notebooks, the README, the CLI and other subpackages use.
USED_ELSEWHERE = [
    "Dataset",
    "DatasetFileError",
    "DatasetOfflineError",
    "FORECAST_SETUPS",
    "ForecastSetup",
    "Split",
    "TASKS",
    "add_lag_features",
    "check_sensitive",
    "check_target",
    "data_dir",
    "dataset_table",
    "fetch_online_dataset",
    "forecast_setup",
    "lag_column_name",
    "list_datasets",
    "list_online_datasets",
    "load_dataset",
    "load_forecast_dataset",
    "recent_period",
    "split_dataset",
    "with_lag_features",
]


def test_all_is_sorted_and_importable():
    assert greennb.data.__all__ == sorted(greennb.data.__all__)
    for name in greennb.data.__all__:
        assert hasattr(greennb.data, name), name


def test_names_used_elsewhere_stay_public():
    assert set(USED_ELSEWHERE) <= set(greennb.data.__all__)


def test_no_message_constants_are_exported():
    assert not [name for name in greennb.data.__all__ if name.endswith("_MSG")]
