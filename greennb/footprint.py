"""Footprint of model variants, and a forecast of a training's footprint from its first epochs.

* :func:`evaluate_variant` measures any torch-MLP variant (a baseline, or one made by a lever
  of :mod:`greennb.efficiency`) the same way and returns a :class:`VariantEvaluation`: size,
  FLOPs per prediction, batch-inference latency and throughput, energy per 1,000 predictions,
  training energy (passed in), accuracy, per-group accuracy and true positive rate, and the
  social responsibility index. :func:`variant_table` lines several up, relative to a baseline,
  so that energy, accuracy **and** fairness of each lever are seen at once (compression is
  known to hurt small groups first: Hooker et al. 2020, "Characterising Bias in Compressed
  Models").
* :class:`FootprintForecaster` measures each epoch of a training as its own phase and, after
  the first k epochs, forecasts the energy, time and CO2e of the whole run, as carbontracker
  does (Anthony, Kanding & Selvan 2020); :func:`fit_with_forecast` does this for a torch MLP
  and returns a :class:`ForecastReport` with the forecast's error once the run has finished.

Every energy figure keeps CodeCarbon's flag: **measured**, or **estimated** (CPU-load × TDP
and RAM models on machines without RAPL, such as most VMs).
"""

from __future__ import annotations

import dataclasses
import math
import numbers
import statistics
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, mean_absolute_error
from sklearn.pipeline import Pipeline

from greennb.carbon import DEFAULT_PUE, carbon_emissions, default_country, facility_energy
from greennb.data import Dataset, Split
from greennb.efficiency import (
    UNSUPPORTED_MODEL_MSG,
    _estimator_of,
    layer_shapes,
    model_size_bytes,
    network_of,
    weight_sparsity,
)
from greennb.energy import (
    STATUS_UNAVAILABLE,
    EnergyResult,
    EnergySession,
    get_session,
    track,
    worst_status,
)
from greennb.fairness import _index_label, fairness_report
from greennb.sri import SRIResult, social_responsibility_index
from greennb.torch_mlp import TorchMLPClassifier, TorchMLPRegressor

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "DEFAULT_FORECAST_AFTER",
    "FootprintForecast",
    "FootprintForecaster",
    "ForecastReport",
    "VariantEvaluation",
    "evaluate_variant",
    "fit_with_forecast",
    "forecast_footprint",
    "forecast_report",
    "variant_group_table",
    "variant_table",
]

#: Rows per batch when timing batch inference.
DEFAULT_BATCH_SIZE = 1024
#: Minimum length of the timed inference loop (s): CodeCarbon reads the CPU load every second.
DEFAULT_MIN_SECONDS = 1.0
#: Epochs measured before :class:`FootprintForecaster` forecasts the whole run.
DEFAULT_FORECAST_AFTER = 2
#: Status of a training energy that was not given to :func:`evaluate_variant`.
STATUS_NOT_GIVEN = "not given"


# --- Error messages (tests match them) ------------------------------------------------------

NOT_ENERGY_MSG = (
    "training_energy must be an EnergyResult (from greennb.track), a sequence of them, or "
    "None; got {type_name}."
)
COUNT_MSG = "{name} must be an integer >= {minimum}; got {value!r}."
SECONDS_MSG = "{name} must be a finite number > 0 (seconds); got {value!r}."
UNKNOWN_BASELINE_MSG = "Unknown baseline {value!r}; valid choices (variant names): {choices}."
DUPLICATE_NAME_MSG = "Variant names must be unique; {name!r} appears more than once."
EPOCH_OPEN_MSG = "epoch {epoch} is still being measured; end it before starting another."
NO_EPOCH_MSG = "no epoch is being measured; call start_epoch() first."
FORECAST_AFTER_MSG = (
    "forecast_after={forecast_after} must be an integer between 1 and planned_epochs ({planned})."
)
TOO_FEW_EPOCHS_MSG = "forecast needs {needed} measured epoch(s); got {got}."
WARMUP_MSG = (
    "warmup_epochs must be an integer from 0 to one less than the measured epochs "
    "({measured}); got {value!r}."
)


