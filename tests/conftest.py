"""Shared test configuration and fakes: no display, no network, quiet CodeCarbon, tmp only.

Each test process (and each notebook kernel it starts) gets one BLAS/torch thread: two
xdist workers that each start two threads on a two-core machine slow torch down about
tenfold, and a serial run shares the machine with whatever else is running.

Every test runs with its working directory in its own ``tmp_path`` and the run store there
too, so nothing a test writes (CodeCarbon's CSV, a run folder, a figure) lands in the
checkout.
"""

import os
from types import SimpleNamespace

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("CODECARBON_LOG_LEVEL", "error")
for variable in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ.setdefault(variable, "1")


@pytest.fixture(autouse=True)
def _write_only_under_tmp_path(tmp_path, monkeypatch):
    """Run each test in its own tmp_path, with the run store there."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GREENNB_RUNS_DIR", str(tmp_path / "papermill_runs"))


class QueuedTracker:
    """Stands in for CodeCarbon's tracker: each stop_task returns the next queued energy (kWh).

    ``duration_s`` is a number of seconds, or a function of the energy giving them.
    """

    def __init__(self, energies_kwh, duration_s=1.0, **settings):
        self.run_id = "fake"
        self.settings = settings
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


@pytest.fixture
def fake_session(tmp_path):
    """Factory: an EnergySession (FRA grid) whose phases cost the queued energies (kWh)."""
    from greennb.energy import EnergySession

    def make(energies_kwh, duration_s=1.0):
        return EnergySession(
            country="FRA",
            output_dir=tmp_path,
            tracker_factory=lambda **s: QueuedTracker(energies_kwh, duration_s, **s),
        )

    return make


def _energy_result(energy_kwh, duration_s, *, phase="epoch", status="estimated"):
    from greennb.energy import EnergyResult

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


@pytest.fixture
def energy_result():
    """Factory: an EnergyResult of known cost, ``energy_result(kwh, seconds, phase=, status=)``."""
    return _energy_result


@pytest.fixture(scope="module")
def hmda():
    """The HMDA dataset and its default split (``random_state=0``): ``(data, split)``."""
    import greennb as gnb

    data = gnb.load_dataset("hmda")
    return data, gnb.split_dataset(data, random_state=0)


@pytest.fixture(scope="module")
def hmda_model(hmda):
    """A small torch MLP (64, 32) fitted for 8 epochs on the HMDA training split (CPU)."""
    import greennb as gnb

    data, split = hmda
    model = gnb.make_model(
        "mlp", task="classification", hidden_layer_sizes=(64, 32), max_epochs=8, device="cpu"
    )
    return model.fit(split.X_train, split.y_train)


@pytest.fixture(scope="module")
def synthetic():
    """Two groups whose scores differ: group 'b' is selected far less often. ``(X, y, group)``."""
    import numpy as np

    rng = np.random.default_rng(0)
    n = 600
    group = rng.choice(np.array(["a", "b"]), size=n, p=[0.6, 0.4])
    x = rng.normal(size=n) + np.where(group == "a", 0.8, -0.8)
    X = np.column_stack([x, rng.normal(size=n)])
    y = (x + 0.5 * rng.normal(size=n) > 0).astype(int)
    return X, y, group


#: Phrases that use the word "measured" without calling a figure measured.
HONEST_MEASURED_PHRASES = (
    "measured or estimated",
    "measured/estimated",
    "not measured",
    "measured where the machine exposes",
    "measured from hardware counters where",
    "measured after collection",  # covid_testing's turnaround times: clock times, not energy
)


def _measured_claims(text: str) -> list[str]:
    """Return each place in ``text`` that calls something "measured" outside the honest phrases."""
    import re

    cleaned = text.lower()
    for phrase in HONEST_MEASURED_PHRASES:
        cleaned = cleaned.replace(phrase, " ")
    return [m.group(0) for m in re.finditer(r".{0,40}\bmeasured\b.{0,40}", cleaned)]


@pytest.fixture
def measured_claims():
    """Function: the places in a text that call a figure "measured" (see HONEST_MEASURED_PHRASES).

    On a machine without RAPL, NVML or a stated power, no energy can be measured, so an
    executed notebook or a report that says "measured" there mislabels an estimate.
    """
    return _measured_claims
