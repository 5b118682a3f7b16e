"""Energy and carbon models: facility overhead (PUE), grid carbon, water and embodied emissions.

These are the formulas of the greennb design brief, as plain functions:

* facility energy: ``E_total = E_computation × PUE = E_computation + E_data_center + E_cooling``,
  the overhead ``(PUE − 1) × E_computation`` split between cooling and other data-centre load;
* carbon: ``C = E_total × CI(grid) × (1 − ε)``, with ε the renewable share of the electricity
  bought;
* water (on-site, WUE) and embodied emissions of the hardware, both **estimates** with cited
  defaults.

Grid carbon intensity and the grid's own renewable share come from the energy-mix table that
CodeCarbon ships (``codecarbon/data/private_infra/global_energy_mix.json``, read through
CodeCarbon's own loader); nothing here is a hand-typed table. CodeCarbon is imported lazily so
that ``import greennb`` stays fast.

This module measures nothing; :mod:`greennb.energy` measures and uses these models.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import math
import numbers
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from greennb.errors import InvalidTypeError, InvalidValueError

__all__ = [
    "COUNTRY_ENV_VAR",
    "DEFAULT_COOLING_SHARE",
    "DEFAULT_COUNTRY",
    "DEFAULT_GPU_EMBODIED_KG_CO2E",
    "DEFAULT_HARDWARE_LIFETIME_YEARS",
    "DEFAULT_PUE",
    "DEFAULT_SCENARIO_COUNTRIES",
    "DEFAULT_SCENARIO_PUES",
    "DEFAULT_SCENARIO_RENEWABLE_SHARES",
    "DEFAULT_SERVER_EMBODIED_KG_CO2E",
    "DEFAULT_UTILISATION",
    "DEFAULT_WUE",
    "EmbodiedEstimate",
    "FacilityEnergy",
    "WaterEstimate",
    "carbon_emissions",
    "carbon_scenarios",
    "default_country",
    "embodied_emissions",
    "facility_energy",
    "grid_carbon_intensity",
    "grid_renewable_share",
    "list_countries",
    "water_footprint",
]

# --- Defaults, each with its source -------------------------------------------------------

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

#: On-site water usage effectiveness (L/kWh of IT energy): 1.8 L/kWh, the US average data-centre
#: figure of Shehabi et al. (2016), "United States Data Center Energy Usage Report", Lawrence
#: Berkeley National Laboratory, LBNL-1005775. WUE is defined by The Green Grid (White Paper #35,
#: 2011) as site water use divided by IT equipment energy. The same report puts the water
#: consumed off-site to generate the electricity at about 7.6 L/kWh; that is not included here.
DEFAULT_WUE = 1.8

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

#: Default country (3-letter ISO code) where the computation is assumed to run. CodeCarbon's
#: energy-mix table has no world-average row, so a country must be chosen: the United States,
#: which used about 45 % of the world's data-centre electricity in 2024 (183 of 415 TWh;
#: IEA, "Energy and AI", 2025). Override it with the environment variable ``GREENNB_COUNTRY``
#: or ``greennb.configure(country=...)``.
DEFAULT_COUNTRY = "USA"
COUNTRY_ENV_VAR = "GREENNB_COUNTRY"

#: Scenario grid of :func:`carbon_scenarios`: grids from low to high carbon intensity, an
#: efficient hyperscale PUE (1.1), the industry average and a legacy site (2.0), and no, half or
#: all renewable electricity bought.
DEFAULT_SCENARIO_COUNTRIES = ("SWE", "FRA", "GBR", "USA", "CHN", "IND")
DEFAULT_SCENARIO_PUES = (1.1, DEFAULT_PUE, 2.0)
DEFAULT_SCENARIO_RENEWABLE_SHARES = (0.0, 0.5, 1.0)

#: Seconds in a Julian year (365.25 days), used to amortize embodied emissions.
SECONDS_PER_YEAR = 365.25 * 24 * 3600

# --- Error message templates (tests match them) --------------------------------------------

NOT_A_NUMBER_MSG = "{name} must be a real number ({unit}); got {value!r} of type {type}."
NEGATIVE_MSG = "{name} must be a finite number >= 0 ({unit}); got {value!r}."
NOT_POSITIVE_MSG = "{name} must be a finite number > 0 ({unit}); got {value!r}."
PUE_RANGE_MSG = (
    "pue must be a finite number >= 1 (total facility energy / IT energy; 1.0 means no "
    "overhead); got {value!r}."
)
FRACTION_RANGE_MSG = "{name} must be a fraction between 0 and 1 inclusive; got {value!r}."
UTILISATION_RANGE_MSG = "utilisation must be a fraction > 0 and <= 1; got {value!r}."
UNKNOWN_COUNTRY_MSG = (
    "Unknown country code {code!r}.{suggestion} Valid codes are the {count} 3-letter ISO codes "
    "of CodeCarbon's energy-mix data (e.g. FRA, DEU, USA); list them with "
    "greennb.list_countries()."
)
COUNTRY_TYPE_MSG = "country must be a 3-letter ISO code string such as 'FRA'; got {value!r}."
COUNTRY_ENV_MSG = "Environment variable {var}={value!r} is not a valid country: {error}"
INTENSITY_SOURCE_MSG = (
    "Give exactly one of country=... (a 3-letter ISO code) or carbon_intensity=... "
    "(g CO2e/kWh); got country={country!r} and carbon_intensity={intensity!r}."
)
EMPTY_CHOICES_MSG = "{name} must contain at least one value; got {value!r}."


# --- Small validators ----------------------------------------------------------------------


def _as_number(value: Any, *, name: str, unit: str) -> float:
    """Return ``value`` as a float, or raise TypeError naming it (bools are not numbers)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InvalidTypeError(
            NOT_A_NUMBER_MSG.format(name=name, unit=unit, value=value, type=type(value).__name__)
        )
    return float(value)