def _count(value: Any, *, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(COUNT_MSG.format(name=name, minimum=minimum, value=value))
    return int(value)


def _seconds(value: Any, *, name: str) -> float:
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
    if not ok or not math.isfinite(value) or value <= 0:
        raise ValueError(SECONDS_MSG.format(name=name, value=value))
    return float(value)


def _energy_sum(results: Sequence[EnergyResult]) -> tuple[float | None, str]:
    """Total kWh of the results (None if any is unavailable) and the worst status."""
    status = worst_status([r.status for r in results])
    if not results or any(r.energy_kwh is None for r in results):
        return None, STATUS_UNAVAILABLE
    return sum(r.energy_kwh for r in results), status


def _price(energy_kwh: float | None, *, country: str, pue: float, renewable_share: float):
    """Facility energy (kWh) and emissions (g CO2e): E × PUE, then C = E_total × CI × (1 − ε)."""
    if energy_kwh is None:
        return None, None
    total = facility_energy(energy_kwh, pue=pue).total_kwh
    grams = 1000.0 * carbon_emissions(total, country=country, renewable_share=renewable_share)
    return total, grams


# ---------------------------------------------------------------------------
# Evaluating a variant
# ---------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class VariantEvaluation:
    """What one model variant costs and how well and how fairly it predicts.

    Attributes
    ----------
    name : str
        Variant name, e.g. ``"teacher"``, ``"int8"``, ``"pruned-80%"``.
    levers : list of dict
        The levers applied, from the estimator's ``efficiency_levers_`` (empty: a baseline).
    task : str
        ``"classification"`` or ``"regression"``.
    parameters : int
        Weights and biases of the dense layers (int8 ones included).
    nonzero_parameters : int
        Of which not exactly zero (pruning zeroes weights without removing them).
    sparsity : float
        Share of zero weights in the dense layers (biases excluded).
    size_bytes : int
        Size of the saved weights (``torch.save`` of the state dict), bytes.
    flops_per_prediction : int
        ``2·in·out + out`` per dense layer, summed (the convention of
        :func:`greennb.estimate_flops`), as executed by dense kernels: pruned zeros count.
    device : str
        Where the variant ran.
    batch_size : int
        Rows per batch in the timing.
    latency_ms : float
        Median wall time to predict one batch (ms), after the preprocessing, which is the same
        for every variant and left out so that the lever's effect shows.
    throughput_per_s : float
        ``batch_size / latency`` (predictions per second).
    n_batches : int
        Batches predicted in the timed, tracked loop.
    inference_energy : EnergyResult
        Energy of that loop (machine-level, kWh, with its measured/estimated flag).
    inference_kwh_per_1000 : float or None
        Energy per 1,000 predictions (kWh): the machine's energy during the loop, idle power
        and other processes included (CodeCarbon's machine mode).
    inference_dynamic_kwh_per_1000 : float or None
        The same above the idle baseline (kWh), when :func:`greennb.measure_idle_baseline`
        was run in the session first; else None.
    training_energy_kwh : float or None
        Sum of the training phases given (kWh); None when not given or unavailable.
    training_energy_status : str
        ``"measured"``, ``"estimated"``, ``"unavailable"`` or ``"not given"``.
    training_phases : list of str
        The phases summed.
    quality : dict
        ``{"accuracy": ...}`` (classification) or ``{"mae": ...}`` (regression, target unit).
    by_group : pandas.DataFrame
        Per group: ``accuracy`` and ``true_positive_rate`` (classification) or ``mae``, and
        ``count``, from :func:`greennb.fairness_report`.
    pos_label : object
        The label counted as positive for the TPR and the SRI.
    sri : SRIResult
        The social responsibility index ``R = A / B``.
    """

    name: str
    levers: list[dict[str, Any]]
    task: str
    parameters: int
    nonzero_parameters: int
    sparsity: float
    size_bytes: int
    flops_per_prediction: int
    device: str
    batch_size: int
    latency_ms: float
    throughput_per_s: float
    n_batches: int
    inference_energy: EnergyResult
    inference_kwh_per_1000: float | None
    inference_dynamic_kwh_per_1000: float | None
    training_energy_kwh: float | None
    training_energy_status: str
    training_phases: list[str]
    quality: dict[str, float]
    by_group: pd.DataFrame
    pos_label: Any
    sri: SRIResult

    def to_row(self) -> dict[str, Any]:
        """Return one flat row for a table (see :func:`variant_table`)."""
        return {
            "variant": self.name,
            "levers": " + ".join(lever["lever"] for lever in self.levers) or "baseline",
            "parameters": self.parameters,
            "nonzero_parameters": self.nonzero_parameters,
            "sparsity": self.sparsity,
            "size_bytes": self.size_bytes,
            "flops_per_prediction": self.flops_per_prediction,
            "device": self.device,
            "latency_ms": self.latency_ms,
            "throughput_per_s": self.throughput_per_s,
            "inference_wh_per_1000": _wh(self.inference_kwh_per_1000),
            "inference_dynamic_wh_per_1000": _wh(self.inference_dynamic_kwh_per_1000),
            "inference_energy_status": self.inference_energy.status,
            "training_wh": _wh(self.training_energy_kwh),
            "training_energy_status": self.training_energy_status,
            **self.quality,
            "sri": self.sri.value,
            "fairness_score": self.sri.fairness_score,
            "worst_group": self.sri.worst_group,
        }

    def to_dict(self) -> dict[str, Any]:
        """Return the evaluation as plain JSON types (NaN becomes None)."""
        row = self.to_row()
        labels = _group_labels(self.by_group)
        by_group = {
            label: {str(k): _finite(v) for k, v in values.items()}
            for label, (_, values) in zip(labels, self.by_group.iterrows(), strict=True)
        }
        return {
            **{k: _finite(v) for k, v in row.items()},
            "levers": [dict(lever) for lever in self.levers],
            "batch_size": self.batch_size,
            "n_batches": self.n_batches,
            "training_phases": list(self.training_phases),
            "pos_label": self.pos_label if _is_plain(self.pos_label) else str(self.pos_label),
            "by_group": by_group,
            "inference_energy": self.inference_energy.to_dict(),
            "sri": self.sri.to_dict(),
        }

    def record_entry(self) -> dict[str, Any]:
        """Keyword arguments for ``RunRecord.add_model(evaluation.name, **...)``.

        Returns
        -------
        dict
            ``quality``, ``energy`` (the inference phase), ``fairness`` (the SRI) and
            ``extra`` (everything else of :meth:`to_dict`).
        """
        extra = self.to_dict()
        for key in ("sri", "inference_energy", *self.quality):
            extra.pop(key, None)
        return {
            "quality": dict(self.quality),
            "energy": {"inference": self.inference_energy},
            "fairness": self.sri,
            "extra": extra,
        }

    def __repr__(self) -> str:
        quality = ", ".join(f"{k} {v:.3f}" for k, v in self.quality.items())
        energy = self.inference_kwh_per_1000
        energy_text = "unavailable" if energy is None else f"{1000 * energy:.3g} Wh"
        return (
            f"VariantEvaluation({self.name!r}: {self.parameters} parameters, "
            f"{self.size_bytes / 1024:.1f} KiB, {self.throughput_per_s:,.0f} predictions/s, "
            f"{energy_text} per 1000 predictions ({self.inference_energy.status}), {quality}, "
            f"SRI R={self.sri.value:.2f})"
        )


def _finite(value: Any) -> Any:
    """Return numpy numbers as Python ones, NaN and infinities as None (JSON has neither)."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (numbers.Integral, np.integer)):
        return int(value)
    if isinstance(value, (numbers.Real, np.floating)):
        return float(value) if math.isfinite(value) else None
    return value


def _group_labels(by_group: pd.DataFrame) -> list[str]:
    """Readable group labels: ``"no"``, or ``"sex=f, age_band=35-44"`` for intersections."""
    names = [str(name) for name in by_group.index.names]
    return [_index_label(key, names) for key in by_group.index]


def _wh(kwh: float | None) -> float | None:
    return None if kwh is None else 1000.0 * kwh


def _is_plain(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


def _training_energy(energy: Any) -> tuple[float | None, str, list[str]]:
    if energy is None:
        return None, STATUS_NOT_GIVEN, []
    results = [energy] if isinstance(energy, EnergyResult) else energy
    if isinstance(results, (str, bytes)) or not isinstance(results, Sequence):
        raise TypeError(NOT_ENERGY_MSG.format(type_name=type(energy).__name__))
    if not all(isinstance(r, EnergyResult) for r in results):
        bad = next(r for r in results if not isinstance(r, EnergyResult))
        raise TypeError(NOT_ENERGY_MSG.format(type_name=type(bad).__name__))
    kwh, status = _energy_sum(list(results))
    return kwh, status, [r.phase for r in results]


def _size_figures(model: Any) -> dict[str, Any]:
    network = network_of(model)
    shapes = layer_shapes(network)
    parameters = sum(n_in * n_out + (n_out if bias else 0) for n_in, n_out, bias in shapes)
    weights = sum(n_in * n_out for n_in, n_out, _ in shapes)
    sparsity = weight_sparsity(network)
    return {
        "parameters": parameters,
        "nonzero_parameters": parameters - round(sparsity * weights),
        "sparsity": sparsity,
        "size_bytes": model_size_bytes(network),
        "flops_per_prediction": sum(2 * i * o + (o if b else 0) for i, o, b in shapes),
    }


def _inference_batch(model: Any, X: pd.DataFrame, batch_size: int) -> np.ndarray:
    """Preprocessed float32 rows, repeated (cyclically) to fill one batch."""
    features = model[:-1].transform(X) if isinstance(model, Pipeline) else X
    features = np.asarray(features, dtype=np.float32)
    return features[np.arange(batch_size) % features.shape[0]]


def _timed_inference(estimator, batch, *, min_seconds, min_batches, session, phase):
    """Predict ``batch`` repeatedly inside one tracked phase; return (latencies, result)."""
    estimator.predict(batch)  # warm-up: first-call allocations are not steady state
    latencies: list[float] = []
    with track(phase, session=session) as tracked:
        started = time.perf_counter()  # after the tracker's start (a cold start takes ~1 s)
        while len(latencies) < min_batches or time.perf_counter() - started < min_seconds:
            tic = time.perf_counter()
            estimator.predict(batch)
            latencies.append(time.perf_counter() - tic)
    return latencies, tracked.result


def _per_1000(energy_kwh: float | None, predictions: int) -> float | None:
    return None if energy_kwh is None else energy_kwh / predictions * 1000


def _quality_and_groups(y_true, y_pred, sensitive, *, task: str, pos_label: Any):
    if task == "classification":
        quality = {"accuracy": float(accuracy_score(y_true, y_pred))}
        metrics = ["accuracy", "true_positive_rate"]
    else:
        quality = {"mae": float(mean_absolute_error(y_true, y_pred))}
        metrics = ["mae"]
    report = fairness_report(
        y_true, y_pred, sensitive, task=task, pos_label=pos_label, metrics=metrics
    )
    return quality, report.by_group


def evaluate_variant(
    model: Any,
    split: Split,
    *,
    dataset: Dataset,
    name: str,
    training_energy: EnergyResult | Sequence[EnergyResult] | None = None,
    sri_metric: str | None = None,
    bar: float | str = 0.8,
    batch_size: int = DEFAULT_BATCH_SIZE,
    min_seconds: float = DEFAULT_MIN_SECONDS,
    min_batches: int = 5,
    session: EnergySession | None = None,
) -> VariantEvaluation:
    """Measure one fitted torch-MLP variant: cost, speed, energy, accuracy and fairness.

    Every variant is measured the same way on the test rows of ``split``: predictions and
    their quality, per-group accuracy and true positive rate (fairlearn's ``MetricFrame``
    through :func:`greennb.fairness_report`), the SRI ``R = A / B``; then batches of
    ``batch_size`` preprocessed test rows (repeated cyclically when the test set is smaller)
    are predicted for at least ``min_seconds`` inside one tracked phase, giving the median
    batch latency, the throughput and the energy per 1,000 predictions.

    Parameters
    ----------
    model : TorchMLPClassifier, TorchMLPRegressor or Pipeline
        A fitted torch MLP or variant (see :mod:`greennb.efficiency`).
    split : Split
        The train/test split; the test part is used.
    dataset : Dataset
        The dataset of the split (task, labels, sensitive columns).
    name : str
        Name of the variant in tables and run records.
    training_energy : EnergyResult or sequence of EnergyResult, optional
        The phases that produced the variant (e.g. the teacher's training plus the
        distillation), summed; the flag is the worst of theirs. None: ``"not given"``.
    sri_metric : str, optional
        Metric of the SRI (see :data:`greennb.SRI_METRICS`); default ``"equal_opportunity"``
        (TPR ratio) for classification and ``"mae"`` for regression.
    bar : float or str, default 0.8
        Compliance bar B of the SRI (the four-fifths rule by default).
    batch_size : int, default DEFAULT_BATCH_SIZE (1024)
        Rows per predicted batch.
    min_seconds : float, default DEFAULT_MIN_SECONDS (1.0)
        Minimum length of the timed loop (s); CodeCarbon reads the CPU load once a second,
        so shorter loops give coarser energy figures.
    min_batches : int, default 5
        Minimum number of timed batches.
    session : EnergySession, optional
        Energy session to record into; default the process-wide one. Do not call this inside
        a tracked block: nested phases are not measured separately.

    Returns
    -------
    VariantEvaluation
        The tidy record; ``to_row()``, ``to_dict()`` and ``record_entry()`` give it as a
        table row, JSON and ``RunRecord.add_model`` arguments.

    Raises
    ------
    TypeError
        For a model that is not a fitted torch MLP, or a training energy of the wrong type.
    ValueError
        For a bad batch size, time or SRI metric; the message names the valid values.

    Notes
    -----
    The positive label of the TPR and of the SRI is the dataset's favourable outcome when it
    has one (an approved loan), else its positive class (the event detected).
    """
    estimator = _estimator_of(model, "evaluate_variant")
    batch_size = _count(batch_size, name="batch_size", minimum=1)
    min_batches = _count(min_batches, name="min_batches", minimum=1)
    min_seconds = _seconds(min_seconds, name="min_seconds")
    training_kwh, training_status, phases = _training_energy(training_energy)
    task = "classification" if dataset.task == "classification" else "regression"
    pos_label = dataset.favourable_label
    pos_label = dataset.positive_label if pos_label is None else pos_label
    y_pred = model.predict(split.X_test)
    quality, by_group = _quality_and_groups(
        split.y_test, y_pred, split.sensitive_test, task=task, pos_label=pos_label
    )
    sri = social_responsibility_index(
        split.y_test,
        y_pred,
        split.sensitive_test,
        metric=sri_metric or ("equal_opportunity" if task == "classification" else "mae"),
        bar=bar,
        pos_label=pos_label if task == "classification" else 1,
    )
    batch = _inference_batch(model, split.X_test, batch_size)
    latencies, energy = _timed_inference(
        estimator,
        batch,
        min_seconds=min_seconds,
        min_batches=min_batches,
        session=session,
        phase=f"inference-{name}",
    )
    latency = statistics.median(latencies)
    per_1000 = _per_1000(energy.energy_kwh, len(latencies) * batch_size)
    return VariantEvaluation(
        name=name,
        levers=[dict(lever) for lever in getattr(estimator, "efficiency_levers_", [])],
        task=task,
        **_size_figures(model),
        device=str(estimator.device_),
        batch_size=batch_size,
        latency_ms=1000 * latency,
        throughput_per_s=batch_size / latency,
        n_batches=len(latencies),
        inference_energy=energy,
        inference_kwh_per_1000=per_1000,
        inference_dynamic_kwh_per_1000=_per_1000(
            energy.dynamic_energy_kwh, len(latencies) * batch_size
        ),
        training_energy_kwh=training_kwh,
        training_energy_status=training_status,
        training_phases=phases,
        quality=quality,
        by_group=by_group,
        pos_label=pos_label if task == "classification" else None,
        sri=sri,
    )


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
        energy per prediction over the baseline's) and ``accuracy_delta_points`` (accuracy
        minus the baseline's, in percentage points) or ``mae_delta`` for regression.

    Raises
    ------
    ValueError
        For duplicate names or an unknown baseline (the message lists the names).
    """
    rows = pd.DataFrame([evaluation.to_row() for evaluation in evaluations])
    names = list(rows["variant"]) if len(rows) else []
    duplicate = next((n for n in names if names.count(n) > 1), None)
    if duplicate is not None:
        raise ValueError(DUPLICATE_NAME_MSG.format(name=duplicate))
    if not names:
        return rows
    baseline = names[0] if baseline is None else baseline
    if baseline not in names:
        raise ValueError(UNKNOWN_BASELINE_MSG.format(value=baseline, choices=", ".join(names)))
    base = rows.set_index("variant").loc[baseline]
    rows["speedup"] = rows["throughput_per_s"] / base["throughput_per_s"]
    rows["parameter_ratio"] = base["parameters"] / rows["parameters"]
    rows["size_ratio"] = base["size_bytes"] / rows["size_bytes"]
    energy = pd.to_numeric(rows["inference_wh_per_1000"], errors="coerce")
    rows["energy_ratio"] = energy / pd.to_numeric(base["inference_wh_per_1000"], errors="coerce")
    if "accuracy" in rows:
        rows["accuracy_delta_points"] = 100 * (rows["accuracy"] - base["accuracy"])
    if "mae" in rows:
        rows["mae_delta"] = rows["mae"] - base["mae"]
    return rows


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


# ---------------------------------------------------------------------------
# Footprint forecast
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FootprintForecast:
    """Forecast of a whole training's footprint from its first epochs.

    The model (carbontracker's, with the first epoch kept apart): the first ``w`` *warm-up*
    epochs count as measured, because they carry one-off costs (memory allocation, caches,
    lazy initialisation); every later epoch costs what the measured epochs after the warm-up
    cost on average::

        E(N) = e_1 + … + e_w + (N − w) × mean(e_{w+1} … e_k)

    and likewise for time. Emissions are priced like a run's:
    ``C = E(N) × PUE × CI(country) × (1 − ε)``.

    Attributes
    ----------
    planned_epochs : int
        N, the epochs of the full run.
    measured_epochs : int
        k, the epochs the forecast is based on.
    warmup_epochs : int
        w, the first epochs counted as they are and left out of the per-epoch rate.
    warmup_energy_kwh : float or None
        Energy of the warm-up epochs (kWh).
    warmup_duration_s : float
        Duration of the warm-up epochs (s).
    energy_kwh_per_epoch : float or None
        Mean computation energy of the measured epochs after the warm-up (kWh).
    seconds_per_epoch : float
        Their mean duration (s).
    energy_kwh : float or None
        Forecast computation energy of the full run (kWh, machine level, PUE 1).
    duration_s : float
        Forecast duration of the full run (s).
    facility_kwh : float or None
        ``energy_kwh × PUE`` (kWh).
    emissions_g : float or None
        Forecast emissions (g CO2e).
    status : str
        Worst measured/estimated flag of the measured epochs.
    country : str
        3-letter ISO code of the grid used for pricing.
    pue, renewable_share : float
        PUE and ε used for pricing.
    """

    planned_epochs: int
    measured_epochs: int
    warmup_epochs: int
    warmup_energy_kwh: float | None
    warmup_duration_s: float
    energy_kwh_per_epoch: float | None
    seconds_per_epoch: float
    energy_kwh: float | None
    duration_s: float
    facility_kwh: float | None
    emissions_g: float | None
    status: str
    country: str
    pue: float
    renewable_share: float

    def energy_kwh_after(self, epochs: int) -> float | None:
        """Forecast computation energy after ``epochs`` epochs (>= warm-up), kWh."""
        if self.energy_kwh_per_epoch is None or self.warmup_energy_kwh is None:
            return None
        return self.warmup_energy_kwh + (epochs - self.warmup_epochs) * self.energy_kwh_per_epoch

    def duration_s_after(self, epochs: int) -> float:
        """Forecast duration after ``epochs`` epochs (>= warm-up), s."""
        return self.warmup_duration_s + (epochs - self.warmup_epochs) * self.seconds_per_epoch

    def to_dict(self) -> dict[str, Any]:
        """Return the forecast as a JSON-ready dict."""
        return dataclasses.asdict(self)

    def summary(self) -> str:
        """One line with units."""
        energy = "unavailable" if self.energy_kwh is None else f"{1000 * self.energy_kwh:.3g} Wh"
        grams = "" if self.emissions_g is None else f", {self.emissions_g:.3g} g CO2e"
        return (
            f"Forecast after {self.measured_epochs} of {self.planned_epochs} epochs: "
            f"{energy} ({self.status}), {self.duration_s:.1f} s{grams} "
            f"({self.country}, PUE {self.pue:g}, ε {self.renewable_share:g})."
        )


def _warmup(warmup_epochs: int | None, measured: int) -> int:
    if warmup_epochs is None:
        return min(1, measured - 1)
    if not _is_int(warmup_epochs) or not 0 <= warmup_epochs < measured:
        raise ValueError(WARMUP_MSG.format(value=warmup_epochs, measured=measured))
    return int(warmup_epochs)


def forecast_footprint(
    epochs: Sequence[EnergyResult],
    *,
    planned_epochs: int,
    warmup_epochs: int | None = None,
    country: str | None = None,
    pue: float = DEFAULT_PUE,
    renewable_share: float = 0.0,
) -> FootprintForecast:
    """Forecast the full run's energy, time and CO2e from its first measured epochs.

    Parameters
    ----------
    epochs : sequence of EnergyResult
        One result per measured epoch (at least one), in order.
    planned_epochs : int
        N, epochs of the full run (at least as many as measured).
    warmup_epochs : int, optional
        w, first epochs counted as they are and left out of the per-epoch rate
        (0 ≤ w < number measured); default 1 when at least 2 epochs are measured, else 0.
    country : str, optional
        Grid (3-letter ISO code); default :func:`greennb.default_country`.
    pue : float, default DEFAULT_PUE (1.56)
        Power usage effectiveness applied to the forecast energy.
    renewable_share : float, default 0.0
        ε, renewable share of the electricity bought.

    Returns
    -------
    FootprintForecast
        ``E(N) = Σ warm-up e_i + (N − w) × mean(later e_i)``, likewise for time; emissions
        priced from ``E(N)`` with :func:`greennb.facility_energy` and
        :func:`greennb.carbon_emissions`.

    Raises
    ------
    ValueError
        No epochs, a bad ``planned_epochs`` or ``warmup_epochs``, or bad pricing inputs.
    """
    epochs = list(epochs)
    if not epochs:
        raise ValueError(TOO_FEW_EPOCHS_MSG.format(needed=1, got=0))
    planned = _count(planned_epochs, name="planned_epochs", minimum=len(epochs))
    warmup = _warmup(warmup_epochs, len(epochs))
    country = country or default_country()
    status = _energy_sum(epochs)[1]
    warm_kwh, _ = _energy_sum(epochs[:warmup]) if warmup else (0.0, status)
    rate_kwh, _ = _energy_sum(epochs[warmup:])
    rate_kwh = None if rate_kwh is None else rate_kwh / (len(epochs) - warmup)
    rate_s = sum(r.duration_s for r in epochs[warmup:]) / (len(epochs) - warmup)
    partial = FootprintForecast(
        planned_epochs=planned,
        measured_epochs=len(epochs),
        warmup_epochs=warmup,
        warmup_energy_kwh=warm_kwh,
        warmup_duration_s=sum(r.duration_s for r in epochs[:warmup]),
        energy_kwh_per_epoch=rate_kwh,
        seconds_per_epoch=rate_s,
        energy_kwh=None,
        duration_s=0.0,
        facility_kwh=None,
        emissions_g=None,
        status=status,
        country=country,
        pue=float(pue),
        renewable_share=float(renewable_share),
    )
    energy = partial.energy_kwh_after(planned)
    facility, grams = _price(energy, country=country, pue=pue, renewable_share=renewable_share)
    return dataclasses.replace(
        partial,
        energy_kwh=energy,
        duration_s=partial.duration_s_after(planned),
        facility_kwh=facility,
        emissions_g=grams,
    )


@dataclass(frozen=True)
class ForecastReport:
    """A forecast next to what the finished run measured, with the forecast's error.

    Attributes
    ----------
    forecast : FootprintForecast or None
        The forecast made after ``forecast_after`` epochs; None if the run was shorter.
    actual_epochs : int
        Epochs that ran (fewer than planned when early stopping ended the run).
    actual_energy_kwh : float or None
        Sum of the epochs' computation energy (kWh).
    actual_duration_s : float
        Sum of the epochs' durations (s).
    actual_facility_kwh, actual_emissions_g : float or None
        The actual energy priced like the forecast (kWh, g CO2e).
    status : str
        Worst measured/estimated flag over all epochs.
    compared_epochs : int
        Epochs the error compares: those that ran. When early stopping ended the run before
        the planned epochs, the forecast is rescaled to the epochs that ran, so that the
        error is the forecast model's, not early stopping's.
    energy_error, duration_error, emissions_error : float or None
        Relative errors ``(forecast − actual) / actual`` (0.05 is 5 % too high).
    epochs : list of EnergyResult
        The per-epoch measurements.
    """

    forecast: FootprintForecast | None
    actual_epochs: int
    actual_energy_kwh: float | None
    actual_duration_s: float
    actual_facility_kwh: float | None
    actual_emissions_g: float | None
    status: str
    compared_epochs: int
    energy_error: float | None
    duration_error: float | None
    emissions_error: float | None
    epochs: list[EnergyResult]

    def to_dict(self) -> dict[str, Any]:
        """Return the report as a JSON-ready dict (per-epoch energy and time as lists)."""
        return {
            "forecast": None if self.forecast is None else self.forecast.to_dict(),
            **{
                field.name: getattr(self, field.name)
                for field in dataclasses.fields(self)
                if field.name not in ("forecast", "epochs")
            },
            "epoch_energy_kwh": [r.energy_kwh for r in self.epochs],
            "epoch_duration_s": [r.duration_s for r in self.epochs],
        }

    def epoch_table(self) -> pd.DataFrame:
        """Per-epoch and cumulative energy (Wh) and time (s), with the forecast line.

        Returns
        -------
        pandas.DataFrame
            Columns ``epoch`` (1-based), ``energy_wh``, ``duration_s``,
            ``cumulative_energy_wh``, ``cumulative_duration_s``, ``forecast_energy_wh``
            (cumulative forecast, see :class:`FootprintForecast`; NaN without a forecast) and
            ``measured_for_forecast``
            (whether the epoch was one the forecast used).
        """
        energy = pd.to_numeric(
            pd.Series([r.energy_kwh for r in self.epochs], dtype="float64"), errors="coerce"
        )
        table = pd.DataFrame(
            {
                "epoch": np.arange(1, len(self.epochs) + 1),
                "energy_wh": 1000 * energy,
                "duration_s": [r.duration_s for r in self.epochs],
            }
        )
        table["cumulative_energy_wh"] = table["energy_wh"].cumsum()
        table["cumulative_duration_s"] = table["duration_s"].cumsum()
        table["forecast_energy_wh"] = [self._forecast_wh(epoch, table) for epoch in table["epoch"]]
        k = 0 if self.forecast is None else self.forecast.measured_epochs
        table["measured_for_forecast"] = table["epoch"] <= k
        return table

    def _forecast_wh(self, epoch: int, table: pd.DataFrame) -> float:
        """Cumulative forecast energy after ``epoch`` epochs (Wh); actual during warm-up."""
        if self.forecast is None:
            return math.nan
        if epoch <= self.forecast.warmup_epochs:
            return float(table["cumulative_energy_wh"].iloc[epoch - 1])
        kwh = self.forecast.energy_kwh_after(epoch)
        return math.nan if kwh is None else 1000 * kwh

    def summary(self) -> str:
        """One paragraph with the forecast, the actual figures and the errors."""
        if self.forecast is None:
            return f"No forecast: the run had {self.actual_epochs} epoch(s)."
        parts = [self.forecast.summary()]
        actual = self.actual_energy_kwh
        energy = "unavailable" if actual is None else f"{1000 * actual:.3g} Wh"
        parts.append(
            f"Actual ({self.actual_epochs} epochs): {energy} ({self.status}), "
            f"{self.actual_duration_s:.1f} s."
        )
        errors = {"energy": self.energy_error, "time": self.duration_error}
        text = ", ".join(f"{k} {v:+.1%}" for k, v in errors.items() if v is not None)
        parts.append(f"Forecast error over {self.compared_epochs} epochs: {text or 'n/a'}.")
        return " ".join(parts)


def _relative_error(forecast: float | None, actual: float | None) -> float | None:
    if forecast is None or actual is None or actual == 0:
        return None
    return (forecast - actual) / actual


def forecast_report(
    epochs: Sequence[EnergyResult],
    *,
    planned_epochs: int,
    forecast_after: int = DEFAULT_FORECAST_AFTER,
    warmup_epochs: int | None = None,
    country: str | None = None,
    pue: float = DEFAULT_PUE,
    renewable_share: float = 0.0,
) -> ForecastReport:
    """Compare the forecast from the first ``forecast_after`` epochs with the whole run.

    Parameters
    ----------
    epochs : sequence of EnergyResult
        Every epoch of the finished run, in order.
    planned_epochs : int
        Epochs the run was planned for.
    forecast_after : int, default DEFAULT_FORECAST_AFTER (2)
        k, the epochs the forecast uses.
    warmup_epochs : int, optional
        As for :func:`forecast_footprint`.
    country, pue, renewable_share
        Pricing, as for :func:`forecast_footprint`.

    Returns
    -------
    ForecastReport
        Forecast, actual totals and relative errors (over the epochs that ran).
    """
    epochs = list(epochs)
    pricing = {
        "country": country or default_country(),
        "pue": pue,
        "renewable_share": renewable_share,
    }
    actual_kwh, status = _energy_sum(epochs)
    actual_s = sum(r.duration_s for r in epochs)
    facility, grams = _price(actual_kwh, **pricing)
    forecast, errors = None, {"energy": None, "duration": None, "emissions": None}
    if len(epochs) >= forecast_after:
        first = epochs[:forecast_after]
        forecast = forecast_footprint(
            first, planned_epochs=planned_epochs, warmup_epochs=warmup_epochs, **pricing
        )
        rescaled = forecast_footprint(
            first, planned_epochs=len(epochs), warmup_epochs=warmup_epochs, **pricing
        )
        errors = {
            "energy": _relative_error(rescaled.energy_kwh, actual_kwh),
            "duration": _relative_error(rescaled.duration_s, actual_s),
            "emissions": _relative_error(rescaled.emissions_g, grams),
        }
    return ForecastReport(
        forecast=forecast,
        actual_epochs=len(epochs),
        actual_energy_kwh=actual_kwh,
        actual_duration_s=actual_s,
        actual_facility_kwh=facility,
        actual_emissions_g=grams,
        status=status,
        compared_epochs=len(epochs),
        energy_error=errors["energy"],
        duration_error=errors["duration"],
        emissions_error=errors["emissions"],
        epochs=epochs,
    )


class FootprintForecaster:
    """Measure a training epoch by epoch and forecast its footprint after the first k epochs.

    Each epoch is one tracked phase (``"<phase>-epoch-<i>"``) of an
    :class:`~greennb.energy.EnergySession`. Use it around any epoch loop::

        forecaster = FootprintForecaster(planned_epochs=20)
        for epoch in range(20):
            with forecaster.epoch():
                train_one_epoch()
            if forecaster.forecast is not None and epoch + 1 == forecaster.forecast_after:
                print(forecaster.forecast.summary())  # stop here if it costs too much
        print(forecaster.report().summary())

    Parameters
    ----------
    planned_epochs : int
        Epochs the run is planned for.
    forecast_after : int, default DEFAULT_FORECAST_AFTER (2)
        k, the epochs measured before forecasting (1 ≤ k ≤ planned_epochs).
    warmup_epochs : int, optional
        w, first epochs left out of the per-epoch rate (see :class:`FootprintForecast`);
        default 1 when k ≥ 2, else 0.
    country : str, optional
        Grid for the CO2e; default the energy session's country.
    pue : float, default DEFAULT_PUE (1.56)
        Power usage effectiveness.
    renewable_share : float, default 0.0
        ε, renewable share of the electricity bought.
    session : EnergySession, optional
        Session to record into; default the process-wide one.
    phase : str, default "train"
        Prefix of the epoch phases' names.

    Attributes
    ----------
    epochs : list of EnergyResult
        The measured epochs so far.
    forecast : FootprintForecast or None
        Set as soon as ``forecast_after`` epochs are measured.
    """

    def __init__(
        self,
        planned_epochs: int,
        *,
        forecast_after: int = DEFAULT_FORECAST_AFTER,
        warmup_epochs: int | None = None,
        country: str | None = None,
        pue: float = DEFAULT_PUE,
        renewable_share: float = 0.0,
        session: EnergySession | None = None,
        phase: str = "train",
    ) -> None:
        self.planned_epochs = _count(planned_epochs, name="planned_epochs", minimum=1)
        if not _is_int(forecast_after) or not 1 <= forecast_after <= self.planned_epochs:
            raise ValueError(
                FORECAST_AFTER_MSG.format(forecast_after=forecast_after, planned=planned_epochs)
            )
        self.forecast_after = int(forecast_after)
        self.warmup_epochs = _warmup(warmup_epochs, self.forecast_after)
        self.country = country or (session or get_session()).country
        facility_energy(0.0, pue=pue)  # check the pricing inputs now, not after the run
        carbon_emissions(0.0, country=self.country, renewable_share=renewable_share)
        self.pue, self.renewable_share = float(pue), float(renewable_share)
        self.session, self.phase = session, phase
        self.epochs: list[EnergyResult] = []
        self.forecast: FootprintForecast | None = None
        self._token: Any = None
        self._token_session: EnergySession | None = None

    def _settings(self) -> dict[str, Any]:
        return {
            "warmup_epochs": self.warmup_epochs,
            "country": self.country,
            "pue": self.pue,
            "renewable_share": self.renewable_share,
        }

    def start_epoch(self) -> None:
        """Start measuring the next epoch.

        Raises
        ------
        RuntimeError
            If an epoch is already being measured.
        """
        if self._token is not None:
            raise RuntimeError(EPOCH_OPEN_MSG.format(epoch=len(self.epochs) + 1))
        session = self.session or get_session()
        self._token_session = session
        self._token = session.start_phase(f"{self.phase}-epoch-{len(self.epochs) + 1}")

    def end_epoch(self) -> EnergyResult:
        """Stop measuring the current epoch; forecast once ``forecast_after`` are measured.

        Returns
        -------
        EnergyResult
            The epoch's energy.

        Raises
        ------
        RuntimeError
            If no epoch is being measured.
        """
        if self._token is None or self._token_session is None:
            raise RuntimeError(NO_EPOCH_MSG)
        result = self._token_session.stop_phase(self._token)
        self._token = None
        self.epochs.append(result)
        if len(self.epochs) == self.forecast_after:
            self.forecast = forecast_footprint(
                self.epochs, planned_epochs=self.planned_epochs, **self._settings()
            )
        return result

    @contextmanager
    def epoch(self) -> Iterator[FootprintForecaster]:
        """Measure one epoch: ``with forecaster.epoch(): train_one_epoch()``."""
        self.start_epoch()
        try:
            yield self
        finally:
            self.end_epoch()

    def report(self) -> ForecastReport:
        """Compare the forecast with the epochs measured so far (call it after the run).

        Returns
        -------
        ForecastReport
            Forecast, actual totals and relative errors.
        """
        return forecast_report(
            self.epochs,
            planned_epochs=self.planned_epochs,
            forecast_after=self.forecast_after,
            **self._settings(),
        )


def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def fit_with_forecast(
    model: Any,
    X: Any,
    y: Any,
    *,
    forecast_after: int = DEFAULT_FORECAST_AFTER,
    warmup_epochs: int | None = None,
    country: str | None = None,
    pue: float = DEFAULT_PUE,
    renewable_share: float = 0.0,
    session: EnergySession | None = None,
    phase: str = "train",
    **fit_params: Any,
) -> ForecastReport:
    """Fit a torch MLP (or a Pipeline ending in one) with each epoch measured, and forecast.

    The planned epochs are the estimator's ``max_epochs``. Epoch i's phase runs from the start
    of epoch i to the start of epoch i + 1 (the optimisation steps, then the early-stopping
    validation), and the last one to the end of ``fit``; the preprocessing before the first
    epoch is not in any epoch. With early stopping the run may end before ``max_epochs``: the
    report then compares the forecast rate with the epochs that ran.

    Parameters
    ----------
    model : TorchMLPClassifier, TorchMLPRegressor or Pipeline
        The model to fit (fitted in place, like ``model.fit``).
    X, y
        Training data, as for ``model.fit``.
    forecast_after : int, default DEFAULT_FORECAST_AFTER (2)
        k, the epochs the forecast is based on.
    warmup_epochs : int, optional
        w, first epochs left out of the per-epoch rate (default 1 when k ≥ 2).
    country, pue, renewable_share
        Pricing of the CO2e, as for :class:`FootprintForecaster`.
    session : EnergySession, optional
        Energy session; default the process-wide one. Do not call this inside a tracked
        block: nested phases are not measured separately.
    phase : str, default "train"
        Prefix of the epoch phases.
    **fit_params
        Passed to ``model.fit`` (e.g. ``model__sample_weight`` for a Pipeline).

    Returns
    -------
    ForecastReport
        The forecast after ``forecast_after`` epochs and its error against the whole run.

    Raises
    ------
    TypeError
        For a model that is not a torch MLP.
    ValueError
        For a ``forecast_after`` outside 1..max_epochs or bad pricing inputs.
    """
    estimator = model[-1] if isinstance(model, Pipeline) else model
    if not isinstance(estimator, (TorchMLPClassifier, TorchMLPRegressor)):
        raise TypeError(
            UNSUPPORTED_MODEL_MSG.format(
                function="fit_with_forecast", type_name=type(estimator).__name__
            )
        )
    forecaster = FootprintForecaster(
        estimator.max_epochs,
        forecast_after=forecast_after,
        warmup_epochs=warmup_epochs,
        country=country,
        pue=pue,
        renewable_share=renewable_share,
        session=session,
        phase=phase,
    )
    _fit_epoch_by_epoch(model, estimator, forecaster, X, y, fit_params)
    return forecaster.report()


def _fit_epoch_by_epoch(model, estimator, forecaster, X, y, fit_params) -> None:
    """Run ``model.fit`` with an epoch boundary hooked in front of each training epoch.

    The torch MLP estimators have no per-epoch callback, so the instance's bound
    ``_train_one_epoch`` is shadowed for the duration of the fit (and removed afterwards).
    """
    original = estimator._train_one_epoch

    def timed_epoch(*args: Any, **kwargs: Any) -> Any:
        if forecaster._token is not None:
            forecaster.end_epoch()
        forecaster.start_epoch()
        return original(*args, **kwargs)

    estimator._train_one_epoch = timed_epoch
    try:
        model.fit(X, y, **fit_params)
    finally:
        del estimator._train_one_epoch
        if forecaster._token is not None:
            forecaster.end_epoch()
