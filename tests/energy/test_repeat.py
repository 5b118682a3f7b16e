"""Tests of greennb.energy._repeat.measure_repeatedly: median, spread and unavailable samples."""

import dataclasses
import json

import pytest

from greennb.energy import EnergyInterval
from greennb.energy._repeat import (
    ALL_UNAVAILABLE_REASON,
    NOT_CALLABLE_MSG,
    RepeatedEnergy,
    measure_repeatedly,
    median_interval,
    relative_spread,
    result_interval,
    summarise_samples,
)
from greennb.errors import InvalidTypeError, InvalidValueError


def unavailable(result, reason="CodeCarbon failed"):
    return dataclasses.replace(result, energy_kwh=None, status="unavailable", reason=reason)


def test_median_and_spread_by_hand(fake_session):
    session = fake_session([3e-6, 1e-6, 2e-6, 5e-6, 4e-6])
    calls = []
    repeated = measure_repeatedly(
        lambda: calls.append(1) or len(calls), phase="predict", session=session
    )
    assert isinstance(repeated, RepeatedEnergy)
    assert len(calls) == 5 and repeated.value == 5  # the last call's return value
    assert [s.phase for s in repeated.samples] == [f"predict-{i}" for i in range(1, 6)]
    assert session.results == repeated.samples
    assert repeated.median == result_interval(session.results[0])  # the 3e-6 kWh sample
    assert repeated.median.value == 3e-6
    assert repeated.spread == pytest.approx((5e-6 - 1e-6) / 3e-6)
    assert repeated.duration_s == 1.0
    assert (repeated.unavailable, repeated.reason) == (0, "median of 5 samples")


def test_even_repeats_average_the_middle_two(fake_session):
    repeated = measure_repeatedly(
        lambda: None, repeats=4, phase="fit", session=fake_session([1e-6, 4e-6, 2e-6, 3e-6])
    )
    assert repeated.median.value == pytest.approx(2.5e-6)
    assert repeated.spread == pytest.approx(3e-6 / 2.5e-6)


def test_durations_have_their_median(fake_session):
    session = fake_session([1e-6, 2e-6, 9e-6], duration_s=lambda kwh: kwh * 1e6)
    repeated = measure_repeatedly(lambda: None, repeats=3, phase="fit", session=session)
    assert repeated.duration_s == pytest.approx(2.0)


def test_one_repeat_has_zero_spread(fake_session):
    repeated = measure_repeatedly(lambda: 7, repeats=1, phase="x", session=fake_session([2e-6]))
    assert (repeated.median.value, repeated.spread, repeated.value) == (2e-6, 0.0, 7)


def test_unavailable_samples_are_kept_and_counted(energy_result):
    samples = [
        energy_result(1e-6, 1.0, phase="p-1"),
        unavailable(energy_result(0.0, 1.0, phase="p-2")),
        energy_result(3e-6, 1.0, phase="p-3"),
    ]
    repeated = summarise_samples("p", samples)
    assert repeated.samples == samples and repeated.unavailable == 1
    assert repeated.median.value == pytest.approx(2e-6)
    assert "2 samples" in repeated.reason and "1 of 3 unavailable: CodeCarbon failed" in (
        repeated.reason
    )


def test_all_unavailable_gives_no_median_with_the_reason(energy_result):
    samples = [unavailable(energy_result(0.0, 1.0, phase=f"p-{i}")) for i in (1, 2)]
    repeated = summarise_samples("p", samples)
    assert (repeated.median, repeated.spread, repeated.unavailable) == (None, None, 2)
    assert repeated.reason == ALL_UNAVAILABLE_REASON.format(n=2, reason="CodeCarbon failed")
    assert json.loads(json.dumps(repeated.to_dict()))["median"] is None


def test_nested_inside_a_tracked_phase_every_sample_is_unavailable(fake_session):
    from greennb.energy import track

    session = fake_session([1e-6, 1e-6, 1e-6])
    with track("outer", session=session):
        repeated = measure_repeatedly(lambda: None, repeats=2, phase="inner", session=session)
    assert repeated.median is None and repeated.unavailable == 2
    assert "outer" in repeated.reason