def _non_negative(value: Any, *, name: str, unit: str) -> float:
    number = _as_number(value, name=name, unit=unit)
    if not math.isfinite(number) or number < 0:
        raise InvalidValueError(NEGATIVE_MSG.format(name=name, unit=unit, value=value))
    return number


def _positive(value: Any, *, name: str, unit: str) -> float:
    number = _as_number(value, name=name, unit=unit)
    if not math.isfinite(number) or number <= 0:
        raise InvalidValueError(NOT_POSITIVE_MSG.format(name=name, unit=unit, value=value))
    return number


def _fraction(value: Any, *, name: str) -> float:
    number = _as_number(value, name=name, unit="fraction")
    if not 0.0 <= number <= 1.0:  # also rejects NaN
        raise InvalidValueError(FRACTION_RANGE_MSG.format(name=name, value=value))
    return number


def _pue(value: Any) -> float:
    number = _as_number(value, name="pue", unit="dimensionless")
    if not (math.isfinite(number) and number >= 1.0):
        raise InvalidValueError(PUE_RANGE_MSG.format(value=value))
    return number


# --- Facility energy -----------------------------------------------------------------------


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
    ValueError
        If the energy is negative, ``pue < 1`` or ``cooling_share`` is outside [0, 1].

    Examples
    --------
    >>> result = facility_energy(2.0, pue=1.5, cooling_share=0.6)
    >>> result.total_kwh, result.cooling_kwh, round(result.data_center_kwh, 12)
    (3.0, 0.6, 0.4)
    """
    computation = _non_negative(computation_kwh, name="computation_kwh", unit="kWh")
    pue_value = _pue(pue)
    share = _fraction(cooling_share, name="cooling_share")
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


# --- Grid data from CodeCarbon --------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _energy_mix() -> Mapping[str, Mapping[str, Any]]:
    """Return CodeCarbon's bundled per-country energy mix, keyed by 3-letter ISO code."""
    # CodeCarbon's own loader finds global_energy_mix.json among its package files.
    from codecarbon.input import DataSource

    return DataSource().get_global_energy_mix_data()


