"""Grid data per country, from the energy-mix table that CodeCarbon ships.

Carbon intensity (g CO2e/kWh) and the grid's own renewable share come from
``codecarbon/data/private_infra/global_energy_mix.json``, read through CodeCarbon's own loader
(Our World in Data / Ember figures); nothing here is a hand-typed table. CodeCarbon is imported
on first use so that ``import greennb`` stays fast. Countries are 3-letter ISO codes,
case-insensitive; an unknown code is refused with close matches suggested.
"""

from __future__ import annotations

import difflib
import functools
import os
from collections.abc import Mapping
from typing import Any

from greennb.errors import InvalidTypeError, InvalidValueError

#: Default country (3-letter ISO code) where the computation is assumed to run. CodeCarbon's
#: energy-mix table has no world-average row, so a country must be chosen: the United States,
#: which used about 45 % of the world's data-centre electricity in 2024 (183 of 415 TWh;
#: IEA, "Energy and AI", 2025). Override it with the environment variable ``GREENNB_COUNTRY``
#: or ``greennb.configure(country=...)``.
DEFAULT_COUNTRY = "USA"
COUNTRY_ENV_VAR = "GREENNB_COUNTRY"

UNKNOWN_COUNTRY_MSG = (
    "Unknown country code {code!r}.{suggestion} Valid codes are the {count} 3-letter ISO codes "
    "of CodeCarbon's energy-mix data (e.g. FRA, DEU, USA); list them with "
    "greennb.energy.list_countries()."
)
COUNTRY_TYPE_MSG = "country must be a 3-letter ISO code string such as 'FRA'; got {value!r}."
COUNTRY_ENV_MSG = "Environment variable {var}={value!r} is not a valid country: {error}"


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


def country_record(country: Any) -> Mapping[str, Any]:
    """Return the energy-mix record of ``country``, or raise naming it and close matches."""
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


def intensity_from_mix(record: Mapping[str, Any]) -> float:
    """Return the carbon intensity (g CO2e/kWh) of one energy-mix record."""
    if record.get("carbon_intensity") is not None:
        return float(record["carbon_intensity"])
    # Records without a published intensity: let CodeCarbon derive it from the generation mix,
    # exactly as its tracker does (a private helper of codecarbon.core.emissions).
    from codecarbon.core.emissions import Emissions

    rate = Emissions._global_energy_mix_to_emissions_rate(dict(record))
    return rate.kgs_per_kWh * 1000.0


def renewable_share_of(record: Mapping[str, Any]) -> float:
    """Return ``renewables_TWh / total_TWh`` of one energy-mix record (fraction)."""
    return float(record["renewables_TWh"]) / float(record["total_TWh"])


def normalise_country(country: Any) -> str:
    """Return the canonical ISO code of ``country`` (validated)."""
    return str(country_record(country)["iso_code"])


def default_country() -> str:
    """Return the default country: ``$GREENNB_COUNTRY`` if set, else :data:`DEFAULT_COUNTRY`.

    Returns
    -------
    str
        A validated 3-letter ISO code present in CodeCarbon's energy-mix data.

    Raises
    ------
    greennb.errors.InvalidValueError
        If ``GREENNB_COUNTRY`` holds a code CodeCarbon has no data for (the message names it).
    """
    value = os.environ.get(COUNTRY_ENV_VAR, "").strip()
    if not value:
        return DEFAULT_COUNTRY
    try:
        return normalise_country(value)
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
    greennb.errors.InvalidValueError
        If CodeCarbon has no data for the code; the message suggests close matches.

    Examples
    --------
    >>> grid_carbon_intensity("fra") == grid_carbon_intensity("FRA")
    True
    """
    return intensity_from_mix(country_record(country))


def grid_renewable_share(country: str) -> float:
    """Return the share of a country's electricity generated from renewable sources.

    ``renewables_TWh / total_TWh`` of the country's record in CodeCarbon's energy-mix data, for
    the record's year (mostly 2022 or 2023; see :func:`list_countries`). This describes the grid;
    the renewable share ε of the electricity *bought* is a separate choice in
    :func:`greennb.energy.carbon_emissions`.

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
    greennb.errors.InvalidValueError
        If CodeCarbon has no data for the code.
    """
    return renewable_share_of(country_record(country))


def list_countries(search: str = ""):
    """List the countries for which CodeCarbon ships grid data.

    Parameters
    ----------
    search : str, optional
        Keep only the countries whose ISO code or name contains this text (case-insensitive);
        empty keeps every country.

    Returns
    -------
    pandas.DataFrame
        One row per country, sorted by ``iso_code``, with columns ``iso_code``, ``name``,
        ``carbon_intensity`` (g CO2e/kWh), ``renewable_share`` (fraction of generation) and
        ``year`` (year of the energy-mix record).

    Examples
    --------
    >>> list(list_countries(search="fra")["iso_code"])
    ['FRA']
    """
    import pandas as pd

    rows = [
        {
            "iso_code": iso,
            "name": record["country_name"],
            "carbon_intensity": intensity_from_mix(record),
            "renewable_share": renewable_share_of(record),
            "year": int(record["year"]),
        }
        for iso, record in _energy_mix().items()
    ]
    table = pd.DataFrame(rows).sort_values("iso_code", ignore_index=True)
    needle = str(search).lower()
    if needle:
        found = table["iso_code"].str.lower().str.contains(needle, regex=False)
        found |= table["name"].str.lower().str.contains(needle, regex=False)
        table = table[found].reset_index(drop=True)
    return table
