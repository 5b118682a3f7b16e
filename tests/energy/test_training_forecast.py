"""Tests of greennb.efficiency (the levers) and greennb.footprint (evaluation and forecast)."""

import json
import math
from types import SimpleNamespace

import numpy as np
import pytest
from sklearn.datasets import make_classification
from torch import nn

import greennb as gnb
from greennb import plots
from greennb.efficiency import _levers as efficiency
from greennb.energy import _training_forecast as forecasting
from greennb.energy._carbon import grid_carbon_intensity
from greennb.energy._tracking import EnergyResult, EnergySession
from greennb.models._torch_mlp import TorchMLPClassifier

# --- Fixtures ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def xy():
    X, y = make_classification(n_samples=400, n_features=8, n_informative=5, random_state=0)
    return X.astype(np.float32), y


@pytest.fixture(scope="module")
def mlp(xy):
    X, y = xy
    return TorchMLPClassifier(
        hidden_layer_sizes=(32, 16), max_epochs=15, device="cpu", random_state=0
    ).fit(X, y)


@pytest.fixture(scope="module")
def hmda():
    data = gnb.load_dataset("hmda")
    return data, gnb.split_dataset(data, random_state=0)


@pytest.fixture(scope="module")
def hmda_model(hmda):
    data, split = hmda
    model = gnb.make_model(
        "mlp", task="classification", hidden_layer_sizes=(64, 32), max_epochs=8, device="cpu"
    )
    return model.fit(split.X_train, split.y_train)


def float_linears(model):
    return [m for m in efficiency.network_of(model).modules() if isinstance(m, nn.Linear)]


class FakeTracker:
    """Stands in for CodeCarbon's tracker: each stop_task returns the next queued energy."""

    def __init__(self, energies_kwh, duration_s=1.0, **settings):
        self.run_id = "fake"
        self._hardware = []
        self.queue = list(energies_kwh)
        self.duration_s = duration_s

    def start_task(self, name):
        pass

    def stop_task(self, name=None):
        energy = self.queue.pop(0)
        duration = self.duration_s(energy) if callable(self.duration_s) else self.duration_s
        return SimpleNamespace(cpu_energy=energy, gpu_energy=0.0, ram_energy=0.0, duration=duration)

    def get_detected_hardware(self):
        return {}

    def stop(self):
        pass


def fake_session(tmp_path, energies_kwh, duration_s=1.0):
    return EnergySession(
        country="FRA",
        output_dir=tmp_path,
        tracker_factory=lambda **s: FakeTracker(energies_kwh, duration_s, **s),
    )


def energy_result(energy_kwh, duration_s, *, phase="epoch", status="estimated"):
    """An EnergyResult of known cost (only the fields the forecast reads matter)."""
    return EnergyResult(
        phase=phase,
        status=status,
        reason="synthetic",
        duration_s=duration_s,
        cpu_energy_kwh=energy_kwh,
        gpu_energy_kwh=0.0,
        ram_energy_kwh=0.0,
        energy_kwh=energy_kwh,
        emissions_kg=None,
        country="FRA",
        carbon_intensity_g_per_kwh=None,
        cpu_source="synthetic",
        gpu_source="none",
        ram_source="none",
        cpu_flag=status,
        gpu_flag="absent",
        ram_flag="absent",
        cpu_model="",
        gpu_model="",
        gpu_count=0,
        ram_total_gb=None,
        tracking_mode="machine",
        idle_power_w=None,
        dynamic_energy_kwh=None,
        dynamic_reason="",
        started_at="2025-01-01T00:00:00+00:00",
    )


# --- Footprint forecast -------------------------------------------------------------------------


