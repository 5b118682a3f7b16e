"""Tests of greennb.energy._session: phases, idle baseline, closing, the process-wide session."""

import pytest

from greennb.energy import (
    EnergyInterval,
    EnergySession,
    configure,
    get_session,
    grid_carbon_intensity,
    measure_idle_baseline,
    track,
)
from greennb.energy import _codecarbon as adapter
from greennb.energy._attribution import NO_BASELINE_REASON
from greennb.energy._session import CLOSED_REASON, OUTPUT_DIR_MSG
from greennb.errors import InvalidTypeError, InvalidValueError, StateError


def test_phase_result_from_codecarbon_data(make_session, fakes):
    tracker = fakes.Tracker([fakes.data(cpu=0.002, gpu=0.003, ram=0.005, duration=900.0)])
    session = make_session(tracker)
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
    assert result.cpu_source == "CodeCarbon CPU-load model"
    assert result.cpu_method == (
        "estimated: CodeCarbon does not know the CPU model 'Fake CPU'; it assumes 4 W per "
        "thread × 2 threads = 8 W of TDP, P = 8 W × (0.1 + 0.9 · load³)"
    )
    assert result.cpu_parameters["error_range"] == {
        "key": "cpu_load_fallback",
        "low": -0.6,
        "high": 1.0,
    }
    assert result.cpu_interval == EnergyInterval.from_relative(0.002, low=-0.6, high=1.0)
    assert result.ram_interval == EnergyInterval.from_relative(0.005, low=-0.6, high=0.5)
    assert result.gpu_interval == EnergyInterval.exact(0.003)  # absent: no error range
    assert result.interval.value == pytest.approx(0.01)
    assert result.interval.low == pytest.approx(0.002 * 0.4 + 0.003 + 0.005 * 0.4)
    assert result.interval.high == pytest.approx(0.002 * 2 + 0.003 + 0.005 * 1.5)
    assert "CPU estimated: CodeCarbon does not know" in result.reason
    assert result.cpu_model == "Fake CPU"
    assert result.ram_total_gb == pytest.approx(16 * 2**30 / 1e9)  # GB; CodeCarbon gives GiB
    assert result.tracking_mode == "machine"
    assert result.dynamic_energy_kwh is None and result.dynamic_reason == NO_BASELINE_REASON
    assert session.results == [result]
    assert tracker.calls == [("start_task", "train"), ("stop_task", None)]


def test_one_tracker_per_session_and_phases_recorded_separately(make_session, fakes):
    tracker = fakes.Tracker([fakes.data(cpu=1e-6, duration=0.5), fakes.data(cpu=2e-6)])
    session = make_session(tracker)
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


def test_idle_baseline_and_dynamic_energy(make_session, fakes):
    idle = fakes.data(cpu=0.001, ram=0.004, duration=900.0)  # 0.005 kWh in 900 s: 20 W
    work = fakes.data(cpu=0.006, ram=0.004, duration=900.0)  # 0.01 kWh in 900 s
    session = make_session(fakes.Tracker([idle, work]))
    baseline = session.measure_idle_baseline(seconds=0.01)
    assert baseline.power_w == pytest.approx(20.0)
    assert baseline.energy_kwh == pytest.approx(0.005)
    assert session.results == []  # the baseline is not one of the user's phases
    with track("train", session=session) as t:
        pass
    assert t.result.idle_power_w == pytest.approx(20.0)
    assert t.result.dynamic_energy_kwh == pytest.approx(0.005)
    assert t.result.energy_kwh == pytest.approx(0.01)


def test_idle_baseline_unavailable_explains_dynamic_none(make_session, fakes):
    session = make_session(fakes.Tracker([None, fakes.data(cpu=1e-3, duration=1.0)]))
    baseline = session.measure_idle_baseline(seconds=0.01)
    assert baseline.power_w is None and baseline.status == "unavailable"
    with track("train", session=session) as t:
        pass
    assert t.result.dynamic_energy_kwh is None
    assert t.result.dynamic_reason.startswith("idle baseline unavailable: codecarbon stop_task")


