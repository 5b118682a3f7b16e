"""Run folders: unique and atomic for every run, owned while in use, leftovers found and removed."""

from __future__ import annotations

import json
import multiprocessing
import os
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from greennb.errors import InvalidValueError
from greennb.runs import RunRecord, find_leftovers, read_metrics, remove_leftovers
from greennb.runs import _folders as folders
from greennb.runs._folders import (
    DEAD_OWNER_REASON,
    IPC_PREFIX,
    OUTSIDE_STORE_MSG,
    OWNER_FILE,
    UNOWNED_GRACE_S,
    make_ipc_dir,
    remove_ipc_dir,
    reserve_folder,
)


class _SteppingClock:
    """``datetime`` whose ``now`` gives the same instant ``repeat`` times, then 1 µs later."""

    def __init__(self, repeat: int):
        self.start, self.calls, self.repeat = datetime(2025, 1, 1, tzinfo=UTC), 0, repeat

    def now(self, tz=None):
        self.calls += 1
        return self.start + timedelta(microseconds=max(0, self.calls - self.repeat))


def _write_interactive_record(case: str, note: str) -> str:
    record = RunRecord(case, parameters={"run_dir": "", "note": note}, country="FRA")
    record.add_section("note", note)
    return str(record.write(close_energy=False))


def test_two_interactive_runs_at_the_same_instant_get_two_complete_folders(monkeypatch):
    # Both records read the same UTC time: the second finds the name taken and moves on.
    monkeypatch.setattr(folders, "datetime", _SteppingClock(repeat=2))
    paths = [Path(_write_interactive_record("light", note)) for note in ("first", "second")]
    assert paths[0].parent != paths[1].parent
    assert [read_metrics(p)["sections"]["note"] for p in paths] == ["first", "second"]
    assert all(p.parent.name.startswith("interactive-20250101T000000_") for p in paths)


def _start_together(barrier, case: str, note: str, queue) -> None:
    barrier.wait()
    queue.put(_write_interactive_record(case, note))


def test_two_processes_starting_the_same_case_at_once_keep_both_records(monkeypatch):
    monkeypatch.setattr(folders, "datetime", _SteppingClock(repeat=1))  # both try one name
    context = multiprocessing.get_context("fork")
    barrier, queue = context.Barrier(2), context.Queue()
    workers = [
        context.Process(target=_start_together, args=(barrier, "light", note, queue))
        for note in ("a", "b")
    ]
    for worker in workers:
        worker.start()
    paths = sorted(Path(queue.get(timeout=60)) for _ in workers)
    for worker in workers:
        worker.join(timeout=60)
    assert len({p.parent for p in paths}) == 2
    assert sorted(read_metrics(p)["sections"]["note"] for p in paths) == ["a", "b"]


def test_a_record_stores_its_run_folder_relative_to_the_store(tmp_path):
    record = RunRecord("light", parameters={"run_dir": ""}, country="FRA")
    assert record.run_dir.parent == tmp_path / "papermill_runs" / "light"
    assert record.parameters["run_dir"] == f"light/{record.run_dir.name}" == record.run_id
    temporary = tmp_path / "store" / "light" / ".tmp-20250101T000000_000000Z-abcdef12"
    record = RunRecord("light", parameters={"run_dir": str(temporary)}, run_dir=temporary)
    assert record.parameters["run_dir"] == "light/20250101T000000_000000Z-abcdef12"


@pytest.mark.parametrize("case", ["..", "."])
def test_a_case_name_leading_out_of_the_store_is_refused(case, tmp_path):
    with pytest.raises(InvalidValueError, match=f"case '{case}' would put its runs at") as info:
        RunRecord(case, parameters={}, country="FRA")
    assert "outside the run store" in str(info.value)
    assert "{case!r}" in OUTSIDE_STORE_MSG
    assert list(tmp_path.iterdir()) == []  # no folder, in the store or beside it


def test_a_temporary_folder_names_its_owner_until_released(tmp_path):
    name, folder = reserve_folder(tmp_path / "light", "{stamp}-x", temporary=True)
    assert folder.name == f".tmp-{name}"
    owner = json.loads((folder / OWNER_FILE).read_text())
    assert owner == {"pid": os.getpid(), "host": socket.gethostname()}
    folders.release(folder)
    assert not (folder / OWNER_FILE).exists()


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def _owned(folder: Path, pid: int, host: str | None = None) -> Path:
    folder.mkdir(parents=True)
    owner = {"pid": pid, "host": host or socket.gethostname()}
    (folder / OWNER_FILE).write_text(json.dumps(owner))
    return folder


def test_leftovers_are_the_folders_no_running_process_owns(tmp_path):
    store, temp, dead = tmp_path / "store", tmp_path / "temp", _dead_pid()
    killed = _owned(store / "light" / ".tmp-a", dead)
    running = _owned(store / "light" / ".tmp-b", os.getpid())
    elsewhere = _owned(store / "light" / ".tmp-c", dead, host="another-machine")
    old, recent = store / "light" / ".tmp-d", store / "light" / ".tmp-e"
    old.mkdir(), recent.mkdir()
    long_ago = time.time() - UNOWNED_GRACE_S - 60
    os.utime(old, (long_ago, long_ago))
    (store / "light" / "20250101T000000_000000Z-abcdef12").mkdir()  # finished: never touched
    (store / "light" / "20250101T000000_000001Z-abcdef12.failed").mkdir()
    ipc = _owned(temp / f"{IPC_PREFIX}zz", dead)
    _owned(temp / f"{IPC_PREFIX}yy", os.getpid())

    found = find_leftovers(store, temp_dir=temp)
    assert [(f.path, f.kind) for f in found] == [(killed, "run"), (old, "run"), (ipc, "ipc")]
    assert found[0].reason == DEAD_OWNER_REASON.format(pid=dead)
    assert "no owner recorded" in found[1].reason
    assert remove_leftovers(found) == [killed, old, ipc]
    assert not killed.exists() and not old.exists() and not ipc.exists()
    assert running.exists() and elsewhere.exists() and recent.exists()
    assert find_leftovers(store, temp_dir=temp) == []


def test_ipc_folders_are_owned_and_removed_at_exit(tmp_path, monkeypatch):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    path = make_ipc_dir()
    assert Path(path).name.startswith(IPC_PREFIX) and (Path(path) / OWNER_FILE).exists()
    remove_ipc_dir(path)
    assert not Path(path).exists()
    left = make_ipc_dir()
    folders._remove_live_ipc_dirs()  # what atexit calls
    assert not Path(left).exists() and not folders._LIVE_IPC_DIRS
