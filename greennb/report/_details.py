"""One run's details for the explorer: a model's per-group table and its energy phases.

Both read the run's ``metrics.json`` again (validated, as the report reads it): the report
table keeps one row per (run, model) with the first fairness entry's R only, while a drill-down
wants every group of every fairness entry and every measured phase.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pandas as pd

from greennb._validation import one_of
from greennb.data import group_display_label
from greennb.errors import InvalidValueError
from greennb.runs import read_metrics

#: Columns of :func:`run_groups`.
GROUP_COLUMNS = ("fairness", "group", "label", "size", "small", "rate", "value")
#: Columns of :func:`run_phases`.
PHASE_COLUMNS = ("phase", "role", "status", "duration_s", "energy_wh", "energy_wh_low",
                 "energy_wh_high", "attribution")  # fmt: skip
# Keys of a group's entry that are not rates.
_GROUP_KEYS = ("size", "small")


def _model(run_dir: str | os.PathLike, model: str) -> tuple[dict[str, Any], str | None]:
    """Return a model's entry of a run's record, and the run's dataset name.

    An unknown model raises InvalidValueError listing the run's models.
    """
    record = read_metrics(Path(run_dir))
    entries = {entry["name"]: entry for entry in record["models"]}
    return entries[one_of(model, tuple(entries), name="model")], record["dataset"].get("name")


def _label(dataset: str | None, group: str, values: dict[str, Any]) -> str:
    """Return a group's readable label (data/README.md), or its code for an unknown dataset.

    A group's entry names its sensitive column(s): the keys whose value is not a number.
    """
    columns = [key for key, value in values.items() if isinstance(value, str)]
    try:
        return group_display_label(dataset, columns[0] if len(columns) == 1 else None, group)
    except InvalidValueError:  # a dataset that greennb does not ship
        return group


def _rates(group: dict[str, Any]) -> dict[str, float]:
    """Return a group's rates: the numbers of its entry that have a numerator recorded."""
    return {
        name: float(value)
        for name, value in group.items()
        if isinstance(value, int | float) and f"{name}_numerator" in group
    }


def run_groups(run_dir: str | os.PathLike, model: str) -> pd.DataFrame:
    """Return a model's per-group rates of every fairness entry of a run, one row per rate.

    Parameters
    ----------
    run_dir : str or path
        The run folder (with its ``metrics.json``).
    model : str
        A model of the run (the record's model ``name``).

    Returns
    -------
    pandas.DataFrame
        The columns :data:`GROUP_COLUMNS`: the fairness entry (``demographic_parity``,
        ``demographic_parity_adverse`` ...), the group (its code) and its readable label
        (:func:`greennb.data.group_display_label`), its size (rows), whether it is below
        the entry's minimum group size, the rate's name and its value (a fraction). Empty
        when the model has no fairness entry.

    Raises
    ------
    greennb.errors.InvalidValueError
        If the run has no such model (the message lists its models), or its record does not
        validate.
    """
    entry_of_model, dataset = _model(run_dir, model)
    rows = [
        {"fairness": entry_name, "group": str(group), "label": _label(dataset, group, values),
         "size": values.get("size"), "small": bool(values.get("small", False)), "rate": rate,
         "value": value}
        for entry_name, entry in entry_of_model.get("fairness", {}).items()
        for group, values in (entry.get("by_group") or {}).items()
        for rate, value in _rates(values).items()
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=list(GROUP_COLUMNS))


def _wh(value: Any) -> float:
    return float("nan") if value is None else float(value) * 1000.0


def run_phases(run_dir: str | os.PathLike, model: str) -> pd.DataFrame:
    """Return a model's energy phases of a run: each tracked phase with its interval.

    Parameters
    ----------
    run_dir : str or path
        The run folder (with its ``metrics.json``).
    model : str
        A model of the run.

    Returns
    -------
    pandas.DataFrame
        The columns :data:`PHASE_COLUMNS`: the phase's name, its role in the record
        (``train``, ``inference``, ``mitigate`` ...), its status (measured, estimated,
        unavailable), duration (s), computation energy (Wh) with the low and high ends of its
        interval (NaN when unavailable), and how the energy was attributed
        (``machine-wide``, or shared).

    Raises
    ------
    greennb.errors.InvalidValueError
        If the run has no such model, or its record does not validate.
    """
    rows = []
    for role, phase in _model(run_dir, model)[0].get("energy", {}).items():
        interval = phase.get("interval") or {}
        rows.append(
            {"phase": phase.get("phase", role), "role": role, "status": phase.get("status"),
             "duration_s": phase.get("duration_s"), "energy_wh": _wh(phase.get("energy_kwh")),
             "energy_wh_low": _wh(interval.get("low")),
             "energy_wh_high": _wh(interval.get("high")),
             "attribution": phase.get("attribution")}
        )  # fmt: skip
    return pd.DataFrame(rows, columns=list(PHASE_COLUMNS))
