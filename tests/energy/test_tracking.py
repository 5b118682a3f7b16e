"""Tests of greennb.energy: phases, failure paths, idle baseline, magic, and a real tracker."""

import json
import os
import socket
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from greennb.energy import _carbon as carbon
from greennb.energy import _tracking as energy
from greennb.energy._carbon import grid_carbon_intensity
from greennb.energy._tracking import (
    CLOSED_REASON,
    HALF_BUILT_REASON,
    MAGIC_RESULT_VARIABLE,
    NO_BASELINE_REASON,
    NONE_REASON,
    EnergyResult,
    EnergySession,
    PhaseTracker,
    close_session,
    configure,
    dynamic_energy,
    get_session,
    load_ipython_extension,
    track,
)

# --- Fakes: objects named and shaped like CodeCarbon's (only the attributes greennb reads) ---


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


def data(cpu=0.0, gpu=0.0, ram=0.0, duration=1.0):
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
        result = self.results.pop(0) if self.results else data(duration=0.001)
        if isinstance(result, Exception):
            raise result
        return result

    def get_detected_hardware(self):
        return {"cpu_model": "Fake CPU", "gpu_count": 0, "gpu_model": "", "ram_total_size": 16.0}

    def stop(self):
        self.stop_calls += 1


def make_session(tmp_path, *trackers, country="FRA"):
    """Session whose factory hands out the given fake trackers, recording the settings used."""
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


@pytest.fixture
def fresh_global_session():
    """Leave the process-wide session as it was found: closed and unset."""
    close_session()
    yield
    close_session()


# --- Arithmetic and result assembly ------------------------------------------------------------


def test_dynamic_energy_hand_computed():
    # 20 W idle for 900 s is 0.005 kWh.
    assert dynamic_energy(0.01, idle_power_w=20.0, duration_s=900.0) == pytest.approx(0.005)
    assert dynamic_energy(0.001, idle_power_w=20.0, duration_s=900.0) == 0.0
    with pytest.raises(ValueError, match=r"idle_power_w must be .*\(W\); got -1"):
        dynamic_energy(0.01, idle_power_w=-1, duration_s=1)


def test_phase_result_from_codecarbon_data(tmp_path):
    tracker = FakeTracker([data(cpu=0.002, gpu=0.003, ram=0.005, duration=900.0)])
    session = make_session(tmp_path, tracker)
    with track("train", session=session) as t:
        pass
    result = t.result
    assert result.phase == "train"
    assert result.energy_kwh == pytest.approx(0.01)
    assert (result.cpu_energy_kwh, result.gpu_energy_kwh, result.ram_energy_kwh) == (
        0.002,
        0.003,
        0.005,
    )
    assert result.duration_s == 900.0
    assert result.country == "FRA"
    assert result.carbon_intensity_g_per_kwh == grid_carbon_intensity("FRA")
    assert result.emissions_kg == pytest.approx(0.01 * grid_carbon_intensity("FRA") / 1000)
    assert result.status == "estimated"
    assert (result.cpu_flag, result.ram_flag, result.gpu_flag) == ("estimated",) * 2 + ("absent",)
    assert "CPU-load model (8 W TDP" in result.cpu_source
    assert result.cpu_model == "Fake CPU" and result.ram_total_gb == 16.0
    assert result.tracking_mode == "machine"
    assert result.dynamic_energy_kwh is None and result.dynamic_reason == NO_BASELINE_REASON
    assert session.results == [result]
    assert tracker.calls == [("start_task", "train"), ("stop_task", None)]


def test_tracker_settings_avoid_codecarbon_traps(tmp_path):
    tracker = FakeTracker()
    session = make_session(tmp_path, tracker)
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


