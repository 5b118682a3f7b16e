"""The run store under faults: SIGTERM, a full disk; and no path of the machine in a record."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from greennb.errors import RunFailed
from greennb.runs import NOTEBOOKS_DIR_ENV, RUNS_DIR_ENV, run_case
from greennb.runs import _store as store
from greennb.runs._folders import IPC_PREFIX, OWNER_FILE
from greennb.runs._store import KEPT_MSG, REMOVED_MSG

SLEEPY_PARAMETERS = (
    'run_dir: str = ""  # run folder, set by greennb run\nseed: int = 0  # random seed'
)
SLEEPY_BODY = (
    "from pathlib import Path\nimport time\n\n"
    'Path("started").write_text("the kernel runs in its run folder")\ntime.sleep(300)'
)


def _sleepy_notebooks(folder: Path) -> Path:
    """A case ``sleepy`` whose second cell sleeps five minutes after writing ``started``."""
    parameters = nbformat.v4.new_code_cell(SLEEPY_PARAMETERS, metadata={"tags": ["parameters"]})
    notebook = nbformat.v4.new_notebook(
        cells=[parameters, nbformat.v4.new_code_cell(SLEEPY_BODY)],
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3"},
            "language_info": {"name": "python"},
        },
    )
    folder.mkdir()
    nbformat.write(notebook, folder / "00_sleepy.ipynb")
    return folder


def _wait_for(pattern: str, root: Path, process: subprocess.Popen, limit_s: float) -> None:
    deadline = time.monotonic() + limit_s
    while not list(root.glob(pattern)):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, f"no {pattern} after {limit_s} s"
        time.sleep(0.2)


@pytest.mark.skipif(os.name != "posix", reason="SIGTERM to a child process: POSIX")
def test_sigterm_to_greennb_run_leaves_a_failed_folder_and_a_message(tmp_path):
    import psutil

    runs, temp = tmp_path / "runs", tmp_path / "t"
    temp.mkdir()
    env = {
        **os.environ,
        NOTEBOOKS_DIR_ENV: str(_sleepy_notebooks(tmp_path / "nb")),
        RUNS_DIR_ENV: str(runs),
        "TMPDIR": str(temp),  # the kernel's IPC folder
    }
    command = [sys.executable, "-m", "greennb.cli", "run", "sleepy", "--no-progress"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _wait_for("sleepy/.tmp-*/started", runs, process, limit_s=120)
    kernels = psutil.Process(process.pid).children(recursive=True)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)

    assert process.returncode == 130
    assert stderr.decode().strip().splitlines() == [  # one line, no kernel traceback
        "greennb: interrupted; a run already started is kept as a *.failed folder."
    ]
    (failed,) = (runs / "sleepy").iterdir()
    assert failed.name.endswith(".failed") and not (failed / OWNER_FILE).exists()
    assert "case 'sleepy' was interrupted (SIGTERM)." in (failed / "error.txt").read_text()
    assert (failed / "00_sleepy.ipynb").exists()
    assert not list(temp.glob(f"{IPC_PREFIX}*"))  # the IPC folder is removed
    psutil.wait_procs(kernels, timeout=30)
    assert not [k for k in kernels if k.is_running()]  # no orphaned kernel


def _fake_papermill(monkeypatch, effect):
    import papermill

    def execute(input_path, output_path, **kwargs):
        Path(output_path).write_text("{}")  # the partially executed notebook
        effect()

    monkeypatch.setattr(papermill, "execute_notebook", execute)


def test_sigterm_during_run_case_is_an_interruption_and_the_handler_is_restored(
    tmp_path, monkeypatch
):
    def terminated():
        assert signal.getsignal(signal.SIGTERM) is store._terminated
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)  # the signal arrives before this ends

    _fake_papermill(monkeypatch, terminated)
    with pytest.raises(KeyboardInterrupt, match="SIGTERM"):
        run_case("light", runs_root=tmp_path, progress=False)
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
    (left,) = (tmp_path / "light").iterdir()
    assert left.name.endswith(".failed")
    assert "interrupted (SIGTERM)" in (left / "error.txt").read_text()


def test_a_full_disk_says_the_partial_run_was_removed_not_kept(tmp_path, monkeypatch):
    def disk_full():
        raise RuntimeError("the kernel died")

    write_text = Path.write_text

    def no_space(self, *args, **kwargs):
        if self.name == "error.txt":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
        return write_text(self, *args, **kwargs)

    _fake_papermill(monkeypatch, disk_full)
    monkeypatch.setattr(Path, "write_text", no_space)
    with pytest.raises(RunFailed) as info:
        run_case("light", runs_root=tmp_path, progress=False)
    message = str(info.value)
    assert "RuntimeError: the kernel died" in message
    assert "could not be kept" in message and os.strerror(errno.ENOSPC) in message
    assert "and was removed." in message and "is kept in" not in message
    assert info.value.path is None
    assert list((tmp_path / "light").iterdir()) == []
    assert "{error}" in REMOVED_MSG and "is kept in" in KEPT_MSG


def test_no_path_of_the_machine_in_a_record_or_the_executed_notebook(tmp_path):
    result = run_case("light", runs_root=tmp_path / "store", progress=False)
    private = [str(tmp_path), str(Path.home()), os.getcwd()]
    for name in ("metrics.json", "params.json", "03_light.ipynb"):
        text = (result.path / name).read_text()
        assert not [p for p in private if p in text], name
    metrics = json.loads((result.path / "metrics.json").read_text())
    assert metrics["parameters"]["run_dir"] == f"light/{result.path.name}"
    papermill = json.loads((result.path / "03_light.ipynb").read_text())["metadata"]["papermill"]
    assert papermill["input_path"] == papermill["output_path"] == "03_light.ipynb"
