"""Measure a training epoch by epoch and forecast its energy, time and CO2e as it runs.

:class:`TrainingEnergyForecaster` measures each epoch as a tracked phase; it is an epoch
callback of the torch MLPs (:class:`greennb.models.EpochCallback`), so it hooks into their
training without changing it. :func:`fit_with_energy_forecast` fits a torch MLP with one. The
forecast model is in ``_training_forecast_model``, the comparison with the finished run in
``_training_forecast_outcome``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from greennb._validation import integer, is_integer
from greennb.efficiency import torch_estimator
from greennb.energy._pricing import Pricing
from greennb.energy._results import EnergyResult
from greennb.energy._session import EnergySession, get_session
from greennb.energy._training_forecast_model import (
    TrainingEnergyForecast,
    forecast_training_energy,
    warmup_epochs_of,
)
from greennb.energy._training_forecast_outcome import (
    DEFAULT_FORECAST_AFTER,
    TrainingEnergyOutcome,
    training_energy_outcome,
)
from greennb.errors import InvalidTypeError, InvalidValueError, StateError
from greennb.models import EpochCallback

EPOCH_OPEN_MSG = "epoch {epoch} is still being measured; end it before starting another."
NO_EPOCH_MSG = "no epoch is being measured; call start_epoch() first."
FORECAST_AFTER_MSG = (
    "forecast_after={forecast_after} must be an integer between 1 and planned_epochs ({planned})."
)
CALLBACKS_MSG = (
    "fit_with_energy_forecast adds its epoch callback to the estimator's callbacks, which must "
    "be None or a list; got {type_name}."
)


class TrainingEnergyForecaster(EpochCallback):
    """Measure a training epoch by epoch and forecast its footprint after the first k epochs.

    Each epoch is one tracked phase (``"<phase>-epoch-<i>"``) of an
    :class:`~greennb.energy.EnergySession`. It is an epoch callback of the torch MLPs
    (:class:`greennb.models.EpochCallback`): ``make_model("mlp", ..., callbacks=[forecaster])``
    measures from each ``on_epoch_begin`` to the ``on_epoch_end`` after the epoch's validation
    (:func:`fit_with_energy_forecast` does this for you). Or use it around any epoch loop::

        forecaster = TrainingEnergyForecaster(planned_epochs=20)
        for epoch in range(20):
            with forecaster.epoch():
                train_one_epoch()
            if forecaster.forecast is not None and epoch + 1 == forecaster.forecast_after:
                print(forecaster.forecast.summary())  # stop here if it costs too much
        print(forecaster.report().summary())

    Use one forecaster per training run: its epochs accumulate.

    Parameters
    ----------
    planned_epochs : int
        Epochs the run is planned for.
    forecast_after : int, default DEFAULT_FORECAST_AFTER (2)
        k, the epochs measured before forecasting (1 ≤ k ≤ planned_epochs).
    warmup_epochs : int, optional
        w, first epochs left out of the per-epoch rate (see :class:`TrainingEnergyForecast`);
        default 1 when k ≥ 2, else 0.
    pricing : Pricing, optional
        Grid, PUE and ε the CO2e is priced at; default the energy session's country, PUE 1.56
        (``DEFAULT_PUE``) and no renewable purchase.
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
        pricing: Pricing | None = None,
        session: EnergySession | None = None,
        phase: str = "train",
    ) -> None:
        self.planned_epochs = integer(planned_epochs, name="planned_epochs", minimum=1)
        if not is_integer(forecast_after) or not 1 <= forecast_after <= self.planned_epochs:
            raise InvalidValueError(
                FORECAST_AFTER_MSG.format(forecast_after=forecast_after, planned=planned_epochs)
            )
        self.forecast_after = int(forecast_after)
        self.warmup_epochs = warmup_epochs_of(warmup_epochs, self.forecast_after)
        if pricing is None:  # the session's grid, the default PUE, no renewable purchase
            pricing = Pricing(country=(session or get_session()).country)
        self.pricing = pricing
        self.session, self.phase = session, phase
        self.epochs: list[EnergyResult] = []
        self.forecast: TrainingEnergyForecast | None = None
        self._token: Any = None
        self._token_session: EnergySession | None = None

    def _settings(self) -> dict[str, Any]:
        return {
            "warmup_epochs": self.warmup_epochs,
            "pricing": self.pricing,
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

    @property
    def measuring(self) -> bool:
        """Whether an epoch is being measured (started and not yet ended)."""
        return self._token is not None

    def on_epoch_begin(self, estimator: Any, epoch: int) -> None:
        """Start measuring the epoch (the epoch-callback hook; see :meth:`start_epoch`)."""
        self.start_epoch()

    def on_epoch_end(self, estimator: Any, epoch: int, logs: dict[str, float]) -> None:
        """Stop measuring the epoch (the epoch-callback hook; see :meth:`end_epoch`)."""
        self.end_epoch()

    def __repr__(self) -> str:
        """Show the plan and the progress, e.g. in an estimator's ``callbacks``."""
        return (
            f"TrainingEnergyForecaster(planned_epochs={self.planned_epochs}, "
            f"forecast_after={self.forecast_after}, measured={len(self.epochs)})"
        )


def fit_with_energy_forecast(
    model: Any,
    X: Any,
    y: Any,
    *,
    forecast_after: int = DEFAULT_FORECAST_AFTER,
    warmup_epochs: int | None = None,
    pricing: Pricing | None = None,
    session: EnergySession | None = None,
    phase: str = "train",
    **fit_params: Any,
) -> TrainingEnergyOutcome:
    """Fit a torch MLP (or a Pipeline ending in one) with each epoch measured, and forecast.

    The planned epochs are the estimator's ``max_epochs``. A :class:`TrainingEnergyForecaster`
    is added to the estimator's ``callbacks`` for the fit (and taken out again afterwards), so
    epoch i's phase runs from the start of epoch i to its end (the optimisation steps, then the
    early-stopping validation); the preprocessing before the first epoch and the restoring of
    the best weights after the last are in no epoch. With early stopping the run may end before
    ``max_epochs``: the report then compares the forecast rate with the epochs that ran. The
    training itself is the same as ``model.fit``'s: the callback only starts and stops phases.

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
    pricing : Pricing, optional
        Grid, PUE and ε of the CO2e, as for :class:`TrainingEnergyForecaster`.
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
        For a model that is not a torch MLP, or ``callbacks`` that are not a list.
    ValueError
        For a ``forecast_after`` outside 1..max_epochs or bad pricing inputs.
    """
    estimator = torch_estimator(model, fitted=False, caller="fit_with_energy_forecast")
    forecaster = TrainingEnergyForecaster(
        estimator.max_epochs,
        forecast_after=forecast_after,
        warmup_epochs=warmup_epochs,
        pricing=pricing,
        session=session,
        phase=phase,
    )
    callbacks = estimator.callbacks
    if callbacks is not None and not isinstance(callbacks, (list, tuple)):
        raise InvalidTypeError(CALLBACKS_MSG.format(type_name=type(callbacks).__name__))
    estimator.set_params(callbacks=[*(callbacks or ()), forecaster])
    try:
        model.fit(X, y, **fit_params)
    finally:
        estimator.set_params(callbacks=callbacks)
        if forecaster.measuring:  # fit failed inside an epoch
            forecaster.end_epoch()
    return forecaster.report()
