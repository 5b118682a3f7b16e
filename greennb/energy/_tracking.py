"""Transitional: two test files outside the split still import these names from here.

The tracking core now lives in ``_results``, ``_codecarbon``, ``_session``, ``_track`` and
``_magic``. Delete this module once ``tests/efficiency/test_levers.py`` and
``tests/energy/test_training_forecast.py`` import ``EnergyResult`` and ``EnergySession`` from
:mod:`greennb.energy`.
"""

from greennb.energy._results import EnergyResult
from greennb.energy._session import EnergySession

__all__ = ["EnergyResult", "EnergySession"]
