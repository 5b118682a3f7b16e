"""The report's table: every finished run of the store, one row per (run, model).

Each row holds the model's task quality, the social responsibility index R = A / B of its first
fairness entry, computation energy with its status (measured or estimated), facility energy with
PUE, emissions and the settings that priced them, the privacy of a model trained with it
(``privacy_mechanism``, ``privacy_epsilon``) and of the run's table release
(``privacy_release_k``), and of a federated training (``federated_rounds``, ``federated_clients``,
``federated_mb_sent``), where the run records them, each energy and emissions figure with its
low–high interval (``<column>_low``, ``<column>_high``). Training energy and energy per 1,000
predictions are separate columns, never summed (:mod:`greennb.report._energy`); a model whose
phases ran on a shared machine is flagged ``machine_shared``. ``parameter_set`` names the run's
parameters (all but its folder), so that repeats of the same parameters can be told from different
runs. A run is labelled by its folder, ``<case folder>/<run folder>``, never by what its record
says. The store is read by :func:`greennb.report._scan.scan_store` (nothing through a link out of
the store); a record that cannot be read, or whose values cannot fill the table (text where a
number belongs, a JSON object where the table expects a list...), is left out with a
:class:`~greennb.errors.SkippedRunWarning` naming the run and the reason, and listed in the table's
``attrs["skipped_runs"]``.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from greennb._validation import is_real
from greennb.errors import InvalidValueError, SkippedRunWarning
from greennb.models import QUALITY_BY_TASK
from greennb.report._energy import energy_columns
from greennb.report._scan import SkippedRun, run_label, scan_store, skip_reason
from greennb.runs import runs_root as default_runs_root

#: Columns of :func:`collect_runs`, in order.
REPORT_COLUMNS = (
    "run_id",
    "case",
    "dataset",
    "model",
    "task",
    "quality_metric",
    "quality",
    "quality_unit",
    "sri",
    "sri_fairness_score",
    "sri_bar",
    "sri_metric",
    "meets_bar",
    "privacy_mechanism",
    "privacy_epsilon",
    "privacy_release_k",
    "federated_rounds",
    "federated_clients",
    "federated_mb_sent",
    "energy_kwh",
    "energy_kwh_low",
    "energy_kwh_high",
    "energy_status",
    "train_kwh",
    "train_kwh_low",
    "train_kwh_high",
    "train_status",
    "train_phases",
    "inference_kwh_per_1000",
    "inference_kwh_per_1000_low",
    "inference_kwh_per_1000_high",
    "inference_status",
    "inference_predictions",
    "inference_phases",
    "machine_shared",
    "shared_phases",
    "total_kwh",
    "total_kwh_low",
    "total_kwh_high",
    "emissions_g",
    "emissions_g_low",
    "emissions_g_high",
    "country",
    "pue",
    "renewable_share",
    "device",
    "seed",
    "quick",
    "parameter_set",
    "finished_at",
    "duration_s",
    "run_dir",
)
#: Quality metrics that are fractions; any other is taken to be in the target's unit.
FRACTION_METRICS = ("accuracy", "balanced_accuracy", "f1", "precision", "recall", "roc_auc", "r2")
# Columns of REPORT_COLUMNS that are numbers (float, NaN where absent).
_NUMERIC_COLUMNS = [
    "quality",
    "sri",
    "sri_fairness_score",
    "sri_bar",
    "privacy_epsilon",
    "privacy_release_k",
    "federated_rounds",
    "federated_clients",
    "federated_mb_sent",
    *(
        f"{name}{bound}"
        for name in ("energy_kwh", "train_kwh", "inference_kwh_per_1000", "total_kwh")
        for bound in ("", "_low", "_high")
    ),
    "inference_predictions",
    "emissions_g",
    "emissions_g_low",
    "emissions_g_high",
    "pue",
    "renewable_share",
    "duration_s",
]
# Parameters that differ between repeats of the same run (left out of parameter_set).
_RUN_SPECIFIC_PARAMETERS = ("run_dir",)
#: Key of :attr:`pandas.DataFrame.attrs` that lists the runs the table left out.
SKIPPED_RUNS = "skipped_runs"
#: Why a record whose figure is not a number is left out.
NOT_A_NUMBER_MSG = "model {model!r}: {column} is {value!r}, not a number"
# What reading a schema-valid but malformed record into rows can raise: the schema checks
# the keys and the figures it relies on, not the type of every value the table shows.
_MALFORMED_RECORD_ERRORS = (ValueError, TypeError, KeyError, AttributeError)


def _quality(model: Mapping[str, Any], task: str | None) -> tuple[str | None, float]:
    """Return the model's headline quality: accuracy, or MAE for regression and forecasts."""
    quality = model.get("quality") or {}
    by_lower = {str(key).lower(): key for key in quality}
    key = by_lower.get(QUALITY_BY_TASK.get(task or "", ""))
    if key is None and quality:
        key = next(iter(quality))
    return (None, math.nan) if key is None else (str(key), float(quality[key]))


