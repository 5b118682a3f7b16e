"""Real sweeps of the tiny fixture notebook: serial, process pool and Dask agree; resume; failure.

The fixture case ``seedy`` (tests/notebooks/sweep/) computes its quality from ``seed`` and
``shift`` alone, so every executor must give the same numbers; ``fail_seed`` makes a point fail.
Each run costs a kernel start-up (about 1.5 s), so the sweeps are small.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from greennb.runs import NOTEBOOKS_DIR_ENV, read_metrics, read_sweep, run_sweep

GRID = {"shift": [0.0, 0.25]}


@pytest.fixture(autouse=True)
def sweep_notebooks(monkeypatch, fixture_notebooks):
    """The catalogue is the sweep fixture notebook (case 'seedy')."""
    monkeypatch.setenv(NOTEBOOKS_DIR_ENV, str(fixture_notebooks / "sweep"))


def _qualities(result) -> dict:
    return {
        json.dumps(p["parameters"]["seed"]) + f"/{p['parameters']['shift']}": read_metrics(
            result.runs_root / p["run"] / "metrics.json"
        )["models"][0]["quality"]["accuracy"]
        for p in result.points
    }


def test_serial_process_pool_and_dask_give_the_same_qualities(tmp_path):
    pytest.importorskip("distributed")
    serial = run_sweep("seedy", GRID, seeds=2, runs_root=tmp_path / "serial", progress=False)
    pool = run_sweep("seedy", GRID, seeds=2, workers=2, runs_root=tmp_path / "pool")
    dask = run_sweep(
        "seedy", GRID, seeds=2, executor="dask", workers=2, runs_root=tmp_path / "dask"
    )
    expected = {"0/0.0": 0.77, "1/0.0": 0.82, "0/0.25": 1.02, "1/0.25": 1.07}
    for result in (serial, pool, dask):
        assert result.counts["done"] == 4 and result.ran == [0, 1, 2, 3]
        assert _qualities(result) == pytest.approx(expected)
    assert serial.executor == {"kind": "serial", "workers": 1}
    assert pool.executor == {"kind": "processes", "workers": 2}
    assert dask.executor == {"kind": "dask", "workers": 2, "scheduler": "LocalCluster"}
    assert not any(p["machine_shared"] for p in serial.points)
    for result in (pool, dask):  # two at a time on one machine: every point shared it
        assert all(p["machine_shared"] and p["concurrent_with"] for p in result.points)
        for point in result.points:
            record = read_metrics(result.runs_root / point["run"] / "metrics.json")
            assert record["sweep"]["concurrent_with"] == point["concurrent_with"]
            assert record["sweep"]["machine_shared"] is True
    assert json.loads(pool.path.read_text())["status"] == "complete"


def _wait_for(condition, timeout_s=60.0):
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("timed out")


def test_a_killed_sweep_resumes_and_runs_only_the_points_without_a_run(tmp_path):
    store = tmp_path / "store"
    command = [sys.executable, "-m", "greennb", "sweep", "seedy", "--seeds", "2", "--name", "k"]
    command += ["--runs-dir", str(store), "--no-progress"]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=os.environ.copy())
    record_path = store / "sweeps" / "k" / "sweep.json"

    def first_done():
        try:
            points = json.loads(record_path.read_text())["points"]
        except (OSError, ValueError):
            return False
        return [p["state"] for p in points] == ["done", "running"]

    _wait_for(first_done)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130 and "greennb: sweep interrupted" in err
    assert "greennb/" not in err  # no traceback of greennb's (a starting kernel may print its own)
    killed = read_sweep("k", store)
    assert killed["status"] == "interrupted"
    assert [p["state"] for p in killed["points"]] == ["done", "pending"]
    assert "interrupted" in killed["points"][1]["error"]
    assert not (store / "sweeps" / "k" / ".lock").exists()
    done_before = killed["points"][0]["run"]
    resumed = run_sweep("seedy", {}, seeds=2, name="k", runs_root=store, progress=False)
    assert resumed.ran == [1] and [p["state"] for p in resumed.points] == ["done", "done"]
    assert resumed.points[0]["run"] == done_before and resumed.points[1]["attempts"] == 2
    assert json.loads(record_path.read_text())["status"] == "complete"


def _finished_by_hand(store, parameters):
    """Write a finished run of the point as greennb run would name it (what a user ran before)."""
    from greennb.runs import RunRecord, resolve_parameters
    from greennb.runs._parameters import _parameter_hash

    full = resolve_parameters("seedy", parameters)
    run_dir = store / "seedy" / f"20250101T000000_000000Z-{_parameter_hash(full)}"
    record = RunRecord("seedy", parameters=full, run_dir=run_dir)
    record.add_model("coin", quality={"accuracy": 0.5})
    record.write(close_energy=False)
    return run_dir


def test_a_failing_point_leaves_the_others_done_and_is_retried_once_on_request(tmp_path):
    grid = {"fail_seed": [1]}
    by_hand = _finished_by_hand(tmp_path, {"fail_seed": 1, "seed": 2})
    first = run_sweep("seedy", grid, seeds=3, workers=2, runs_root=tmp_path, progress=False)
    assert first.ran == [0, 1] and first.failed == [1]
    assert [p["state"] for p in first.points] == ["done", "failed", "done"]
    failed = first.points[1]
    assert "RuntimeError: seed 1 fails on purpose" in failed["error"]
    assert failed["run"].endswith(".failed") and (tmp_path / failed["run"]).is_dir()
    assert first.points[2]["found"] and first.points[2]["run"] == f"seedy/{by_hand.name}"
    assert json.loads(first.path.read_text())["status"] == "incomplete"
    assert run_sweep("seedy", grid, seeds=3, runs_root=tmp_path, progress=False).ran == []
    retried = run_sweep("seedy", grid, seeds=3, retry_failed=True, runs_root=tmp_path)
    assert retried.ran == [1] and retried.points[1]["attempts"] == 2
    assert retried.failed == [1] and retried.points[0]["attempts"] == 1


def test_a_dry_run_lists_the_points_and_writes_nothing(tmp_path):
    result = run_sweep("seedy", GRID, seeds=2, dry_run=True, runs_root=tmp_path)
    assert result.ran == [0, 1, 2, 3] and result.path is None
    assert result.table()[["shift", "seed", "state"]].to_dict("list") == {
        "shift": [0.0, 0.0, 0.25, 0.25],
        "seed": [0, 1, 0, 1],
        "state": ["pending"] * 4,
    }
    assert list(tmp_path.iterdir()) == []
