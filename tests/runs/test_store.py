"""The run store: case discovery, parameter checks, papermill execution, failures, concurrency.

The fixture notebooks in tests/notebooks/ stand in for the case studies: ``ok`` trains a real
(small) model under CodeCarbon, ``light`` writes a record without training, ``boom`` raises in
a cell, ``early_exit`` calls ``sys.exit(0)`` without writing a record.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from greennb.runs import _store as runs
from greennb.runs._record import read_metrics

FIXTURES = Path(__file__).resolve().parents[1] / "notebooks"
RUN_NAME = re.compile(r"^\d{8}T\d{6}_\d{6}Z-[0-9a-f]{8}$")


@pytest.fixture(autouse=True)
def fixture_notebooks(monkeypatch):
    monkeypatch.setenv(runs.NOTEBOOKS_DIR_ENV, str(FIXTURES))


@pytest.fixture(scope="module")
def ok_run(tmp_path_factory):
    """One real run of the ``ok`` fixture, with a list parameter given as YAML text."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(runs.NOTEBOOKS_DIR_ENV, str(FIXTURES))
        root = tmp_path_factory.mktemp("store")
        return runs.run_case(
            "ok", {"thresholds": "[0.3, 0.6]", "seed": "2"}, runs_root=root, progress=False
        )


def _entries(case_dir: Path) -> list[str]:
    return sorted(p.name for p in case_dir.iterdir())


# --- cases ----------------------------------------------------------------------------------


def test_cases_are_discovered_by_file_name_in_number_order(tmp_path, monkeypatch):
    assert runs.list_cases() == ["ok", "boom", "early_exit", "light"]
    assert runs.notebook_path("boom") == FIXTURES / "01_boom.ipynb"
    for name in ("10_late.ipynb", "2_early.ipynb", "notes.ipynb", "x_1.ipynb", "3_draft.txt"):
        shutil.copy(FIXTURES / "03_light.ipynb", tmp_path / name)
    monkeypatch.setenv(runs.NOTEBOOKS_DIR_ENV, str(tmp_path))
    assert runs.list_cases() == ["early", "late"]


def test_unknown_case_names_it_and_the_valid_cases():
    with pytest.raises(ValueError, match="Unknown case 'nope'") as info:
        runs.notebook_path("nope")
    assert "'ok'" in str(info.value) and "'early_exit'" in str(info.value)
    with pytest.raises(ValueError, match="Unknown case 'nope'"):
        runs.run_case("nope", progress=False)


def test_missing_notebooks_folder_names_the_variable(tmp_path, monkeypatch):
    monkeypatch.setenv(runs.NOTEBOOKS_DIR_ENV, str(tmp_path / "absent"))
    with pytest.raises(ValueError, match=runs.NOTEBOOKS_DIR_ENV):
        runs.list_cases()


def test_two_notebooks_for_one_case_are_refused(tmp_path, monkeypatch):
    for name in ("01_same.ipynb", "02_same.ipynb"):
        shutil.copy(FIXTURES / "03_light.ipynb", tmp_path / name)
    monkeypatch.setenv(runs.NOTEBOOKS_DIR_ENV, str(tmp_path))
    with pytest.raises(ValueError, match="'same' is defined twice"):
        runs.list_cases()


# --- parameters -----------------------------------------------------------------------------


def test_case_parameters_come_from_papermill_inspection():
    table = runs.case_parameters("ok").set_index("name")
    assert table.loc["thresholds", "type"] == "list"
    assert table.loc["thresholds", "default"] == [0.5]
    assert table.loc["pue", "type"] == "float" and table.loc["pue", "default"] == 1.56
    assert table.loc["quick", "type"] == "bool" and table.loc["quick", "default"] is True
    assert table.loc["country", "help"] == "3-letter ISO code of the grid"
    assert table["reserved"].tolist() == [name == "run_dir" for name in table.index]
    assert table.loc["run_dir", "type"] == "str"


def test_run_dir_reaches_a_notebook_whose_run_dir_line_papermill_cannot_read(tmp_path):
    # boom's run_dir help has an '=' sign, so papermill's inspection skips the line; the
    # runner injects run_dir anyway (boom writes partial.txt there before failing).
    assert "run_dir" not in set(runs.case_parameters("boom")["name"])
    with pytest.raises(runs.RunFailed):
        runs.run_case("boom", runs_root=tmp_path, progress=False)
    (failed,) = (tmp_path / "boom").iterdir()
    assert (failed / "partial.txt").exists()


