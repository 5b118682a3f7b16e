"""One pricing value: where and how an energy figure is turned into facility energy and CO2e.

Seven functions used to take the same ``(country, pue, renewable_share)`` triple; they now take
one :class:`Pricing`. Pricing a computation energy ``E`` (kWh) gives

    E_total = E × PUE                       (facility energy, kWh)
    C       = E_total × CI(country) × (1 − ε)  (emissions, g CO2e)

with CI the grid carbon intensity from CodeCarbon's bundled energy-mix data. Both are linear in
``E``, so an :class:`~greennb.energy.EnergyInterval` is priced bound by bound: a figure of
[0.7, 1.0, 1.4] mWh at PUE 1.5 and 400 g/kWh is [1.05, 1.5, 2.1] mWh of facility energy and
[0.42, 0.6, 0.84] g CO2e.

Examples
--------
>>> pricing = Pricing(country="FRA", pue=1.5, renewable_share=0.5)
>>> priced = pricing.price(0.002)
>>> priced["total_kwh"], round(priced["emissions_g"], 6) == round(
...     1000 * carbon_emissions(0.003, country="FRA", renewable_share=0.5), 6)
(0.003, True)
>>> from greennb.energy._interval import EnergyInterval
>>> pricing.price(EnergyInterval(0.002, 0.001, 0.004))["total_kwh_interval"]
{'value': 0.003, 'low': 0.0015, 'high': 0.006}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from greennb.energy._carbon import carbon_emissions
from greennb.energy._facility import DEFAULT_PUE, facility_energy
from greennb.energy._grid import default_country, grid_carbon_intensity
from greennb.energy._interval import EnergyInterval


@dataclass(frozen=True)
class Pricing:
    """The grid, facility and electricity contract that an energy figure is priced at.

    Parameters
    ----------
    country : str, optional
        3-letter ISO code of the grid (CodeCarbon's energy-mix data); default
        :func:`greennb.energy.default_country` (``$GREENNB_COUNTRY`` or USA).
    pue : float, default DEFAULT_PUE (1.56)
        Power usage effectiveness of the facility (>= 1, dimensionless).
    renewable_share : float, default 0.0
        ε in [0, 1], the share of the electricity bought from renewable sources.

    Raises
    ------
    greennb.errors.InvalidValueError
        For an unknown country, ``pue < 1`` or ε outside [0, 1] (checked at construction, so
        a bad value fails before any work is done).
    """

    country: str | None = None
    pue: float = DEFAULT_PUE
    renewable_share: float = 0.0
    carbon_intensity_g_per_kwh: float = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        country = self.country or default_country()
        # The carbon model's own checks validate pue, ε and the country, with its messages.
        facility_energy(0.0, pue=self.pue)
        carbon_emissions(0.0, country=country, renewable_share=self.renewable_share)
        object.__setattr__(self, "country", country)
        object.__setattr__(self, "pue", float(self.pue))
        object.__setattr__(self, "renewable_share", float(self.renewable_share))
        object.__setattr__(self, "carbon_intensity_g_per_kwh", grid_carbon_intensity(country))

    def to_dict(self) -> dict[str, Any]:
        """Return ``country``, ``pue`` and ``renewable_share`` as a JSON-ready dict."""
        return {"country": self.country, "pue": self.pue, "renewable_share": self.renewable_share}

    def facility_kwh(self, computation_kwh: float | None) -> float | None:
        """Return ``E_total = E × PUE`` in kWh, or None when the energy is unavailable."""
        if computation_kwh is None:
            return None
        return facility_energy(computation_kwh, pue=self.pue).total_kwh

    def emissions_g(self, computation_kwh: float | None) -> float | None:
        """Return ``E × PUE × CI × (1 − ε)`` in g CO2e, or None when the energy is unavailable."""
        total = self.facility_kwh(computation_kwh)
        if total is None:
            return None
        kg = carbon_emissions(total, country=self.country, renewable_share=self.renewable_share)
        return 1000.0 * kg

    def facility_interval(self, interval: EnergyInterval | None) -> EnergyInterval | None:
        """Return ``interval × PUE`` (kWh), or None when the energy is unavailable."""
        if interval is None:
            return None
        return EnergyInterval(*(self.facility_kwh(e) for e in _bounds(interval)))

    def emissions_interval_g(self, interval: EnergyInterval | None) -> dict[str, float] | None:
        """Return the emissions of each bound, ``{"value", "low", "high"}`` in g CO2e, or None."""
        if interval is None:
            return None
        value, low, high = (self.emissions_g(e) for e in _bounds(interval))
        return {"value": value, "low": low, "high": high}

    def price(self, computation: float | EnergyInterval | None) -> dict[str, Any]:
        """Return the pricing with facility energy and emissions added, with their intervals.

        Parameters
        ----------
        computation : float, EnergyInterval or None
            E_computation in kWh, with its interval when known; None (energy unavailable)
            gives None for every figure.

        Returns
        -------
        dict
            ``country``, ``pue``, ``renewable_share``, ``total_kwh`` (kWh), ``emissions_g``
            (g CO2e), and ``total_kwh_interval`` (kWh) and ``emissions_g_interval`` (g CO2e) as
            ``{"value", "low", "high"}``, None when no interval was given.
        """
        interval = computation if isinstance(computation, EnergyInterval) else None
        kwh = interval.value if interval is not None else computation
        facility = self.facility_interval(interval)
        return {
            **self.to_dict(),
            "total_kwh": self.facility_kwh(kwh),
            "emissions_g": self.emissions_g(kwh),
            "total_kwh_interval": facility.to_dict() if facility is not None else None,
            "emissions_g_interval": self.emissions_interval_g(interval),
        }


def _bounds(interval: EnergyInterval) -> tuple[float, float, float]:
    return interval.value, interval.low, interval.high
