"""The training-energy forecast model: a whole run's energy, time and CO2e from its first epochs.

:func:`forecast_training_energy` applies carbontracker's model (with the first epochs kept
apart as warm-up) to measured epochs and returns a :class:`TrainingEnergyForecast`; the
measuring side is :class:`~greennb.energy.TrainingEnergyForecaster`, the comparison with the
finished run :func:`~greennb.energy.training_energy_outcome`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from greennb._validation import integer, is_integer
from greennb.energy._pricing import Pricing
from greennb.energy._results import EnergyResult
from greennb.energy._totals import total_energy
from greennb.errors import InvalidValueError

TOO_FEW_EPOCHS_MSG = "forecast needs {needed} measured epoch(s); got {got}."
WARMUP_MSG = (
    "warmup_epochs must be an integer from 0 to one less than the measured epochs "
    "({measured}); got {value!r}."
)


@dataclass(frozen=True)
class TrainingEnergyForecast:
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


def warmup_epochs_of(warmup_epochs: int | None, measured: int) -> int:
    """Return w, the warm-up epochs: as given (0 ≤ w < measured), or 1 when 2+ are measured."""
    if warmup_epochs is None:
        return min(1, measured - 1)
    if not is_integer(warmup_epochs) or not 0 <= warmup_epochs < measured:
        raise InvalidValueError(WARMUP_MSG.format(value=warmup_epochs, measured=measured))
    return int(warmup_epochs)


def forecast_training_energy(
    epochs: Sequence[EnergyResult],
    *,
    planned_epochs: int,
    warmup_epochs: int | None = None,
    pricing: Pricing | None = None,
) -> TrainingEnergyForecast:
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
    pricing : Pricing, optional
        Grid, PUE and ε the forecast is priced at; default ``Pricing()`` (the default country,
        PUE 1.56, ε = 0).

    Returns
    -------
    TrainingEnergyForecast
        ``E(N) = Σ warm-up e_i + (N − w) × mean(later e_i)``, likewise for time; emissions
        priced from ``E(N)`` with :class:`greennb.energy.Pricing`.

    Raises
    ------
    ValueError
        No epochs, a bad ``planned_epochs`` or ``warmup_epochs``, or bad pricing inputs.
    """
    epochs = list(epochs)
    if not epochs:
        raise InvalidValueError(TOO_FEW_EPOCHS_MSG.format(needed=1, got=0))
    planned = integer(planned_epochs, name="planned_epochs", minimum=len(epochs))
    warmup = warmup_epochs_of(warmup_epochs, len(epochs))
    pricing = Pricing() if pricing is None else pricing
    status = total_energy(epochs).status
    warm_kwh = total_energy(epochs[:warmup]).energy_kwh if warmup else 0.0
    rate = total_energy(epochs[warmup:])
    rate_kwh = None if rate.energy_kwh is None else rate.energy_kwh / (len(epochs) - warmup)
    partial = TrainingEnergyForecast(
        planned_epochs=planned,
        measured_epochs=len(epochs),
        warmup_epochs=warmup,
        warmup_energy_kwh=warm_kwh,
        warmup_duration_s=total_energy(epochs[:warmup]).duration_s,
        energy_kwh_per_epoch=rate_kwh,
        seconds_per_epoch=rate.duration_s / (len(epochs) - warmup),
        energy_kwh=None,
        duration_s=0.0,
        facility_kwh=None,
        emissions_g=None,
        status=status,
        country=pricing.country,
        pue=pricing.pue,
        renewable_share=pricing.renewable_share,
    )
    energy = partial.energy_kwh_after(planned)
    return dataclasses.replace(
        partial,
        energy_kwh=energy,
        duration_s=partial.duration_s_after(planned),
        facility_kwh=pricing.facility_kwh(energy),
        emissions_g=pricing.emissions_g(energy),
    )
