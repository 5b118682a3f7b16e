"""The run store: papermill execution into complete run folders, failures, concurrency, listing."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from greennb.errors import RunFailed
from greennb.runs import NOTEBOOKS_DIR_ENV, list_runs, read_metrics, run_case, run_cases

RUN_NAME = re.compile(r"^\d{8}T\d{6}_\d{6}Z-[0-9a-f]{8}$")


@pytest.fixture(scope="module")
def ok_run(tmp_path_factory):
    """One real run of the ``ok`` fixture, with a list parameter given as YAML text."""
    fixtures = Path(__file__).resolve().parents[1] / "notebooks"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(NOTEBOOKS_DIR_ENV, str(fixtures))
        root = tmp_path_factory.mktemp("store")
        return run_case(
            "ok", {"thresholds": "[0.3, 0.6]", "seed": "2"}, runs_root=root, progress=False
        )


def _entries(case_dir: Path) -> list[str]:
    return sorted(p.name for p in case_dir.iterdir())


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
    assert recorded.pop("run_dir") == f"ok/{ok_run.path.name}"  # relative, its final name
    assert recorded == params
    assert [m["name"] for m in metrics["models"]] == ["logistic-t0.3", "logistic-t0.6"]


def test_the_executed_notebook_shows_the_injected_parameters(ok_run):
    notebook = json.loads((ok_run.path / "00_ok.ipynb").read_text())
    injected = [
        c for c in notebook["cells"] if "injected-parameters" in c["metadata"].get("tags", [])
    ]
    source = "".join(injected[0]["source"])
    assert "thresholds = [0.3, 0.6]" in source and "seed = 2" in source
    assert 'run_dir = "."' in source  # the kernel works in its run folder


def test_a_failing_cell_leaves_a_failed_folder_and_raises_with_its_error(tmp_path):
    with pytest.raises(RunFailed) as info:
        run_case("boom", {"message": "disk on fire"}, runs_root=tmp_path, progress=False)
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
    assert list_runs(tmp_path) == []


def test_sys_exit_without_a_record_is_a_failure(tmp_path):
    with pytest.raises(RunFailed, match="metrics.json was not written") as info:
        run_case("early_exit", runs_root=tmp_path, progress=False)
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
        run_case("light", runs_root=tmp_path, progress=False)
    (left,) = (tmp_path / "light").iterdir()
    assert left.name.endswith(".failed")
    assert "interrupted" in (left / "error.txt").read_text()


def test_runs_started_at_once_get_distinct_complete_folders(tmp_path):
    # Threads share one process: this also checks that no run changes the process's working
    # folder (papermill's cwd argument does) and that the kernels do not collide.
    cwd = os.getcwd()
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [
            pool.submit(run_case, "light", {"seed": 7}, runs_root=tmp_path, progress=False)
            for _ in range(2)
        ]
        results = [future.result() for future in futures]
    assert os.getcwd() == cwd
    first, second = (r.path for r in results)
    assert first != second and first.name[-8:] == second.name[-8:]  # same parameters
    assert sorted(list_runs(tmp_path)) == sorted([first, second])
    for result in results:
        assert read_metrics(result.path)["parameters"]["run_dir"] == f"light/{result.path.name}"
        assert (result.path / "relative.txt").exists()  # the kernel ran in its run folder


def test_run_cases_stops_at_the_first_failure(tmp_path):
    with pytest.raises(RunFailed, match="boom") as info:
        run_cases(["boom", "early_exit"], runs_root=tmp_path, progress=False)
    assert not (tmp_path / "early_exit").exists() and info.value.results == []


def test_run_cases_keep_going_collects_every_failure(tmp_path):
    with pytest.raises(RunFailed, match="2 of 2 cases failed") as info:
        run_cases(["boom", "early_exit"], keep_going=True, runs_root=tmp_path, progress=False)
    assert [f.case for f in info.value.failures] == ["boom", "early_exit"]
    assert info.value.results == []


def test_run_cases_checks_every_case_before_running_any(tmp_path):
    with pytest.raises(ValueError, match="Unknown parameter 'thresholds' for case 'light'"):
        run_cases(["ok", "light"], {"thresholds": "[0.1]"}, runs_root=tmp_path)
    assert not tmp_path.joinpath("ok").exists()
    with pytest.raises(ValueError, match="No case to run"):
        run_cases([], runs_root=tmp_path)


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
    assert list_runs(tmp_path) == [finished]
    assert list_runs(tmp_path, case="other") == []
    assert list_runs(tmp_path / "absent") == []