def _close_matches(code: str) -> list[str]:
    """Return ISO codes whose code or country name resembles ``code``."""
    mix = _energy_mix()
    by_name = {record["country_name"].lower(): iso for iso, record in mix.items()}
    matches = difflib.get_close_matches(code.upper(), list(mix), n=3, cutoff=0.6)
    for name in difflib.get_close_matches(code.lower(), list(by_name), n=3, cutoff=0.6):
        if by_name[name] not in matches:
            matches.append(by_name[name])
    return matches


def _country_record(country: Any) -> Mapping[str, Any]:
    """Return the energy-mix record of ``country``, or raise a ValueError naming it."""
    if not isinstance(country, str):
        raise InvalidTypeError(COUNTRY_TYPE_MSG.format(value=country))
    mix = _energy_mix()
    code = country.strip().upper()
    if code in mix:
        return mix[code]
    matches = _close_matches(country.strip())
    suggestion = ""
    if matches:
        named = ", ".join(f"{iso} ({mix[iso]['country_name']})" for iso in matches)
        suggestion = f" Did you mean {named}?"
    raise InvalidValueError(
        UNKNOWN_COUNTRY_MSG.format(code=country, suggestion=suggestion, count=len(mix))
    )


def _intensity_from_mix(record: Mapping[str, Any]) -> float:
    """Return the carbon intensity (g CO2e/kWh) of one energy-mix record."""
    if record.get("carbon_intensity") is not None:
        return float(record["carbon_intensity"])
    # Records without a published intensity: let CodeCarbon derive it from the generation mix,
    # exactly as its tracker does (a private helper of codecarbon.core.emissions).
    from codecarbon.core.emissions import Emissions

    rate = Emissions._global_energy_mix_to_emissions_rate(dict(record))
    return rate.kgs_per_kWh * 1000.0


def _normalise_country(country: Any) -> str:
    """Return the canonical ISO code of ``country`` (validated)."""
    return str(_country_record(country)["iso_code"])


def default_country() -> str:
    """Return the default country: ``$GREENNB_COUNTRY`` if set, else :data:`DEFAULT_COUNTRY`.

    Returns
    -------
    str
        A validated 3-letter ISO code present in CodeCarbon's energy-mix data.

    Raises
    ------
    ValueError
        If ``GREENNB_COUNTRY`` holds a code CodeCarbon has no data for (the message names it).
    """
    value = os.environ.get(COUNTRY_ENV_VAR, "").strip()
    if not value:
        return DEFAULT_COUNTRY
    try:
        return _normalise_country(value)
    except ValueError as error:
        raise InvalidValueError(
            COUNTRY_ENV_MSG.format(var=COUNTRY_ENV_VAR, value=value, error=error)
        ) from None


def grid_carbon_intensity(country: str) -> float:
    """Return the average carbon intensity of a country's electricity grid.

    Parameters
    ----------
    country : str
        3-letter ISO code (case-insensitive), e.g. ``"FRA"``.

    Returns
    -------
    float
        Carbon intensity in g CO2e/kWh, from CodeCarbon's bundled energy-mix data (Our World in
        Data / Ember figures; the year of each record is in :func:`list_countries`).

    Raises
    ------
    ValueError
        If CodeCarbon has no data for the code; the message suggests close matches.

    Examples
    --------
    >>> grid_carbon_intensity("fra") == grid_carbon_intensity("FRA")
    True
    """
    return _intensity_from_mix(_country_record(country))