def test_to_dict_is_json_ready(fake_session):
    repeated = measure_repeatedly(
        lambda: object(), repeats=2, phase="x", session=fake_session([1e-6, 3e-6])
    )
    record = json.loads(json.dumps(repeated.to_dict(), allow_nan=False))
    assert record["median"] == repeated.median.to_dict()
    assert record["median"]["value"] == pytest.approx(2e-6)
    assert (record["repeats"], record["unavailable"]) == (2, 0)
    assert record["spread"] == pytest.approx(1.0)
    assert [s["phase"] for s in record["samples"]] == ["x-1", "x-2"]
    assert "value" not in record


def test_median_interval_is_component_wise():
    intervals = [
        EnergyInterval(1.0, 0.5, 2.0),
        EnergyInterval(2.0, 1.9, 2.1),
        EnergyInterval(3.0, 1.0, 3.5),
    ]
    assert median_interval(intervals) == EnergyInterval(2.0, 1.0, 2.1)


def test_relative_spread_edge_cases():
    assert relative_spread([2.0, 2.0]) == 0.0
    assert relative_spread([0.0, 0.0, 1.0]) == float("inf")


def test_result_interval_uses_the_result_interval_when_present(energy_result):
    from types import SimpleNamespace

    result = energy_result(2e-6, 1.0)
    assert result_interval(result).value == 2e-6
    assert result_interval(SimpleNamespace(energy_kwh=2e-6)) == EnergyInterval.exact(2e-6)
    interval = EnergyInterval(2e-6, 1e-6, 3e-6)
    for name in ("energy_interval", "interval"):
        assert result_interval(SimpleNamespace(energy_kwh=2e-6, **{name: interval})) == interval
    assert result_interval(unavailable(result)) is None


def test_exceptions_of_the_function_propagate(fake_session):
    session = fake_session([1e-6, 1e-6])

    def broken():
        raise KeyError("boom")

    with pytest.raises(KeyError):
        measure_repeatedly(broken, repeats=2, phase="x", session=session)
    assert len(session.results) == 1


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"function": 3}, InvalidTypeError, "callable"),
        ({"repeats": 0}, InvalidValueError, "repeats"),
        ({"repeats": 2.0}, InvalidTypeError, "repeats"),
        ({"phase": " "}, InvalidValueError, "phase"),
    ],
)
def test_bad_arguments(fake_session, kwargs, error, match):
    arguments = {"function": lambda: None, "repeats": 2, "phase": "x"}
    with pytest.raises(error, match=match):
        measure_repeatedly(**{**arguments, **kwargs}, session=fake_session([1e-6] * 2))


def test_not_callable_message_suggests_a_lambda():
    assert "lambda" in NOT_CALLABLE_MSG


def test_median_sample_is_the_sample_with_the_median_energy(energy_result):
    results = [energy_result(e, 1.0, phase=f"p-{i}") for i, e in enumerate((3e-6, 1e-6, 2e-6))]
    assert summarise_samples("p", results).median_sample is results[2]
    even = summarise_samples("p", [*results, energy_result(4e-6, 1.0)])
    assert even.median_sample is results[2]  # the lower middle one of 1, 2, 3, 4


def test_median_sample_skips_unavailable_samples_and_falls_back_to_the_last(energy_result):
    def missing(phase):
        return dataclasses.replace(
            energy_result(1e-6, 1.0, phase=phase),
            energy_kwh=None,
            status="unavailable",
            reason="no RAPL",
        )

    measured = energy_result(5e-6, 1.0, phase="p-2")
    assert summarise_samples("p", [missing("p-1"), measured]).median_sample is measured
    none = summarise_samples("p", [missing("p-1"), missing("p-2")])
    assert none.median_sample.phase == "p-2" and none.median_sample.reason == "no RAPL"
