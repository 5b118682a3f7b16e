"""Fakes shaped like CodeCarbon's objects (only the attributes greennb reads), as fixtures."""

import json
from importlib.resources import files
from pathlib import Path
from types import SimpleNamespace

import pytest

from greennb.energy import EnergySession
from greennb.energy import _session as session_module


class CPU:
    def __init__(self, mode, tdp=85):
        self._mode = mode
        self._tdp = tdp


class RAM:
    _force_ram_power = None


class NvidiaGPUDevice:
    pass


class GPU:
    def __init__(self):
        self.devices = SimpleNamespace(devices=[NvidiaGPUDevice(), NvidiaGPUDevice()])


class Raspberry:
    def __init__(self, chip_part):
        self.chip_part = chip_part


def task_data(cpu=0.0, gpu=0.0, ram=0.0, duration=1.0):
    """Stand-in for CodeCarbon's EmissionsData (energies in kWh, duration in s)."""
    return SimpleNamespace(cpu_energy=cpu, gpu_energy=gpu, ram_energy=ram, duration=duration)


class FakeTracker:
    """Records calls; stop_task returns the queued data (or raises/returns what it is told)."""

    def __init__(self, results=(), hardware=None, **settings):
        self.settings = settings
        self.run_id = "fake-run"
        self._hardware = hardware if hardware is not None else [RAM(), CPU("cpu_load", 8)]
        self.results = list(results)
        self.calls = []
        self.stop_calls = 0

    def start_task(self, name):
        self.calls.append(("start_task", name))

    def stop_task(self, name=None):
        self.calls.append(("stop_task", name))
        result = self.results.pop(0) if self.results else task_data(duration=0.001)
        if isinstance(result, Exception):
            raise result
        return result

    def get_detected_hardware(self):
        return {"cpu_model": "Fake CPU", "gpu_count": 0, "gpu_model": "", "ram_total_size": 16.0}

    def stop(self):
        self.stop_calls += 1


@pytest.fixture
def fakes():
    """The fake CodeCarbon classes and the task-data helper."""
    return SimpleNamespace(
        CPU=CPU, RAM=RAM, GPU=GPU, Raspberry=Raspberry, Tracker=FakeTracker, data=task_data
    )


@pytest.fixture
def make_session(tmp_path):
    """Factory: a session (FRA grid) whose tracker factory hands out the given fake trackers."""

    def make(*trackers, country="FRA"):
        built = []

        def factory(**settings):
            assert Path(settings["output_dir"]).is_dir(), "output folder must exist first"
            tracker = trackers[len(built)]
            tracker.settings = settings
            built.append(tracker)
            return tracker

        session = EnergySession(
            country=country, output_dir=tmp_path / "energy", tracker_factory=factory
        )
        session.built = built
        return session

    return make


@pytest.fixture
def own_global_session(monkeypatch):
    """Give the test its own process-wide session; close it after and restore the one found.

    No test may close, or depend on, a process-wide session another test made.
    """
    monkeypatch.setattr(session_module, "_SESSION", None)
    yield
    session_module.close_session()  # the test's own; monkeypatch then restores the original


@pytest.fixture(scope="session")
def energy_mix_json():
    """CodeCarbon's energy-mix file, read directly (not through greennb or CodeCarbon's loader)."""
    path = files("codecarbon").joinpath("data/private_infra/global_energy_mix.json")
    return json.loads(path.read_text())
