"""Engineering units for energies: one unit (µWh, mWh, Wh or kWh) that reads best for a set.

greennb keeps energies in kWh; a notebook's phases are micro- to milliwatt-hours, which a
figure would otherwise print as ``1e-6`` offsets. :func:`energy_display_unit` picks one
engineering unit for all values shown together (a figure, a sentence), so that the largest
magnitude reads between 1 and 1,000 in it.

Examples
--------
>>> energy_display_unit([2.5e-6, 4e-7])
('mWh', 1000000.0)
>>> energy_display_unit(3.2)
('kWh', 1.0)
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from types import MappingProxyType

#: Engineering energy units, as multiples of one kWh (value in kWh × factor = value in unit).
ENERGY_DISPLAY_UNITS = MappingProxyType({"kWh": 1.0, "Wh": 1e3, "mWh": 1e6, "µWh": 1e9})


def energy_display_unit(values_kwh: float | Iterable[float]) -> tuple[str, float]:
    """Return the engineering unit and its factor from kWh for energies shown together.

    Parameters
    ----------
    values_kwh : float or iterable of float
        Energies in kWh; NaN and None are ignored.

    Returns
    -------
    (str, float)
        The largest unit of :data:`ENERGY_DISPLAY_UNITS` in which the largest magnitude is at
        least 1 (µWh below 1 µWh; Wh when no value is finite and non-zero, a neutral default).
    """
    if isinstance(values_kwh, (int, float)):
        values_kwh = [values_kwh]
    magnitudes = [
        abs(float(v)) for v in values_kwh if v is not None and math.isfinite(float(v)) and v != 0
    ]
    if not magnitudes:
        return "Wh", ENERGY_DISPLAY_UNITS["Wh"]
    largest = max(magnitudes)
    for unit, factor in ENERGY_DISPLAY_UNITS.items():
        if largest * factor >= 1.0:
            return unit, factor
    return "µWh", ENERGY_DISPLAY_UNITS["µWh"]
