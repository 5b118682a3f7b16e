"""Tables of energy results for notebooks: per component, and per phase, with intervals.

Figures are in mWh (1 mWh = 0.001 Wh = 3.6 J), the unit in which a notebook-sized phase is
readable; every row keeps its flag or status, its method and its low–high interval.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from greennb.energy._results import EnergyResult

MWH_PER_KWH = 1e6


def _mwh(kwh: float | None) -> float:
    return math.nan if kwh is None else kwh * MWH_PER_KWH


def _bounds(interval: Any) -> tuple[float, float]:
    if interval is None:
        return math.nan, math.nan
    return interval.low * MWH_PER_KWH, interval.high * MWH_PER_KWH


def component_table(result: EnergyResult):
    """Return one row per component (CPU, GPU, RAM) of a phase: energy, interval, method.

    Parameters
    ----------
    result : EnergyResult
        A tracked phase.

    Returns
    -------
    pandas.DataFrame
        Index CPU/GPU/RAM; columns ``energy_mWh``, ``low_mWh``, ``high_mWh`` (NaN when the
        energy is unavailable), ``flag`` (measured, estimated, absent, unknown) and ``method``
        (how the figure was obtained, with its parameters in words).
    """
    import pandas as pd

    rows = {}
    for name in ("cpu", "gpu", "ram"):
        low, high = _bounds(getattr(result, f"{name}_interval"))
        rows[name.upper()] = {
            "energy_mWh": _mwh(getattr(result, f"{name}_energy_kwh")),
            "low_mWh": low,
            "high_mWh": high,
            "flag": getattr(result, f"{name}_flag"),
            "method": getattr(result, f"{name}_method") or getattr(result, f"{name}_source"),
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def phase_table(results: Iterable[EnergyResult]):
    """Return one row per phase: total with its interval, dynamic energy, attribution.

    Parameters
    ----------
    results : iterable of EnergyResult
        Tracked phases.

    Returns
    -------
    pandas.DataFrame
        Columns ``phase``, ``duration_s``, ``total_mWh``, ``low_mWh``, ``high_mWh``,
        ``dynamic_mWh`` (NaN where dynamic energy means nothing, e.g. on a shared machine),
        ``dynamic_reason``, ``attribution`` and ``status``.
    """
    import pandas as pd

    rows = []
    for result in results:
        low, high = _bounds(result.interval)
        rows.append(
            {
                "phase": result.phase,
                "duration_s": result.duration_s,
                "total_mWh": _mwh(result.energy_kwh),
                "low_mWh": low,
                "high_mWh": high,
                "dynamic_mWh": _mwh(result.dynamic_energy_kwh),
                "dynamic_reason": result.dynamic_reason,
                "attribution": result.attribution,
                "status": result.status,
            }
        )
    return pd.DataFrame(rows)