def test_forecast_of_a_synthetic_run_of_known_cost():
    # Epoch 1 costs 3 Wh in 30 s (warm-up), every later epoch 1 Wh in 10 s.
    epochs = [energy_result(3e-3, 30.0)] + [energy_result(1e-3, 10.0) for _ in range(19)]
    forecast = forecasting.forecast_training_energy(
        epochs[:2], planned_epochs=20, country="FRA", pue=1.5, renewable_share=0.25
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
    report = forecasting.training_energy_outcome(epochs, planned_epochs=20, country="FRA")
    assert report.energy_error == pytest.approx(0.0, abs=1e-12)
    assert report.actual_energy_kwh == pytest.approx(22e-3)
    # The later epochs turn out 10 % dearer than the second: the forecast is too low.
    dearer = epochs[:2] + [energy_result(1.1e-3, 11.0) for _ in range(18)]
    report = forecasting.training_energy_outcome(dearer, planned_epochs=20, country="FRA")
    actual = 3e-3 + 1e-3 + 18 * 1.1e-3
    assert report.energy_error == pytest.approx((22e-3 - actual) / actual)
    assert report.duration_error == pytest.approx((220 - (40 + 18 * 11)) / (40 + 18 * 11))
    assert report.emissions_error == pytest.approx(report.energy_error)


def test_forecaster_with_a_fake_tracker_session(tmp_path):
    energies = [4e-3, 2e-3, 2e-3, 2e-3, 3e-3]
    session = fake_session(tmp_path, energies, duration_s=lambda kwh: kwh * 1e4)
    forecaster = forecasting.TrainingEnergyForecaster(5, session=session, pue=1.0)
    assert forecaster.country == "FRA"  # the session's grid
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
    assert list(table["measured_for_forecast"]) == [True, True, False, False, False]
    json.dumps(report.to_dict(), allow_nan=False)
    assert "energy -7.7%" in report.summary()
    ax = plots.training_energy_curve(table, planned_epochs=5)
    assert ax.get_ylabel() == "cumulative computation energy (Wh)"
    assert list(ax.lines[1].get_ydata()) == pytest.approx([4, 6, 8, 10, 12])


def test_fit_with_forecast_measures_every_epoch(tmp_path, xy):
    X, y = xy
    model = TorchMLPClassifier(max_epochs=4, early_stopping=False, device="cpu", random_state=0)
    session = fake_session(tmp_path, [1e-4] * 4)
    report = forecasting.fit_with_energy_forecast(model, X, y, session=session, country="FRA")
    assert model.n_epochs_ == 4 and report.actual_epochs == 4
    assert [r.phase for r in report.epochs] == [f"train-epoch-{i}" for i in range(1, 5)]
    assert report.energy_error == pytest.approx(0.0, abs=1e-12)
    assert "_train_one_epoch" not in vars(model)  # the hook is gone after the fit
    refit = TorchMLPClassifier(max_epochs=4, early_stopping=False, device="cpu", random_state=0)
    np.testing.assert_array_equal(refit.fit(X, y).predict_proba(X), model.predict_proba(X))


def test_fit_with_forecast_and_early_stopping(tmp_path, hmda):
    data, split = hmda
    model = gnb.make_model(
        "mlp", task="classification", max_epochs=200, patience=2, tol=0.05, device="cpu"
    )
    session = fake_session(tmp_path, [1e-4] * 200)
    report = forecasting.fit_with_energy_forecast(
        model, split.X_train, split.y_train, session=session
    )
    assert report.actual_epochs == model[-1].n_epochs_ < 200
    assert report.forecast.planned_epochs == 200
    assert report.compared_epochs == report.actual_epochs
    assert math.isclose(report.energy_error, 0.0, abs_tol=1e-12)


def test_forecast_bad_input(tmp_path):
    with pytest.raises(ValueError, match=r"forecast_after=0 must be an integer between 1 and"):
        forecasting.TrainingEnergyForecaster(10, forecast_after=0, country="FRA")
    with pytest.raises(ValueError, match=r"forecast_after=11 .*planned_epochs \(10\)"):
        forecasting.TrainingEnergyForecaster(10, forecast_after=11, country="FRA")
    with pytest.raises(ValueError, match="warmup_epochs must be an integer from 0 to"):
        forecasting.TrainingEnergyForecaster(10, forecast_after=2, warmup_epochs=2, country="FRA")
    with pytest.raises(ValueError, match="planned_epochs must be an integer >= 1"):
        forecasting.TrainingEnergyForecaster(0, country="FRA")
    with pytest.raises(ValueError, match="pue must be"):
        forecasting.TrainingEnergyForecaster(10, country="FRA", pue=0.5)
    with pytest.raises(ValueError, match="planned_epochs must be an integer >= 2"):
        forecasting.forecast_training_energy([energy_result(1, 1)] * 2, planned_epochs=1)
    with pytest.raises(ValueError, match="needs 1 measured epoch"):
        forecasting.forecast_training_energy([], planned_epochs=3)
    forecaster = forecasting.TrainingEnergyForecaster(3, session=fake_session(tmp_path, [1e-3]))
    with pytest.raises(RuntimeError, match="no epoch is being measured"):
        forecaster.end_epoch()
    forecaster.start_epoch()
    with pytest.raises(RuntimeError, match="epoch 1 is still being measured"):
        forecaster.start_epoch()
    with pytest.raises(TypeError, match="fit_with_energy_forecast needs a fitted TorchMLP"):
        from sklearn.linear_model import LogisticRegression

        forecasting.fit_with_energy_forecast(LogisticRegression(), [[0.0], [1.0]], [0, 1])


def test_unavailable_epoch_energy_makes_the_energy_forecast_unavailable():
    epochs = [energy_result(None, 1.0, status="unavailable"), energy_result(1e-3, 1.0)]
    forecast = forecasting.forecast_training_energy(epochs, planned_epochs=4, country="FRA")
    assert forecast.energy_kwh is None and forecast.emissions_g is None
    assert forecast.duration_s == pytest.approx(4.0) and forecast.status == "unavailable"
