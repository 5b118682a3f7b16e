"""Tests of greennb.energy._codecarbon: settings, hardware sources, failures, a real tracker."""

import contextlib
import os
import socket
import sys
import time
from types import SimpleNamespace

import pandas as pd
import pytest

from greennb.energy import EnergySession, grid_carbon_intensity, track
from greennb.energy import _codecarbon as adapter
from greennb.energy import _grid as grid
from greennb.energy._codecarbon import HALF_BUILT_REASON, NONE_REASON

# --- Settings and hardware sources -------------------------------------------------------------


def test_tracker_settings_avoid_codecarbon_traps(tmp_path, make_session, fakes):
    tracker = fakes.Tracker()
    session = make_session(tracker)
    with track("a", session=session):
        pass
    settings = tracker.settings
    assert settings["pue"] == 1.0
    assert settings["country_iso_code"] == "FRA"
    assert settings["tracking_mode"] == "machine"
    assert settings["allow_multiple_runs"] is True
    assert settings["output_dir"] == str((tmp_path / "energy").resolve())
    assert settings["emissions_endpoint"] is None
    assert settings["electricitymaps_api_token"] == ""


def test_tracker_settings_pass_the_stated_hardware_to_codecarbon(make_session, fakes):
    tracker = fakes.Tracker()
    session = make_session(tracker, cpu_power_w=65, ram_power_w=6, hardware_source="datasheet")
    with track("a", session=session):
        pass
    assert tracker.settings["force_cpu_power"] == 65.0
    assert tracker.settings["force_ram_power"] == 6.0
    untouched = fakes.Tracker()
    with track("b", session=make_session(untouched)):
        pass
    assert untouched.settings["force_cpu_power"] is None  # explicit: no config file can set it
    assert untouched.settings["force_ram_power"] is None


def test_detected_hardware_tolerates_a_broken_tracker():
    hardware = adapter.detected_hardware(object())
    assert {key: hardware[key] for key in adapter.NO_HARDWARE} == adapter.NO_HARDWARE


def test_detected_hardware_converts_codecarbon_gib_to_gb():
    tracker = SimpleNamespace(get_detected_hardware=lambda: {"ram_total_size": 16.0})
    hardware = adapter.detected_hardware(tracker)
    assert hardware["ram_total_gib"] == 16.0
    assert hardware["ram_total_gb"] == pytest.approx(16 * 2**30 / 1e9)  # 17.18 GB


# --- Failures become "unavailable: reason", and the block still runs ------------------------


def test_construction_failure_block_runs_and_result_says_why(tmp_path):
    def failing_factory(**settings):
        raise PermissionError("/sys/class/powercap: permission denied")

    session = EnergySession(country="FRA", output_dir=tmp_path, tracker_factory=failing_factory)
    ran = []
    with track("train", session=session) as t:
        time.sleep(0.05)
        ran.append(True)
    assert ran == [True]
    assert t.result.status == "unavailable"
    assert t.result.reason == (
        "codecarbon start failed: PermissionError: /sys/class/powercap: permission denied"
    )
    assert t.result.energy_kwh is None and t.result.emissions_kg is None
    assert t.result.duration_s == pytest.approx(0.05, abs=0.04)
    assert t.result.dynamic_energy_kwh is None
    assert "unavailable" in t.result.summary()


def test_codecarbon_import_failure(tmp_path, monkeypatch):
    for module in ("codecarbon", "codecarbon.input"):  # None makes their import fail
        monkeypatch.setitem(sys.modules, module, None)
    grid._energy_mix.cache_clear()  # so that the grid data must be imported too
    try:
        session = EnergySession(country="fra", output_dir=tmp_path)
        ran = []
        with track("train", session=session) as t:
            ran.append(True)
    finally:
        grid._energy_mix.cache_clear()
    assert ran == [True]
    assert session.country == "FRA" and session.carbon_intensity_g_per_kwh is None
    assert t.result.status == "unavailable"
    assert t.result.reason.startswith("codecarbon start failed: ModuleNotFoundError")
    assert "unavailable" in t.result.summary()


def test_half_built_tracker(tmp_path):
    session = EnergySession(
        country="FRA", output_dir=tmp_path, tracker_factory=lambda **s: SimpleNamespace()
    )
    with track("train", session=session) as t:
        pass
    assert t.result.reason == HALF_BUILT_REASON


@pytest.mark.parametrize(
    ("step", "expected"),
    [
        ("start_task", "codecarbon start_task failed: OSError: disk full"),
        ("stop_task", "codecarbon stop_task failed: OSError: disk full"),
    ],
)
def test_task_failures(make_session, fakes, step, expected):
    tracker = fakes.Tracker()

    def broken(name=None):
        raise OSError("disk full")

    setattr(tracker, step, broken)
    session = make_session(tracker)
    with track("train", session=session) as t:
        value = 6 * 7
    assert value == 42
    assert (t.result.status, t.result.reason) == ("unavailable", expected)


def test_stop_task_returning_none(make_session, fakes):
    session = make_session(fakes.Tracker([None]))
    with track("train", session=session) as t:
        pass
    assert (t.result.status, t.result.reason) == ("unavailable", NONE_REASON)


