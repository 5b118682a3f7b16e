"""Optional online-only datasets: fairlearn's larger ``fetch_*`` datasets, cached on disk.

Diabetes hospital readmission, credit-card default and ACS income are too large to ship.
:func:`fetch_online_dataset` downloads one with fairlearn (cache under ``data/cache/``) and
returns it as a :class:`~greennb.data.Dataset`; offline it raises
:class:`~greennb.errors.DatasetOfflineError` naming the shipped alternatives.

Examples
--------
>>> list_online_datasets()
['acs_income', 'credit_card_default', 'diabetes_hospital']
"""

from __future__ import annotations

import http.client
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from greennb._validation import require_columns
from greennb.data._builders import fill_unknown
from greennb.data._dataset import Dataset
from greennb.data._files import data_dir
from greennb.data._registry import list_datasets
from greennb.errors import DatasetOfflineError, InvalidValueError

# Error-message templates, kept here so that tests can match them.
UNKNOWN_ONLINE_DATASET_MSG = (
    "Unknown online dataset {name!r}. Valid online names: {valid}. "
    "Datasets shipped offline (use load_dataset): {shipped}."
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
    require_columns(frame, [*spec.sensitive], role="Sensitive")
    for column in spec.sensitive:
        frame = fill_unknown(frame, column)
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
    greennb.errors.InvalidValueError
        If ``name`` is unknown; the message lists the online and the shipped names.
    greennb.errors.DatasetOfflineError
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
