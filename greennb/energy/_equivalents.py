"""Everyday equivalents of a CO2e mass and of an energy: km by car, phone charges, kettle boils.

Rough equivalents only, to make a notebook's milligrams and milliwatt-hours tangible; they
are not a footprint method and must not be added up or compared across runs in place of the
figures they translate. Each factor is cited below and in :data:`EQUIVALENT_SOURCES`.

Factors (sources and years):

- **km driven by an average passenger car**: 3.93 × 10⁻⁴ t CO2e per mile, the average
  gasoline passenger vehicle of US EPA, *Greenhouse Gas Equivalencies Calculator —
  Calculations and References* (https://www.epa.gov/energy/greenhouse-gases-equivalencies-
  calculator-calculations-and-references, page version of 2024; earlier versions gave
  3.98–4.09 × 10⁻⁴ as fleet fuel economy changed), i.e. 393 g / 1.609344 km = 244 g CO2e/km.
- **smartphone charges (CO2e)**: 8.22 × 10⁻⁶ t CO2 per smartphone charged, same EPA page
  (0.012 kWh per charge priced at the US AVERT marginal emission rate, 1,562.4 lb CO2/MWh);
  it depends on that US grid rate, so read it as "US-grid phone charges".
- **smartphone charges (energy)**: 0.012 kWh per charge, same EPA page (14.46 Wh drawn over
  24 h minus 22 h of maintenance mode at 0.13 W).
- **kettle boils**: 0.1 kWh, heating 1 litre of water from 15 °C to 100 °C: 4.186 kJ/(kg·K)
  (specific heat of water at 15 °C, e.g. NIST Chemistry WebBook / Engineering ToolBox) ×
  1 kg × 85 K = 356 kJ = 0.099 kWh, rounded up to 0.1 kWh for the kettle's own losses.

Examples
--------
>>> round(co2e_equivalents(244.2)["km_by_car"], 3)
1.0
>>> round(energy_equivalents(0.1)["kettle_boils"], 3)
1.0
>>> print(describe_equivalents(emissions_g=0.42, energy_kwh=0.0012))
0.42 g CO2e ≈ 0.0017 km by car ≈ 0.051 phone charges (US grid); 1.2 Wh ≈ 0.1 phone charges \
≈ 0.012 kettle boils (rough equivalents, EPA 2024 factors)
"""

from __future__ import annotations

import math
from types import MappingProxyType

from greennb._validation import non_negative
from greennb.energy._units import energy_display_unit
from greennb.errors import InvalidValueError

_G_PER_TONNE = 1e6
_KM_PER_MILE = 1.609344  # international mile (exact)

#: g CO2e per unit of each CO2e equivalent (see the module docstring for sources).
CO2E_FACTORS_G = MappingProxyType(
    {
        # US EPA GHG Equivalencies Calculator (2024): 3.93e-4 t CO2e/mile, average car.
        "km_by_car": 3.93e-4 * _G_PER_TONNE / _KM_PER_MILE,
        # US EPA GHG Equivalencies Calculator (2024): 8.22e-6 t CO2/smartphone charged.
        "phone_charges": 8.22e-6 * _G_PER_TONNE,
    }
)
#: kWh per unit of each energy equivalent (see the module docstring for sources).
ENERGY_FACTORS_KWH = MappingProxyType(
    {
        # US EPA GHG Equivalencies Calculator (2024): 0.012 kWh per smartphone charge.
        "phone_charges": 0.012,
        # 1 L water 15 -> 100 C: 4.186 kJ/(kg K) x 85 K = 0.099 kWh, rounded up for losses.
        "kettle_boils": 0.1,
    }
)
#: Where each factor comes from, for a notebook's footnote.
EQUIVALENT_SOURCES = MappingProxyType(
    {
        "km_by_car": "US EPA Greenhouse Gas Equivalencies Calculator (2024): 3.93e-4 t CO2e "
        "per mile driven by an average gasoline passenger vehicle",
        "phone_charges": "US EPA Greenhouse Gas Equivalencies Calculator (2024): 0.012 kWh "
        "and 8.22e-6 t CO2 (US marginal grid rate) per smartphone charge",
        "kettle_boils": "1 L of water heated from 15 to 100 °C (4.186 kJ/(kg·K) × 85 K = "
        "0.099 kWh), rounded up to 0.1 kWh",
    }
)
#: How each equivalent reads in :func:`describe_equivalents`.
EQUIVALENT_LABELS = MappingProxyType(
    {
        "km_by_car": "km by car",
        "phone_charges": "phone charges",
        "kettle_boils": "kettle boils",
    }
)
NOT_A_NUMBER_MSG = "{name} must be a finite number >= 0, got {value!r}."
NOTHING_MSG = "describe_equivalents needs emissions_g, energy_kwh or both."


