"""``greennb sweep``: the dry run, one-line errors before anything runs, Dask as an extra."""

from __future__ import annotations

import sys

import pytest

from greennb import cli
from greennb.runs import NOTEBOOKS_DIR_ENV
from greennb.runs._sweep_executors import NO_DASK_MSG


@pytest.fixture(autouse=True)
def sweep_notebooks(monkeypatch, tmp_path):
    """The catalogue is the sweep fixture notebook (case 'seedy')."""
    from pathlib import Path

    folder = Path(__file__).resolve().parents[1] / "notebooks" / "sweep"
    monkeypatch.setenv(NOTEBOOKS_DIR_ENV, str(folder))


def test_a_dry_run_lists_every_point_and_runs_nothing(capsys, tmp_path):
    status = cli.main(
        [
            "sweep",
            "seedy",
            "-g",
            "shift=0,0.5",
            "--seeds",
            "2",
            "--dry-run",
            "--runs-dir",
            str(tmp_path),
        ]
    )
    out = capsys.readouterr().out
    assert status == 0 and list(tmp_path.iterdir()) == []
    assert "4 points (4 pending); would run 4 (serial)" in out
    lines = [line.split() for line in out.splitlines()[1:5]]
    assert [(line[1], line[2], line[3]) for line in lines] == [
        ("0.0", "0", "pending"),
        ("0.0", "1", "pending"),
        ("0.5", "0", "pending"),
        ("0.5", "1", "pending"),
    ]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["-g", "shift"], "grid entry 'shift' is not NAME=V1,V2,..."),
        (["-g", "nope=1"], "grid point 0 {'nope': '1'}: Unknown parameter 'nope' for case"),
        (["-g", "seed=0..2", "--seeds", "2"], "give the seeds either as seeds=2 or in the grid"),
        (["--seeds", "0"], "seeds must be an integer >= 1"),
        (["--seeds", "2", "--workers", "0"], "workers must be an integer >= 1; got 0."),
        (["--seeds", "2", "--scheduler", "tcp://h:1", "--workers", "2"], "--workers starts local"),
        (["--seeds", "2", "--name", "../x"], "sweep name '../x' is not a plain folder name"),
    ],
)
def test_bad_input_is_one_line_and_exit_status_2_before_anything_runs(
    argv, message, capsys, tmp_path
):
    status = cli.main(["sweep", "seedy", *argv, "--runs-dir", str(tmp_path)])
    err = capsys.readouterr().err
    assert status == 2 and err.startswith("greennb: error: ") and message in err
    assert len(err.strip().splitlines()) == 1 and list(tmp_path.iterdir()) == []


def test_dask_without_the_extra_names_greennb_dask(capsys, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails
    status = cli.main(["sweep", "seedy", "--seeds", "2", "--dask", "--runs-dir", str(tmp_path)])
    err = capsys.readouterr().err
    expected = NO_DASK_MSG.format(error="import of distributed halted; None in sys.modules")
    assert status == 1 and err == f"greennb: error: {expected}\n"
    assert "greennb[dask]" in err and list(tmp_path.iterdir()) == []


def test_the_core_imports_and_sweeps_without_dask(tmp_path):
    import subprocess

    code = (
        "import sys; sys.modules['dask'] = sys.modules['distributed'] = None\n"
        "import greennb.runs, greennb.cli, greennb.report\n"
        "from greennb.runs import run_sweep\n"
        f"r = run_sweep('seedy', {{}}, seeds=2, dry_run=True, runs_root={str(tmp_path)!r})\n"
        "print(r.ran)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[0, 1]"


def test_sweep_is_in_greennb_help(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    assert "sweep" in capsys.readouterr().out
