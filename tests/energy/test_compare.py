"""Tests of greennb.energy._compare: compare_energy on phases of known cost, and compare_speed."""

import dataclasses
import json
import math

import pytest

from greennb._noise import (
    DEFAULT_NOISE,
    FASTER,
    SLOWER,
    VERDICTS,
    SpeedComparison,
    band_verdict,
    compare_speed,
)
from greennb.energy import EnergyInterval
from greennb.energy._compare import (
    EMPTY_MSG,
    SHARED_NOISE,
    SHARED_NOTE,
    EnergyComparison,
    compare_energy,
)
from greennb.energy._repeat import measure_repeatedly, result_interval, summarise_samples
from greennb.errors import InvalidTypeError, InvalidValueError

NONE = "no measurable difference"


def exact(kwh):
    return EnergyInterval.exact(kwh)


def unavailable(result):
    return dataclasses.replace(result, energy_kwh=None, status="unavailable", reason="no RAPL")


def test_verdicts_are_the_three_fixed_words():
    assert VERDICTS == ("less", "more", "no measurable difference")
    assert DEFAULT_NOISE == 0.15


def test_a_vs_a_identical_is_no_measurable_difference(energy_result):
    a = energy_result(2e-6, 1.0, phase="a")
    comparison = compare_energy(a, a)
    assert isinstance(comparison, EnergyComparison)
    assert (comparison.verdict, comparison.ratio, comparison.difference_kwh) == (NONE, 1.0, 0.0)


@pytest.mark.parametrize("ratio", [0.9, 0.95, 1.0, 1.05, 1.1, 1.149])
def test_a_vs_a_within_the_noise_floor_is_no_verdict(ratio):
    assert compare_energy(exact(ratio * 1e-6), exact(1e-6)).verdict == NONE
    assert compare_energy(exact(1e-6), exact(ratio * 1e-6)).verdict == NONE


def test_twice_the_work_is_more_and_the_other_way_round_less(energy_result):
    double, single = energy_result(4e-6, 2.0, phase="2a"), energy_result(2e-6, 1.0, phase="a")
    assert compare_energy(double, single).verdict == "more"
    less = compare_energy(single, double)
    assert (less.verdict, less.ratio, less.difference_kwh) == ("less", 0.5, -2e-6)
    assert (less.a, less.b) == (result_interval(single), result_interval(double))


def test_the_threshold_is_one_plus_noise_for_single_figures():
    assert compare_energy(exact(1.16), exact(1.0)).verdict == "more"
    assert compare_energy(exact(1.0), exact(1.16)).verdict == "less"
    assert compare_energy(exact(1.3), exact(1.0), noise=0.35).verdict == NONE
    assert compare_energy(exact(1.01), exact(1.0), noise=0).verdict == "more"


def test_same_method_ignores_the_method_interval_width():
    wide = {"low": -0.3, "high": 0.4}
    a = EnergyInterval.from_relative(2.0, **wide)
    b = EnergyInterval.from_relative(1.0, **wide)
    assert a.overlaps(b)
    assert compare_energy(a, b).verdict == "more"


def test_different_methods_with_overlapping_intervals_give_no_verdict():
    codecarbon = EnergyInterval.from_relative(2.0, low=-0.3, high=0.4)  # 1.4 – 2.8
    independent = EnergyInterval.from_relative(1.2, low=-0.3, high=0.4)  # 0.84 – 1.68
    comparison = compare_energy(codecarbon, independent, same_method=False)
    assert comparison.verdict == NONE
    assert comparison.ratio == pytest.approx(2.0 / 1.2)
    assert "intervals" in comparison.reason and "overlap" in comparison.reason


def test_different_methods_need_the_widened_intervals_apart():
    a, b = EnergyInterval(1.0, 0.9, 1.1), EnergyInterval(2.0, 1.8, 2.2)
    assert compare_energy(a, b, same_method=False).verdict == "less"
    assert compare_energy(b, a, same_method=False).verdict == "more"
    # apart by 1.8 / 1.1 = 1.64: within a 70 % floor, the widened bands touch
    assert compare_energy(a, b, same_method=False, noise=0.7).verdict == NONE


def test_samples_with_large_spread_give_no_verdict_even_at_one_and_a_half():
    a = [exact(x) for x in (0.6, 1.0, 1.4)]
    b = [exact(x) for x in (0.9, 1.5, 2.1)]
    comparison = compare_energy(b, a)
    assert comparison.ratio == pytest.approx(1.5)
    assert comparison.verdict == NONE
    assert "spread 80 % over 3" in comparison.reason


