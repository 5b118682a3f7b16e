"""Facility energy: ``E_total = E_computation × PUE = E_computation + E_data_center + E_cooling``.

The overhead ``(PUE − 1) × E_computation`` is split between cooling (``cooling_share`` of it)
and other data-centre load (power conversion, lighting...). Both defaults carry their source.
CodeCarbon runs with ``pue=1``, so PUE is applied here, once.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

from greennb._validation import fraction, non_negative, real
from greennb.errors import InvalidValueError

#: Industry-average annual PUE (dimensionless): 1.56, as reported by data-centre owners and
#: operators for their largest site in the Uptime Institute Global Data Center Survey 2024
#: (1.58 in the 2023 survey).
DEFAULT_PUE = 1.56

#: Share of the facility overhead ``(PUE − 1) × E_computation`` that goes to cooling (fraction).
#: Emerson Network Power, "Energy Logic: Reducing Data Center Energy Consumption by Creating
#: Savings that Cascade Across Systems" (white paper, 2008): in its model of a typical
#: 5,000 sq ft data centre, cooling takes 38 % of all energy and the support systems together
#: (cooling, UPS, transformer and switchgear, PDU, lighting) 48 %, so cooling is 38/48 ≈ 0.79 of
#: the overhead.
DEFAULT_COOLING_SHARE = 38 / 48

#: The PUE message teaches what PUE is, so it is kept apart from the shared range messages.
PUE_RANGE_MSG = (
    "pue must be a finite number >= 1 (total facility energy / IT energy; 1.0 means no "
    "overhead); got {value!r}."
)


def check_pue(value: Any) -> float:
    """Return a power usage effectiveness (>= 1) as a float, or raise explaining what PUE is.

    Raises
    ------
    greennb.errors.InvalidTypeError
        If ``value`` is not a real number.
    greennb.errors.InvalidValueError
        If it is below 1 or not finite.
    """
    number = real(value, name="pue", unit="dimensionless")
    if not (math.isfinite(number) and number >= 1.0):
        raise InvalidValueError(PUE_RANGE_MSG.format(value=value))
    return number


@dataclass(frozen=True)
class FacilityEnergy:
    """Energy of a computation including the data-centre overhead, all in kWh.

    ``total_kwh = computation_kwh × pue = computation_kwh + data_center_kwh + cooling_kwh``.

    Attributes
    ----------
    computation_kwh : float
        E_computation: CPU + GPU + RAM energy (kWh), as measured or estimated by the tracker.
    data_center_kwh : float
        E_data_center: overhead other than cooling (power conversion, lighting...) (kWh).
    cooling_kwh : float
        E_cooling: cooling share of the overhead (kWh).
    total_kwh : float
        E_total: energy drawn by the facility for this computation (kWh).
    pue : float
        Power usage effectiveness used (dimensionless, >= 1).
    cooling_share : float
        Fraction of the overhead attributed to cooling.
    """

    computation_kwh: float
    data_center_kwh: float
    cooling_kwh: float
    total_kwh: float
    pue: float
    cooling_share: float

    def to_dict(self) -> dict[str, float]:
        """Return the fields as a JSON-ready dict (energies in kWh)."""
        return dataclasses.asdict(self)


def facility_energy(
    computation_kwh: float,
    *,
    pue: float = DEFAULT_PUE,
    cooling_share: float = DEFAULT_COOLING_SHARE,
) -> FacilityEnergy:
    """Add the data-centre overhead to the energy of a computation.

    ``E_total = E_computation × PUE``; the overhead ``(PUE − 1) × E_computation`` is split into
    cooling (``cooling_share`` of it) and other data-centre load (the rest), so that
    ``E_total = E_computation + E_data_center + E_cooling``.

    Parameters
    ----------
    computation_kwh : float
        E_computation, the IT energy (CPU + GPU + RAM) in kWh, >= 0.
    pue : float, default DEFAULT_PUE (1.56)
        Power usage effectiveness, total facility energy / IT energy (>= 1). The default is the
        industry average of the Uptime Institute Global Data Center Survey 2024.
    cooling_share : float, default DEFAULT_COOLING_SHARE (38/48 ≈ 0.79)
        Fraction in [0, 1] of the overhead spent on cooling (Emerson "Energy Logic", 2008).

    Returns
    -------
    FacilityEnergy
        computation, data-centre, cooling and total energy in kWh.

    Raises
    ------
    greennb.errors.InvalidTypeError
        If an argument is not a real number.
    greennb.errors.InvalidValueError
        If the energy is negative, ``pue < 1`` or ``cooling_share`` is outside [0, 1].

    Examples
    --------
    >>> result = facility_energy(2.0, pue=1.5, cooling_share=0.6)
    >>> result.total_kwh, result.cooling_kwh, round(result.data_center_kwh, 12)
    (3.0, 0.6, 0.4)
    """
    computation = non_negative(computation_kwh, name="computation_kwh", unit="kWh")
    pue_value = check_pue(pue)
    share = fraction(cooling_share, name="cooling_share")
    overhead = (pue_value - 1.0) * computation
    cooling = share * overhead
    return FacilityEnergy(
        computation_kwh=computation,
        data_center_kwh=overhead - cooling,
        cooling_kwh=cooling,
        total_kwh=computation * pue_value,
        pue=pue_value,
        cooling_share=share,
    )
