"""Tests of greennb.energy._session with threads: refused, never mislabelled; durations.

No test sleeps more than 0.3 s: a helper thread holds the session's lock for that long, and the
phases' durations must not include the wait.
"""

import threading
import time

import pytest

from greennb.energy import track
from greennb.energy._session import OTHER_THREAD_MSG
from greennb.errors import StateError

#: How long a helper thread holds the session's lock (s).
HOLD_S = 0.3


def in_thread(function, name="worker"):
    """Run ``function`` in a new thread named ``name``; return its value or raise its error."""
    outcome = {}

    def run():
        try:
            outcome["value"] = function()
        except BaseException as error:  # handed back to the test's thread
            outcome["error"] = error

    thread = threading.Thread(target=run, name=name)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def hold_lock(session, seconds=HOLD_S):
    """Start a thread that holds the session's lock for ``seconds``; return once it holds it."""
    held = threading.Event()

    def hold():
        with session._lock:
            held.set()
            time.sleep(seconds)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait()
    return holder


def run_phase(session, phase):
    with track(phase, session=session) as tracker:
        pass
    return tracker.result


def test_phase_from_another_thread_is_refused_naming_both_phases(fake_session):
    session = fake_session([1e-6, 2e-6])
    with track("main-phase", session=session) as outer:
        with pytest.raises(StateError) as info:
            in_thread(lambda: run_phase(session, "worker-phase"))
    main_thread = threading.current_thread().name
    assert str(info.value) == OTHER_THREAD_MSG.format(
        phase="worker-phase", thread="worker", active="main-phase", active_thread=main_thread
    )
    assert outer.result.energy_kwh == 1e-6  # the open phase is measured normally
    assert [r.phase for r in session.results] == ["main-phase"]  # nothing "included in" it
    worker = in_thread(lambda: run_phase(session, "worker-phase"))  # no phase open: measured
    assert (worker.energy_kwh, worker.status) == (2e-6, "estimated")


def test_open_phase_of_a_thread_refuses_the_main_thread(fake_session):
    session = fake_session([1e-6, 2e-6])
    opened, release = threading.Event(), threading.Event()

    def worker():
        with track("worker-phase", session=session) as tracker:
            opened.set()
            release.wait()
        return tracker.result

    thread_result = {}
    thread = threading.Thread(target=lambda: thread_result.setdefault("r", worker()), name="worker")
    thread.start()
    opened.wait()
    try:
        with pytest.raises(StateError, match=r"phase 'worker-phase' is being tracked in thread"):
            run_phase(session, "main-phase")
    finally:
        release.set()
        thread.join()
    assert thread_result["r"].energy_kwh == 1e-6
    assert run_phase(session, "main-phase").energy_kwh == 2e-6


def test_nested_phase_in_the_same_thread_is_still_included_in_the_outer(fake_session):
    session = fake_session([1e-6])

    def nested():
        with track("outer", session=session) as outer:
            inner = run_phase(session, "inner")
        return outer.result, inner

    outer, inner = in_thread(nested)
    assert outer.energy_kwh == 1e-6
    assert inner.status == "unavailable" and "included in 'outer'" in inner.reason


def test_nested_duration_excludes_the_wait_for_the_lock(fake_session):
    session = fake_session([1e-6])
    with track("outer", session=session):
        begun = time.perf_counter()
        hold_lock(session)
        inner = run_phase(session, "inner")
        waited = time.perf_counter() - begun
    assert waited >= HOLD_S * 0.9  # the inner phase did wait for the lock...
    assert inner.duration_s < HOLD_S / 2  # ...and its duration does not count the wait


def test_unavailable_duration_excludes_the_wait_for_the_lock_at_both_ends(tmp_path):
    from greennb.energy import EnergySession

    def broken_tracker(**settings):
        raise OSError("no tracker")

    session = EnergySession(country="FRA", output_dir=tmp_path, tracker_factory=broken_tracker)
    begun = time.perf_counter()
    hold_lock(session)  # held while the phase starts
    result = run_phase(session, "start-waits")
    assert time.perf_counter() - begun >= HOLD_S * 0.9
    assert result.status == "unavailable" and result.duration_s < HOLD_S / 2

    with track("stop-waits", session=session) as tracker:
        begun = time.perf_counter()
        holder = hold_lock(session)  # held when the block ends
    holder.join()
    assert time.perf_counter() - begun >= HOLD_S * 0.9
    assert tracker.result.duration_s < HOLD_S / 2
