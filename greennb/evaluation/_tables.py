"""Tables: variants side by side, and run-record model entries with what fairness cost.

- :func:`variant_table` and :func:`variant_group_table` line up
  :class:`~greennb.evaluation.VariantEvaluation` records (ratios to a baseline, per group);
- :func:`models_table` and :func:`fairness_cost_table` read run-record model entries: quality,
  R = A / B, energy and emissions with their intervals, and the extra kWh and g CO2e per point
  of R a mitigation cost.

Every comparison of two energies carries :func:`greennb.energy.compare_energy`'s verdict
(``energy_verdict``): "less" or "more" only beyond the noise, else "no measurable difference";
a ratio or a difference alone is not a verdict.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping, Sequence
from types import SimpleNamespace
from typing import Any

import pandas as pd

from greennb._validation import positive
from greennb.energy import EnergyInterval, compare_energy
from greennb.errors import InvalidValueError
from greennb.evaluation._variant import VariantEvaluation, _group_labels

# Error messages, kept as templates so that tests can match them.
DUPLICATE_NAME_MSG = "Variant names must be unique; {name!r} appears more than once."
UNKNOWN_BASELINE_MSG = "Unknown baseline {value!r}; valid choices (variant names): {choices}."
NO_SUCH_MODEL_ERROR = "No model entry named {value!r}; models in the entries: {choices}."
NO_FAIRNESS_ERROR = (
    "Model {model!r} has no fairness entry {value!r}; its fairness entries: {choices}."
)
NO_QUALITY_ERROR = "Model {model!r} has no quality metric {value!r}; its metrics: {choices}."
MIXED_FAIRNESS_ERROR = (
    "Model {model!r} reports R for {after!r} but its baseline {baseline!r} for {before!r}; "
    "pass fairness=<label> to compare the same metric."
)


# ---------------------------------------------------------------------------
# What the fairness cost: tables from run-record model entries
# ---------------------------------------------------------------------------


def _number(value: Any) -> float:
    """Return a JSON number as float; None (an undefined value in a record) as NaN."""
    return float(value) if isinstance(value, numbers.Real) else math.nan


def _bounds(prefix: str, interval: Any) -> dict[str, float]:
    """Return ``<prefix>_low`` and ``<prefix>_high`` of a stored interval (NaN when absent)."""
    interval = interval if isinstance(interval, Mapping) else {}
    return {f"{prefix}_{b}": _number(interval.get(b)) for b in ("low", "high")}


def _figure(value: float, low: float, high: float) -> SimpleNamespace:
    """Return what :func:`compare_energy` reads: ``energy_kwh`` (None when NaN), its interval."""
    known = not math.isnan(value)
    bounded = known and not (math.isnan(low) or math.isnan(high))
    return SimpleNamespace(
        phase="",
        energy_kwh=value if known else None,
        interval=EnergyInterval(value, low, high) if bounded else None,
    )


def _verdict(a: Any, b: Any) -> str | None:
    """Return compare_energy's verdict on ``a`` against ``b``; None when one has no energy."""
    if a.energy_kwh is None or b.energy_kwh is None:
        return None
    return compare_energy(a, b).verdict


def _fairness_entry(entry: Mapping[str, Any], label: str | None) -> tuple[str | None, dict]:
    fairness = entry.get("fairness") or {}
    if label is None:
        first = next(iter(fairness), None)
        return first, fairness.get(first, {}) if first is not None else {}
    if label not in fairness:
        raise InvalidValueError(
            NO_FAIRNESS_ERROR.format(
                model=entry.get("name"), value=label, choices=", ".join(fairness) or "none"
            )
        )
    return label, fairness[label]


