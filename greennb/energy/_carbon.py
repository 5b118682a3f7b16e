"""Carbon: ``C = E_total × CI(grid) × (1 − ε)``, and one run re-priced across scenarios.

``CI`` is the grid carbon intensity (g CO2e/kWh, CodeCarbon's energy-mix data, see
:mod:`greennb.energy._grid`) and ε the renewable share of the electricity *bought*, counted as
zero-carbon (the brief's ``C_emission = C_fossil × (1 − ε)``). ``E_total`` includes the
data-centre overhead (:func:`~greennb.energy.facility_energy`).
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable
from typing import Any

from greennb._validation import fraction, non_negative
from greennb.energy._facility import DEFAULT_COOLING_SHARE, DEFAULT_PUE, facility_energy
from greennb.energy._grid import (
    country_record,
    grid_carbon_intensity,
    intensity_from_mix,
    renewable_share_of,
)
from greennb.energy._interval import EnergyInterval
from greennb.errors import InvalidValueError

#: Scenario grid of :func:`carbon_scenarios`: grids from low to high carbon intensity, an
#: efficient hyperscale PUE (1.1), the industry average and a legacy site (2.0), and no, half or
#: all renewable electricity bought.
DEFAULT_SCENARIO_COUNTRIES = ("SWE", "FRA", "GBR", "USA", "CHN", "IND")
DEFAULT_SCENARIO_PUES = (1.1, DEFAULT_PUE, 2.0)
DEFAULT_SCENARIO_RENEWABLE_SHARES = (0.0, 0.5, 1.0)

INTENSITY_SOURCE_MSG = (
    "Give exactly one of country=... (a 3-letter ISO code) or carbon_intensity=... "
    "(g CO2e/kWh); got country={country!r} and carbon_intensity={intensity!r}."
)
EMPTY_CHOICES_MSG = "{name} must contain at least one value; got {value!r}."


def _resolve_intensity(country: str | None, carbon_intensity: float | None) -> float:
    if (country is None) == (carbon_intensity is None):
        raise InvalidValueError(
            INTENSITY_SOURCE_MSG.format(country=country, intensity=carbon_intensity)
        )
    if country is not None:
        return grid_carbon_intensity(country)
    return non_negative(carbon_intensity, name="carbon_intensity", unit="g CO2e/kWh")


def carbon_emissions(
    energy_kwh: float,
    *,
    country: str | None = None,
    carbon_intensity: float | None = None,
    renewable_share: float = 0.0,
) -> float:
    """Return the emissions of consuming electricity: ``E_total × CI × (1 − ε)``.

    Parameters
    ----------
    energy_kwh : float
        E_total, the electricity consumed in kWh (>= 0); use
        ``facility_energy(...).total_kwh`` to include the data-centre overhead.
    country : str, optional
        3-letter ISO code whose grid intensity is used (see
        :func:`~greennb.energy.grid_carbon_intensity`).
    carbon_intensity : float, optional
        Grid carbon intensity in g CO2e/kWh (>= 0). Give exactly one of ``country`` and
        ``carbon_intensity``.
    renewable_share : float, default 0.0
        ε in [0, 1], the share of the electricity bought from renewable sources, counted as
        zero-carbon (the brief's ``C_emission = C_fossil × (1 − ε)``).

    Returns
    -------
    float
        Emissions in kg CO2e.

    Raises
    ------
    greennb.errors.InvalidTypeError
        If a number is not a real number.
    greennb.errors.InvalidValueError
        If the energy or intensity is negative, ε is outside [0, 1], both or neither of
        ``country`` and ``carbon_intensity`` are given, or the country is unknown.

    Examples
    --------
    >>> carbon_emissions(3.0, carbon_intensity=400.0, renewable_share=0.25)
    0.9
    """
    energy = non_negative(energy_kwh, name="energy_kwh", unit="kWh")
    epsilon = fraction(renewable_share, name="renewable_share")
    intensity = _resolve_intensity(country, carbon_intensity)
    return energy * intensity * (1.0 - epsilon) / 1000.0


def _choices(values: Iterable[Any], *, name: str) -> list[Any]:
    if isinstance(values, (str, numbers.Real)):
        values = [values]
    listed = list(values)
    if not listed:
        raise InvalidValueError(EMPTY_CHOICES_MSG.format(name=name, value=values))
    return listed


def _energy_and_interval(computation: Any) -> tuple[float, Any]:
    """Split a carbon_scenarios input into E (kWh) and its interval (None for a bare number)."""
    if isinstance(computation, EnergyInterval):
        return computation.value, computation
    if hasattr(computation, "energy_kwh"):  # an EnergyResult or EnergyTotal
        interval = getattr(computation, "interval", None)
        return computation.energy_kwh, interval
    return computation, None


def carbon_scenarios(
    computation_kwh: Any,
    *,
    countries: Iterable[str] = DEFAULT_SCENARIO_COUNTRIES,
    pues: Iterable[float] = DEFAULT_SCENARIO_PUES,
    renewable_shares: Iterable[float] = DEFAULT_SCENARIO_RENEWABLE_SHARES,
    cooling_share: float = DEFAULT_COOLING_SHARE,
):
    """Re-price one computation's energy across countries, PUE values and renewable shares.

    Parameters
    ----------
    computation_kwh : float, EnergyInterval, EnergyResult or EnergyTotal
        E_computation of the run (kWh), e.g. ``EnergyResult.energy_kwh``. With an interval (an
        :class:`~greennb.energy.EnergyInterval`, or a result or total that carries one) the
        table also prices its low and high bounds.
    countries : iterable of str, default DEFAULT_SCENARIO_COUNTRIES
        3-letter ISO codes of the grids to compare.
    pues : iterable of float, default DEFAULT_SCENARIO_PUES
        PUE values (each >= 1).
    renewable_shares : iterable of float, default DEFAULT_SCENARIO_RENEWABLE_SHARES
        Values of ε, the renewable share of the electricity bought (each in [0, 1]).
    cooling_share : float, default DEFAULT_COOLING_SHARE
        Fraction of the overhead spent on cooling, passed to
        :func:`~greennb.energy.facility_energy`.

    Returns
    -------
    pandas.DataFrame
        One row per (country, pue, renewable_share), in that nesting order, with columns
        ``country``, ``country_name``, ``carbon_intensity_g_per_kwh``,
        ``grid_renewable_share`` (fraction), ``energy_mix_year``, ``pue``, ``renewable_share``,
        ``computation_kwh``, ``data_center_kwh``, ``cooling_kwh``, ``total_kwh``,
        ``emissions_g`` and ``emissions_kg`` (g and kg CO2e); with an interval also
        ``total_kwh_low``/``_high`` and ``emissions_g_low``/``_high``, the bounds priced the
        same way.

    Examples
    --------
    >>> from greennb.energy import EnergyInterval
    >>> table = carbon_scenarios(EnergyInterval(2.0, 1.0, 4.0), countries=["FRA"], pues=[1.5],
    ...                          renewable_shares=[0.0])
    >>> row = table.iloc[0]
    >>> float(round(row["emissions_g_low"] / row["emissions_g"], 6)), float(row["total_kwh_high"])
    (0.5, 6.0)

    Raises
    ------
    greennb.errors.InvalidValueError
        For an unknown country, a PUE < 1, ε outside [0, 1], a negative energy or an empty
        list of choices.
    """
    import pandas as pd

    computation_kwh, interval = _energy_and_interval(computation_kwh)
    rows = []
    for country in _choices(countries, name="countries"):
        record = country_record(country)
        intensity = intensity_from_mix(record)
        for pue in _choices(pues, name="pues"):
            energy = facility_energy(computation_kwh, pue=pue, cooling_share=cooling_share)
            for share in _choices(renewable_shares, name="renewable_shares"):
                emissions_kg = carbon_emissions(
                    energy.total_kwh, carbon_intensity=intensity, renewable_share=share
                )
                rows.append(
                    {
                        "country": record["iso_code"],
                        "country_name": record["country_name"],
                        "carbon_intensity_g_per_kwh": intensity,
                        "grid_renewable_share": renewable_share_of(record),
                        "energy_mix_year": int(record["year"]),
                        "pue": energy.pue,
                        "renewable_share": float(share),
                        "computation_kwh": energy.computation_kwh,
                        "data_center_kwh": energy.data_center_kwh,
                        "cooling_kwh": energy.cooling_kwh,
                        "total_kwh": energy.total_kwh,
                        "emissions_g": emissions_kg * 1000.0,
                        "emissions_kg": emissions_kg,
                    }
                )
                if interval is not None:
                    for bound in ("low", "high"):
                        total = getattr(interval, bound) * energy.pue
                        grams = 1000.0 * carbon_emissions(
                            total, carbon_intensity=intensity, renewable_share=share
                        )
                        rows[-1] |= {f"total_kwh_{bound}": total, f"emissions_g_{bound}": grams}
    return pd.DataFrame(rows)
