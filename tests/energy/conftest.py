"""Fakes shaped like CodeCarbon's objects (only the attributes greennb reads), as fixtures."""

import json
from importlib.resources import files
from pathlib import Path
from types import SimpleNamespace

import pytest

from greennb.energy import EnergySession
from greennb.energy import _session as session_module
from greennb.energy._usage import Usage

#: A quiet phase: 1 s, this process busy 1 CPU-s of 2 CPUs, nothing else running, 0.5 GB.
QUIET = Usage(
    wall_s=1.0, process_cpu_s=1.0, machine_busy_s=1.0, other_cpu_s=0.0, n_cpus=2, rss_gb=0.5
)
#: A shared phase: other processes used 1.5 CPU-s during the same second.
SHARED = Usage(
    wall_s=1.0, process_cpu_s=0.5, machine_busy_s=2.0, other_cpu_s=1.5, n_cpus=2, rss_gb=0.5
)


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


class FakeSampler:
    """Stands in for UsageSampler: every phase used ``usage``; counts the calls."""

    def __init__(self, usage=QUIET, fail=None):
        self.usage, self.fail, self.calls = usage, fail, []

    def start(self):
        self.calls.append("start")
        if self.fail == "start":
            raise RuntimeError("no counters")
        return "mark"

    def stop(self, token):
        self.calls.append(("stop", token))
        if self.fail == "stop":
            raise RuntimeError("no counters")
        return self.usage


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
        return {
            "cpu_model": "Fake CPU",
            "cpu_count": 2,
            "cpu_physical_count": 1,
            "gpu_count": 0,
            "gpu_model": "",
            "ram_total_size": 16.0,  # GiB, as CodeCarbon reports it
        }

    def stop(self):
        self.stop_calls += 1


@pytest.fixture
def fakes():
    """The fake CodeCarbon classes and the task-data helper."""
    return SimpleNamespace(
        CPU=CPU,
        RAM=RAM,
        GPU=GPU,
        Raspberry=Raspberry,
        Tracker=FakeTracker,
        Sampler=FakeSampler,
        data=task_data,
        quiet=QUIET,
        shared=SHARED,
    )


@pytest.fixture
def make_session(tmp_path):
    """Factory: a session (FRA grid) whose tracker factory hands out the given fake trackers.

    Keyword arguments (``cpu_power_w``, ``ram_power_w``, ``hardware_source``,
    ``usage_sampler``) go to the session; the default sampler reports a quiet machine.
    """

    def make(*trackers, country="FRA", **stated):
        built = []
        stated.setdefault("usage_sampler", FakeSampler())

        def factory(**settings):
            assert Path(settings["output_dir"]).is_dir(), "output folder must exist first"
            tracker = trackers[len(built)]
            tracker.settings = settings
            built.append(tracker)
            return tracker

        session = EnergySession(
            country=country, output_dir=tmp_path / "energy", tracker_factory=factory, **stated
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