def test_one_tracker_per_session_and_phases_recorded_separately(tmp_path):
    tracker = FakeTracker([data(cpu=1e-6, duration=0.5), data(cpu=2e-6, duration=0.25)])
    session = make_session(tmp_path, tracker)
    with track("train", session=session):
        pass
    with track("evaluate", session=session):
        pass
    assert len(session.built) == 1
    assert [r.phase for r in session.results] == ["train", "evaluate"]
    assert [r.energy_kwh for r in session.results] == [1e-6, 2e-6]
    frame = session.to_frame()
    assert list(frame["phase"]) == ["train", "evaluate"]
    assert list(frame.columns)[:4] == ["phase", "status", "reason", "duration_s"]


def test_idle_baseline_and_dynamic_energy(tmp_path):
    idle = data(cpu=0.001, ram=0.004, duration=900.0)  # 0.005 kWh in 900 s: 20 W
    work = data(cpu=0.006, ram=0.004, duration=900.0)  # 0.01 kWh in 900 s
    session = make_session(tmp_path, FakeTracker([idle, work]))
    baseline = session.measure_idle_baseline(seconds=0.01)
    assert baseline.power_w == pytest.approx(20.0)
    assert baseline.energy_kwh == pytest.approx(0.005)
    assert session.results == []  # the baseline is not one of the user's phases
    with track("train", session=session) as t:
        pass
    assert t.result.idle_power_w == pytest.approx(20.0)
    assert t.result.dynamic_energy_kwh == pytest.approx(0.005)
    assert t.result.energy_kwh == pytest.approx(0.01)


def test_idle_baseline_unavailable_explains_dynamic_none(tmp_path):
    session = make_session(tmp_path, FakeTracker([None, data(cpu=1e-3, duration=1.0)]))
    baseline = session.measure_idle_baseline(seconds=0.01)
    assert baseline.power_w is None and baseline.status == "unavailable"
    with track("train", session=session) as t:
        pass
    assert t.result.dynamic_energy_kwh is None
    assert t.result.dynamic_reason.startswith("idle baseline unavailable: codecarbon stop_task")


def test_idle_baseline_bad_input(tmp_path):
    session = make_session(tmp_path, FakeTracker())
    with pytest.raises(ValueError, match=r"seconds must be a finite number > 0 .*got 0"):
        session.measure_idle_baseline(seconds=0)
    with pytest.raises(TypeError, match=r"got '5'"):
        session.measure_idle_baseline(seconds="5")
    with track("train", session=session):
        with pytest.raises(RuntimeError, match="while phase 'train' is being tracked"):
            session.measure_idle_baseline(seconds=1)


def test_status_measured_only_when_every_component_is_measured():
    sources = energy._component_sources(
        SimpleNamespace(_hardware=[Raspberry("RAM"), Raspberry("CPU")])
    )
    assert energy._overall_status(sources)[0] == "measured"
    sources = energy._component_sources(
        SimpleNamespace(_hardware=[RAM(), CPU("intel_rapl"), GPU()])
    )
    assert sources["cpu"] == ("RAPL energy counters", "measured")
    assert sources["gpu"] == ("NVML", "measured")
    assert sources["ram"][1] == "estimated"
    status, reason = energy._overall_status(sources)
    assert status == "estimated"
    assert "RAM estimated" in reason and "CPU measured" in reason


def test_component_sources_reads_real_codecarbon_objects():
    from codecarbon.external.hardware import CPU as CodeCarbonCPU
    from codecarbon.external.ram import RAM as CodeCarbonRAM

    cpu = CodeCarbonCPU(output_dir=".", mode="cpu_load", model="Test CPU", tdp=65)
    constant = CodeCarbonCPU(output_dir=".", mode="constant", model="Test CPU", tdp=65)
    sources = energy._component_sources(SimpleNamespace(_hardware=[CodeCarbonRAM(), cpu]))
    assert sources["cpu"] == ("CodeCarbon CPU-load model (65 W TDP x load)", "estimated")
    assert sources["ram"][1] == "estimated"
    assert sources["gpu"][1] == "absent"
    sources = energy._component_sources(SimpleNamespace(_hardware=[constant]))
    assert sources["cpu"][1] == "estimated" and "TDP constant" in sources["cpu"][0]


