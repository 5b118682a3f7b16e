"""Forecast a training's energy, time and CO2e from its first measured epochs."""

from __future__ import annotations

import dataclasses
import math
import numbers
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from greennb.efficiency._levers import (
    UNSUPPORTED_MODEL_MSG,
)
from greennb.energy._carbon import DEFAULT_PUE, carbon_emissions, default_country, facility_energy
from greennb.energy._tracking import (
    STATUS_UNAVAILABLE,
    EnergyResult,
    EnergySession,
    get_session,
    worst_status,
)
from greennb.errors import InvalidTypeError, InvalidValueError, StateError
from greennb.models import TorchMLPClassifier, TorchMLPRegressor

#: Rows per batch when timing batch inference.
DEFAULT_BATCH_SIZE = 1024
#: Minimum length of the timed inference loop (s): CodeCarbon reads the CPU load every second.
DEFAULT_MIN_SECONDS = 1.0
#: Epochs measured before :class:`TrainingEnergyForecaster` forecasts the whole run.
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
        raise InvalidValueError(COUNT_MSG.format(name=name, minimum=minimum, value=value))
    return int(value)


def _seconds(value: Any, *, name: str) -> float:
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
    if not ok or not math.isfinite(value) or value <= 0:
        raise InvalidValueError(SECONDS_MSG.format(name=name, value=value))
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
# Footprint forecast
# ---------------------------------------------------------------------------


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


def _warmup(warmup_epochs: int | None, measured: int) -> int:
    if warmup_epochs is None:
        return min(1, measured - 1)
    if not _is_int(warmup_epochs) or not 0 <= warmup_epochs < measured:
        raise InvalidValueError(WARMUP_MSG.format(value=warmup_epochs, measured=measured))
    return int(warmup_epochs)


def forecast_training_energy(
    epochs: Sequence[EnergyResult],
    *,
    planned_epochs: int,
    warmup_epochs: int | None = None,
    country: str | None = None,
    pue: float = DEFAULT_PUE,
    renewable_share: float = 0.0,
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
    country : str, optional
        Grid (3-letter ISO code); default :func:`greennb.default_country`.
    pue : float, default DEFAULT_PUE (1.56)
        Power usage effectiveness applied to the forecast energy.
    renewable_share : float, default 0.0
        ε, renewable share of the electricity bought.

    Returns
    -------
    TrainingEnergyForecast
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
        raise InvalidValueError(TOO_FEW_EPOCHS_MSG.format(needed=1, got=0))
    planned = _count(planned_epochs, name="planned_epochs", minimum=len(epochs))
    warmup = _warmup(warmup_epochs, len(epochs))
    country = country or default_country()
    status = _energy_sum(epochs)[1]
    warm_kwh, _ = _energy_sum(epochs[:warmup]) if warmup else (0.0, status)
    rate_kwh, _ = _energy_sum(epochs[warmup:])
    rate_kwh = None if rate_kwh is None else rate_kwh / (len(epochs) - warmup)
    rate_s = sum(r.duration_s for r in epochs[warmup:]) / (len(epochs) - warmup)
    partial = TrainingEnergyForecast(
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
            Columns ``epoch`` (1-based), ``energy_wh``, ``duration_s``,
            ``cumulative_energy_wh``, ``cumulative_duration_s``, ``forecast_energy_wh``
            (cumulative forecast, see :class:`TrainingEnergyForecast`; NaN without a forecast) and
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


def training_energy_outcome(
    epochs: Sequence[EnergyResult],
    *,
    planned_epochs: int,
    forecast_after: int = DEFAULT_FORECAST_AFTER,
    warmup_epochs: int | None = None,
    country: str | None = None,
    pue: float = DEFAULT_PUE,
    renewable_share: float = 0.0,
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
    country, pue, renewable_share
        Pricing, as for :func:`forecast_training_energy`.

    Returns
    -------
    TrainingEnergyOutcome
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
        forecast = forecast_training_energy(
            first, planned_epochs=planned_epochs, warmup_epochs=warmup_epochs, **pricing
        )
        rescaled = forecast_training_energy(
            first, planned_epochs=len(epochs), warmup_epochs=warmup_epochs, **pricing
        )
        errors = {
            "energy": _relative_error(rescaled.energy_kwh, actual_kwh),
            "duration": _relative_error(rescaled.duration_s, actual_s),
            "emissions": _relative_error(rescaled.emissions_g, grams),
        }
    return TrainingEnergyOutcome(
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


class TrainingEnergyForecaster:
    """Measure a training epoch by epoch and forecast its footprint after the first k epochs.

    Each epoch is one tracked phase (``"<phase>-epoch-<i>"``) of an
    :class:`~greennb.energy.EnergySession`. Use it around any epoch loop::

        forecaster = TrainingEnergyForecaster(planned_epochs=20)
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
        w, first epochs left out of the per-epoch rate (see :class:`TrainingEnergyForecast`);
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
    forecast : TrainingEnergyForecast or None
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
            raise InvalidValueError(
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
        self.forecast: TrainingEnergyForecast | None = None
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
            raise StateError(EPOCH_OPEN_MSG.format(epoch=len(self.epochs) + 1))
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
            raise StateError(NO_EPOCH_MSG)
        result = self._token_session.stop_phase(self._token)
        self._token = None
        self.epochs.append(result)
        if len(self.epochs) == self.forecast_after:
            self.forecast = forecast_training_energy(
                self.epochs, planned_epochs=self.planned_epochs, **self._settings()
            )
        return result

    @contextmanager
    def epoch(self) -> Iterator[TrainingEnergyForecaster]:
        """Measure one epoch: ``with forecaster.epoch(): train_one_epoch()``."""
        self.start_epoch()
        try:
            yield self
        finally:
            self.end_epoch()

    def report(self) -> TrainingEnergyOutcome:
        """Compare the forecast with the epochs measured so far (call it after the run).

        Returns
        -------
        TrainingEnergyOutcome
            Forecast, actual totals and relative errors.
        """
        return training_energy_outcome(
            self.epochs,
            planned_epochs=self.planned_epochs,
            forecast_after=self.forecast_after,
            **self._settings(),
        )


def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def fit_with_energy_forecast(
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
) -> TrainingEnergyOutcome:
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
        Pricing of the CO2e, as for :class:`TrainingEnergyForecaster`.
    session : EnergySession, optional
        Energy session; default the process-wide one. Do not call this inside a tracked
        block: nested phases are not measured separately.
    phase : str, default "train"
        Prefix of the epoch phases.
    **fit_params
        Passed to ``model.fit`` (e.g. ``model__sample_weight`` for a Pipeline).

    Returns
    -------
    TrainingEnergyOutcome
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
        raise InvalidTypeError(
            UNSUPPORTED_MODEL_MSG.format(
                function="fit_with_energy_forecast", type_name=type(estimator).__name__
            )
        )
    forecaster = TrainingEnergyForecaster(
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
