"""The one way to total several energy phases (used by the run record and by evaluation).

A total is only as good as its weakest part: its status is the worst of the phases' statuses,
and if any phase has no energy figure the total has none either (``energy_kwh`` None, status
``"unavailable"``) and names the phases that are missing. A partial sum is never reported as
if it were the whole. The total's :class:`~greennb.energy.EnergyInterval` adds the phases'
lows and highs (their errors taken as fully correlated: the conservative choice).

Examples
--------
>>> from types import SimpleNamespace as Phase
>>> total = total_energy([Phase(phase="fit", energy_kwh=1e-3, duration_s=2.0, status="measured"),
...                       Phase(phase="predict", energy_kwh=5e-4, duration_s=1.0,
...                             status="estimated")])
>>> total.energy_kwh, total.status, total.duration_s
(0.0015, 'estimated', 3.0)
>>> total.interval is None  # these phases carry no interval
True
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from greennb.energy._interval import EnergyInterval
from greennb.energy._results import STATUS_UNAVAILABLE, is_machine_shared, worst_status


@dataclass(frozen=True)
class EnergyTotal:
    """Total of several energy phases.

    Attributes
    ----------
    energy_kwh : float or None
        Sum of the phases' E_computation (kWh); None if any phase has no energy figure (or
        there are no phases).
    duration_s : float
        Sum of the phases' durations (s).
    status : str
        The worst of the phases' statuses (``"unavailable"`` when ``energy_kwh`` is None).
    phases : list of str
        Phase names, in order.
    missing : list of str
        Phases without an energy figure.
    interval : EnergyInterval or None
        ``energy_kwh`` with the sum of the phases' intervals (kWh); None when there is no
        total or a phase carries no interval.
    attribution : str
        Whose energy the total is: the phases' attribution when they agree; when any phase was
        measured on a shared machine, that phase's ``"machine shared: not attributable ..."``
        naming the shared phases, so that the total carries the flag (and a comparison of it
        the shared-machine noise floor).
    """

    energy_kwh: float | None
    duration_s: float
    status: str
    phases: list[str]
    missing: list[str]
    interval: EnergyInterval | None = None
    attribution: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Return the fields as a JSON-ready dict (kWh, s)."""
        return dataclasses.asdict(self)


def _total_attribution(results: list[Any]) -> str:
    """Return the attribution of a total: the shared flag first, else the phases' own."""
    attributions = [str(getattr(r, "attribution", "") or "") for r in results]
    shared = [r.phase for r, a in zip(results, attributions, strict=True) if is_machine_shared(a)]
    if shared:
        first = next(a for a in attributions if is_machine_shared(a))
        return (
            f"{first} (shared during {len(shared)} of {len(results)} phases: {', '.join(shared)})"
        )
    return "; ".join(dict.fromkeys(a for a in attributions if a))


def total_energy(results: Iterable[Any]) -> EnergyTotal:
    """Total the energy of phases (:class:`~greennb.energy.EnergyResult` or alike).

    Parameters
    ----------
    results : iterable of EnergyResult
        Objects with ``phase``, ``energy_kwh`` (kWh or None), ``duration_s`` and ``status``,
        and an ``interval`` (:class:`~greennb.energy.EnergyInterval`, kWh) where known.

    Returns
    -------
    EnergyTotal
        The total; see the module docstring for the rule on missing phases.
    """
    results = list(results)
    missing = [r.phase for r in results if r.energy_kwh is None]
    complete = bool(results) and not missing
    intervals = [getattr(r, "interval", None) for r in results]
    interval = None
    if complete and all(isinstance(i, EnergyInterval) for i in intervals):
        interval = intervals[0]
        for other in intervals[1:]:
            interval = interval + other
    return EnergyTotal(
        attribution=_total_attribution(results),
        energy_kwh=sum(r.energy_kwh for r in results) if complete else None,
        duration_s=sum(r.duration_s for r in results),
        status=worst_status([r.status for r in results]) if complete else STATUS_UNAVAILABLE,
        phases=[r.phase for r in results],
        missing=missing,
        interval=interval,
    )