def test_idle_baseline_bad_input(make_session, fakes):
    session = make_session(fakes.Tracker())
    with pytest.raises(InvalidValueError, match=r"seconds must be a finite number > 0 .*got 0"):
        session.measure_idle_baseline(seconds=0)
    with pytest.raises(InvalidTypeError, match=r"got '5'"):
        session.measure_idle_baseline(seconds="5")
    with track("train", session=session):
        with pytest.raises(StateError, match="while phase 'train' is being tracked"):
            session.measure_idle_baseline(seconds=1)


def test_nested_phase_is_reported_not_measured(make_session, fakes):
    tracker = fakes.Tracker([fakes.data(cpu=1e-6, duration=0.01)])
    session = make_session(tracker)
    with track("outer", session=session) as outer:
        with track("inner", session=session) as inner:
            pass
    assert outer.result.energy_kwh == 1e-6
    assert inner.result.status == "unavailable"
    assert "phase 'outer' was already being tracked when 'inner' started" in inner.result.reason
    assert tracker.calls == [("start_task", "outer"), ("stop_task", None)]


def test_close_stops_once_and_later_phases_are_unavailable(make_session, fakes):
    tracker = fakes.Tracker()
    session = make_session(tracker)
    with track("train", session=session):
        pass
    session.close()
    session.close()
    assert tracker.stop_calls == 1
    with track("late", session=session) as t:
        pass
    assert (t.result.status, t.result.reason) == ("unavailable", CLOSED_REASON)
    assert "closed" in repr(session)


def test_close_without_tracker_is_harmless(make_session):
    session = make_session()
    session.close()
    assert session.closed


def test_session_rejects_bad_configuration(tmp_path):
    with pytest.raises(InvalidValueError, match="'NARNIA'"):
        EnergySession(country="NARNIA", output_dir=tmp_path)
    with pytest.raises(InvalidValueError, match=r"measure_power_secs must be .*\(s\); got 0"):
        EnergySession(country="FRA", output_dir=tmp_path, measure_power_secs=0)


def test_global_session_configure_and_env(tmp_path, own_global_session, fakes, monkeypatch):
    monkeypatch.setattr(adapter, "offline_tracker", lambda **s: fakes.Tracker(**s))
    monkeypatch.setenv("GREENNB_COUNTRY", "deu")
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
    with pytest.raises(InvalidValueError, match="'ZZZ'"):
        configure(country="ZZZ")
    assert get_session() is kept  # a failed configure leaves the session alone


def test_global_idle_baseline_is_stored_on_the_session(own_global_session, fakes, monkeypatch):
    idle = fakes.data(cpu=0.005, duration=900.0)  # 20 W
    monkeypatch.setattr(adapter, "offline_tracker", lambda **s: fakes.Tracker([idle], **s))
    configure(country="FRA")
    baseline = measure_idle_baseline(seconds=0.01)
    assert baseline.power_w == pytest.approx(20.0)
    assert get_session().idle_baseline is baseline


def test_stated_hardware_reaches_codecarbon_and_every_result(make_session, fakes):
    from codecarbon.external.hardware import CPU
    from codecarbon.external.ram import RAM

    # What CodeCarbon builds when told force_cpu_power=65 and force_ram_power=6.
    hardware = [RAM(force_ram_power=6.0), CPU(output_dir=".", mode="cpu_load", model="X", tdp=65)]
    tracker = fakes.Tracker([fakes.data(cpu=1e-4, ram=1e-5)], hardware=hardware)
    session = make_session(
        tracker, cpu_power_w=65, ram_power_w=6, hardware_source="ThinkPad T14 spec sheet"
    )
    with track("train", session=session) as t:
        pass
    assert (tracker.settings["force_cpu_power"], tracker.settings["force_ram_power"]) == (65, 6)
    result = t.result
    assert result.cpu_method.startswith("stated by user: ThinkPad T14 spec sheet; CPU power 65 W")
    assert result.ram_method == "stated by user: ThinkPad T14 spec sheet; RAM power 6 W, constant"
    assert result.cpu_parameters["hardware_source"] == "ThinkPad T14 spec sheet"
    assert result.cpu_parameters["error_range"]["key"] == "cpu_load_user"
    assert session.stated == {
        "cpu_power_w": 65.0,
        "ram_power_w": 6.0,
        "gpu_count": None,
        "gpu_model": None,
        "hardware_source": "ThinkPad T14 spec sheet",
    }
    assert "gpu_ids" not in tracker.settings  # no GPU stated: CodeCarbon tracks what it finds


