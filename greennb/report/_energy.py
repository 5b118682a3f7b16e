"""A model entry's energy, split: training energy and energy per 1,000 predictions, never summed.

A run record's model entry totals all its phases (``energy_total``). The report reads the
phases themselves and keeps two quantities apart:

- **training** (``train_kwh``): the phases whose name contains one of :data:`TRAINING_WORDS`
  ("train", "fit", "epoch", and "mitigat", "lever", "distil": the phases that produce the
  model), totalled by :func:`greennb.energy.total_energy` (none when one has no energy);
- **inference** (``inference_kwh_per_1000``): the phases whose name contains one of
  :data:`INFERENCE_WORDS`, and the per-prediction loop that
  :func:`greennb.evaluation.evaluate_variant` keeps in ``extra["inference_energy"]``, divided by
  the predictions they made, times 1,000. The predictions are the entry's
  ``extra["inference_predictions"]`` (or ``n_batches × batch_size``), else the record's test rows
  times its ``inference_repeats`` parameter (1 when absent) for each inference phase.

Each carries its interval (the phases' intervals summed, then scaled) and its worst status. A
model whose phases ran while other processes used the machine is flagged ``machine_shared``: its
figures are not attributable to it.

Examples
--------
>>> phase_kind("teacher-train-epoch-3"), phase_kind("mlp-inference"), phase_kind("idle")
('training', 'inference', 'other')
"""

from __future__ import annotations

from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any

from greennb._validation import is_integer
from greennb.energy import EnergyInterval, is_machine_shared, total_energy

#: Words that make a phase a training phase (lower-case substrings of its name).
TRAINING_WORDS = ("train", "fit", "epoch", "mitigat", "lever", "distil")
#: Words that make a phase an inference phase; checked first ("threshold_optimizer-inference").
INFERENCE_WORDS = ("inference", "predict", "evaluate")
#: Start of the attribution of a figure taken while other processes used the machine.


def phase_kind(name: str) -> str:
    """Return ``"inference"``, ``"training"`` or ``"other"`` for a phase name."""
    lowered = str(name).lower()
    if any(word in lowered for word in INFERENCE_WORDS):
        return "inference"
    if any(word in lowered for word in TRAINING_WORDS):
        return "training"
    return "other"


def _phase(name: str, stored: Mapping[str, Any]) -> SimpleNamespace:
    """Return a stored phase (``EnergyResult.to_dict()``) as what total_energy reads."""
    interval = stored.get("interval")
    return SimpleNamespace(
        phase=name,
        energy_kwh=stored.get("energy_kwh"),
        duration_s=stored.get("duration_s") or 0.0,
        status=stored.get("status"),
        interval=EnergyInterval(**interval) if isinstance(interval, Mapping) else None,
    )


def _bounds(prefix: str, interval: EnergyInterval | None) -> dict[str, float | None]:
    return {
        f"{prefix}_low": None if interval is None else interval.low,
        f"{prefix}_high": None if interval is None else interval.high,
    }


def _predictions(extra: Mapping[str, Any], record: Mapping[str, Any], phases: int) -> int | None:
    """Return the predictions the entry's inference phases made (see the module docstring)."""
    if is_integer(extra.get("inference_predictions")):
        return int(extra["inference_predictions"])
    if is_integer(extra.get("n_batches")) and is_integer(extra.get("batch_size")):
        return int(extra["n_batches"]) * int(extra["batch_size"])
    rows = (record.get("dataset") or {}).get("test_rows")
    repeats = (record.get("parameters") or {}).get("inference_repeats", 1)
    if not (is_integer(rows) and is_integer(repeats)):
        return None
    return int(rows) * int(repeats) * phases


def energy_columns(model: Mapping[str, Any], record: Mapping[str, Any]) -> dict[str, Any]:
    """Return the report's energy columns of one model entry of a record.

    Parameters
    ----------
    model : mapping
        A model entry of ``metrics.json``.
    record : mapping
        The whole record (its dataset's test rows and parameters).

    Returns
    -------
    dict
        ``train_kwh`` with ``train_kwh_low`` / ``train_kwh_high`` and ``train_status``;
        ``inference_kwh_per_1000`` with its bounds, ``inference_status`` and
        ``inference_predictions``; ``train_phases`` and ``inference_phases`` (names joined by
        ", "), ``machine_shared`` (bool) and ``shared_phases``. Energies in kWh, None where
        there is no such phase or a phase has no energy.
    """
    extra = model.get("extra") or {}
    stored = dict(model.get("energy") or {})
    loop = extra.get("inference_energy")
    if isinstance(loop, Mapping) and loop.get("phase") not in stored:
        stored[loop.get("phase") or "inference"] = loop
    kinds = {name: phase_kind(name) for name in stored}
    training = [_phase(n, stored[n]) for n in stored if kinds[n] == "training"]
    inference = [_phase(n, stored[n]) for n in stored if kinds[n] == "inference"]
    train = total_energy(training) if training else None
    used = total_energy(inference) if inference else None
    predictions = _predictions(extra, record, len(inference)) if inference else None
    per_1000 = None
    if used is not None and used.energy_kwh is not None and predictions:
        factor = 1000.0 / predictions
        per_1000 = (used.energy_kwh * factor, used.interval and used.interval * factor)
    shared = [
        name for name, result in stored.items() if is_machine_shared(result.get("attribution"))
    ]
    return {
        "train_kwh": train and train.energy_kwh,
        **_bounds("train_kwh", train and train.interval),
        "train_status": train and train.status,
        "train_phases": ", ".join(p.phase for p in training),
        "inference_kwh_per_1000": per_1000 and per_1000[0],
        **_bounds("inference_kwh_per_1000", per_1000 and per_1000[1]),
        "inference_status": used and used.status,
        "inference_predictions": predictions,
        "inference_phases": ", ".join(p.phase for p in inference),
        "machine_shared": bool(shared),
        "shared_phases": ", ".join(shared),
    }
