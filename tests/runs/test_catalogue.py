"""The case catalogue: notebooks discovered by file name, in number order; unknown cases."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from greennb import _paths
from greennb.runs import NOTEBOOKS_DIR_ENV, list_cases, notebook_path, notebooks_dir, run_case


def test_cases_are_discovered_by_file_name_in_number_order(
    tmp_path, monkeypatch, fixture_notebooks
):
    assert list_cases() == ["ok", "boom", "early_exit", "light"]
    assert notebook_path("boom") == fixture_notebooks / "01_boom.ipynb"
    for name in ("10_late.ipynb", "2_early.ipynb", "notes.ipynb", "x_1.ipynb", "3_draft.txt"):
        shutil.copy(fixture_notebooks / "03_light.ipynb", tmp_path / name)
    monkeypatch.setenv(NOTEBOOKS_DIR_ENV, str(tmp_path))
    assert list_cases() == ["early", "late"]


def test_unknown_case_names_it_and_the_valid_cases():
    with pytest.raises(ValueError, match="Unknown case 'nope'") as info:
        notebook_path("nope")
    assert "'ok'" in str(info.value) and "'early_exit'" in str(info.value)
    with pytest.raises(ValueError, match="Unknown case 'nope'"):
        run_case("nope", progress=False)


def test_missing_notebooks_folder_names_the_variable(tmp_path, monkeypatch):
    monkeypatch.setenv(NOTEBOOKS_DIR_ENV, str(tmp_path / "absent"))
    with pytest.raises(ValueError, match=NOTEBOOKS_DIR_ENV):
        list_cases()


def test_two_notebooks_for_one_case_are_refused(tmp_path, monkeypatch, fixture_notebooks):
    for name in ("01_same.ipynb", "02_same.ipynb"):
        shutil.copy(fixture_notebooks / "03_light.ipynb", tmp_path / name)
    monkeypatch.setenv(NOTEBOOKS_DIR_ENV, str(tmp_path))
    with pytest.raises(ValueError, match="'same' is defined twice"):
        list_cases()


def test_notebooks_dir_is_the_variable_then_the_packaged_folder_then_the_checkout(
    tmp_path, monkeypatch
):
    assert notebooks_dir() == Path(os.environ[NOTEBOOKS_DIR_ENV])
    monkeypatch.delenv(NOTEBOOKS_DIR_ENV)
    package = tmp_path / "site-packages" / "greennb"
    package.mkdir(parents=True)
    monkeypatch.setattr(_paths, "PACKAGE_DIR", package)
    assert notebooks_dir() == _paths.REPOSITORY_DIR / "notebooks"  # no packaged copy
    (package / "_notebooks").mkdir()
    assert notebooks_dir() == package / "_notebooks"  # a wheel install
    assert list_cases() == []
