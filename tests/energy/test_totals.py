"""Tests of greennb.energy.total_energy: a total is only as good as its weakest phase."""

import pytest

from greennb.energy import STATUS_UNAVAILABLE, EnergyResult, EnergyTotal, total_energy


def unavailable(energy_result, phase):
    """An EnergyResult without an energy figure."""
    record = energy_result(0.0, 0.5, phase=phase).to_dict()
    return EnergyResult(**{**record, "energy_kwh": None, "status": STATUS_UNAVAILABLE})


def test_all_measured_phases_sum(energy_result):
    total = total_energy(
        [
            energy_result(1e-3, 2.0, phase="fit", status="measured"),
            energy_result(5e-4, 1.0, phase="predict", status="measured"),
        ]
    )
    assert total.energy_kwh == pytest.approx(1.5e-3)
    assert total.duration_s == 3.0
    assert total.status == "measured"
    assert (total.phases, total.missing) == (["fit", "predict"], [])


def test_measured_and_estimated_total_is_estimated(energy_result):
    total = total_energy(
        [
            energy_result(1e-3, 2.0, phase="fit", status="measured"),
            energy_result(5e-4, 1.0, phase="predict", status="estimated"),
        ]
    )
    assert total.energy_kwh == pytest.approx(1.5e-3)
    assert total.status == "estimated"


def test_one_unavailable_phase_leaves_no_total_and_is_named(energy_result):
    total = total_energy(
        [
            energy_result(1e-3, 2.0, phase="fit", status="measured"),
            unavailable(energy_result, "predict"),
        ]
    )
    assert total.energy_kwh is None
    assert total.status == "unavailable"
    assert total.missing == ["predict"]
    assert total.phases == ["fit", "predict"]
    assert total.duration_s == 2.5  # durations are still known


def test_no_phases_is_unavailable():
    total = total_energy([])
    assert total == EnergyTotal(
        energy_kwh=None, duration_s=0, status="unavailable", phases=[], missing=[]
    )


def test_total_of_a_session_and_to_dict(fake_session):
    from greennb.energy import track

    session = fake_session([1e-3, 2e-3])
    for phase in ("fit", "predict"):
        with track(phase, session=session):
            pass
    total = total_energy(session.results)
    assert total.to_dict() == {
        "energy_kwh": pytest.approx(3e-3),
        "duration_s": 2.0,
        "status": "estimated",  # the fake tracker reports no hardware: sources unknown
        "phases": ["fit", "predict"],
        "missing": [],
        "attribution": total.attribution,
        # no hardware: each phase gets the unknown method's range, -80 % to +200 %
        "interval": {
            "value": pytest.approx(3e-3),
            "low": pytest.approx(0.6e-3),
            "high": pytest.approx(9e-3),
        },
    }


def test_a_total_carries_the_shared_machine_flag_of_any_phase(energy_result):
    import dataclasses

    from greennb.energy import compare_energy, is_machine_shared

    quiet = [energy_result(1e-3, 1.0, phase=p) for p in ("fit", "predict")]
    assert not is_machine_shared(total_energy(quiet).attribution)
    shared = dataclasses.replace(
        quiet[1], attribution="machine shared: not attributable: others used 1.2 CPU-s"
    )
    total = total_energy([quiet[0], shared])
    assert is_machine_shared(total.attribution)
    assert total.attribution.endswith("(shared during 1 of 2 phases: predict)")
    # so a comparison of totals applies the shared-machine floor: 1.3× is within 35 %
    other = total_energy([energy_result(1.3e-3, 1.0, phase="a"), energy_result(1.3e-3, 1.0)])
    assert compare_energy(other, total_energy(quiet)).verdict == "more"
    assert compare_energy(other, total).verdict == "no measurable difference"
