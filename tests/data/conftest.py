"""Fixtures of the greennb.data tests: the repository's data folder and a tiny dataset."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from greennb.data import DATA_DIR_ENV, Dataset
from greennb.data._files import MANIFEST_NAME

REPO_DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.fixture(autouse=True)
def _repository_data(monkeypatch):
    """Every test reads the repository's data/ unless it points elsewhere itself."""
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)


@pytest.fixture
def repo_data() -> Path:
    """The repository's ``data/`` folder."""
    return REPO_DATA


@pytest.fixture
def copy_data(tmp_path):
    """Factory: copy some shipped files and the manifest to ``tmp_path/data``; return it."""

    def copy(names: list[str]) -> Path:
        target = tmp_path / "data"
        target.mkdir()
        for name in names:
            shutil.copy(REPO_DATA / f"{name}.csv.gz", target)
        shutil.copy(REPO_DATA / MANIFEST_NAME, target)
        return target

    return copy


def _tiny_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "x": np.arange(12, dtype=float),
            "group": pd.Categorical(["a", "b"] * 6),
            "y": pd.Categorical(["no", "no", "yes"] * 4),
            "when": pd.date_range("2020-01-01", periods=12, freq="D"),
        }
    )


@pytest.fixture
def tiny():
    """Factory: a 12-row dataset of the given task, with keyword overrides."""

    def make(task: str = "classification", **overrides) -> Dataset:
        frame = _tiny_frame()
        kwargs = {
            "name": "tiny",
            "frame": frame if task == "classification" else frame.assign(y=frame["x"] * 2.0),
            "target": "y",
            "features": ["x"],
            "sensitive": ["group"],
            "task": task,
            "description": "tiny test table",
            "source": "hand-made",
            "positive_label": "yes" if task == "classification" else None,
            "time_column": "when" if task == "forecast" else None,
        }
        kwargs.update(overrides)
        return Dataset(**kwargs)

    return make
