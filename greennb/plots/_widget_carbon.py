"""The carbon widget: one run's energy re-priced by country, PUE and renewable share.

The arithmetic is :func:`greennb.energy.carbon_scenarios`' (``E_total = E × PUE`` and
``C = E_total × CI(country) × (1 − ε)``, with the energy's low–high interval priced bound by
bound), called for the one scenario the controls select.
"""

from __future__ import annotations

from typing import Any

from greennb.energy import carbon_scenarios, grid_carbon_intensity, list_countries
from greennb.errors import InvalidValueError
from greennb.plots._axes import ENERGY_UNITS, MASS_UNITS
from greennb.plots._widgets import (
    TradeoffWidget,
    check_available,
    import_ipywidgets,
    in_range,
    number,
    readable_unit,
    slider,
)

#: Range of the PUE slider (dimensionless): from a perfect facility to a legacy one.
PUE_RANGE = (1.0, 3.0)
COUNTRY_NOT_OFFERED_MSG = "country {country!r} is not among the countries offered: {choices}."
_COLUMNS = ("total_kwh", "emissions_g")


def _country_options(countries: Any) -> list[tuple[str, str]]:
    """Return the dropdown's (label, ISO code) pairs, every code checked against the grid data."""
    table = list_countries()
    if countries is not None:
        codes = [str(code).strip().upper() for code in countries]
        for code in codes:
            grid_carbon_intensity(code)  # an unknown code raises, suggesting close matches
        table = table.set_index("iso_code").loc[codes].reset_index()
    return [
        (f"{row.iso_code}: {row.name} ({row.carbon_intensity:.0f} g CO2e/kWh)", row.iso_code)
        for row in table.itertuples()
    ]


def _priced(energy: Any, country: str, pue: float, renewable_share: float) -> dict[str, Any]:
    row = carbon_scenarios(
        energy, countries=[country], pues=[pue], renewable_shares=[renewable_share]
    ).iloc[0]
    result = {
        "country": row["country"],
        "country_name": row["country_name"],
        "carbon_intensity_g_per_kwh": float(row["carbon_intensity_g_per_kwh"]),
        "pue": float(row["pue"]),
        "renewable_share": float(row["renewable_share"]),
        "computation_kwh": float(row["computation_kwh"]),
    }
    for column in _COLUMNS:
        result[column] = float(row[column])
        for bound in ("low", "high"):
            key = f"{column}_{bound}"
            result[key] = float(row[key]) if key in row.index else None
    return result


def _interval_text(result: dict[str, Any], column: str, unit: str, factor: float) -> str:
    value = f"{number(result[column] * factor)} {unit}"
    if result[f"{column}_low"] is None:
        return value
    low, high = (number(result[f"{column}_{b}"] * factor) for b in ("low", "high"))
    return f"{value} [{low} to {high}]"


def _describe(result: dict[str, Any]) -> str:
    energy_unit, energy_factor = readable_unit(result["total_kwh"], ENERGY_UNITS)
    mass_unit, mass_factor = readable_unit(result["emissions_g"], MASS_UNITS)
    energy = _interval_text(result, "total_kwh", energy_unit, energy_factor)
    mass = _interval_text(result, "emissions_g", mass_unit, mass_factor)
    return (
        f"<b>E_total = {energy}</b> at PUE {result['pue']:.2f}; "
        f"<b>C = {mass} CO2e</b> on the grid of {result['country_name']} "
        f"({result['carbon_intensity_g_per_kwh']:.0f} g CO2e/kWh) with "
        f"ε = {result['renewable_share']:.2f} renewable electricity bought"
    )


def _bar(ax: Any, result: dict[str, Any], column: str, units: dict[str, float], label: str):
    """Draw one figure as a bar with its interval; ``label`` has a ``{unit}`` field."""
    unit, factor = readable_unit(result[column], units)
    value = result[column] * factor
    error = None
    if result[f"{column}_low"] is not None:
        low, high = (result[f"{column}_{bound}"] * factor for bound in ("low", "high"))
        error = [[value - low], [high - value]]
    ax.barh([0], [value], xerr=error, color="tab:green", capsize=6)
    ax.set_yticks([0], labels=[result["country"]])
    ax.set_xlabel(label.format(unit=unit))