def test_samples_with_small_spread_decide_at_one_and_a_half(energy_result):
    a = [energy_result(x * 1e-6, 1.0) for x in (0.98, 1.0, 1.02)]
    b = [energy_result(x * 1e-6, 1.0) for x in (1.47, 1.5, 1.53)]
    comparison = compare_energy(a, b)
    assert comparison.verdict == "less"
    assert (comparison.a.value, comparison.b.value) == pytest.approx((1e-6, 1.5e-6))
    assert "apart" in comparison.reason


def test_samples_apart_but_within_the_floor_give_no_verdict():
    # ranges do not overlap (1.02 < 1.08), but 1.08 / 1.02 is within the 15 % floor
    a = [exact(x) for x in (0.98, 1.0, 1.02)]
    b = [exact(x) for x in (1.08, 1.1, 1.12)]
    assert compare_energy(b, a).verdict == NONE
    assert compare_energy(b, a, noise=0).verdict == "more"


def test_repeated_energy_compares_its_median_and_range(fake_session):
    cheap = measure_repeatedly(
        lambda: None, repeats=3, phase="int8", session=fake_session([1.0e-6, 1.1e-6, 0.9e-6])
    )
    costly = measure_repeatedly(
        lambda: None, repeats=3, phase="fp32", session=fake_session([2.0e-6, 2.2e-6, 1.8e-6])
    )
    comparison = compare_energy(cheap, costly)
    assert comparison.verdict == "less"
    assert comparison.ratio == pytest.approx(0.5)
    assert compare_energy(costly, cheap).verdict == "more"


def test_unavailable_samples_are_left_out(energy_result):
    samples = [energy_result(1e-6, 1.0), unavailable(energy_result(0.0, 1.0))]
    assert compare_energy(samples, exact(2e-6)).a == result_interval(samples[0])


def test_result_interval_attribute_is_used(energy_result):
    from types import SimpleNamespace

    result = SimpleNamespace(
        phase="fit", energy_kwh=2.0, energy_interval=EnergyInterval(2.0, 1.9, 2.1)
    )
    comparison = compare_energy(result, EnergyInterval(1.0, 0.95, 1.05), same_method=False)
    assert comparison.a == EnergyInterval(2.0, 1.9, 2.1)
    assert comparison.verdict == "more"


def test_zero_energies():
    assert compare_energy(exact(0.0), exact(0.0)).ratio == 1.0
    more = compare_energy(exact(1e-9), exact(0.0))
    assert (more.verdict, more.ratio) == ("more", math.inf)
    assert json.loads(json.dumps(more.to_dict(), allow_nan=False))["ratio"] is None


def test_sentences():
    less = compare_energy(exact(0.62), exact(1.0))
    assert less.sentence("teacher-int8", "teacher") == (
        "teacher-int8 uses less energy than teacher (0.62×, beyond the 15 % run-to-run noise)"
    )
    assert (
        compare_energy(exact(2.0), exact(1.0))
        .sentence("2A", "A")
        .startswith("2A uses more energy than A (2×")
    )
    same = compare_energy(exact(0.97), exact(1.0))
    assert same.sentence("X", "Y") == (
        "no measurable difference between X and Y (0.97×, within the 15 % run-to-run noise)"
    )


def test_to_dict_is_json_ready():
    record = compare_energy(exact(1.0), exact(2.0)).to_dict()
    assert json.loads(json.dumps(record, allow_nan=False))["a"] == {
        "value": 1.0,
        "low": 1.0,
        "high": 1.0,
    }
    assert record["verdict"] == "less"


def test_no_energy_figure_names_the_side_and_phase(energy_result):
    missing = unavailable(energy_result(0.0, 1.0, phase="train"))
    with pytest.raises(InvalidValueError, match=r"^b \(phase 'train'\) has no energy figure"):
        compare_energy(exact(1.0), missing)
    with pytest.raises(InvalidValueError, match="no RAPL"):
        compare_energy(missing, exact(1.0))
    with pytest.raises(InvalidValueError, match=r"^a \(None\) has no energy figure"):
        compare_energy(None, exact(1.0))
    with pytest.raises(InvalidValueError, match=r"every sample"):
        compare_energy([missing, missing], exact(1.0))


def test_repeated_energy_without_a_median_is_refused(energy_result):
    repeated = summarise_samples("fit", [unavailable(energy_result(0.0, 1.0, phase="fit-1"))])
    with pytest.raises(InvalidValueError, match=r"^a \(phase 'fit'\) has no energy figure"):
        compare_energy(repeated, exact(1.0))


