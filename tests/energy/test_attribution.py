"""Tests of greennb.energy._attribution: attribution, the independent estimate, dynamic energy."""

import pytest

from greennb.energy import IndependentEstimate, independent_estimate, track
from greennb.energy._attribution import (
    FLOORED_REASON,
    NO_BASELINE_REASON,
    SAMPLING_FAILED,
    SHARED_DYNAMIC_REASON,
    dynamic_fields,
)
from greennb.energy._results import IdleBaseline


def test_the_sampler_wraps_exactly_the_users_block(make_session, fakes):
    log = []
    tracker = fakes.Tracker([fakes.data(cpu=1e-6)])
    sampler = fakes.Sampler()
    tracker.start_task = lambda name: log.append("start_task")
    original_stop = tracker.stop_task
    tracker.stop_task = lambda name=None: (log.append("stop_task"), original_stop())[1]
    sampler.start = lambda: (log.append("usage start"), "mark")[1]
    original_usage_stop = sampler.stop
    sampler.stop = lambda token: (log.append("usage stop"), original_usage_stop(token))[1]
    with track("train", session=make_session(tracker, usage_sampler=sampler)):
        log.append("user block")
    assert log == ["start_task", "usage start", "user block", "usage stop", "stop_task"]


def test_a_quiet_machine_is_machine_wide_with_the_independent_estimate(make_session, fakes):
    tracker = fakes.Tracker([fakes.data(cpu=1e-6, ram=2e-6)])
    with track("train", session=make_session(tracker)) as t:
        pass
    result = t.result
    assert result.attribution == "machine-wide"
    assert result.attribution_reason.startswith("not shared: other processes used 0.00 CPU-s")
    assert result.usage == fakes.quiet.to_dict()
    expected = independent_estimate(fakes.quiet)
    assert result.independent == expected.to_dict()
    assert result.estimate_ratio == pytest.approx(3e-6 / expected.energy.value)
    assert result.estimates_overlap == result.interval.overlaps(expected.energy)
    assert IndependentEstimate  # exported for the record's readers


def test_a_shared_machine_is_not_attributable_and_gets_no_dynamic_energy(make_session, fakes):
    idle = fakes.data(cpu=0.005, duration=900.0)  # 20 W
    work = fakes.data(cpu=0.01, duration=900.0)
    session = make_session(fakes.Tracker([idle, work]), usage_sampler=fakes.Sampler(fakes.shared))
    session.measure_idle_baseline(seconds=0.01)
    assert session.idle_baseline.attribution.startswith("machine shared: not attributable")
    with track("train", session=session) as t:
        pass
    result = t.result
    assert result.attribution.startswith(
        "machine shared: not attributable: other processes used 1.50 CPU-s over 1.00 s"
    )
    assert result.attribution_reason.startswith("machine shared: other processes used 1.50")
    assert result.energy_kwh == pytest.approx(0.01)  # still reported, flagged
    assert result.dynamic_energy_kwh is None
    assert result.dynamic_reason == SHARED_DYNAMIC_REASON.format(attribution=result.attribution)
    assert result.summary().endswith("; machine shared: not attributable")


def test_the_floor_is_stated_only_when_applied():
    baseline = IdleBaseline(power_w=20.0, duration_s=5.0, energy_kwh=1e-5, status="e", reason="")
    above, reason = dynamic_fields(0.01, 900.0, baseline, "machine-wide")  # idle: 0.005 kWh
    assert above == pytest.approx(0.005)
    assert reason == "energy_kwh minus idle 20 W × 900 s" and "floored" not in reason
    floored, reason = dynamic_fields(0.004, 900.0, baseline, "machine-wide")
    assert floored == 0.0
    assert reason.endswith(FLOORED_REASON.format(idle=0.005, energy=0.004))
    assert dynamic_fields(0.01, 900.0, None, "machine-wide") == (None, NO_BASELINE_REASON)


def test_sampling_failures_never_break_the_users_code(make_session, fakes):
    for fail in ("start", "stop"):
        tracker = fakes.Tracker([fakes.data(cpu=1e-6)])
        session = make_session(tracker, usage_sampler=fakes.Sampler(fail=fail))
        with track("train", session=session) as t:
            ran = True
        assert ran and t.result.energy_kwh == 1e-6
        assert t.result.attribution == SAMPLING_FAILED.format(error="RuntimeError: no counters")
        assert t.result.independent is None and t.result.estimate_ratio is None


def test_an_unavailable_phase_still_gets_the_independent_estimate(make_session, fakes):
    session = make_session(fakes.Tracker([None]))
    with track("train", session=session) as t:
        pass
    assert t.result.status == "unavailable" and t.result.interval is None
    assert t.result.independent is not None and t.result.estimate_ratio is None