def _amount(value: float, name: str, unit: str) -> float:
    amount = non_negative(value, name=name, unit=unit)
    if not math.isfinite(amount):
        raise InvalidValueError(NOT_A_NUMBER_MSG.format(name=name, value=value))
    return amount


def co2e_equivalents(emissions_g: float) -> dict[str, float]:
    """Return a CO2e mass as km driven by an average car and as US-grid phone charges.

    Parameters
    ----------
    emissions_g : float
        Emissions in g CO2e (>= 0).

    Returns
    -------
    dict of str to float
        ``km_by_car`` (km) and ``phone_charges`` (count); rough equivalents, see
        :data:`EQUIVALENT_SOURCES`.

    Raises
    ------
    InvalidValueError
        For a negative, infinite or non-numeric mass.
    """
    grams = _amount(emissions_g, "emissions_g", "g CO2e")
    return {name: grams / factor for name, factor in CO2E_FACTORS_G.items()}


def energy_equivalents(energy_kwh: float) -> dict[str, float]:
    """Return an energy as smartphone charges and 1-litre kettle boils.

    Parameters
    ----------
    energy_kwh : float
        Energy in kWh (>= 0).

    Returns
    -------
    dict of str to float
        ``phone_charges`` and ``kettle_boils`` (counts); rough equivalents, see
        :data:`EQUIVALENT_SOURCES`.

    Raises
    ------
    InvalidValueError
        For a negative, infinite or non-numeric energy.
    """
    kwh = _amount(energy_kwh, "energy_kwh", "kWh")
    return {name: kwh / factor for name, factor in ENERGY_FACTORS_KWH.items()}


def _number(value: float) -> str:
    """Two significant digits, plain notation for everyday numbers (``0.0017``, ``12``)."""
    if value == 0:
        return "0"
    if 1e-4 <= abs(value) < 1e6:
        digits = max(0, 1 - math.floor(math.log10(abs(value))))
        text = f"{round(value, digits):.{digits}f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    return f"{value:.2g}"


def _energy_text(energy_kwh: float) -> str:
    """Write an energy in the engineering unit that reads best (µWh, mWh, Wh or kWh)."""
    unit, factor = energy_display_unit(energy_kwh)
    return f"{_number(energy_kwh * factor)} {unit}"


def describe_equivalents(
    *, emissions_g: float | None = None, energy_kwh: float | None = None
) -> str:
    """One line a notebook prints: the figures with their everyday equivalents.

    Parameters
    ----------
    emissions_g : float, optional
        Emissions in g CO2e.
    energy_kwh : float, optional
        Energy in kWh (written in the engineering unit that reads best).

    Returns
    -------
    str
        E.g. ``"0.42 g CO2e ≈ 0.0017 km by car ≈ 0.051 phone charges (US grid); ..."``,
        ending with the words "rough equivalents".

    Raises
    ------
    InvalidValueError
        When neither quantity is given, or one is negative or not finite.
    """
    parts = []
    if emissions_g is not None:
        found = co2e_equivalents(emissions_g)
        parts.append(
            f"{_number(emissions_g)} g CO2e ≈ {_number(found['km_by_car'])} km by car "
            f"≈ {_number(found['phone_charges'])} phone charges (US grid)"
        )
    if energy_kwh is not None:
        found = energy_equivalents(energy_kwh)
        parts.append(
            f"{_energy_text(energy_kwh)} ≈ {_number(found['phone_charges'])} phone charges "
            f"≈ {_number(found['kettle_boils'])} kettle boils"
        )
    if not parts:
        raise InvalidValueError(NOTHING_MSG)
    return "; ".join(parts) + " (rough equivalents, EPA 2024 factors)"
