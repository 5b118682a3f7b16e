"""The sweep record (atomic, locked, refused for another grid) and the machine-shared flags."""

from __future__ import annotations

import json
import os

import pytest

from greennb.energy import is_machine_shared
from greennb.errors import InvalidValueError, StateError
from greennb.runs import NOTEBOOKS_DIR_ENV, expand_grid, list_sweeps, read_metrics, read_sweep
from greennb.runs._sweep_record import (
    BAD_NAME_MSG,
    LOCK_FILE,
    SWEEP_FILE,
    SweepRecord,
    sweep_folder,
)
from greennb.runs._sweep_shared import (
    CONCURRENT_ATTRIBUTION,
    CONCURRENT_DYNAMIC_REASON,
    Overlaps,
    flag_machine_shared,
)


@pytest.fixture(autouse=True)
def sweep_notebooks(monkeypatch, fixture_notebooks):
    """The catalogue is the sweep fixture notebook (case 'seedy')."""
    monkeypatch.setenv(NOTEBOOKS_DIR_ENV, str(fixture_notebooks / "sweep"))


def _record(tmp_path, seeds=2):
    points = expand_grid("seedy", {}, seeds=seeds)
    folder = sweep_folder(tmp_path, "s")
    return SweepRecord.open(folder, case="seedy", grid={"seed": list(range(seeds))}, points=points)


def test_a_new_record_lists_every_point_pending_and_is_rewritten_whole(tmp_path):
    record = _record(tmp_path)
    content = json.loads((tmp_path / "sweeps" / "s" / SWEEP_FILE).read_text())
    assert [p["state"] for p in content["points"]] == ["pending", "pending"]
    assert content["case"] == "seedy" and content["grid"] == {"seed": [0, 1]}
    record.update(1, state="done", run="seedy/x-1")
    again = read_sweep("s", tmp_path)
    assert again["points"][1]["state"] == "done" and again["path"] == record.path
    assert list_sweeps(tmp_path) == [record.path]
    assert [p.name for p in record.folder.iterdir()] == [SWEEP_FILE]  # no .partial left


def test_reopening_a_name_with_another_grid_is_refused(tmp_path):
    _record(tmp_path, seeds=2)
    with pytest.raises(InvalidValueError, match=r"sweep 's' was started with a different grid"):
        _record(tmp_path, seeds=3)


@pytest.mark.parametrize("name", ["", ".hidden", "../up", "a/b", "-x"])
def test_a_sweep_name_is_a_plain_folder_name(tmp_path, name):
    with pytest.raises(InvalidValueError) as error:
        sweep_folder(tmp_path, name)
    assert str(error.value) == BAD_NAME_MSG.format(name=name)


def test_read_sweep_names_the_store_s_sweeps_when_absent(tmp_path):
    _record(tmp_path)
    with pytest.raises(InvalidValueError, match=r"no sweep record at .*Sweeps in .*\['s'\]"):
        read_sweep("other", tmp_path)


def test_the_lock_refuses_a_live_owner_and_takes_over_a_dead_one(tmp_path):
    record = _record(tmp_path)
    lock = record.folder / LOCK_FILE
    with record.locked():
        assert json.loads(lock.read_text())["pid"] == os.getpid()
        with pytest.raises(StateError, match=rf"being run by process {os.getpid()}"):
            with record.locked():
                pass
    assert not lock.exists()
    import socket

    lock.write_text(json.dumps({"pid": 2**22 + 12345, "host": socket.gethostname()}))
    with record.locked():  # a dead owner's lock is taken over
        assert json.loads(lock.read_text())["pid"] == os.getpid()


def test_overlaps_pair_points_by_time_and_host_and_by_running_locally():
    overlaps = Overlaps(local=False)
    assert overlaps.finished(0, "a", 0.0, 10.0, running=[1]) == []  # remote: running unknown
    assert overlaps.finished(1, "b", 1.0, 9.0, running=[]) == []  # another host
    assert overlaps.finished(2, "a", 10.0, 12.0, running=[]) == []  # touches, no overlap
    assert overlaps.finished(3, "a", 9.5, 11.0, running=[]) == [3, 0, 2]
    assert overlaps.concurrent_with(3) == [0, 2] and overlaps.concurrent_with(1) == []
    local = Overlaps(local=True)
    assert local.finished(0, "a", 0.0, 1.0, running=[5]) == [0]
    assert local.concurrent_with(5) == [0]


def test_flag_machine_shared_marks_every_phase_and_keeps_the_tracker_s_own(tmp_path, energy_result):
    from greennb.runs import RunRecord

    run = tmp_path / "seedy" / "run-1"
    record = RunRecord("seedy", parameters={"seed": 0}, run_dir=run, country="FRA")
    alone = energy_result(1e-6, 1.0, phase="train")
    seen = energy_result(2e-6, 1.0, phase="inference")
    import dataclasses

    alone = dataclasses.replace(alone, dynamic_energy_kwh=5e-7, attribution="machine-wide")
    seen = dataclasses.replace(seen, attribution="machine shared: not attributable: tracker")
    record.add_model("m", quality={"accuracy": 0.5}, energy=[alone, seen])
    record.write(close_energy=False)
    flag_machine_shared(run, sweep="s", point=0, concurrent_with=[1, 2], host="h")
    written = read_metrics(run / "metrics.json")
    phases = written["models"][0]["energy"]
    expected = CONCURRENT_ATTRIBUTION.format(points=[1, 2], sweep="s", host="h")
    assert phases["train"]["attribution"] == expected and is_machine_shared(expected)
    assert phases["train"]["dynamic_energy_kwh"] is None
    assert phases["train"]["dynamic_reason"] == CONCURRENT_DYNAMIC_REASON
    assert phases["inference"]["attribution"] == "machine shared: not attributable: tracker"
    assert written["sweep"] == {
        "name": "s",
        "point": 0,
        "machine_shared": True,
        "concurrent_with": [1, 2],
        "host": "h",
    }