def grid_renewable_share(country: str) -> float:
    """Return the share of a country's electricity generated from renewable sources.

    ``renewables_TWh / total_TWh`` of the country's record in CodeCarbon's energy-mix data, for
    the record's year (mostly 2022 or 2023; see :func:`list_countries`). This describes the grid;
    the renewable share ε of the electricity *bought* is a separate choice in
    :func:`carbon_emissions`.

    Parameters
    ----------
    country : str
        3-letter ISO code (case-insensitive).

    Returns
    -------
    float
        Fraction in [0, 1].

    Raises
    ------
    ValueError
        If CodeCarbon has no data for the code.
    """
    record = _country_record(country)
    return float(record["renewables_TWh"]) / float(record["total_TWh"])


def list_countries():
    """List the countries for which CodeCarbon ships grid data.

    Returns
    -------
    pandas.DataFrame
        One row per country, sorted by ``iso_code``, with columns ``iso_code``, ``name``,
        ``carbon_intensity`` (g CO2e/kWh), ``renewable_share`` (fraction of generation) and
        ``year`` (year of the energy-mix record).
    """
    import pandas as pd

    rows = [
        {
            "iso_code": iso,
            "name": record["country_name"],
            "carbon_intensity": _intensity_from_mix(record),
            "renewable_share": float(record["renewables_TWh"]) / float(record["total_TWh"]),
            "year": int(record["year"]),
        }
        for iso, record in _energy_mix().items()
    ]
    return pd.DataFrame(rows).sort_values("iso_code", ignore_index=True)


# --- Carbon ---------------------------------------------------------------------------------


