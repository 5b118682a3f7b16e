"""Where the run store is: the variable, the repository checkout, or the current directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from greennb import _paths
from greennb.runs import RUNS_DIR_ENV, RunRecord, repository_checkout, runs_root


@pytest.fixture
def checkout(tmp_path, monkeypatch):
    """A fake repository checkout (pyproject.toml and notebooks/) that greennb runs from."""
    root = tmp_path / "checkout"
    (root / "notebooks").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'greennb'\n")
    monkeypatch.setattr(_paths, "REPOSITORY_DIR", root)
    monkeypatch.delenv(RUNS_DIR_ENV)
    return root


def test_the_variable_wins(tmp_path, monkeypatch, checkout):
    monkeypatch.setenv(RUNS_DIR_ENV, str(tmp_path / "store"))
    monkeypatch.chdir(checkout / "notebooks")
    assert runs_root() == tmp_path / "store"


def test_inside_the_checkout_it_is_the_checkouts_papermill_runs(monkeypatch, checkout):
    monkeypatch.chdir(checkout / "notebooks")  # a notebook opened in JupyterLab
    assert runs_root() == checkout / "papermill_runs"
    monkeypatch.chdir(checkout)
    assert runs_root() == checkout / "papermill_runs"


def test_an_interactive_record_from_notebooks_lands_in_the_checkout(monkeypatch, checkout):
    monkeypatch.chdir(checkout / "notebooks")
    record = RunRecord("light", parameters={}, country="FRA")
    assert record.run_dir.parent == checkout / "papermill_runs" / "light"
    assert record.run_dir.name.startswith("interactive-")
    assert not (checkout / "notebooks" / "papermill_runs").exists()


def test_outside_the_checkout_it_is_the_current_directory(tmp_path, monkeypatch, checkout):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert runs_root() == Path("papermill_runs")
    assert runs_root().resolve() == elsewhere / "papermill_runs"


def test_a_folder_without_pyproject_and_notebooks_is_no_checkout(tmp_path, monkeypatch):
    monkeypatch.delenv(RUNS_DIR_ENV)
    site = tmp_path / "site-packages"  # an installed wheel: greennb's parent is site-packages
    (site / "greennb").mkdir(parents=True)
    monkeypatch.setattr(_paths, "REPOSITORY_DIR", site)
    monkeypatch.chdir(site / "greennb")
    assert repository_checkout() is None
    assert runs_root() == Path("papermill_runs")
