"""On-site water used to cool a computation: ``litres = E_IT × WUE``, an estimate.

No tracker measures water; the figure comes from an average water usage effectiveness with a
cited default and is labelled as an estimate. Given an :class:`~greennb.energy.EnergyInterval`,
the litres carry the same interval (``litres_interval``), scaled by the WUE.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from greennb._validation import non_negative
from greennb.energy._interval import EnergyInterval

#: On-site water usage effectiveness (L/kWh of IT energy): 1.8 L/kWh, the US average data-centre
#: figure of Shehabi et al. (2016), "United States Data Center Energy Usage Report", Lawrence
#: Berkeley National Laboratory, LBNL-1005775. WUE is defined by The Green Grid (White Paper #35,
#: 2011) as site water use divided by IT equipment energy. The same report puts the water
#: consumed off-site to generate the electricity at about 7.6 L/kWh; that is not included here.
DEFAULT_WUE = 1.8

WUE_SOURCE = (
    "Shehabi et al. (2016), United States Data Center Energy Usage Report, LBNL-1005775: "
    "1.8 L/kWh on-site average"
)
USER_WUE_SOURCE = "user-supplied WUE"


@dataclass(frozen=True)
class WaterEstimate:
    """On-site water consumed to cool a computation: an **estimate** from an average WUE.

    Attributes
    ----------
    litres : float
        Water consumed on site (L).
    energy_kwh : float
        IT energy the estimate is based on (kWh).
    wue : float
        Water usage effectiveness used (L/kWh of IT energy).
    estimate : bool
        Always True: no tracker measures water.
    source : str
        Where the WUE figure comes from.
    litres_interval : dict or None
        ``{"value", "low", "high"}`` in L when the energy was given with its interval.
    """

    litres: float
    energy_kwh: float
    wue: float
    estimate: bool = True
    source: str = ""
    litres_interval: dict[str, float] | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the fields as a JSON-ready dict."""
        return dataclasses.asdict(self)


def water_footprint(
    energy_kwh: float | EnergyInterval, *, wue: float = DEFAULT_WUE
) -> WaterEstimate:
    """Estimate the on-site water used to cool a computation: ``litres = E_IT × WUE``.

    Parameters
    ----------
    energy_kwh : float or EnergyInterval
        IT energy E_computation in kWh (>= 0), or with its interval. WUE is defined per kWh
        of IT energy, so pass the energy before the PUE overhead.
    wue : float, default DEFAULT_WUE (1.8)
        On-site water usage effectiveness in L/kWh (>= 0); the default is the US average of
        Shehabi et al. (2016), LBNL-1005775. Air-cooled sites without evaporative cooling are
        near 0; water consumed by power plants (about 7.6 L/kWh in the same report) is excluded.

    Returns
    -------
    WaterEstimate
        Litres of water, labelled as an estimate with its source.

    Raises
    ------
    greennb.errors.InvalidTypeError
        If an argument is not a real number.
    greennb.errors.InvalidValueError
        If the energy or WUE is negative.

    Examples
    --------
    >>> water_footprint(2.0, wue=1.8).litres
    3.6
    >>> water_footprint(EnergyInterval(2.0, 1.0, 4.0), wue=2.0).litres_interval
    {'value': 4.0, 'low': 2.0, 'high': 8.0}
    """
    interval = energy_kwh if isinstance(energy_kwh, EnergyInterval) else None
    given = interval.value if interval is not None else energy_kwh
    energy = non_negative(given, name="energy_kwh", unit="kWh")
    wue_value = non_negative(wue, name="wue", unit="L/kWh")
    source = WUE_SOURCE if wue_value == DEFAULT_WUE else USER_WUE_SOURCE
    litres_interval = None
    if interval is not None:
        litres_interval = (interval * wue_value).to_dict()
    return WaterEstimate(
        litres=energy * wue_value,
        energy_kwh=energy,
        wue=wue_value,
        source=source,
        litres_interval=litres_interval,
    )