def _entry_row(entry: Mapping[str, Any], *, fairness: str | None, quality: str) -> dict[str, Any]:
    metrics = entry.get("quality") or {}
    if quality not in metrics:
        raise InvalidValueError(
            NO_QUALITY_ERROR.format(
                model=entry.get("name"), value=quality, choices=", ".join(metrics) or "none"
            )
        )
    label, sri = _fairness_entry(entry, fairness)
    total = entry.get("energy_total") or {}
    carbon = entry.get("carbon") or {}
    return {
        "model": entry["name"],
        quality: float(metrics[quality]),
        "fairness_metric": label,
        "R": _number(sri.get("value")),
        "A": _number(sri.get("fairness_score")),
        "B": _number(sri.get("bar")),
        "energy_kwh": _number(total.get("energy_kwh")),
        **_bounds("energy_kwh", total.get("interval")),
        "energy_status": total.get("status"),
        "total_kwh": _number(carbon.get("total_kwh")),
        **_bounds("total_kwh", carbon.get("total_kwh_interval")),
        "emissions_g": _number(carbon.get("emissions_g")),
        **_bounds("emissions_g", carbon.get("emissions_g_interval")),
    }


def models_table(
    entries: Iterable[Mapping[str, Any]], *, fairness: str | None = None, quality: str = "accuracy"
) -> pd.DataFrame:
    """Tabulate run-record model entries: quality, R = A / B, energy and emissions.

    Parameters
    ----------
    entries : iterable of mapping
        Model entries as returned by :meth:`greennb.runs.RunRecord.add_model` (or the
        ``"models"`` list of a ``metrics.json``).
    fairness : str, optional
        Fairness label to report (e.g. ``"demographic_parity"``); default each entry's first
        (headline) one.
    quality : str, default "accuracy"
        Task metric to report.

    Returns
    -------
    pandas.DataFrame
        One row per entry: ``model``, the quality metric, ``fairness_metric``, ``R``, ``A``,
        ``B``, ``energy_kwh`` (E_computation, kWh, measured or estimated as
        ``energy_status`` says), ``total_kwh`` (E_total = E × PUE, kWh) and ``emissions_g``
        (g CO2e at the record's grid, PUE and renewable share), each with its interval's
        ``_low`` and ``_high``. Missing values are NaN.

    Raises
    ------
    ValueError
        If an entry lacks the quality metric or the named fairness entry.
    """
    rows = [_entry_row(entry, fairness=fairness, quality=quality) for entry in entries]
    return pd.DataFrame(rows)


def _cost_row(after: pd.Series, before: pd.Series, quality: str, point: float) -> dict[str, Any]:
    if after["fairness_metric"] != before["fairness_metric"]:
        raise InvalidValueError(
            MIXED_FAIRNESS_ERROR.format(
                model=after["model"],
                after=after["fairness_metric"],
                baseline=before["model"],
                before=before["fairness_metric"],
            )
        )
    gain = after["R"] - before["R"]
    extra_kwh = after["energy_kwh"] - before["energy_kwh"]
    extra_g = after["emissions_g"] - before["emissions_g"]
    points = gain / point if gain > 0 else math.nan  # no gain: no cost per point
    statuses = {after["energy_status"], before["energy_status"]}
    return {
        "model": after["model"],
        "baseline": before["model"],
        "fairness_metric": after["fairness_metric"],
        "R_before": before["R"],
        "R_after": after["R"],
        "delta_R": gain,
        f"{quality}_before": before[quality],
        f"{quality}_after": after[quality],
        f"delta_{quality}": after[quality] - before[quality],
        "kwh_before": before["energy_kwh"],
        "kwh_after": after["energy_kwh"],
        "extra_kwh": extra_kwh,
        "g_co2e_before": before["emissions_g"],
        "g_co2e_after": after["emissions_g"],
        "extra_g_co2e": extra_g,
        "extra_kwh_per_point": extra_kwh / points,
        "extra_g_co2e_per_point": extra_g / points,
        "energy_verdict": _verdict(*(_entry_figure(row) for row in (after, before))),
        "energy_status": ", ".join(sorted(s for s in statuses if s)),
    }


