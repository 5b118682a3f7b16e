"""What every figure shares: a fresh Axes, the column check, unit tables and axis words.

A figure function takes ``ax=None`` and draws on :func:`_axes` (a new constrained-layout
figure when None); it checks its table with :func:`_require`, so a missing column names the
figure and the columns the table does have; it converts a quantity into the unit asked for
with :func:`_unit_factor`, which refuses an unknown unit and lists the valid ones.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeVar

import matplotlib.pyplot as plt
import pandas as pd

from greennb._validation import one_of
from greennb.errors import InvalidValueError

NO_COLUMNS_MSG = "{what} needs the columns {needed}; the table has {available}."

#: Energy units of :func:`~greennb.plots.facility_breakdown`, as multiples of one kWh.
ENERGY_UNITS = {"kWh": 1.0, "Wh": 1e3, "mWh": 1e6}
#: Mass units of :func:`~greennb.plots.grid_carbon_bars`, as multiples of one gram.
MASS_UNITS = {"kg": 1e-3, "g": 1.0, "mg": 1e3}

_Value = TypeVar("_Value")


def _axes(ax: plt.Axes | None, figsize: tuple[float, float] = (6.4, 4.0)) -> plt.Axes:
    """Return ``ax``, or the Axes of a new figure of ``figsize`` inches when it is None."""
    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def _require(frame: pd.DataFrame, needed: Sequence[str], what: str) -> None:
    """Raise InvalidValueError naming ``what`` when ``frame`` lacks one of ``needed``."""
    missing = [column for column in needed if column not in frame.columns]
    if missing:
        raise InvalidValueError(
            NO_COLUMNS_MSG.format(what=what, needed=list(needed), available=list(frame.columns))
        )


def _unit_factor(unit: str, units: Mapping[str, _Value], *, name: str) -> _Value:
    """Return the entry of ``unit`` in ``units``; an unknown one raises listing the valid ones.

    Parameters
    ----------
    unit : str
        The unit (or quantity) asked for, e.g. ``"mWh"``.
    units : mapping
        Each valid unit and its entry, e.g. :data:`ENERGY_UNITS` (factors from the base unit).
    name : str
        What ``unit`` is, for the message (``"energy unit"``).

    Examples
    --------
    >>> _unit_factor("Wh", ENERGY_UNITS, name="energy unit")
    1000.0
    >>> _unit_factor("J", ENERGY_UNITS, name="energy unit")
    Traceback (most recent call last):
    ...
    greennb.errors.InvalidValueError: Unknown energy unit 'J'; valid choices: kWh, Wh, mWh.
    """
    return units[one_of(unit, units, name=name)]


def _words(column: object) -> str:
    """Return a column name as words for a label: ``"energy_wh"`` → ``"energy wh"``."""
    return str(column).replace("_", " ")
