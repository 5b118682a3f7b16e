"""Tests of greennb.energy.track: context manager, decorator, phase names, user exceptions."""

import pytest

from greennb.energy import PhaseTracker, configure, track
from greennb.energy import _codecarbon as adapter
from greennb.energy._track import REENTERED_MSG
from greennb.errors import InvalidTypeError, InvalidValueError, StateError


def test_context_manager_result_and_repr(fake_session):
    session = fake_session([2e-6])
    tracker = track("train", session=session)
    assert repr(tracker) == "PhaseTracker('train', result=None)"
    with tracker as t:
        pass
    assert t is tracker and t.result.energy_kwh == 2e-6
    assert session.results == [t.result]


def test_user_exception_propagates_unchanged_and_result_is_kept(fake_session):
    session = fake_session([1e-6])
    error = ZeroDivisionError("user bug")
    tracker = track("train", session=session)
    with pytest.raises(ZeroDivisionError) as info:
        with tracker:
            raise error
    assert info.value is error
    assert tracker.result.energy_kwh == 1e-6


def test_user_exception_propagates_when_tracking_also_fails(make_session, fakes):
    session = make_session(fakes.Tracker([OSError("tracker broke")]))
    with pytest.raises(KeyError, match="missing"):
        with track("train", session=session) as t:
            raise KeyError("missing")
    assert t.result.reason == "codecarbon stop_task failed: OSError: tracker broke"


def test_decorator_keeps_function_and_stores_last_result(fake_session):
    session = fake_session([1e-6, 2e-6])

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


def test_bare_decorator_names_phase_after_function(
    tmp_path, own_global_session, fakes, monkeypatch
):
    monkeypatch.setattr(adapter, "offline_tracker", lambda **s: fakes.Tracker(**s))
    configure(country="FRA", output_dir=tmp_path)

    @track
    def evaluate():
        return "done"

    assert evaluate() == "done"
    assert evaluate.last_result.phase == "evaluate"


@pytest.mark.parametrize(
    ("bad", "error"),
    [
        ("", InvalidValueError),
        ("   ", InvalidValueError),
        (3, InvalidTypeError),
        (None, InvalidTypeError),
    ],
)
def test_phase_name_must_be_non_empty_string(bad, error):
    with pytest.raises(error, match=r"phase must be a non-empty string .*got " + repr(bad)):
        PhaseTracker(bad)


def test_phase_name_is_stripped(fake_session):
    with track("  train ", session=fake_session([1e-6])) as t:
        pass
    assert t.result.phase == "train"


def test_reentered_tracker_is_refused_and_the_session_is_not_wedged(fake_session):
    session = fake_session([1e-6, 2e-6, 3e-6])
    tracker = track("x", session=session)
    with pytest.raises(StateError, match=r"track\('x'\) is already measuring a block") as info:
        with tracker:
            with tracker:
                pass
    assert str(info.value) == REENTERED_MSG.format(phase="x")
    assert (tracker.result.phase, tracker.result.energy_kwh) == ("x", 1e-6)  # "x" was stopped
    assert tracker.result.status != "unavailable"
    with track("y", session=session) as later:
        pass
    assert (later.result.energy_kwh, later.result.status) == (2e-6, "estimated")
    with tracker:  # the same tracker measures a new block once its own has ended
        pass
    assert tracker.result.energy_kwh == 3e-6
    assert [r.phase for r in session.results] == ["x", "y", "x"]
