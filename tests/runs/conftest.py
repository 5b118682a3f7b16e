"""The run-store tests use the fixture notebooks of tests/notebooks/ as their case catalogue.

``ok`` trains a real (small) model under CodeCarbon, ``light`` writes a record without
training, ``boom`` raises in a cell, ``early_exit`` calls ``sys.exit(0)`` without a record.
"""

from pathlib import Path

import pytest

from greennb.runs import NOTEBOOKS_DIR_ENV

FIXTURES = Path(__file__).resolve().parents[1] / "notebooks"


@pytest.fixture(autouse=True)
def fixture_notebooks(monkeypatch):
    """Point the catalogue at the fixture notebooks."""
    monkeypatch.setenv(NOTEBOOKS_DIR_ENV, str(FIXTURES))
    return FIXTURES