def _entry_figure(row: pd.Series) -> SimpleNamespace:
    return _figure(row["energy_kwh"], row["energy_kwh_low"], row["energy_kwh_high"])


def fairness_cost_table(
    entries: Iterable[Mapping[str, Any]],
    *,
    baselines: Mapping[str, str],
    fairness: str | None = None,
    quality: str = "accuracy",
    point: float = 0.01,
) -> pd.DataFrame:
    """Tabulate what each mitigation cost: extra kWh and g CO2e per point of R gained.

    For a mitigated model M and its unmitigated baseline M0 (two entries of a run record):
    ``delta_R = R(M) − R(M0)``; ``extra_kwh = E(M) − E(M0)`` with E the entry's total
    computation energy over its recorded phases (kWh); ``extra_g_co2e`` likewise from the
    entries' emissions (E × PUE × grid intensity × (1 − ε)); and per point of R,
    ``extra_kwh_per_point = extra_kwh / (delta_R / point)``. Record each mitigated entry
    with every phase needed to produce it (the baseline's training too, for postprocessing
    of a prefit model) so that the energies compare like with like.

    Parameters
    ----------
    entries : iterable of mapping
        Model entries of a run record (see :func:`models_table`).
    baselines : mapping of str to str
        Mitigated model name → name of the model it started from.
    fairness : str, optional
        Fairness label whose R is compared; default each entry's headline one.
    quality : str, default "accuracy"
        Task metric whose change is reported.
    point : float, default 0.01
        Size of one "point" of R (0.01: one percentage point of the bar).

    Returns
    -------
    pandas.DataFrame
        One row per mitigated model: ``model``, ``baseline``, ``fairness_metric``,
        ``R_before``, ``R_after``, ``delta_R``, ``<quality>_before``, ``<quality>_after``,
        ``delta_<quality>``, ``kwh_before``, ``kwh_after``, ``extra_kwh``,
        ``g_co2e_before``, ``g_co2e_after``, ``extra_g_co2e``, ``extra_kwh_per_point``,
        ``extra_g_co2e_per_point``, ``energy_verdict`` (:func:`greennb.energy.compare_energy`
        of the mitigated model's energy against the baseline's: "more" only beyond the noise,
        None when one is unavailable) and ``energy_status`` (measured/estimated).
        Per-point costs are NaN when R did not improve (``delta_R <= 0``) and negative
        when the mitigated model used less energy.

    Raises
    ------
    ValueError
        If a name in ``baselines`` is not an entry (the message lists the entries), an entry
        lacks the quality metric or fairness label, or ``point`` is not positive.

    Examples
    --------
    >>> def entry(name, r, kwh):
    ...     return {"name": name, "quality": {"accuracy": 0.9},
    ...             "fairness": {"demographic_parity": {"value": r, "fairness_score": 0.8 * r,
    ...                                                 "bar": 0.8}},
    ...             "energy_total": {"energy_kwh": kwh, "status": "estimated"},
    ...             "carbon": {"total_kwh": 1.5 * kwh, "emissions_g": 600 * kwh}}
    >>> table = fairness_cost_table([entry("lr", 1.0, 0.002), entry("lr+eg", 1.2, 0.012)],
    ...                             baselines={"lr+eg": "lr"})
    >>> round(float(table.loc[0, "extra_kwh_per_point"]), 6)
    0.0005
    """
    step = positive(point, name="point", unit="a step of R, e.g. 0.01")
    table = models_table(entries, fairness=fairness, quality=quality).set_index("model", drop=False)
    names = list(table.index)
    for name in (*baselines, *baselines.values()):
        if name not in names:
            raise InvalidValueError(
                NO_SUCH_MODEL_ERROR.format(value=name, choices=", ".join(names))
            )
    rows = [
        _cost_row(table.loc[after], table.loc[before], quality, step)
        for after, before in baselines.items()
    ]
    return pd.DataFrame(rows)


