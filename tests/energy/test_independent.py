"""The independent estimate: hand-computed kWh and intervals, the coefficients and their checks."""

import json

import pytest

from greennb.energy import EnergyInterval
from greennb.energy._independent import (
    BOUNDS_MSG,
    CCF_MICROARCHITECTURES,
    COEFFICIENTS_TYPE_MSG,
    DEFAULT_COEFFICIENTS,
    IDLE_ABOVE_FULL_MSG,
    USAGE_TYPE_MSG,
    CoefficientModel,
    IndependentEstimate,
    independent_estimate,
)
from greennb.energy._usage import Usage, UsageSampler
from greennb.errors import InvalidTypeError, InvalidValueError

J = 1 / 3.6e6  # kWh per joule

# 2 CPU-seconds, 1 GB resident, 4 s of wall time on 2 vCPUs
USAGE = Usage(
    wall_s=4.0,
    process_cpu_s=2.0,
    machine_busy_s=2.5,
    other_cpu_s=0.5,
    n_cpus=2,
    rss_gb=1.0,
    load_avg_1m=0.7,
)


def bounds(e):
    return (e.low, e.value, e.high)


def test_default_coefficients_are_ccf_aws_averages_and_the_microarchitecture_spread():
    c = DEFAULT_COEFFICIENTS
    assert (c.w_per_vcpu_idle, c.w_per_vcpu_full, c.w_per_gb) == (0.74, 3.5, 0.392)
    # lowest full-load watts: AMD EPYC 2nd Gen / Graviton2; highest: Sandy Bridge
    assert (c.w_per_vcpu_full_low, c.w_per_vcpu_full_high) == (1.69, 8.58)
    assert CCF_MICROARCHITECTURES["Sandy Bridge"] == (2.17, 8.58)
    assert (c.w_per_gb_low, c.w_per_gb_high) == (0.3725, 0.4083)
    assert "cloudcarbonfootprint.org" in c.source


def test_cpu_energy_is_process_cpu_seconds_at_full_load_watts_by_hand():
    e = independent_estimate(USAGE)
    # E_cpu = 3.5 W × 2 CPU-s = 7 J; bounds 1.69 × 2 = 3.38 J, 8.58 × 2 = 17.16 J
    assert bounds(e.cpu) == pytest.approx((3.38 * J, 7.0 * J, 17.16 * J))


def test_memory_energy_is_resident_gb_times_watts_per_gb_times_wall_time_by_hand():
    e = independent_estimate(USAGE)
    # E_mem = 1 GB × 0.392 W/GB × 4 s = 1.568 J; bounds 0.3725 × 4 = 1.49 J, 0.4083 × 4 = 1.6332 J
    assert bounds(e.memory) == pytest.approx((1.49 * J, 1.568 * J, 1.6332 * J))


def test_total_adds_values_and_bounds_in_kwh():
    e = independent_estimate(USAGE)
    assert bounds(e.energy) == pytest.approx((4.87 * J, 8.568 * J, 18.7932 * J))
    assert e.energy.value == pytest.approx(2.38e-6)
    assert isinstance(e.energy, EnergyInterval)


def test_other_processes_do_not_change_the_estimate():
    alone = Usage(4.0, 2.0, 2.0, 0.0, 2, 1.0)
    crowded = Usage(4.0, 2.0, 8.0, 6.0, 16, 1.0, 12.0)
    assert independent_estimate(alone).energy == independent_estimate(crowded).energy


def test_method_parameters_and_attribution():
    e = independent_estimate(USAGE)
    assert e.method == (
        "independent: Cloud Carbon Footprint coefficients (3.5 W per busy vCPU, "
        "1.69–8.58 W by microarchitecture; 0.392 W/GB), process CPU time"
    )
    assert e.attribution == "process CPU time"
    assert e.parameters["process_cpu_s"] == 2.0
    assert e.parameters["utilisation"] == pytest.approx(0.25)  # 2 CPU-s / (4 s × 2 CPUs)
    assert e.parameters["coefficients"]["w_per_vcpu_full"] == 3.5


def test_a_stated_coefficient_gives_its_own_method_and_a_zero_width_cpu_interval():
    model = CoefficientModel(
        "Green Algorithms",
        w_per_vcpu_idle=0.0,
        w_per_vcpu_full=10.0,
        w_per_gb=0.3725,
        source="TDP 150 W / 15 cores",
    )
    e = independent_estimate(USAGE, coefficients=model)
    assert bounds(e.cpu) == pytest.approx((20.0 * J,) * 3)
    assert bounds(e.memory) == pytest.approx((1.49 * J,) * 3)
    assert e.method == (
        "independent: Green Algorithms coefficients (10 W per busy vCPU; 0.3725 W/GB), "
        "process CPU time"
    )


def test_zero_usage_is_zero_energy():
    e = independent_estimate(Usage(0.0, 0.0, 0.0, 0.0, 1, 0.0))
    assert e.energy == EnergyInterval.exact(0.0)


def test_to_dict_is_json_ready():
    record = independent_estimate(USAGE).to_dict()
    assert set(record) == {"energy", "cpu", "memory", "method", "parameters", "attribution"}
    assert record["energy"]["value"] == pytest.approx(8.568 * J)
    json.dumps(record, allow_nan=False)


def test_a_real_phase_gives_a_positive_estimate():
    sampler = UsageSampler()
    token = sampler.start()
    sum(i * i for i in range(200_000))
    e = independent_estimate(sampler.stop(token))
    assert isinstance(e, IndependentEstimate)
    assert 0 < e.energy.low <= e.energy.value <= e.energy.high


def test_coefficient_checks():
    with pytest.raises(InvalidValueError, match="w_per_vcpu_full needs low <= value <= high"):
        CoefficientModel("x", 0.5, 3.0, 0.4, w_per_vcpu_full_low=3.5)
    with pytest.raises(InvalidValueError, match="w_per_gb needs low"):
        CoefficientModel("x", 0.5, 3.0, 0.4, w_per_gb_high=0.3)
    with pytest.raises(InvalidValueError, match="cannot exceed w_per_vcpu_full"):
        CoefficientModel("x", 4.0, 3.0, 0.4)
    with pytest.raises(InvalidValueError, match="w_per_gb"):
        CoefficientModel("x", 0.5, 3.0, -0.4)
    with pytest.raises(InvalidTypeError, match="w_per_vcpu_full"):
        CoefficientModel("x", 0.5, "3 W", 0.4)
    assert "{low}" in BOUNDS_MSG and "{idle}" in IDLE_ABOVE_FULL_MSG


def test_argument_types():
    with pytest.raises(InvalidTypeError, match="needs a Usage"):
        independent_estimate({"wall_s": 1.0})
    with pytest.raises(InvalidTypeError, match="CoefficientModel"):
        independent_estimate(USAGE, coefficients={"w_per_gb": 0.392})
    assert "{type}" in USAGE_TYPE_MSG and "{type}" in COEFFICIENTS_TYPE_MSG