def _first_fairness(model: Mapping[str, Any]) -> dict[str, Any]:
    """Return the SRI columns (R, A, B, metric, meets_bar) of the model's first fairness entry."""
    entries = list((model.get("fairness") or {}).values())
    if not entries:
        return {}
    sri = entries[0]
    metric = sri.get("metric")
    return {
        "sri": sri.get("value"),
        "sri_fairness_score": sri.get("fairness_score"),
        "sri_bar": sri.get("bar"),
        "sri_metric": "+".join(metric) if isinstance(metric, list) else metric,
        "meets_bar": sri.get("meets_bar"),
    }


def _device(model: Mapping[str, Any], record: Mapping[str, Any]) -> str | None:
    """Return the device type the model ran on, else the run's."""
    device = (model.get("extra") or {}).get("device") or record["environment"].get("device")
    return device.get("type") if isinstance(device, Mapping) else device


def _bounds(interval: Any) -> tuple[Any, Any]:
    """Return ``(low, high)`` of a stored interval ``{"value", "low", "high"}``, or Nones."""
    if not isinstance(interval, Mapping):
        return None, None
    return interval.get("low"), interval.get("high")


def parameter_set(parameters: Mapping[str, Any]) -> str:
    """Return a short name of a run's parameters, the same for repeats of the same parameters.

    The first 8 hex digits of the SHA-256 of the parameters as sorted JSON, without the run's
    own folder (``run_dir``).

    Examples
    --------
    >>> parameter_set({"seed": 0, "run_dir": "a"}) == parameter_set({"run_dir": "b", "seed": 0})
    True
    >>> parameter_set({"seed": 0}) == parameter_set({"seed": 1})
    False
    """
    kept = {k: v for k, v in parameters.items() if k not in _RUN_SPECIFIC_PARAMETERS}
    text = json.dumps(kept, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def _check_numbers(row: Mapping[str, Any]) -> None:
    """Raise InvalidValueError when a number column of a row holds something else."""
    for column in _NUMERIC_COLUMNS:
        value = row.get(column)
        if value is not None and not is_real(value):
            raise InvalidValueError(
                NOT_A_NUMBER_MSG.format(model=row["model"], column=column, value=value)
            )


def _privacy(extra: Mapping[str, Any]) -> dict[str, Any]:
    """Return the privacy columns: the model's mechanism and ε, and the k of the table release."""
    privacy = extra.get("privacy") or {}
    return {
        "privacy_mechanism": privacy.get("mechanism"),
        "privacy_epsilon": privacy.get("epsilon"),
        "privacy_release_k": extra.get("release_k"),
    }


def _federated(extra: Mapping[str, Any]) -> dict[str, Any]:
    """Return the federated columns: rounds, clients and megabytes sent (10⁶ bytes)."""
    federated = extra.get("federated") or {}
    return {
        "federated_rounds": federated.get("rounds"),
        "federated_clients": federated.get("clients"),
        "federated_mb_sent": federated.get("bytes_total_mb", federated.get("mb_sent")),
    }


def _rows(run_dir: Path, record: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Return one row per model of a run's record (``metrics.json``), labelled by its folder."""
    rows = []
    label, case = run_label(run_dir), run_dir.parent.name
    parameters = record.get("parameters") or {}
    for model in record["models"]:
        extra = model.get("extra") or {}
        task = extra.get("task") or record["dataset"].get("task")
        metric, value = _quality(model, task)
        unit = "fraction" if str(metric).lower() in FRACTION_METRICS else None
        total, carbon = model["energy_total"], model["carbon"]
        energy_low, energy_high = _bounds(total.get("interval"))
        total_low, total_high = _bounds(carbon.get("total_kwh_interval"))
        emissions_low, emissions_high = _bounds(carbon.get("emissions_g_interval"))
        rows.append(
            {
                "run_id": label,
                "case": case,
                "dataset": extra.get("dataset") or record["dataset"].get("name"),
                "model": model["name"],
                "task": task,
                "quality_metric": metric,
                "quality": value,
                "quality_unit": unit or record["dataset"].get("target_unit"),
                **_first_fairness(model),
                **_privacy(extra),
                **_federated(extra),
                "energy_kwh": total.get("energy_kwh"),
                "energy_kwh_low": energy_low,
                "energy_kwh_high": energy_high,
                "energy_status": total.get("status"),
                **energy_columns(model, record),
                "total_kwh": carbon.get("total_kwh"),
                "total_kwh_low": total_low,
                "total_kwh_high": total_high,
                "emissions_g": carbon.get("emissions_g"),
                "emissions_g_low": emissions_low,
                "emissions_g_high": emissions_high,
                "country": carbon.get("country"),
                "pue": carbon.get("pue"),
                "renewable_share": carbon.get("renewable_share"),
                "device": _device(model, record),
                "seed": record.get("seed"),
                "quick": parameters.get("quick"),
                "parameter_set": parameter_set(parameters),
                "finished_at": record["finished_at"],
                "duration_s": record["duration_s"],
                "run_dir": str(run_dir),
            }
        )
        _check_numbers(rows[-1])
    return rows


def collect_runs(runs_root: str | os.PathLike | None = None) -> pd.DataFrame:
    """Return every finished run of the store as a tidy table, one row per (run, model).

    Parameters
    ----------
    runs_root : str or path, optional
        Root of the run store; default ``$GREENNB_RUNS_DIR`` or ``./papermill_runs``.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`REPORT_COLUMNS`: ``quality`` is accuracy (fraction) for
        classification and MAE (target units) for regression and forecasts, else the record's
        first quality metric (named in ``quality_metric``); ``sri``, ``sri_fairness_score``,
        ``sri_bar`` are R, A and B of the model's first fairness entry (NaN when undefined or
        absent); ``energy_kwh`` is computation energy of all the entry's phases (kWh) with
        ``energy_status`` measured, estimated or unavailable; ``train_kwh`` the training
        phases' and ``inference_kwh_per_1000`` the inference phases' per 1,000 predictions
        (kWh, with ``train_status``, ``inference_status``; see
        :mod:`greennb.report._energy`); ``total_kwh`` is facility energy (kWh, × PUE);
        ``emissions_g`` is g CO2e; each energy and emissions column has its interval's
        ``_low`` and ``_high``; ``machine_shared`` flags figures taken while other processes
        used the machine (not attributable; ``shared_phases`` names them);
        ``parameter_set`` names the run's parameters (:func:`parameter_set`); ``duration_s``
        is the run's duration (s); ``case`` and ``run_id`` (``<case>/<run>``) are the run's
        folders. Empty (with these columns) when the store has no finished run.
        ``attrs["skipped_runs"]`` lists the run folders left out, each a
        :class:`~greennb.report.SkippedRun` (its path and the reason).

    Warns
    -----
    greennb.errors.SkippedRunWarning
        For each run folder left out: its record links out of the store, is missing, does
        not validate, or holds a value that cannot fill the table (the message names the run,
        relative to the store, and the reason).
    """
    rows: list[dict[str, Any]] = []
    runs, skipped = scan_store(Path(runs_root or default_runs_root()))
    for run_dir, record in runs:
        try:
            rows.extend(_rows(run_dir, record))
        except _MALFORMED_RECORD_ERRORS as error:
            skipped.append(SkippedRun(run_label(run_dir), skip_reason(error)))
    for run in skipped:
        warnings.warn(str(run), SkippedRunWarning, stacklevel=2)
    table = pd.DataFrame(rows, columns=list(REPORT_COLUMNS))
    table[_NUMERIC_COLUMNS] = table[_NUMERIC_COLUMNS].astype(float)
    table.attrs[SKIPPED_RUNS] = skipped
    return table
