"""Evaluate a model or a variant: quality, size, latency, energy and fairness in one record.

The training phases of a variant are totalled by :func:`greennb.energy.total_energy`, the
same rule as :class:`greennb.runs.RunRecord` uses: no total when a phase has no energy. Both the
training total and the energy per 1,000 predictions carry their
:class:`~greennb.energy.EnergyInterval` (the interval of each phase's method, scaled).

Training energy and energy per prediction are two quantities, never summed: in a run record
(:meth:`VariantEvaluation.record_entry`) the model's phases, and so its ``energy_total`` and
``carbon``, are the training phases given; the timed inference loop is kept beside them in
``extra["inference_energy"]``, labelled as a per-prediction figure, with the number of
predictions it covered.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from greennb._json import json_number, to_json_value
from greennb._validation import integer, positive
from greennb.data import Dataset, Split, favourable_or_positive
from greennb.efficiency import (
    inference_batch,
    layer_shapes,
    model_size_bytes,
    network_of,
    torch_estimator,
    weight_sparsity,
)
from greennb.energy import EnergyInterval, EnergyResult, EnergySession, total_energy, track
from greennb.errors import InvalidTypeError
from greennb.fairness import SRIResult, group_label, group_metrics, social_responsibility_index
from greennb.models import task_quality

#: Rows per batch when timing batch inference.
DEFAULT_BATCH_SIZE = 1024
#: Minimum length of the timed inference loop (s): CodeCarbon reads the CPU load every second.
DEFAULT_MIN_SECONDS = 1.0
#: Status of a training energy that was not given to :func:`evaluate_variant`.
STATUS_NOT_GIVEN = "not given"
#: How the inference phase of a run-record entry is to be read (``extra["inference_use"]``).
INFERENCE_USE = (
    "per-prediction figure: the energy of a timed loop of {predictions} predictions "
    "({n_batches} batches of {batch_size} rows), from which inference_wh_per_1000 is "
    "computed; not part of energy_total, which is the training energy"
)


# --- Error messages (tests match them) ------------------------------------------------------

NOT_ENERGY_MSG = (
    "training_energy must be an EnergyResult (from greennb.track), a sequence of them, or "
    "None; got {type_name}."
)

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
        :func:`greennb.models.estimate_flops`), as executed by dense kernels: pruned zeros count.
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
        ``count``, from :func:`greennb.group_metrics`.
    pos_label : object
        The label counted as positive for the TPR and the SRI.
    sri : SRIResult
        The social responsibility index ``R = A / B``.
    inference_kwh_per_1000_interval : EnergyInterval or None
        ``inference_kwh_per_1000`` with its interval (kWh): the loop's interval scaled by
        1,000 / predictions.
    training_energy_interval : EnergyInterval or None
        ``training_energy_kwh`` with the sum of the phases' intervals (kWh).
    training_results : tuple of EnergyResult
        The training phases given, in order (what a run record totals as the model's energy).
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
    inference_kwh_per_1000_interval: EnergyInterval | None = None
    training_energy_interval: EnergyInterval | None = None
    training_results: tuple[EnergyResult, ...] = ()

    @property
    def inference_predictions(self) -> int:
        """Predictions made in the timed inference loop: ``n_batches × batch_size``."""
        return self.n_batches * self.batch_size

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
            **_wh_bounds("inference_wh_per_1000", self.inference_kwh_per_1000_interval),
            "inference_dynamic_wh_per_1000": _wh(self.inference_dynamic_kwh_per_1000),
            "inference_energy_status": self.inference_energy.status,
            "training_wh": _wh(self.training_energy_kwh),
            **_wh_bounds("training_wh", self.training_energy_interval),
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
            label: {str(k): json_number(v) for k, v in values.items()}
            for label, (_, values) in zip(labels, self.by_group.iterrows(), strict=True)
        }
        return {
            **{k: json_number(v) for k, v in row.items()},
            "levers": [dict(lever) for lever in self.levers],
            "batch_size": self.batch_size,
            "n_batches": self.n_batches,
            "inference_predictions": self.inference_predictions,
            "inference_use": INFERENCE_USE.format(
                predictions=self.inference_predictions,
                n_batches=self.n_batches,
                batch_size=self.batch_size,
            ),
            "training_phases": list(self.training_phases),
            "pos_label": to_json_value(self.pos_label),
            "by_group": by_group,
            "inference_energy": self.inference_energy.to_dict(),
            "sri": self.sri.to_dict(),
            "inference_wh_per_1000_interval": _wh_interval(self.inference_kwh_per_1000_interval),
            "training_wh_interval": _wh_interval(self.training_energy_interval),
        }

    def record_entry(self) -> dict[str, Any]:
        """Keyword arguments for ``RunRecord.add_model(evaluation.name, **...)``.

        Returns
        -------
        dict
            ``quality``; ``energy``, the training phases given (so that the entry's
            ``energy_total`` and ``carbon`` are the training energy; empty when none was
            given); ``fairness`` (the SRI); and ``extra``, everything else of :meth:`to_dict`,
            among it the inference phase as ``inference_energy`` (a per-prediction figure,
            never added to the total: see ``inference_use``), ``inference_predictions``,
            ``inference_wh_per_1000`` and its interval.
        """
        extra = self.to_dict()
        for key in ("sri", *self.quality):
            extra.pop(key, None)
        return {
            "quality": dict(self.quality),
            "energy": {result.phase: result for result in self.training_results},
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


def _group_labels(by_group: pd.DataFrame) -> list[str]:
    """Readable group labels: ``"no"``, or ``"sex=f, age_band=35-44"`` for intersections."""
    names = [str(name) for name in by_group.index.names]
    return [group_label(key, names) for key in by_group.index]


def _wh(kwh: float | None) -> float | None:
    return None if kwh is None else 1000.0 * kwh


def _wh_interval(interval: EnergyInterval | None) -> dict[str, float] | None:
    """Return ``{"value", "low", "high"}`` in Wh, or None."""
    return None if interval is None else (interval * 1000.0).to_dict()


def _wh_bounds(name: str, interval: EnergyInterval | None) -> dict[str, float | None]:
    """Return the bounds as flat row columns ``<name>_low`` and ``<name>_high`` (Wh)."""
    wh = _wh_interval(interval)
    return {f"{name}_low": wh and wh["low"], f"{name}_high": wh and wh["high"]}


def _training_energy(energy: Any) -> tuple[Any, ...]:
    """Return the training total's kWh, status, phases and interval, and the results."""
    if energy is None:
        return None, STATUS_NOT_GIVEN, [], None, ()
    results = [energy] if isinstance(energy, EnergyResult) else energy
    if isinstance(results, (str, bytes)) or not isinstance(results, Sequence):
        raise InvalidTypeError(NOT_ENERGY_MSG.format(type_name=type(energy).__name__))
    if not all(isinstance(r, EnergyResult) for r in results):
        bad = next(r for r in results if not isinstance(r, EnergyResult))
        raise InvalidTypeError(NOT_ENERGY_MSG.format(type_name=type(bad).__name__))
    total = total_energy(results)
    return total.energy_kwh, total.status, total.phases, total.interval, tuple(results)


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


