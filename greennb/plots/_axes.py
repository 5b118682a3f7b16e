"""What every figure shares: a fresh Axes, the column check, unit tables and axis words.

A figure function takes ``ax=None`` and draws on :func:`_axes` (a new constrained-layout
figure when None); it checks its table with :func:`_require`, so a missing column names the
figure and the columns the table does have; it converts a quantity into the unit asked for
with :func:`_unit_factor`, which refuses an unknown unit and lists the valid ones.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeVar

import matplotlib.pyplot as plt
import pandas as pd

from greennb._validation import one_of
from greennb.data import label_groups
from greennb.energy import ENERGY_DISPLAY_UNITS, energy_display_unit
from greennb.errors import InvalidValueError

NO_COLUMNS_MSG = "{what} needs the columns {needed}; the table has {available}."

#: Energy units of the figures, as multiples of one kWh (µWh to kWh; engineering units).
ENERGY_UNITS = dict(ENERGY_DISPLAY_UNITS)
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
    greennb.errors.InvalidValueError: Unknown energy unit 'J'; valid choices: kWh, Wh, mWh, µWh.
    """
    return units[one_of(unit, units, name=name)]


def _words(column: object) -> str:
    """Return a column name as words for a label: ``"energy_wh"`` → ``"energy wh"``."""
    return str(column).replace("_", " ")


#: Labels of the columns whose name alone would not say what they hold, or in which unit.
COLUMN_LABELS = {
    "sri": "R = A / B",
    "emissions_g": "emissions (g CO2e)",
    "emissions_kg": "emissions (kg CO2e)",
}


def column_label(column: object) -> str:
    """Return a column's label for an axis, a legend or a colour bar.

    Examples
    --------
    >>> column_label("sri"), column_label("R_denials")
    ('R = A / B', 'R denials')
    """
    return COLUMN_LABELS.get(str(column), _words(column))


def energy_unit(values_kwh: Iterable[Any], unit: str | None = None) -> tuple[str, float]:
    """Return one energy unit for a whole figure and its factor from kWh.

    ``unit`` None chooses the engineering unit (µWh, mWh, Wh, kWh) in which the figure's
    largest value reads between 1 and 1,000 (:func:`greennb.energy.energy_display_unit`), so
    no axis needs a ``×1e−6`` offset; a named unit must be one of :data:`ENERGY_UNITS`.

    Examples
    --------
    >>> energy_unit([2e-6, 5e-7])
    ('mWh', 1000000.0)
    >>> energy_unit([2e-6], "Wh")
    ('Wh', 1000.0)
    """
    if unit is not None:
        return unit, _unit_factor(unit, ENERGY_UNITS, name="energy unit")
    numbers = pd.to_numeric(pd.Series(list(values_kwh), dtype=object), errors="coerce")
    return energy_display_unit(numbers.astype(float).tolist())


def status_words(statuses: Iterable[Any]) -> str:
    """Return how a figure's energies were obtained: ``"measured"``, ``"estimated"``, both...

    Examples
    --------
    >>> status_words(["estimated", None, "measured", "estimated"])
    'estimated, measured'
    >>> status_words([])
    'status not recorded'
    """
    found = sorted({str(s) for s in statuses if s is not None and not pd.isna(s)})
    return ", ".join(found) if found else "status not recorded"


_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def band_order(labels: Iterable[Any]) -> list[Any]:
    """Order group labels as bands when every label holds a number, else keep their order.

    String sorting puts ``"<10°C"`` after ``"20-30°C"`` and ``"5-11"`` after ``"18+"``; bands
    are ordered by their first number, ``"<x"`` before and ``">=x"`` / ``"x+"`` after it.

    Examples
    --------
    >>> band_order(["20-30°C", "<10°C", ">=30°C", "10-20°C"])
    ['<10°C', '10-20°C', '20-30°C', '>=30°C']
    >>> band_order(["18+", "<1", "5-11", "1-4", "12-17"])
    ['<1', '1-4', '5-11', '12-17', '18+']
    >>> band_order(["west", "downtown"])
    ['west', 'downtown']
    """
    labels = list(dict.fromkeys(labels))
    keys = []
    for label in labels:
        text = str(label)
        number = _NUMBER.search(text)
        if number is None:
            return labels
        value = float(number.group())
        below = text.lstrip().startswith("<")
        above = text.lstrip().startswith(">") or text.rstrip().endswith("+")
        keys.append((value - 0.5 if below else value + 0.5 if above else value, text))
    return [label for _, label in sorted(zip(keys, labels, strict=True), key=lambda p: p[0])]


_INTERSECTIONAL = re.compile(r"^[A-Za-z_]\w*=")


def readable_groups(
    frame: pd.DataFrame, group: str, dataset: Any = None
) -> tuple[pd.DataFrame, list[str]]:
    """Return ``frame`` with ``group`` as readable labels, and the labels in band order.

    With ``dataset`` (a shipped dataset's name or the Dataset) the codes become the labels of
    :func:`greennb.data.label_groups`; without, they are shown as they are.
    """
    codes = frame[group].astype(str)
    order = band_order(pd.unique(codes))
    if dataset is None:
        return frame.assign(**{group: codes}), order
    # intersectional labels read "column=value, column=value"; a band such as ">=30°C" is not one
    intersectional = all(_INTERSECTIONAL.match(code) for code in order)
    column = None if intersectional else group
    labels = dict(zip(order, label_groups(order, dataset=dataset, column=column), strict=True))
    return frame.assign(**{group: codes.map(labels)}), [labels[code] for code in order]