def test_component_sources_falls_back_to_unknown():
    sources = energy._component_sources(object())
    assert set(sources.values()) == {("unknown", "unknown")}
    sources = energy._component_sources(SimpleNamespace(_hardware=[CPU("future_mode")]))
    assert sources["cpu"][1] == "unknown"
    assert energy._overall_status(sources)[0] == "estimated"


def test_result_to_dict_is_json_ready(tmp_path):
    session = make_session(tmp_path, FakeTracker([data(cpu=1e-6, duration=0.1)]))
    with track("train", session=session) as t:
        pass
    record = json.loads(json.dumps(t.result.to_dict()))
    assert record["phase"] == "train" and record["energy_kwh"] == 1e-6
    assert set(record) == {f for f in EnergyResult.__dataclass_fields__}
    assert "Wh estimated" in t.result.summary() and "g CO2e" in t.result.summary()


# --- Failure never breaks the user's code -----------------------------------------------------


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
    carbon._energy_mix.cache_clear()  # so that the grid data must be imported too
    try:
        session = EnergySession(country="fra", output_dir=tmp_path)
        ran = []
        with track("train", session=session) as t:
            ran.append(True)
    finally:
        carbon._energy_mix.cache_clear()
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
def test_task_failures(tmp_path, step, expected):
    tracker = FakeTracker()

    def broken(name=None):
        raise OSError("disk full")

    setattr(tracker, step, broken)
    session = make_session(tmp_path, tracker)
    with track("train", session=session) as t:
        value = 6 * 7
    assert value == 42
    assert (t.result.status, t.result.reason) == ("unavailable", expected)


def test_stop_task_returning_none(tmp_path):
    session = make_session(tmp_path, FakeTracker([None]))
    with track("train", session=session) as t:
        pass
    assert (t.result.status, t.result.reason) == ("unavailable", NONE_REASON)


def test_invalid_energy_data_is_unavailable(tmp_path):
    session = make_session(tmp_path, FakeTracker([data(cpu=-1e-3)]))
    with track("train", session=session) as t:
        pass
    assert t.result.status == "unavailable"
    assert "negative or non-finite values {'cpu': -0.001}" in t.result.reason


def test_user_exception_propagates_unchanged_and_result_is_kept(tmp_path):
    session = make_session(tmp_path, FakeTracker([data(cpu=1e-6, duration=0.01)]))
    error = ZeroDivisionError("user bug")
    tracker = track("train", session=session)
    with pytest.raises(ZeroDivisionError) as info:
        with tracker:
            raise error
    assert info.value is error
    assert tracker.result.energy_kwh == 1e-6


def test_user_exception_propagates_when_tracking_also_fails(tmp_path):
    tracker = FakeTracker([OSError("tracker broke")])
    session = make_session(tmp_path, tracker)
    with pytest.raises(KeyError, match="missing"):
        with track("train", session=session) as t:
            raise KeyError("missing")
    assert t.result.reason == "codecarbon stop_task failed: OSError: tracker broke"


def test_nested_phase_is_reported_not_measured(tmp_path):
    tracker = FakeTracker([data(cpu=1e-6, duration=0.01)])
    session = make_session(tmp_path, tracker)
    with track("outer", session=session) as outer:
        with track("inner", session=session) as inner:
            pass
    assert outer.result.energy_kwh == 1e-6
    assert inner.result.status == "unavailable"
    assert "phase 'outer' was already being tracked when 'inner' started" in inner.result.reason
    assert tracker.calls == [("start_task", "outer"), ("stop_task", None)]