@pytest.mark.parametrize(
    ("a", "error", "match"),
    [
        ([], InvalidValueError, EMPTY_MSG.format(side="a")),
        (1.0, InvalidTypeError, "EnergyInterval"),
        ("1 kWh", InvalidTypeError, "EnergyInterval"),
        ([exact(1.0), 2.0], InvalidTypeError, r"a\[1\]"),
    ],
)
def test_bad_sides(a, error, match):
    with pytest.raises(error, match=match):
        compare_energy(a, exact(1.0))


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"noise": -0.1}, InvalidValueError),
        ({"noise": math.nan}, InvalidValueError),
        ({"noise": "15%"}, InvalidTypeError),
        ({"same_method": 1}, InvalidTypeError),
    ],
)
def test_bad_options(kwargs, error):
    with pytest.raises(error):
        compare_energy(exact(1.0), exact(2.0), **kwargs)


def test_a_shared_machine_is_said_in_the_reason(energy_result):
    shared = dataclasses.replace(
        energy_result(4e-6, 1.0, phase="2a"),
        attribution="machine shared: not attributable: others used 0.9 CPU s per s",
    )
    alone = energy_result(2e-6, 1.0, phase="a")
    comparison = compare_energy(shared, [alone, alone])
    assert comparison.verdict == "more"
    assert comparison.reason.endswith(SHARED_NOTE.format(sides="a", floor="35 %"))
    assert "machine shared during a" in comparison.sentence("2A", "A")
    assert "machine shared" not in compare_energy(alone, alone).reason


def test_a_shared_machine_raises_the_floor(energy_result):
    flag = {"attribution": "machine shared: not attributable: load 2.1"}
    costly, cheap = energy_result(1.3e-6, 1.0), energy_result(1e-6, 1.0)
    assert compare_energy(costly, cheap).verdict == "more"
    shared = dataclasses.replace(cheap, **flag)
    comparison = compare_energy(costly, shared)
    assert comparison.verdict == NONE
    assert comparison.reason.startswith("within the 35 % run-to-run noise")
    assert "during b" in comparison.reason
    assert SHARED_NOISE > DEFAULT_NOISE
    assert compare_energy(costly, shared, noise=0.2).verdict == NONE  # at least SHARED_NOISE
    assert compare_energy(energy_result(1.4e-6, 1.0), shared).verdict == "more"


def test_band_verdict_widens_both_bands_by_the_noise():
    widen = math.sqrt(1.15)
    assert band_verdict((1.0, 1.0), (1.0, 1.0), 0.15) == NONE
    assert band_verdict((1.0, 1.0), (1.16, 1.2), 0.15) == "less"
    assert band_verdict((1.16, 1.2), (1.0, 1.0), 0.15) == "more"
    assert band_verdict((1.0, 1.0 * widen), (1.0 * widen**3, 2.0), 0.15) == NONE  # touching


def test_compare_speed_twice_the_throughput_is_faster():
    faster = compare_speed(2000.0, 1000.0)
    assert isinstance(faster, SpeedComparison)
    assert (faster.verdict, faster.ratio) == (FASTER, 2.0)
    assert compare_speed(1000.0, 2000.0).verdict == SLOWER
    assert faster.sentence("bf16", "fp32") == (
        "bf16 is faster than fp32 (2× the throughput, beyond the 15 % run-to-run noise)"
    )


@pytest.mark.parametrize("ratio", [0.9, 1.0, 1.1, 1.149])
def test_compare_speed_within_the_noise_is_no_measurable_difference(ratio):
    same = compare_speed(ratio * 1000.0, 1000.0)
    assert same.verdict == NONE
    assert same.sentence("int8", "fp32").startswith(
        "no measurable difference in speed between int8 and fp32"
    )
    assert same.reason == "within the 15 % run-to-run noise"


def test_compare_speed_takes_repeated_timings_and_a_noise():
    assert compare_speed([1500.0, 1000.0], [1000.0, 1100.0], noise=0).verdict == NONE
    assert compare_speed([1500.0, 1600.0], [1000.0, 1100.0], noise=0).verdict == FASTER
    assert compare_speed([1500.0, 1600.0], [1000.0, 1100.0], noise=0.5).verdict == NONE
    assert compare_speed([1500.0, 1600.0], 1000.0).ratio == 1.55


@pytest.mark.parametrize("bad", [0.0, -1.0, math.nan, math.inf, "fast", [], [1.0, 0.0], None])
def test_compare_speed_refuses_what_is_not_a_throughput(bad):
    with pytest.raises(InvalidValueError, match="throughput"):
        compare_speed(bad, 1000.0)


def test_compare_speed_refuses_a_negative_noise():
    with pytest.raises(InvalidValueError, match="noise"):
        compare_speed(1.0, 1.0, noise=-0.1)