def test_cli_strings_are_converted_to_the_parameter_types():
    checked = runs.check_parameters(
        "ok",
        {
            "seed": "3",
            "pue": "1.2",
            "renewable_share": "1e-1",  # YAML 1.1 would keep this a string
            "quick": "false",
            "thresholds": "[0.3, 0.6]",
            "title": "yes",  # a str stays a str (YAML would read a bool)
            "country": "NOR",
        },
    )
    assert checked == {
        "seed": 3,
        "pue": 1.2,
        "renewable_share": 0.1,
        "quick": False,
        "thresholds": [0.3, 0.6],
        "title": "yes",
        "country": "NOR",
    }
    assert runs.check_parameters("ok", {"pue": 2, "thresholds": (0.1,)}) == {
        "pue": 2.0,
        "thresholds": [0.1],
    }


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("seed", "x", "int"),
        ("seed", 1.5, "int"),
        ("seed", True, "int"),
        ("quick", "maybe", "bool"),
        ("thresholds", "0.3", "list"),
        ("pue", "high", "float"),
        ("title", 3, "str"),
    ],
)
def test_wrong_type_names_parameter_expected_type_and_value(name, value, expected):
    with pytest.raises(ValueError) as info:
        runs.check_parameters("ok", {name: value})
    message = str(info.value)
    assert f"Parameter {name!r} of case 'ok' expects {expected}" in message
    assert f"got {value!r}" in message


def test_unknown_parameter_lists_the_valid_ones():
    with pytest.raises(ValueError, match="Unknown parameter 'epochs' for case 'ok'") as info:
        runs.check_parameters("ok", {"epochs": "5"})
    assert "'thresholds'" in str(info.value) and "'run_dir'" not in str(info.value)


def test_run_dir_is_reserved_for_the_runner(tmp_path):
    with pytest.raises(ValueError, match="'run_dir' is set by the runner"):
        runs.check_parameters("ok", {"run_dir": "/tmp/elsewhere"})
    with pytest.raises(ValueError, match="'run_dir' is set by the runner"):
        runs.run_case("ok", {"run_dir": "x"}, runs_root=tmp_path, progress=False)
    assert not (tmp_path / "ok").exists()  # refused before anything was created


@pytest.mark.parametrize(
    ("name", "value", "shown"),
    [("country", "XYZ", "XYZ"), ("pue", "0.9", "0.9"), ("renewable_share", "1.5", "1.5")],
)
def test_invalid_pricing_values_are_refused_before_execution(name, value, shown):
    with pytest.raises(ValueError, match=f"Parameter '{name}' of case 'ok'") as info:
        runs.check_parameters("ok", {name: value})
    assert shown in str(info.value)


def test_resolve_parameters_fills_the_defaults():
    full = runs.resolve_parameters("ok", {"seed": "4"})
    assert full["seed"] == 4 and full["thresholds"] == [0.5] and full["country"] == "USA"
    assert "run_dir" not in full


# --- execution ------------------------------------------------------------------------------


def test_a_run_lands_complete_under_its_final_name(ok_run):
    path = ok_run.path
    assert os.fspath(ok_run) == str(path)
    assert RUN_NAME.match(path.name) and path.parent.name == "ok"
    canonical = json.dumps(ok_run.parameters, sort_keys=True, separators=(",", ":"))
    assert path.name.endswith(hashlib.sha256(canonical.encode()).hexdigest()[:8])
    assert _entries(path.parent) == [path.name]  # no temporary folder left
    names = {p.name for p in path.iterdir()}
    assert {"00_ok.ipynb", "params.json", "metrics.json", "accuracy.png"} <= names
    assert any(re.fullmatch(r"emissions.*\.csv", name) for name in names)


def test_parameters_reach_the_notebook_and_params_json(ok_run):
    params = json.loads((ok_run.path / "params.json").read_text())
    assert params == ok_run.parameters
    assert params["thresholds"] == [0.3, 0.6] and params["seed"] == 2
    assert params["pue"] == 1.56  # defaults included
    metrics = read_metrics(ok_run.path)
    assert metrics == ok_run.metrics
    recorded = dict(metrics["parameters"])
    assert Path(recorded.pop("run_dir")).name == f".tmp-{ok_run.path.name}"
    assert recorded == params
    assert [m["name"] for m in metrics["models"]] == ["logistic-t0.3", "logistic-t0.6"]


def test_the_executed_notebook_shows_the_injected_parameters(ok_run):
    notebook = json.loads((ok_run.path / "00_ok.ipynb").read_text())
    injected = [
        c for c in notebook["cells"] if "injected-parameters" in c["metadata"].get("tags", [])
    ]
    source = "".join(injected[0]["source"])
    assert "thresholds = [0.3, 0.6]" in source and "seed = 2" in source
    assert "run_dir = " in source