@pytest.mark.parametrize(
    ("data", "detail"),
    [
        ({"cpu": -1e-3}, "negative or non-finite values {'cpu': -0.001}"),
        ({"duration": float("nan")}, "negative or non-finite values {'duration': nan}"),
        ({"cpu": None}, "TypeError"),
    ],
)
def test_invalid_energy_data_is_unavailable(make_session, fakes, data, detail):
    session = make_session(fakes.Tracker([fakes.data(**data)]))
    with track("train", session=session) as t:
        pass
    assert t.result.status == "unavailable"
    assert t.result.reason.startswith("codecarbon returned unusable energy data: ")
    assert detail in t.result.reason


def test_stop_tracker_swallows_failures_at_shutdown():
    class Broken:
        def stop(self):
            raise RuntimeError("already stopped")

    adapter.stop_tracker(Broken())  # nothing useful to do at shutdown: no exception


# --- The real CodeCarbon tracker on this machine -----------------------------------------------


@contextlib.contextmanager
def refused_network():
    """Record and refuse every network connection attempt; yield the list of attempts."""
    attempts = []
    original_connect = socket.socket.connect

    def refuse(sock, address):
        attempts.append(address)
        raise OSError("network disabled in tests")

    socket.socket.connect = refuse
    try:
        yield attempts
    finally:
        socket.socket.connect = original_connect


@pytest.fixture(scope="module")
def real_session(tmp_path_factory):
    """A real CodeCarbon session shared by the tests below; none of them closes it."""
    with refused_network() as attempts:
        session = EnergySession(country="FRA", output_dir=tmp_path_factory.mktemp("energy"))
        yield session, attempts
        session.close()


def test_real_phase_on_this_machine(real_session):
    session, attempts = real_session
    with track("warm-up", session=session):
        pass  # pays CodeCarbon's cold start
    with track("sleep", session=session) as t:
        time.sleep(0.3)
    result = t.result
    assert result.status in ("estimated", "measured"), result.reason
    assert result.duration_s == pytest.approx(0.3, abs=0.1)
    assert result.energy_kwh > 0
    parts = result.cpu_energy_kwh + result.gpu_energy_kwh + result.ram_energy_kwh
    assert result.energy_kwh == pytest.approx(parts)
    assert result.emissions_kg == pytest.approx(
        result.energy_kwh * grid_carbon_intensity("FRA") / 1e3
    )
    assert result.ram_flag == "estimated"  # CodeCarbon models RAM power
    assert result.ram_method.startswith("estimated: CodeCarbon RAM model")
    if not os.path.exists("/sys/class/powercap/intel-rapl"):
        assert result.cpu_flag == "estimated"
        assert result.status == "estimated"
        assert result.cpu_method.startswith("estimated: CodeCarbon")
        assert "(0.1 + 0.9 · load³)" in result.cpu_method
    assert result.interval.low < result.energy_kwh < result.interval.high
    assert result.attribution.startswith(("machine-wide", "machine shared"))
    assert result.independent is not None and result.estimate_ratio > 0
    if result.gpu_count == 0:
        assert result.gpu_flag == "absent" and result.gpu_energy_kwh == 0
    # Average power over the phase is physically plausible for one machine (W).
    assert 0.1 < result.energy_kwh * 3.6e6 / result.duration_s < 5000
    assert attempts == []


def test_real_repeated_phase_names_are_measured_separately(real_session):
    # CodeCarbon renames a repeated task ("train_<uuid>"); each phase must still get its own
    # duration, and no task may be left running.
    session, _ = real_session
    durations = []
    for seconds in (0.2, 0.05):
        with track("repeat", session=session) as t:
            time.sleep(seconds)
        durations.append(t.result.duration_s)
    assert durations == [pytest.approx(0.2, abs=0.05), pytest.approx(0.05, abs=0.05)]
    assert not any(task.is_active for task in session._tracker._tasks.values())


def test_real_idle_baseline_and_csv_written_once(tmp_path):
    # Its own session: closing it (to read the CSV back) cannot affect any other test.
    with refused_network() as attempts:
        session = EnergySession(country="FRA", output_dir=tmp_path / "energy")
        for name in ("csv-sleep", "csv-repeat", "csv-repeat"):
            with track(name, session=session):
                time.sleep(0.01)
        baseline = session.measure_idle_baseline(seconds=0.5)
        with track("after-baseline", session=session) as t:
            time.sleep(0.1)
        session.close()
        session.close()
    assert baseline.power_w > 0
    assert t.result.idle_power_w == baseline.power_w
    if t.result.attribution.startswith("machine shared"):  # other agents ran meanwhile
        assert t.result.dynamic_energy_kwh is None
        assert t.result.dynamic_reason.startswith("not computed: machine shared")
    else:
        assert 0 <= t.result.dynamic_energy_kwh <= t.result.energy_kwh
    totals = pd.read_csv(session.output_dir / "emissions.csv")
    assert len(totals) == 1  # stopped exactly once (codecarbon #1307 duplicates rows)
    (tasks_file,) = session.output_dir.glob("emissions_greennb_*.csv")
    phases = pd.read_csv(tasks_file)["task_name"]
    assert {"csv-sleep", "after-baseline", "csv-repeat"} <= set(phases)
    assert phases.str.startswith("csv-repeat_").sum() == 1  # the renamed repeat
    assert attempts == []
