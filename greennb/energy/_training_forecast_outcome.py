"""A training-energy forecast next to what the finished run measured, with its error.

:func:`training_energy_outcome` forecasts from the first ``forecast_after`` epochs of a
finished run (:func:`~greennb.energy.forecast_training_energy`) and compares with all of them;
:class:`TrainingEnergyOutcome` holds both, the relative errors and a per-epoch table.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from greennb.energy._pricing import Pricing
from greennb.energy._results import EnergyResult
from greennb.energy._totals import total_energy
from greennb.energy._training_forecast_model import (
    TrainingEnergyForecast,
    forecast_training_energy,
)

#: Epochs measured before :class:`~greennb.energy.TrainingEnergyForecaster` forecasts the run.
DEFAULT_FORECAST_AFTER = 2


@dataclass(frozen=True)
class TrainingEnergyOutcome:
    """A forecast next to what the finished run measured, with the forecast's error.

    Attributes
    ----------
    forecast : TrainingEnergyForecast or None
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

    forecast: TrainingEnergyForecast | None
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
            Columns ``epoch`` (1-based), ``energy_wh``, ``duration_s``, ``status``,
            ``energy_wh_low``/``_high`` and ``cumulative_energy_wh_low``/``_high`` (the epochs'
            intervals, Wh), ``cumulative_energy_wh``, ``cumulative_duration_s``,
            ``forecast_energy_wh`` (cumulative forecast, see :class:`TrainingEnergyForecast`;
            NaN without a forecast) and ``used_for_forecast`` (whether the epoch was one the
            forecast used).
        """
        energy = pd.to_numeric(
            pd.Series([r.energy_kwh for r in self.epochs], dtype="float64"), errors="coerce"
        )
        table = pd.DataFrame(
            {
                "epoch": np.arange(1, len(self.epochs) + 1),
                "energy_wh": 1000 * energy,
                "duration_s": [r.duration_s for r in self.epochs],
                "status": [r.status for r in self.epochs],
            }
        )
        for bound in ("low", "high"):  # the epochs' intervals, summed like the energies
            values = [
                None if r.interval is None else getattr(r.interval, bound) for r in self.epochs
            ]
            table[f"energy_wh_{bound}"] = 1000 * pd.Series(values, dtype="float64")
            table[f"cumulative_energy_wh_{bound}"] = table[f"energy_wh_{bound}"].cumsum()
        table["cumulative_energy_wh"] = table["energy_wh"].cumsum()
        table["cumulative_duration_s"] = table["duration_s"].cumsum()
        table["forecast_energy_wh"] = [self._forecast_wh(epoch, table) for epoch in table["epoch"]]
        k = 0 if self.forecast is None else self.forecast.measured_epochs
        table["used_for_forecast"] = table["epoch"] <= k
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


def training_energy_outcome(
    epochs: Sequence[EnergyResult],
    *,
    planned_epochs: int,
    forecast_after: int = DEFAULT_FORECAST_AFTER,
    warmup_epochs: int | None = None,
    pricing: Pricing | None = None,
) -> TrainingEnergyOutcome:
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
        As for :func:`forecast_training_energy`.
    pricing : Pricing, optional
        Grid, PUE and ε, as for :func:`forecast_training_energy`.

    Returns
    -------
    TrainingEnergyOutcome
        Forecast, actual totals and relative errors (over the epochs that ran).
    """
    epochs = list(epochs)
    pricing = Pricing() if pricing is None else pricing
    settings = {"warmup_epochs": warmup_epochs, "pricing": pricing}
    actual = total_energy(epochs)
    grams = pricing.emissions_g(actual.energy_kwh)
    forecast, errors = None, {"energy": None, "duration": None, "emissions": None}
    if len(epochs) >= forecast_after:
        first = epochs[:forecast_after]
        forecast = forecast_training_energy(first, planned_epochs=planned_epochs, **settings)
        rescaled = forecast_training_energy(first, planned_epochs=len(epochs), **settings)
        errors = {
            "energy": _relative_error(rescaled.energy_kwh, actual.energy_kwh),
            "duration": _relative_error(rescaled.duration_s, actual.duration_s),
            "emissions": _relative_error(rescaled.emissions_g, grams),
        }
    return TrainingEnergyOutcome(
        forecast=forecast,
        actual_epochs=len(epochs),
        actual_energy_kwh=actual.energy_kwh,
        actual_duration_s=actual.duration_s,
        actual_facility_kwh=pricing.facility_kwh(actual.energy_kwh),
        actual_emissions_g=grams,
        status=actual.status,
        compared_epochs=len(epochs),
        energy_error=errors["energy"],
        duration_error=errors["duration"],
        emissions_error=errors["emissions"],
        epochs=epochs,
    )