def _draw(result: dict[str, Any], figure: Any) -> None:
    left, right = figure.subplots(1, 2)
    _bar(left, result, "total_kwh", ENERGY_UNITS, "facility energy E × PUE ({unit})")
    _bar(right, result, "emissions_g", MASS_UNITS, "emissions C ({unit} CO2e)")
    figure.suptitle(
        f"{result['country']}, PUE {result['pue']:.2f}, ε = {result['renewable_share']:.2f} "
        "(error bars: the method's interval)"
    )


def carbon_widget(
    energy: Any,
    *,
    country: str,
    pue: float,
    renewable_share: float,
    countries: Any = None,
    show: bool = True,
) -> TradeoffWidget:
    """Re-price a run's computation energy by country, PUE and renewable share, live.

    Parameters
    ----------
    energy : float, EnergyInterval, EnergyResult or EnergyTotal
        ``E_computation`` of the run in kWh, as :func:`greennb.energy.carbon_scenarios` takes
        it; with an interval the widget shows the low–high range of every figure.
    country : str
        3-letter ISO code of the grid the dropdown starts at.
    pue : float
        Power usage effectiveness the slider starts at (in [1, 3], dimensionless).
    renewable_share : float
        ε, the renewable share of the electricity bought, where its slider starts (in [0, 1]).
    countries : iterable of str, optional
        The ISO codes the dropdown offers; default every country of CodeCarbon's energy-mix
        data (:func:`greennb.energy.list_countries`).
    show : bool, default True
        Display the widget and the figure of the starting state (see :class:`TradeoffWidget`).

    Returns
    -------
    TradeoffWidget
        ``update(country=..., pue=..., renewable_share=...)`` returns ``country``,
        ``country_name``, ``carbon_intensity_g_per_kwh``, ``pue``, ``renewable_share``,
        ``computation_kwh``, ``total_kwh`` (kWh) and ``emissions_g`` (g CO2e), each of the last
        two with ``_low``/``_high`` (None when the energy carries no interval).

    Raises
    ------
    greennb.errors.InvalidValueError
        For an energy result without an energy figure, an unknown country or one not offered
        in ``countries``, a PUE outside [1, 3] or ε outside [0, 1].

    Examples
    --------
    >>> from greennb.energy import EnergyInterval
    >>> explorer = carbon_widget(EnergyInterval(0.002, 0.001, 0.004), country="FRA", pue=1.5,
    ...                          renewable_share=0.0, countries=["FRA", "SWE"], show=False)
    >>> explorer.update(pue=2.0)["total_kwh_high"]
    0.008
    """
    check_available(energy, name="energy")
    options = _country_options(countries)
    codes = [code for _, code in options]
    code = str(country).strip().upper() if isinstance(country, str) else country
    grid_carbon_intensity(code)  # an unknown or non-string code raises here, naming it
    if code not in codes:
        shown = ", ".join(codes) if len(codes) <= 20 else f"{len(codes)} countries"
        raise InvalidValueError(COUNTRY_NOT_OFFERED_MSG.format(country=country, choices=shown))
    pue = in_range(pue, *PUE_RANGE, name="pue")
    share = in_range(renewable_share, 0.0, 1.0, name="renewable_share", unit="fraction")
    controls = {
        "country": import_ipywidgets().Dropdown(
            options=options, value=code, description="grid", style={"description_width": "initial"}
        ),
        "pue": slider(pue, *PUE_RANGE, description="PUE"),
        "renewable_share": slider(share, 0.0, 1.0, description="renewable share ε"),
    }
    explorer = TradeoffWidget(
        name="carbon widget",
        controls=controls,
        compute=lambda **values: _priced(energy, **values),
        describe=_describe,
        draw=_draw,
        figsize=(9.0, 2.6),
    )
    return explorer.show() if show else explorer
