"""Tests of the greennb.models package surface: a sorted re-export that does not import torch."""

import subprocess
import sys

import greennb.models as models


def test_all_names_are_importable_and_sorted():
    assert models.__all__ == sorted(models.__all__)
    for name in models.__all__:
        assert hasattr(models, name), name


def test_importing_models_does_not_import_torch():
    code = "import sys, greennb.models; print('torch' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