def test_configure_keeps_or_replaces_the_stated_hardware(own_global_session, fakes, monkeypatch):
    monkeypatch.setattr(adapter, "offline_tracker", lambda **s: fakes.Tracker(**s))
    stated = configure(country="FRA", cpu_power_w=150, hardware_source="Intel ARK")
    assert stated.stated["cpu_power_w"] == 150.0
    assert configure(measure_power_secs=2.0).stated == stated.stated  # kept
    replaced = configure(ram_power_w=8, hardware_source="DIMM label")
    assert replaced.stated == {
        "cpu_power_w": None,
        "ram_power_w": 8.0,
        "gpu_count": None,
        "gpu_model": None,
        "hardware_source": "DIMM label",
    }
    with pytest.raises(InvalidValueError, match="hardware_source must say where"):
        configure(cpu_power_w=100)
    assert get_session() is replaced  # a failed configure leaves the session alone


def test_a_stated_gpu_limits_codecarbon_and_is_recorded(make_session, fakes):
    from codecarbon.external.hardware import CPU

    hardware = [CPU(output_dir=".", mode="cpu_load", model="X", tdp=65)]  # no readable GPU
    tracker = fakes.Tracker([fakes.data(cpu=1e-4, ram=1e-5)], hardware=hardware)
    session = make_session(
        tracker, gpu_count=2, gpu_model="NVIDIA A100-SXM4-40GB", hardware_source="Slurm job"
    )
    with track("train", session=session) as t:
        pass
    assert tracker.settings["gpu_ids"] == [0, 1]  # CodeCarbon tracks the job's two GPUs only
    assert t.result.gpu_method == (
        "unknown: 2 × NVIDIA A100-SXM4-40GB stated by user (Slurm job), but CodeCarbon found no "
        "readable GPU (NVML or AMD SMI): its energy is not counted"
    )
    assert t.result.gpu_parameters["stated"] == {
        "gpu_count": 2,
        "gpu_model": "NVIDIA A100-SXM4-40GB",
        "hardware_source": "Slurm job",
    }
    assert t.result.status != "measured"  # an uncounted GPU is never hidden


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"gpu_count": -1, "hardware_source": "x"}, InvalidValueError, "gpu_count.*-1"),
        ({"gpu_count": 1.5, "hardware_source": "x"}, InvalidTypeError, "gpu_count.*1.5"),
        ({"gpu_model": 100, "hardware_source": "x"}, InvalidTypeError, "gpu_model.*100"),
        ({"gpu_count": 1}, InvalidValueError, "hardware_source must say where"),
    ],
)
def test_bad_stated_gpus_are_refused_by_name(kwargs, error, match):
    with pytest.raises(error, match=match):
        EnergySession(country="FRA", **kwargs)


@pytest.mark.parametrize("bad", [123, 1.5, b"energy", ["energy"]])
def test_output_dir_of_a_wrong_type_is_refused_by_name(bad, own_global_session):
    before = get_session()
    with pytest.raises(InvalidTypeError) as info:
        configure(output_dir=bad)
    assert str(info.value) == OUTPUT_DIR_MSG.format(value=bad, type=type(bad).__name__)
    assert repr(bad) in str(info.value) and "str or an os.PathLike" in str(info.value)
    assert get_session() is before and not before.closed  # a failed configure changes nothing


def test_output_dir_accepts_str_and_path_like(tmp_path):
    assert EnergySession(country="FRA", output_dir=str(tmp_path)).output_dir == tmp_path.resolve()
    assert (
        EnergySession(country="FRA", output_dir=tmp_path / "e").output_dir
        == (tmp_path / "e").resolve()
    )
