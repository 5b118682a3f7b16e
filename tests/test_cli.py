"""The ``greennb`` command: each command end to end, its help, and its one-line errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from greennb import _paths, cli
from greennb.runs import NOTEBOOKS_DIR_ENV, RUNS_DIR_ENV, list_runs


def test_demo_prints_quality_energy_flags_and_sri(capsys):
    assert cli.main(["demo", "--dataset", "hmda", "--country", "FRA", "--pue", "1.2"]) == 0
    out = capsys.readouterr().out
    assert "accuracy on the test split" in out
    assert "train:" in out and "inference:" in out
    # This CI machine has no RAPL or NVML: the figures must say they are estimated.
    assert "estimated" in out
    assert "Facility energy with PUE 1.2" in out
    assert "FRA grid" in out
    assert "SRI R=" in out and "four-fifths" in out


def test_demo_unknown_country_is_a_clear_error(capsys):
    assert cli.main(["demo", "--country", "XYZ"]) == 2
    err = capsys.readouterr().err
    assert "XYZ" in err


def test_demo_pue_below_one_is_a_clear_error(capsys):
    assert cli.main(["demo", "--pue", "0.9"]) == 2
    assert "0.9" in capsys.readouterr().err


def test_demo_unknown_model_names_the_choices(capsys):
    assert cli.main(["demo", "--model", "forest"]) == 2
    err = capsys.readouterr().err
    assert "forest" in err and "logistic" in err


def test_demo_unknown_dataset_is_refused_by_argparse(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["demo", "--dataset", "iris"])
    assert exit_info.value.code == 2
    assert "iris" in capsys.readouterr().err


def test_datasets_and_countries_listings(capsys):
    assert cli.main(["datasets"]) == 0
    out = capsys.readouterr().out
    assert "hmda" in out and "chicago_ridership" in out
    assert cli.main(["countries", "--search", "france"]) == 0
    out = capsys.readouterr().out
    assert "FRA" in out and "DEU" not in out


COMMANDS = ("demo", "datasets", "countries", "run", "list", "report")


@pytest.mark.parametrize("argv", [["--help"], *([command, "--help"] for command in COMMANDS)])
def test_every_command_has_help(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(argv)
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: greennb") and len(out.splitlines()) > 3


# --- run, list, report (the run store; fixture notebooks in tests/notebooks) ---------------

FIXTURES = Path(__file__).parent / "notebooks"


@pytest.fixture
def fixture_notebooks(monkeypatch):
    monkeypatch.setenv(NOTEBOOKS_DIR_ENV, str(FIXTURES))


def test_help_names_the_options(capsys):
    for argv in (["demo", "--help"], ["run", "--help"], ["report", "--help"]):
        with pytest.raises(SystemExit):
            cli.main(argv)
    out = capsys.readouterr().out
    assert "--country" in out and "--runs-dir" in out and "NAME VALUE" in out and "--all" in out


def test_list_shows_cases_and_their_parameters(capsys, fixture_notebooks):
    assert cli.main(["list"]) == 0
    out = capsys.readouterr().out
    assert "ok (00_ok.ipynb)" in out and "early_exit (02_early_exit.ipynb)" in out
    line = next(line for line in out.splitlines() if "thresholds" in line)
    assert line.split()[:3] == ["thresholds", "list", "[0.5]"]
    assert "decision thresholds on P(favourable)" in line
    assert "run_dir" not in out  # set by the runner, not by users
    assert max(len(line) for line in out.splitlines()) <= 80
    assert cli.main(["list", "ok"]) == 0  # one case in full: nothing shortened
    out = capsys.readouterr().out
    assert (
        "  thresholds: list = [0.5]\n      decision thresholds on P(favourable), one model each"
        in out
    )
    assert "allowed: number >= 1" in out and "boom" not in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["nope"], "Unknown case 'nope'. Valid cases: ['ok', 'boom', 'early_exit', 'light']"),
        (["ok", "-p", "epochs", "5"], "Unknown parameter 'epochs' for case 'ok'"),
        (["ok", "-p", "seed", "x"], "Parameter 'seed' of case 'ok' expects int"),
        (["ok", "-p", "country", "XYZ"], "XYZ"),
        (["ok", "-p", "run_dir", "/tmp"], "'run_dir' is set by the runner"),
        (["--all", "ok"], "give case names or --all, not both"),
        ([], "No case to run"),
    ],
)
def test_run_refuses_bad_input_before_executing(argv, message, capsys, tmp_path, fixture_notebooks):
    assert cli.main(["run", *argv, "--runs-dir", str(tmp_path)]) == 2
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_run_a_failing_notebook_exits_1_showing_the_cell_error(capsys, tmp_path, fixture_notebooks):
    argv = ["run", "boom", "-p", "message", "bad input", "--no-progress", "--runs-dir"]
    assert cli.main([*argv, str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "case 'boom' failed in cell" in err and "ValueError: boom: bad input" in err
    assert [p.name.endswith(".failed") for p in (tmp_path / "boom").iterdir()] == [True]


def test_a_parameters_file_that_is_not_a_mapping_is_refused(capsys, tmp_path, fixture_notebooks):
    path = tmp_path / "params.yaml"
    path.write_text("- 1\n- 2\n")
    assert cli.main(["run", "light", "-f", str(path), "--runs-dir", str(tmp_path)]) == 2
    assert "must hold a mapping" in capsys.readouterr().err
    assert cli.main(["run", "light", "-f", str(tmp_path / "absent.yaml")]) == 2
    assert "cannot read the parameters file" in capsys.readouterr().err


def test_run_with_a_parameters_file_then_report(capsys, tmp_path, fixture_notebooks):
    store = tmp_path / "store"
    assert cli.main(["report", "--runs-dir", str(store)]) == 1
    assert "No finished runs" in capsys.readouterr().err
    path = tmp_path / "params.yaml"
    path.write_text("seed: 5\ncountry: FRA\n")
    argv = ["run", "light", "-f", str(path), "-p", "seed", "6", "--no-progress"]
    assert cli.main([*argv, "--runs-dir", str(store)]) == 0
    out = capsys.readouterr().out
    assert "greennb: light finished in" in out and "majority: accuracy 0.75" in out
    # selection rates a 2/4, b 3/4: A = 0.5 / 0.75 = 2/3 (demographic parity), R = A / 0.8
    assert "; R 0.833 (demographic_parity, below the bar B = 0.8); energy" in out
    (run_dir,) = list_runs(store)
    params = json.loads((run_dir / "params.json").read_text())
    assert (params["seed"], params["country"]) == (6, "FRA")  # -p overrides the file
    assert cli.main(["report", "--runs-dir", str(store)]) == 0
    out = capsys.readouterr().out
    assert "majority" in out and "report of 1 models written to" in out
    assert {"report.csv", "report.md", "report.html"} <= {
        p.name for p in (store / "report").iterdir()
    }


def test_bad_input_is_one_line_without_a_traceback(capsys, fixture_notebooks):
    for argv in (["demo", "--country", "XYZ"], ["run", "ok", "-p", "pue", "0.5"]):
        assert cli.main(argv) == 2
        err = capsys.readouterr().err
        assert err.startswith("greennb: error: ") and err.count("\n") == 1
        assert "Traceback" not in err


def test_list_and_run_work_from_the_notebooks_packaged_in_the_wheel(tmp_path, monkeypatch, capsys):
    # A wheel install: the notebooks are in greennb/_notebooks, and the current directory is
    # anywhere outside the repository; runs land in ./papermill_runs.
    package = tmp_path / "site-packages" / "greennb"
    shutil.copytree(FIXTURES, package / "_notebooks")
    monkeypatch.setattr(_paths, "PACKAGE_DIR", package)
    monkeypatch.delenv(NOTEBOOKS_DIR_ENV, raising=False)
    monkeypatch.delenv(RUNS_DIR_ENV)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    shipped = sorted(p.name for p in (package / "_notebooks").iterdir())
    assert cli.main(["list"]) == 0
    assert "light (03_light.ipynb)" in capsys.readouterr().out
    assert cli.main(["run", "light", "--no-progress"]) == 0
    assert "greennb: light finished in" in capsys.readouterr().out
    (run_dir,) = list_runs(elsewhere / "papermill_runs")
    assert run_dir.parent == elsewhere / "papermill_runs" / "light"
    assert (run_dir / "relative.txt").exists()  # the kernel worked in its run folder
    assert sorted(p.name for p in (package / "_notebooks").iterdir()) == shipped