def _resolve_intensity(country: str | None, carbon_intensity: float | None) -> float:
    if (country is None) == (carbon_intensity is None):
        raise InvalidValueError(
            INTENSITY_SOURCE_MSG.format(country=country, intensity=carbon_intensity)
        )
    if country is not None:
        return grid_carbon_intensity(country)
    return _non_negative(carbon_intensity, name="carbon_intensity", unit="g CO2e/kWh")


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
        3-letter ISO code whose grid intensity is used (see :func:`grid_carbon_intensity`).
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
    ValueError
        If the energy or intensity is negative, ε is outside [0, 1], both or neither of
        ``country`` and ``carbon_intensity`` are given, or the country is unknown.

    Examples
    --------
    >>> carbon_emissions(3.0, carbon_intensity=400.0, renewable_share=0.25)
    0.9
    """
    energy = _non_negative(energy_kwh, name="energy_kwh", unit="kWh")
    epsilon = _fraction(renewable_share, name="renewable_share")
    intensity = _resolve_intensity(country, carbon_intensity)
    return energy * intensity * (1.0 - epsilon) / 1000.0


def _choices(values: Iterable[Any], *, name: str) -> list[Any]:
    if isinstance(values, (str, numbers.Real)):
        values = [values]
    listed = list(values)
    if not listed:
        raise InvalidValueError(EMPTY_CHOICES_MSG.format(name=name, value=values))
    return listed


def carbon_scenarios(
    computation_kwh: float,
    *,
    countries: Iterable[str] = DEFAULT_SCENARIO_COUNTRIES,
    pues: Iterable[float] = DEFAULT_SCENARIO_PUES,
    renewable_shares: Iterable[float] = DEFAULT_SCENARIO_RENEWABLE_SHARES,
    cooling_share: float = DEFAULT_COOLING_SHARE,
):
    """Re-price one computation's energy across countries, PUE values and renewable shares.

    Parameters
    ----------
    computation_kwh : float
        E_computation of the run (kWh), e.g. ``EnergyResult.energy_kwh``.
    countries : iterable of str, default DEFAULT_SCENARIO_COUNTRIES
        3-letter ISO codes of the grids to compare.
    pues : iterable of float, default DEFAULT_SCENARIO_PUES
        PUE values (each >= 1).
    renewable_shares : iterable of float, default DEFAULT_SCENARIO_RENEWABLE_SHARES
        Values of ε, the renewable share of the electricity bought (each in [0, 1]).
    cooling_share : float, default DEFAULT_COOLING_SHARE
        Fraction of the overhead spent on cooling, passed to :func:`facility_energy`.

    Returns
    -------
    pandas.DataFrame
        One row per (country, pue, renewable_share), in that nesting order, with columns
        ``country``, ``country_name``, ``carbon_intensity_g_per_kwh``,
        ``grid_renewable_share`` (fraction), ``energy_mix_year``, ``pue``, ``renewable_share``,
        ``computation_kwh``, ``data_center_kwh``, ``cooling_kwh``, ``total_kwh``,
        ``emissions_g`` and ``emissions_kg`` (g and kg CO2e).

    Raises
    ------
    ValueError
        For an unknown country, a PUE < 1, ε outside [0, 1], a negative energy or an empty
        list of choices.
    """
    import pandas as pd

    rows = []
    for country in _choices(countries, name="countries"):
        record = _country_record(country)
        intensity = _intensity_from_mix(record)
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
                        "grid_renewable_share": float(record["renewables_TWh"])
                        / float(record["total_TWh"]),
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
    return pd.DataFrame(rows)


# --- Water and embodied emissions (estimates) -----------------------------------------------


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
    """

    litres: float
    energy_kwh: float
    wue: float
    estimate: bool = True
    source: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Return the fields as a JSON-ready dict."""
        return dataclasses.asdict(self)


def water_footprint(energy_kwh: float, *, wue: float = DEFAULT_WUE) -> WaterEstimate:
    """Estimate the on-site water used to cool a computation: ``litres = E_IT × WUE``.

    Parameters
    ----------
    energy_kwh : float
        IT energy E_computation in kWh (>= 0). WUE is defined per kWh of IT energy, so pass the
        energy before the PUE overhead.
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
    ValueError
        If the energy or WUE is negative.

    Examples
    --------
    >>> water_footprint(2.0, wue=1.8).litres
    3.6
    """
    energy = _non_negative(energy_kwh, name="energy_kwh", unit="kWh")
    wue_value = _non_negative(wue, name="wue", unit="L/kWh")
    source = (
        "Shehabi et al. (2016), United States Data Center Energy Usage Report, LBNL-1005775: "
        "1.8 L/kWh on-site average"
        if wue_value == DEFAULT_WUE
        else "user-supplied WUE"
    )
    return WaterEstimate(litres=energy * wue_value, energy_kwh=energy, wue=wue_value, source=source)


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
    ValueError
        If a value is negative, the lifetime is not positive or the utilisation is outside
        (0, 1].

    Examples
    --------
    >>> one_year = 365.25 * 24 * 3600
    >>> embodied_emissions(one_year, hardware_kg_co2e=600.0, lifetime_years=6.0,
    ...                    utilisation=0.5).kg_co2e
    200.0
    """
    duration = _non_negative(duration_s, name="duration_s", unit="s")
    hardware = _non_negative(hardware_kg_co2e, name="hardware_kg_co2e", unit="kg CO2e")
    lifetime = _positive(lifetime_years, name="lifetime_years", unit="years")
    usage = _as_number(utilisation, name="utilisation", unit="fraction")
    if not 0.0 < usage <= 1.0:
        raise InvalidValueError(UTILISATION_RANGE_MSG.format(value=utilisation))
    in_use_s = lifetime * SECONDS_PER_YEAR * usage
    return EmbodiedEstimate(
        kg_co2e=hardware * duration / in_use_s,
        duration_s=duration,
        hardware_kg_co2e=hardware,
        lifetime_years=lifetime,
        utilisation=usage,
        source=(
            "method and defaults (2500 kg CO2e per server, 150 kg per GPU, 6-year life, 85 % "
            "use): Luccioni, Viguier & Ligozat (2023), Estimating the Carbon Footprint of BLOOM, "
            "JMLR 24(253); the values used are in this record"
        ),
    )