def test_close_stops_once_and_later_phases_are_unavailable(tmp_path):
    tracker = FakeTracker()
    session = make_session(tmp_path, tracker)
    with track("train", session=session):
        pass
    session.close()
    session.close()
    assert tracker.stop_calls == 1
    with track("late", session=session) as t:
        pass
    assert (t.result.status, t.result.reason) == ("unavailable", CLOSED_REASON)


def test_close_without_tracker_is_harmless(tmp_path):
    session = make_session(tmp_path)
    session.close()
    assert session.closed


# --- Decorator, names, configuration ------------------------------------------------------------


def test_decorator_keeps_function_and_stores_last_result(tmp_path):
    session = make_session(tmp_path, FakeTracker([data(cpu=1e-6), data(cpu=2e-6)]))

    @track("inference", session=session)
    def predict(x, *, scale=1):
        """Predict."""
        return x * scale

    assert predict.__name__ == "predict" and predict.__doc__ == "Predict."
    assert predict.last_result is None
    assert predict(3, scale=2) == 6
    assert predict.last_result.phase == "inference"
    assert predict.last_result.energy_kwh == 1e-6
    with pytest.raises(TypeError):
        predict()  # the user's error, after a second phase
    assert predict.last_result.energy_kwh == 2e-6


def test_bare_decorator_names_phase_after_function(tmp_path, fresh_global_session, monkeypatch):
    monkeypatch.setattr(energy, "_offline_tracker", lambda **s: FakeTracker(**s))
    configure(country="FRA", output_dir=tmp_path)

    @track
    def evaluate():
        return "done"

    assert evaluate() == "done"
    assert evaluate.last_result.phase == "evaluate"


@pytest.mark.parametrize("bad", ["", "   ", 3, None])
def test_phase_name_must_be_non_empty_string(bad):
    with pytest.raises(ValueError, match=r"phase must be a non-empty string .*got " + repr(bad)):
        PhaseTracker(bad)


def test_session_rejects_bad_configuration(tmp_path):
    with pytest.raises(ValueError, match="'NARNIA'"):
        EnergySession(country="NARNIA", output_dir=tmp_path)
    with pytest.raises(ValueError, match=r"measure_power_secs must be .*got 0"):
        EnergySession(country="FRA", output_dir=tmp_path, measure_power_secs=0)


def test_global_session_configure_and_env(tmp_path, fresh_global_session, monkeypatch):
    monkeypatch.setattr(energy, "_offline_tracker", lambda **s: FakeTracker(**s))
    monkeypatch.setenv("GREENNB_COUNTRY", "deu")
    monkeypatch.chdir(tmp_path)
    session = get_session()
    assert session is get_session()
    assert session.country == "DEU"
    assert session.output_dir == tmp_path.resolve()
    with track("train") as t:
        pass
    assert t.result.country == "DEU" and session.results == [t.result]
    first_tracker = session._tracker

    new = configure(country="FRA", output_dir=tmp_path / "runs")
    assert first_tracker.stop_calls == 1 and session.closed
    assert get_session() is new and new.country == "FRA"
    kept = configure(measure_power_secs=2.0)
    assert (kept.country, kept.output_dir, kept.measure_power_secs) == (
        "FRA",
        (tmp_path / "runs").resolve(),
        2.0,
    )
    with pytest.raises(ValueError, match="'ZZZ'"):
        configure(country="ZZZ")
    assert get_session() is kept  # a failed configure leaves the session alone


# --- IPython cell magic -------------------------------------------------------------------------


@pytest.fixture
def shell(tmp_path, fresh_global_session, monkeypatch):
    interactiveshell = pytest.importorskip("IPython.core.interactiveshell")
    from traitlets.config import Config

    monkeypatch.setattr(
        energy, "_offline_tracker", lambda **s: FakeTracker([data(cpu=1e-6, duration=0.2)], **s)
    )
    configure(country="FRA", output_dir=tmp_path)
    config = Config()
    config.HistoryManager.hist_file = ":memory:"  # keep the test out of ~/.ipython
    ipython = interactiveshell.InteractiveShell.instance(config=config)
    load_ipython_extension(ipython)
    return ipython