def variant_table(
    evaluations: Sequence[VariantEvaluation], *, baseline: str | None = None
) -> pd.DataFrame:
    """Line variants up, one row each, with ratios to a baseline.

    Parameters
    ----------
    evaluations : sequence of VariantEvaluation
        Results of :func:`evaluate_variant`, with distinct names.
    baseline : str, optional
        Name of the reference variant; default the first.

    Returns
    -------
    pandas.DataFrame
        The columns of :meth:`VariantEvaluation.to_row`, plus ``speedup`` (throughput over the
        baseline's), ``parameter_ratio`` (baseline parameters over the variant's: 10 means
        ten times fewer), ``size_ratio`` (likewise for bytes), ``energy_ratio`` (inference
        energy per prediction over the baseline's), ``energy_verdict``
        (:func:`greennb.energy.compare_energy` of the energy per 1,000 predictions against the
        baseline's: "less", "more" or "no measurable difference"; None when either is
        unavailable) and ``accuracy_delta_points`` (accuracy minus the baseline's, in
        percentage points) or ``mae_delta`` for regression.

    Raises
    ------
    ValueError
        For duplicate names or an unknown baseline (the message lists the names).
    """
    rows = pd.DataFrame([evaluation.to_row() for evaluation in evaluations])
    names = list(rows["variant"]) if len(rows) else []
    duplicate = next((n for n in names if names.count(n) > 1), None)
    if duplicate is not None:
        raise InvalidValueError(DUPLICATE_NAME_MSG.format(name=duplicate))
    if not names:
        return rows
    baseline = names[0] if baseline is None else baseline
    if baseline not in names:
        raise InvalidValueError(
            UNKNOWN_BASELINE_MSG.format(value=baseline, choices=", ".join(names))
        )
    base = rows.set_index("variant").loc[baseline]
    rows["speedup"] = rows["throughput_per_s"] / base["throughput_per_s"]
    rows["parameter_ratio"] = base["parameters"] / rows["parameters"]
    rows["size_ratio"] = base["size_bytes"] / rows["size_bytes"]
    energy = pd.to_numeric(rows["inference_wh_per_1000"], errors="coerce")
    rows["energy_ratio"] = energy / pd.to_numeric(base["inference_wh_per_1000"], errors="coerce")
    figures = {e.name: _per_prediction(e) for e in evaluations}
    rows["energy_verdict"] = [_verdict(figures[n], figures[baseline]) for n in names]
    if "accuracy" in rows:
        rows["accuracy_delta_points"] = 100 * (rows["accuracy"] - base["accuracy"])
    if "mae" in rows:
        rows["mae_delta"] = rows["mae"] - base["mae"]
    return rows


def _per_prediction(evaluation: VariantEvaluation) -> SimpleNamespace:
    """Return the energy per 1,000 predictions as a figure for :func:`compare_energy`."""
    return SimpleNamespace(
        phase=evaluation.inference_energy.phase,
        energy_kwh=evaluation.inference_kwh_per_1000,
        interval=evaluation.inference_kwh_per_1000_interval,
        attribution=evaluation.inference_energy.attribution,
    )


def variant_group_table(evaluations: Sequence[VariantEvaluation]) -> pd.DataFrame:
    """Per-group metrics of several variants in long format, for plots and comparisons.

    Parameters
    ----------
    evaluations : sequence of VariantEvaluation
        Results of :func:`evaluate_variant`.

    Returns
    -------
    pandas.DataFrame
        Columns ``variant``, ``group``, ``count`` (rows of the group), ``metric``
        (``accuracy``, ``true_positive_rate`` or ``mae``) and ``value``; one row per variant,
        group and metric.
    """
    frames = []
    for evaluation in evaluations:
        table = evaluation.by_group.copy()
        table.index = _group_labels(table)
        long = table.rename_axis("group").reset_index()
        long = long.melt(id_vars=["group", "count"], var_name="metric", value_name="value")
        frames.append(long.assign(variant=evaluation.name))
    columns = ["variant", "group", "count", "metric", "value"]
    return (
        pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)
    )
