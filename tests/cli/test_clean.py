"""``greennb clean``: list what killed runs left behind; remove it only with ``--yes``."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

import pytest

from greennb import cli
from greennb.runs._folders import IPC_PREFIX, OWNER_FILE


@pytest.fixture
def litter(tmp_path, monkeypatch):
    """A store with a killed run's folder and a running one's, and a killed kernel's IPC folder."""
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path / "temp"))
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    store = tmp_path / "store"
    folders = {
        "killed": store / "light" / ".tmp-20250101T000000_000000Z-abcdef12",
        "running": store / "light" / ".tmp-20250101T000000_000001Z-abcdef12",
        "ipc": tmp_path / "temp" / f"{IPC_PREFIX}abc",
    }
    for key, folder in folders.items():
        folder.mkdir(parents=True)
        pid = os.getpid() if key == "running" else dead.pid
        owner = {"pid": pid, "host": socket.gethostname()}
        (folder / OWNER_FILE).write_text(json.dumps(owner))
    (store / "light" / "20250101T000000_000002Z-abcdef12.failed").mkdir()
    return store, folders


def test_clean_lists_without_removing_by_default(litter, capsys):
    store, folders = litter
    assert cli.main(["clean", "--runs-dir", str(store)]) == 0
    out = capsys.readouterr().out
    assert str(folders["killed"]) in out and str(folders["ipc"]) in out
    assert str(folders["running"]) not in out and ".failed" not in out
    assert "is no longer running" in out
    assert "2 folders would be removed; run greennb clean --yes" in out
    assert all(folder.exists() for folder in folders.values())


def test_clean_yes_removes_only_the_leftovers(litter, capsys):
    store, folders = litter
    assert cli.main(["clean", "--runs-dir", str(store), "--yes"]) == 0
    assert "removed 2 of 2 folders" in capsys.readouterr().out
    assert not folders["killed"].exists() and not folders["ipc"].exists()
    assert folders["running"].exists()
    assert (store / "light" / "20250101T000000_000002Z-abcdef12.failed").exists()
    assert cli.main(["clean", "--runs-dir", str(store)]) == 0
    assert "nothing to clean" in capsys.readouterr().out


def test_clean_has_help(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["clean", "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "--yes" in out and "--runs-dir" in out and "SIGKILL" in out
