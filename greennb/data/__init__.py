"""Real datasets shipped offline, their checks and splits, and time-series helpers.

Modules, in the order a dataset passes through them:

- ``_files``: :func:`data_dir` (``$GREENNB_DATA_DIR`` overrides it) and reading a shipped
  ``.csv.gz`` only after its SHA-256 matches the manifest (else
  :class:`~greennb.errors.DatasetFileError`);
- ``_builders``: one frame builder per dataset (types, Chicago's long format, Victoria's
  rebuilt time index, age / temperature bands, :data:`CHICAGO_NEIGHBOURHOODS`);
- ``_checks``: :func:`check_sensitive` and :func:`check_target`;
- ``_dataset``: :class:`Dataset`, a typed table with the roles of its columns (:data:`TASKS`);
- ``_registry``: :func:`list_datasets`, :func:`load_dataset`, :func:`dataset_table`;
- ``_labels``: :func:`label_groups`, :func:`group_display_label`,
  :func:`sensitive_display_name` and :data:`SENSITIVE_DISPLAY_NAMES`, readable names and level
  labels of the sensitive columns for figures and sentences (the data keep their codes);
- ``_split``: :class:`Split` and :func:`split_dataset` (stratified, chronological, random);
- ``_online``: :func:`fetch_online_dataset` and :func:`list_online_datasets`, fairlearn's
  larger online-only datasets;
- ``_lags``: :func:`add_lag_features`, :func:`with_lag_features`, :func:`lag_column_name`,
  :func:`recent_period`;
- ``_forecast_setups``: :class:`ForecastSetup`, :data:`FORECAST_SETUPS`,
  :func:`forecast_setup` and :func:`load_forecast_dataset` of the smart-city case.

Provenance, licences, units and caveats of every dataset are in ``data/README.md``.

Examples
--------
>>> from greennb.data import load_dataset, split_dataset
>>> split = split_dataset(load_dataset("hmda"), test_size=0.25, random_state=0)
>>> len(split.train), len(split.test)
(1785, 595)
"""

from greennb.data._builders import CHICAGO_NEIGHBOURHOODS
from greennb.data._checks import UNKNOWN_CATEGORY, check_sensitive, check_target
from greennb.data._dataset import TASKS, Dataset, favourable_or_positive
from greennb.data._files import DATA_DIR_ENV, data_dir
from greennb.data._forecast_setups import (
    FORECAST_SETUPS,
    ForecastSetup,
    forecast_setup,
    load_forecast_dataset,
)
from greennb.data._labels import (
    SENSITIVE_DISPLAY_NAMES,
    group_display_label,
    label_groups,
    sensitive_display_name,
)
from greennb.data._lags import (
    LAG_COLUMN_TEMPLATE,
    add_lag_features,
    lag_column_name,
    recent_period,
    with_lag_features,
)
from greennb.data._online import fetch_online_dataset, list_online_datasets
from greennb.data._registry import dataset_table, list_datasets, load_dataset
from greennb.data._split import Split, split_dataset
from greennb.errors import DatasetFileError, DatasetOfflineError

__all__ = [
    "CHICAGO_NEIGHBOURHOODS",
    "DATA_DIR_ENV",
    "Dataset",
    "DatasetFileError",
    "DatasetOfflineError",
    "FORECAST_SETUPS",
    "ForecastSetup",
    "LAG_COLUMN_TEMPLATE",
    "SENSITIVE_DISPLAY_NAMES",
    "Split",
    "TASKS",
    "UNKNOWN_CATEGORY",
    "add_lag_features",
    "check_sensitive",
    "check_target",
    "data_dir",
    "dataset_table",
    "favourable_or_positive",
    "fetch_online_dataset",
    "forecast_setup",
    "group_display_label",
    "label_groups",
    "lag_column_name",
    "list_datasets",
    "list_online_datasets",
    "load_dataset",
    "load_forecast_dataset",
    "recent_period",
    "sensitive_display_name",
    "split_dataset",
    "with_lag_features",
]
