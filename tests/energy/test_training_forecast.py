"""Tests of the training-energy forecast: the model, the outcome, the forecaster callback."""

import json
import math

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification

import greennb as gnb
from greennb import energy as forecasting
from greennb import plots
from greennb.energy import Pricing, grid_carbon_intensity
from greennb.models import EpochCallback, TorchMLPClassifier, TorchMLPRegressor


@pytest.fixture(scope="module")
def xy():
    X, y = make_classification(n_samples=400, n_features=8, n_informative=5, random_state=0)
    return X.astype(np.float32), y


def test_forecast_of_a_synthetic_run_of_known_cost(energy_result):
    # Epoch 1 costs 3 Wh in 30 s (warm-up), every later epoch 1 Wh in 10 s.
    epochs = [energy_result(3e-3, 30.0)] + [energy_result(1e-3, 10.0) for _ in range(19)]
    forecast = forecasting.forecast_training_energy(
        epochs[:2], planned_epochs=20, pricing=Pricing(country="FRA", pue=1.5, renewable_share=0.25)
    )
    assert forecast.warmup_epochs == 1 and forecast.measured_epochs == 2
    assert forecast.energy_kwh == pytest.approx(3e-3 + 19 * 1e-3)
    assert forecast.duration_s == pytest.approx(30 + 19 * 10)
    assert forecast.facility_kwh == pytest.approx(22e-3 * 1.5)
    expected_g = 22e-3 * 1.5 * grid_carbon_intensity("FRA") * 0.75
    assert forecast.emissions_g == pytest.approx(expected_g)
    assert "Forecast after 2 of 20 epochs: 22 Wh" in forecast.summary()
    plain = forecasting.forecast_training_energy(epochs[:2], planned_epochs=20, warmup_epochs=0)
    assert plain.energy_kwh == pytest.approx(20 * 2e-3)  # carbontracker's plain mean
    report = forecasting.training_energy_outcome(
        epochs, planned_epochs=20, pricing=Pricing(country="FRA")
    )
    assert report.energy_error == pytest.approx(0.0, abs=1e-12)
    assert report.actual_energy_kwh == pytest.approx(22e-3)
    # The later epochs turn out 10 % dearer than the second: the forecast is too low.
    dearer = epochs[:2] + [energy_result(1.1e-3, 11.0) for _ in range(18)]
    report = forecasting.training_energy_outcome(
        dearer, planned_epochs=20, pricing=Pricing(country="FRA")
    )
    actual = 3e-3 + 1e-3 + 18 * 1.1e-3
    assert report.energy_error == pytest.approx((22e-3 - actual) / actual)
    assert report.duration_error == pytest.approx((220 - (40 + 18 * 11)) / (40 + 18 * 11))
    assert report.emissions_error == pytest.approx(report.energy_error)


def test_forecaster_with_a_fake_tracker_session(fake_session):
    energies = [4e-3, 2e-3, 2e-3, 2e-3, 3e-3]
    session = fake_session(energies, duration_s=lambda kwh: kwh * 1e4)
    forecaster = forecasting.TrainingEnergyForecaster(5, session=session)
    assert forecaster.pricing == Pricing(country="FRA")  # the session's grid, default PUE and ε
    for index in range(5):
        with forecaster.epoch():
            pass
        if index == 0:
            assert forecaster.forecast is None
    assert forecaster.forecast.energy_kwh == pytest.approx(4e-3 + 4 * 2e-3)
    assert [r.phase for r in forecaster.epochs] == [f"train-epoch-{i}" for i in range(1, 6)]
    report = forecaster.report()
    assert report.actual_energy_kwh == pytest.approx(sum(energies))
    assert report.energy_error == pytest.approx((12e-3 - 13e-3) / 13e-3)
    table = report.epoch_table()
    assert list(table["cumulative_energy_wh"]) == pytest.approx([4, 6, 8, 10, 13])
    assert list(table["forecast_energy_wh"]) == pytest.approx([4, 6, 8, 10, 12])
    assert list(table["used_for_forecast"]) == [True, True, False, False, False]
    json.dumps(report.to_dict(), allow_nan=False)
    assert "energy -7.7%" in report.summary()
    ax = plots.training_energy_curve(table, planned_epochs=5)
    assert ax.get_ylabel() == "cumulative computation energy (Wh)"
    assert list(ax.lines[1].get_ydata()) == pytest.approx([4, 6, 8, 10, 12])


def test_fit_with_forecast_measures_every_epoch(fake_session, xy):
    X, y = xy
    model = TorchMLPClassifier(max_epochs=4, early_stopping=False, device="cpu", random_state=0)
    session = fake_session([1e-4] * 4)
    report = forecasting.fit_with_energy_forecast(
        model, X, y, session=session, pricing=Pricing(country="FRA")
    )
    assert model.n_epochs_ == 4 and report.actual_epochs == 4
    assert [r.phase for r in report.epochs] == [f"train-epoch-{i}" for i in range(1, 5)]
    assert report.energy_error == pytest.approx(0.0, abs=1e-12)
    assert model.callbacks is None  # the forecaster is taken out again after the fit
    refit = TorchMLPClassifier(max_epochs=4, early_stopping=False, device="cpu", random_state=0)
    np.testing.assert_array_equal(refit.fit(X, y).predict_proba(X), model.predict_proba(X))


def test_fit_with_forecast_and_early_stopping(fake_session, hmda):
    data, split = hmda
    model = gnb.make_model(
        "mlp", task="classification", max_epochs=200, patience=2, tol=0.05, device="cpu"
    )
    session = fake_session([1e-4] * 200)
    report = forecasting.fit_with_energy_forecast(
        model, split.X_train, split.y_train, session=session
    )
    assert report.actual_epochs == model[-1].n_epochs_ < 200
    assert report.forecast.planned_epochs == 200
    assert report.compared_epochs == report.actual_epochs
    assert math.isclose(report.energy_error, 0.0, abs_tol=1e-12)


