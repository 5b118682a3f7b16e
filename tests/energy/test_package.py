"""Tests of the greennb.energy package surface: a thin, sorted re-export; CodeCarbon lazy."""

import os
import subprocess
import sys
from pathlib import Path

import greennb.energy as energy


def test_all_names_are_importable_and_sorted():
    for name in energy.__all__:
        assert hasattr(energy, name), name
    assert energy.__all__ == sorted(energy.__all__)


def test_importing_energy_does_not_import_codecarbon():
    code = "import greennb.energy, sys; print('codecarbon' in sys.modules)"
    checkout = str(Path(energy.__file__).parents[2])  # the greennb under test, not another
    env = {**os.environ, "PYTHONPATH": checkout}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert result.stdout.strip() == "False"


def test_importing_energy_loads_neither_scikit_learn_nor_pandas():
    code = (
        "import greennb.energy, sys; "
        "print([m for m in ('sklearn', 'pandas', 'numpy', 'torch') if m in sys.modules]); "
        "greennb.energy.fit_with_energy_forecast; print('sklearn' in sys.modules)"
    )
    checkout = str(Path(energy.__file__).parents[2])
    env = {**os.environ, "PYTHONPATH": checkout}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert result.stdout.split("\n")[:2] == ["[]", "True"]  # the forecast loads on first use