def test_cell_magic_runs_cell_prints_and_stores_result(shell, capsys):
    outcome = shell.run_cell("%%track train\ny = 21\ny * 2\n")
    assert outcome.success and outcome.result == 42
    assert shell.user_ns["y"] == 21
    stored = shell.user_ns[MAGIC_RESULT_VARIABLE]
    assert stored.phase == "train" and stored.energy_kwh == 1e-6
    assert get_session().results[-1] is stored
    assert "[greennb] train: 0.20 s, 0.001 Wh estimated" in capsys.readouterr().out


def test_cell_magic_failing_cell_fails_and_still_reports(shell, capsys):
    outcome = shell.run_cell("%%track evaluate\nz = 1\n1 / 0\n")
    assert isinstance(outcome.error_in_exec, ZeroDivisionError)
    assert shell.user_ns["z"] == 1
    assert shell.user_ns[MAGIC_RESULT_VARIABLE].phase == "evaluate"
    assert "[greennb] evaluate:" in capsys.readouterr().out


def test_cell_magic_default_phase_name(shell):
    shell.run_cell("%%track\nx = 1\n")
    assert shell.user_ns[MAGIC_RESULT_VARIABLE].phase == "cell"


# --- The real CodeCarbon tracker on this machine (one tracker per test process) ------------------


@pytest.fixture(scope="module")
def real_session(tmp_path_factory):
    """A real CodeCarbon session; any network connection attempt is recorded and refused."""
    attempts = []
    original_connect = socket.socket.connect

    def refuse(sock, address):
        attempts.append(address)
        raise OSError("network disabled in tests")

    socket.socket.connect = refuse
    try:
        session = EnergySession(country="FRA", output_dir=tmp_path_factory.mktemp("energy"))
        yield session, attempts
        session.close()
    finally:
        socket.socket.connect = original_connect


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
    if not os.path.exists("/sys/class/powercap/intel-rapl"):
        assert result.cpu_flag == "estimated"
        assert result.status == "estimated"
        assert "CPU-load model" in result.cpu_source or "TDP" in result.cpu_source
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


def test_real_idle_baseline_and_csv_written_once(real_session):
    session, attempts = real_session
    # The phases this test reads back from the CSV are made here, so that the test does not
    # depend on which other tests ran before it in this worker (pytest-xdist distributes them).
    for name in ("csv-sleep", "csv-repeat", "csv-repeat"):
        with track(name, session=session):
            time.sleep(0.01)
    baseline = session.measure_idle_baseline(seconds=0.5)
    assert baseline.power_w > 0
    with track("after-baseline", session=session) as t:
        time.sleep(0.1)
    assert t.result.idle_power_w == baseline.power_w
    assert 0 <= t.result.dynamic_energy_kwh <= t.result.energy_kwh
    session.close()
    session.close()
    totals = pd.read_csv(session.output_dir / "emissions.csv")
    assert len(totals) == 1  # stopped exactly once (codecarbon #1307 duplicates rows)
    (tasks_file,) = session.output_dir.glob("emissions_greennb_*.csv")
    phases = pd.read_csv(tasks_file)["task_name"]
    assert {"csv-sleep", "after-baseline", "csv-repeat"} <= set(phases)
    assert phases.str.startswith("csv-repeat_").sum() == 1  # the renamed repeat
    assert attempts == []


def test_worst_status_is_the_least_trustworthy_part():
    from greennb.energy._tracking import worst_status

    assert worst_status(["measured", "measured"]) == "measured"
    assert worst_status(["measured", "estimated"]) == "estimated"
    assert worst_status(["estimated", "unavailable", "measured"]) == "unavailable"
    assert worst_status(["bogus"]) == "unavailable"
    assert worst_status([]) == "unavailable"