def _interval_per_1000(interval: EnergyInterval | None, predictions: int) -> EnergyInterval | None:
    """Return the interval per 1,000 predictions, each bound computed as :func:`_per_1000`."""
    if interval is None:
        return None
    return EnergyInterval(
        *(_per_1000(e, predictions) for e in (interval.value, interval.low, interval.high))
    )


def _quality_and_groups(y_true, y_pred, sensitive, *, task: str, pos_label: Any):
    quality = task_quality(task, y_true, y_pred)
    metrics = ["accuracy", "true_positive_rate"] if task == "classification" else ["mae"]
    report = group_metrics(
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
    through :func:`greennb.group_metrics`), the SRI ``R = A / B``; then batches of
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
        distillation), totalled by :func:`greennb.energy.total_energy`: the flag is the worst
        of theirs, and the total is None (``"unavailable"``) when any phase has no energy,
        as in a run record. None: ``"not given"``.
    sri_metric : str, optional
        Metric of the SRI (see :data:`greennb.fairness.SRI_METRICS`); default
        ``"equal_opportunity"`` (TPR ratio) for classification and ``"mae"`` for regression.
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
    estimator = torch_estimator(model, caller="evaluate_variant")
    batch_size = integer(batch_size, name="batch_size", minimum=1)
    min_batches = integer(min_batches, name="min_batches", minimum=1)
    min_seconds = positive(min_seconds, name="min_seconds", unit="s")
    training = _training_energy(training_energy)
    training_kwh, training_status, phases, training_interval, training_results = training
    task = "classification" if dataset.task == "classification" else "regression"
    pos_label = favourable_or_positive(dataset)
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
    batch = inference_batch(model, split.X_test, batch_size)
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
        inference_kwh_per_1000_interval=_interval_per_1000(
            energy.interval, len(latencies) * batch_size
        ),
        training_energy_interval=training_interval,
        training_results=training_results,
    )