def test_forecast_bad_input(fake_session, energy_result):
    with pytest.raises(ValueError, match=r"forecast_after=0 must be an integer between 1 and"):
        forecasting.TrainingEnergyForecaster(10, forecast_after=0, pricing=Pricing(country="FRA"))
    with pytest.raises(ValueError, match=r"forecast_after=11 .*planned_epochs \(10\)"):
        forecasting.TrainingEnergyForecaster(10, forecast_after=11, pricing=Pricing(country="FRA"))
    with pytest.raises(ValueError, match="warmup_epochs must be an integer from 0 to"):
        forecasting.TrainingEnergyForecaster(
            10, forecast_after=2, warmup_epochs=2, pricing=Pricing(country="FRA")
        )
    with pytest.raises(ValueError, match="planned_epochs must be an integer >= 1"):
        forecasting.TrainingEnergyForecaster(0, pricing=Pricing(country="FRA"))
    with pytest.raises(ValueError, match="pue must be"):
        forecasting.TrainingEnergyForecaster(10, pricing=Pricing(country="FRA", pue=0.5))
    with pytest.raises(ValueError, match="planned_epochs must be an integer >= 2"):
        forecasting.forecast_training_energy([energy_result(1, 1)] * 2, planned_epochs=1)
    with pytest.raises(ValueError, match="needs 1 measured epoch"):
        forecasting.forecast_training_energy([], planned_epochs=3)
    forecaster = forecasting.TrainingEnergyForecaster(3, session=fake_session([1e-3]))
    with pytest.raises(RuntimeError, match="no epoch is being measured"):
        forecaster.end_epoch()
    forecaster.start_epoch()
    with pytest.raises(RuntimeError, match="epoch 1 is still being measured"):
        forecaster.start_epoch()
    with pytest.raises(
        TypeError, match="fit_with_energy_forecast needs a TorchMLPClassifier or TorchMLPRegressor"
    ):
        from sklearn.linear_model import LogisticRegression

        forecasting.fit_with_energy_forecast(LogisticRegression(), [[0.0], [1.0]], [0, 1])


def test_unavailable_epoch_energy_makes_the_energy_forecast_unavailable(energy_result):
    epochs = [energy_result(None, 1.0, status="unavailable"), energy_result(1e-3, 1.0)]
    forecast = forecasting.forecast_training_energy(
        epochs, planned_epochs=4, pricing=Pricing(country="FRA")
    )
    assert forecast.energy_kwh is None and forecast.emissions_g is None
    assert forecast.duration_s == pytest.approx(4.0) and forecast.status == "unavailable"


class Recorder(EpochCallback):
    def __init__(self):
        self.ends = []

    def on_epoch_end(self, estimator, epoch, logs):
        self.ends.append(epoch)


def test_the_forecaster_is_an_epoch_callback(fake_session, xy):
    X, y = xy
    forecaster = forecasting.TrainingEnergyForecaster(
        3, session=fake_session([2e-4, 1e-4, 1e-4]), pricing=Pricing(country="FRA", pue=1.0)
    )
    params = dict(max_epochs=3, early_stopping=False, device="cpu", random_state=0)
    model = TorchMLPClassifier(**params, callbacks=[forecaster]).fit(X, y)
    assert [r.phase for r in forecaster.epochs] == [
        "train-epoch-1",
        "train-epoch-2",
        "train-epoch-3",
    ]
    assert not forecaster.measuring
    assert forecaster.forecast.energy_kwh == pytest.approx(2e-4 + 2 * 1e-4)
    assert forecaster.report().energy_error == pytest.approx(0.0, abs=1e-12)
    plain = TorchMLPClassifier(**params).fit(X, y)
    np.testing.assert_array_equal(model.predict_proba(X), plain.predict_proba(X))
    assert "planned_epochs=3, forecast_after=2, measured=3" in repr(model)


def test_fit_with_forecast_keeps_the_models_own_callbacks(fake_session, xy):
    X, y = xy
    recorder = Recorder()
    model = gnb.make_model(
        "mlp",
        task="classification",
        max_epochs=3,
        early_stopping=False,
        device="cpu",
        callbacks=[recorder],
    )
    frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])])
    report = forecasting.fit_with_energy_forecast(model, frame, y, session=fake_session([1e-4] * 3))
    assert recorder.ends == [1, 2, 3] and report.actual_epochs == 3
    assert model[-1].callbacks == [recorder]


def test_fit_with_forecast_ends_the_open_epoch_when_fit_fails(fake_session, xy):
    X, y = xy
    model = TorchMLPRegressor(learning_rate=1e6, max_epochs=20, device="cpu", random_state=0)
    session = fake_session([1e-4] * 20)
    with pytest.raises(ValueError, match="diverged"):
        forecasting.fit_with_energy_forecast(model, X, y, session=session)
    assert model.callbacks is None
    assert len(session.results) >= 1  # the failing epoch was closed as a phase


def test_fit_with_forecast_refuses_callbacks_that_are_not_a_list(fake_session, xy):
    X, y = xy
    model = TorchMLPClassifier(max_epochs=2, callbacks=Recorder())
    with pytest.raises(TypeError, match="must be None or a list; got Recorder"):
        forecasting.fit_with_energy_forecast(model, X, y, session=fake_session([1e-4] * 2))
    assert isinstance(model.callbacks, Recorder)
