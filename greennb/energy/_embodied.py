"""Embodied (manufacturing) emissions of the hardware, amortized over its use: an estimate.

``kg = hardware_kg_co2e × duration_s / (lifetime_years × SECONDS_PER_YEAR × utilisation)``, the
method and defaults of the BLOOM footprint study (Luccioni, Viguier & Ligozat 2023, JMLR
24(253)). No tracker measures embodied emissions; the figure is labelled as an estimate.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from greennb._validation import fraction, non_negative, positive

#: Embodied (manufacturing) emissions of one compute server without its GPUs (kg CO2e), and of
#: one GPU (kg CO2e), as estimated for the Jean Zay nodes (HPE Apollo 6500 Gen10 Plus, NVIDIA
#: A100) in Luccioni, Viguier & Ligozat (2023), "Estimating the Carbon Footprint of BLOOM, a 176B
#: Parameter Language Model", JMLR 24(253).
DEFAULT_SERVER_EMBODIED_KG_CO2E = 2500.0
DEFAULT_GPU_EMBODIED_KG_CO2E = 150.0

#: Hardware lifetime (years) and average utilisation (fraction of the lifetime the hardware is in
#: use) over which the embodied emissions are amortized: 6 years and 85 %, the assumptions of the
#: BLOOM footprint study (Luccioni et al. 2023).
DEFAULT_HARDWARE_LIFETIME_YEARS = 6.0
DEFAULT_UTILISATION = 0.85

#: Seconds in a Julian year (365.25 days), used to amortize embodied emissions.
SECONDS_PER_YEAR = 365.25 * 24 * 3600

EMBODIED_SOURCE = (
    "method and defaults (2500 kg CO2e per server, 150 kg per GPU, 6-year life, 85 % "
    "use): Luccioni, Viguier & Ligozat (2023), Estimating the Carbon Footprint of BLOOM, "
    "JMLR 24(253); the values used are in this record"
)


@dataclass(frozen=True)
class EmbodiedEstimate:
    """Manufacturing emissions of the hardware attributed to a computation: an **estimate**.

    Attributes
    ----------
    kg_co2e : float
        Embodied emissions attributed to the computation (kg CO2e).
    duration_s : float
        Duration of the computation (s).
    hardware_kg_co2e : float
        Total embodied emissions of the hardware (kg CO2e).
    lifetime_years : float
        Hardware lifetime (years).
    utilisation : float
        Fraction of the lifetime the hardware is in use.
    estimate : bool
        Always True: no tracker measures embodied emissions.
    source : str
        Where the default figures come from.
    """

    kg_co2e: float
    duration_s: float
    hardware_kg_co2e: float
    lifetime_years: float
    utilisation: float
    estimate: bool = True
    source: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Return the fields as a JSON-ready dict."""
        return dataclasses.asdict(self)


def embodied_emissions(
    duration_s: float,
    *,
    hardware_kg_co2e: float = DEFAULT_SERVER_EMBODIED_KG_CO2E,
    lifetime_years: float = DEFAULT_HARDWARE_LIFETIME_YEARS,
    utilisation: float = DEFAULT_UTILISATION,
) -> EmbodiedEstimate:
    """Amortize the hardware's manufacturing emissions over the time a computation uses it.

    ``kg = hardware_kg_co2e × duration_s / (lifetime_years × SECONDS_PER_YEAR × utilisation)``:
    the hardware's embodied emissions are spread over the hours it is in use during its life,
    as in the BLOOM footprint study (Luccioni, Viguier & Ligozat 2023, JMLR 24(253)).

    Parameters
    ----------
    duration_s : float
        Time the computation holds the hardware, in seconds (>= 0).
    hardware_kg_co2e : float, default DEFAULT_SERVER_EMBODIED_KG_CO2E (2500)
        Embodied emissions of the hardware in kg CO2e (>= 0). The default is one server without
        GPUs; add ``DEFAULT_GPU_EMBODIED_KG_CO2E`` (150) per GPU.
    lifetime_years : float, default DEFAULT_HARDWARE_LIFETIME_YEARS (6)
        Years before the hardware is replaced (> 0).
    utilisation : float, default DEFAULT_UTILISATION (0.85)
        Fraction of the lifetime the hardware is in use, in (0, 1].

    Returns
    -------
    EmbodiedEstimate
        kg CO2e attributed to the computation, labelled as an estimate with its source.

    Raises
    ------
    greennb.errors.InvalidTypeError
        If an argument is not a real number.
    greennb.errors.InvalidValueError
        If a value is negative, the lifetime is not positive or the utilisation is outside
        (0, 1].

    Examples
    --------
    >>> one_year = 365.25 * 24 * 3600
    >>> embodied_emissions(one_year, hardware_kg_co2e=600.0, lifetime_years=6.0,
    ...                    utilisation=0.5).kg_co2e
    200.0
    """
    duration = non_negative(duration_s, name="duration_s", unit="s")
    hardware = non_negative(hardware_kg_co2e, name="hardware_kg_co2e", unit="kg CO2e")
    lifetime = positive(lifetime_years, name="lifetime_years", unit="years")
    usage = fraction(utilisation, name="utilisation", low_open=True)
    in_use_s = lifetime * SECONDS_PER_YEAR * usage
    return EmbodiedEstimate(
        kg_co2e=hardware * duration / in_use_s,
        duration_s=duration,
        hardware_kg_co2e=hardware,
        lifetime_years=lifetime,
        utilisation=usage,
        source=EMBODIED_SOURCE,
    )