def test_a_failing_cell_leaves_a_failed_folder_and_raises_with_its_error(tmp_path):
    with pytest.raises(runs.RunFailed) as info:
        runs.run_case("boom", {"message": "disk on fire"}, runs_root=tmp_path, progress=False)
    failure = info.value
    assert isinstance(failure, RuntimeError)
    assert failure.ename == "ValueError" and failure.evalue == "boom: disk on fire"
    assert "ValueError: boom: disk on fire" in str(failure)
    assert 'raise ValueError(f"boom: {message}")' in str(failure)  # the cell's traceback
    (failed,) = (tmp_path / "boom").iterdir()
    assert failed == failure.path and failed.name.endswith(".failed")
    assert RUN_NAME.match(failed.name.removesuffix(".failed"))
    assert "boom: disk on fire" in (failed / "error.txt").read_text()
    assert (failed / "01_boom.ipynb").exists()
    assert not (failed / "metrics.json").exists()
    assert runs.list_runs(tmp_path) == []


def test_sys_exit_without_a_record_is_a_failure(tmp_path):
    with pytest.raises(runs.RunFailed, match="metrics.json was not written") as info:
        runs.run_case("early_exit", runs_root=tmp_path, progress=False)
    assert "sys.exit(0)" in str(info.value)
    assert [p.name.endswith(".failed") for p in (tmp_path / "early_exit").iterdir()] == [True]
    assert (info.value.path / "error.txt").exists()


def test_an_interrupted_run_never_looks_finished(tmp_path, monkeypatch):
    import papermill

    def interrupted(input_path, output_path, **kwargs):
        Path(output_path).write_text("{}")  # the partially executed notebook
        raise KeyboardInterrupt

    monkeypatch.setattr(papermill, "execute_notebook", interrupted)
    with pytest.raises(KeyboardInterrupt):
        runs.run_case("light", runs_root=tmp_path, progress=False)
    (left,) = (tmp_path / "light").iterdir()
    assert left.name.endswith(".failed")
    assert "interrupted" in (left / "error.txt").read_text()


def test_runs_started_at_once_get_distinct_complete_folders(tmp_path):
    # Threads share one process: this also checks that no run changes the process's working
    # folder (papermill's cwd argument does) and that the kernels do not collide.
    cwd = os.getcwd()
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [
            pool.submit(runs.run_case, "light", {"seed": 7}, runs_root=tmp_path, progress=False)
            for _ in range(2)
        ]
        results = [future.result() for future in futures]
    assert os.getcwd() == cwd
    first, second = (r.path for r in results)
    assert first != second and first.name[-8:] == second.name[-8:]  # same parameters
    assert sorted(runs.list_runs(tmp_path)) == sorted([first, second])
    for result in results:
        assert read_metrics(result.path)["parameters"]["run_dir"].endswith(result.path.name)
        assert (result.path / "relative.txt").exists()  # the kernel ran in its run folder


def test_run_cases_stops_at_the_first_failure(tmp_path):
    with pytest.raises(runs.RunFailed, match="boom") as info:
        runs.run_cases(["boom", "early_exit"], runs_root=tmp_path, progress=False)
    assert not (tmp_path / "early_exit").exists() and info.value.results == []


def test_run_cases_keep_going_collects_every_failure(tmp_path):
    with pytest.raises(runs.RunFailed, match="2 of 2 cases failed") as info:
        runs.run_cases(["boom", "early_exit"], keep_going=True, runs_root=tmp_path, progress=False)
    assert [f.case for f in info.value.failures] == ["boom", "early_exit"]
    assert info.value.results == []


def test_run_cases_checks_every_case_before_running_any(tmp_path):
    with pytest.raises(ValueError, match="Unknown parameter 'thresholds' for case 'light'"):
        runs.run_cases(["ok", "light"], {"thresholds": "[0.1]"}, runs_root=tmp_path)
    assert not tmp_path.joinpath("ok").exists()
    with pytest.raises(ValueError, match="No case to run"):
        runs.run_cases([], runs_root=tmp_path)


def test_list_runs_ignores_temporary_failed_and_invalid_folders(ok_run, tmp_path):
    case_dir = tmp_path / "ok"
    finished = case_dir / ok_run.path.name
    shutil.copytree(ok_run.path, finished)
    shutil.copytree(ok_run.path, case_dir / f".tmp-{ok_run.path.name}")
    shutil.copytree(ok_run.path, case_dir / f"{ok_run.path.name}.failed")
    broken = case_dir / "20250101T000000_000000Z-00000000"
    shutil.copytree(ok_run.path, broken)
    metrics = json.loads((broken / "metrics.json").read_text())
    metrics["schema_version"] = "0.1"
    (broken / "metrics.json").write_text(json.dumps(metrics))
    (case_dir / "notes.txt").write_text("not a run")
    assert runs.list_runs(tmp_path) == [finished]
    assert runs.list_runs(tmp_path, case="other") == []
    assert runs.list_runs(tmp_path / "absent") == []
