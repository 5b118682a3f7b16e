"""Tests of greennb.energy._results: dynamic energy, statuses, and what a result prints."""

import json

import pytest

from greennb.energy import (
    EnergyResult,
    IdleBaseline,
    dynamic_energy,
    worst_status,
)
from greennb.errors import InvalidTypeError, InvalidValueError


def test_dynamic_energy_hand_computed():
    # 20 W idle for 900 s is 0.005 kWh.
    assert dynamic_energy(0.01, idle_power_w=20.0, duration_s=900.0) == pytest.approx(0.005)
    assert dynamic_energy(0.001, idle_power_w=20.0, duration_s=900.0) == 0.0


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"idle_power_w": -1}, InvalidValueError, r"idle_power_w must be .*\(W\); got -1"),
        ({"duration_s": float("inf")}, InvalidValueError, r"duration_s .*\(s\); got inf"),
        ({"energy_kwh": "1"}, InvalidTypeError, r"energy_kwh must be a real number \(kWh\)"),
        ({"idle_power_w": True}, InvalidTypeError, r"idle_power_w .*got True"),
    ],
)
def test_dynamic_energy_rejects_bad_arguments(kwargs, error, match):
    arguments = {"energy_kwh": 0.01, "idle_power_w": 20.0, "duration_s": 1.0, **kwargs}
    energy = arguments.pop("energy_kwh")
    with pytest.raises(error, match=match):
        dynamic_energy(energy, **arguments)


def test_worst_status_is_the_least_trustworthy_part():
    assert worst_status(["measured", "measured"]) == "measured"
    assert worst_status(["measured", "estimated"]) == "estimated"
    assert worst_status(["estimated", "unavailable", "measured"]) == "unavailable"
    assert worst_status(["bogus"]) == "unavailable"
    assert worst_status([]) == "unavailable"


def test_result_to_dict_is_json_ready(energy_result):
    result = energy_result(1e-6, 0.1, phase="train")
    record = json.loads(json.dumps(result.to_dict()))
    assert record["phase"] == "train" and record["energy_kwh"] == 1e-6
    assert set(record) == set(EnergyResult.__dataclass_fields__)


def test_summary_names_energy_status_flags_and_carbon(energy_result):
    result = energy_result(2e-3, 1.5, phase="train", status="estimated")
    assert result.summary() == (  # a result without a method gets the widest interval
        "[greennb] train: 1.50 s, 2 Wh estimated [0.4–6 Wh] (CPU estimated, GPU absent, RAM absent)"
    )
    priced = EnergyResult(
        **{
            **result.to_dict(),
            "emissions_kg": 1e-4,
            "carbon_intensity_g_per_kwh": 50.0,
            "dynamic_energy_kwh": 1e-3,
        }
    )
    assert priced.summary().endswith(", 0.1 g CO2e at 50 g/kWh (FRA, PUE 1), dynamic 1 Wh")


def test_summary_of_unavailable_result_gives_the_reason(energy_result):
    result = EnergyResult(
        **{**energy_result(0.0, 0.25).to_dict(), "energy_kwh": None, "status": "unavailable"}
    )
    assert result.summary() == "[greennb] epoch: 0.25 s, energy unavailable: synthetic"


def test_idle_baseline_to_dict():
    baseline = IdleBaseline(
        power_w=20.0, duration_s=5.0, energy_kwh=2.8e-5, status="estimated", reason="r"
    )
    assert baseline.to_dict() == {
        "power_w": 20.0,
        "duration_s": 5.0,
        "energy_kwh": 2.8e-5,
        "status": "estimated",
        "reason": "r",
        "attribution": "unknown: the phase's CPU use was not sampled",
    }
