"""Energy and carbon figures: energy per phase, E_total's parts, emissions across grids.

Energies come in kWh from greennb and are drawn in the unit asked for (Wh or mWh read best for
notebook-sized runs); emissions are g CO2e. Titles say whether the figures were measured or
estimated.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

from greennb.plots._axes import ENERGY_UNITS, MASS_UNITS, _axes, _require, _unit_factor, _words

#: Quantities of :func:`footprint_bars`: column → (axis label, factor from the column's unit).
FOOTPRINT_VALUES = {
    "total_kwh": ("facility energy E_total (Wh)", 1e3),
    "energy_kwh": ("computation energy (Wh)", 1e3),
    "emissions_g": ("emissions (g CO2e)", 1.0),
}


def energy_table(results: Sequence[Any], *, label: str = "model") -> pd.DataFrame:
    """Tabulate energy results (objects with ``to_dict()`` or dicts) in Wh.

    Parameters
    ----------
    results : sequence of (str, EnergyResult) pairs, EnergyResult or dict
        With pairs, the first item fills the ``label`` column.
    label : str
        Name of the column that holds the pair labels.

    Returns
    -------
    pandas.DataFrame
        One row per result: label, phase, duration_s, energy_wh, status.
    """
    rows = []
    for item in results:
        name, result = item if isinstance(item, tuple) else (None, item)
        record = result.to_dict() if hasattr(result, "to_dict") else dict(result)
        energy = record.get("energy_kwh")
        rows.append(
            {
                label: name,
                "phase": record.get("phase"),
                "duration_s": record.get("duration_s"),
                "energy_wh": None if energy is None else 1000.0 * energy,
                "status": record.get("status"),
            }
        )
    return pd.DataFrame(rows)


def energy_bars(
    table: pd.DataFrame, *, x: str = "model", hue: str = "phase", ax: plt.Axes | None = None
) -> plt.Axes:
    """Bar chart of energy (Wh) per model and phase, flagging estimated figures in the title.

    Parameters
    ----------
    table : pandas.DataFrame
        As returned by :func:`energy_table` (``energy_wh`` and ``status`` columns).
    x, hue : str
        Columns for the bar positions and colours.
    ax : matplotlib.axes.Axes, optional
        Where to draw.
    """
    _require(table, [x, hue, "energy_wh", "status"], "energy_bars")
    ax = _axes(ax)
    sns.barplot(data=table, x=x, y="energy_wh", hue=hue, ax=ax)
    statuses = sorted(set(table["status"].dropna()))
    ax.set(
        xlabel=_words(x),
        ylabel="energy (Wh)",
        title=f"Energy per {_words(x)} and {hue} ({', '.join(statuses)})",
    )
    return ax


def scenario_heatmap(
    scenarios: pd.DataFrame,
    *,
    pue: float | None = None,
    value: str = "emissions_g",
    ax: plt.Axes | None = None,
) -> plt.Axes:
    """Heatmap of one run's emissions re-priced across countries and renewable shares.

    Parameters
    ----------
    scenarios : pandas.DataFrame
        As returned by :func:`greennb.carbon_scenarios`.
    pue : float, optional
        The PUE slice to show; default the first PUE of the table.
    value : str
        Column shown in the cells (default ``emissions_g``, g CO2e).
    ax : matplotlib.axes.Axes, optional
        Where to draw.
    """
    _require(scenarios, ["country", "pue", "renewable_share", value], "scenario_heatmap")
    pue = scenarios["pue"].iloc[0] if pue is None else pue
    grid = scenarios[scenarios["pue"] == pue].pivot_table(
        index="country", columns="renewable_share", values=value
    )
    ax = _axes(ax)
    sns.heatmap(grid, annot=True, fmt=".3g", cmap="rocket_r", ax=ax, cbar_kws={"label": value})
    ax.set(
        xlabel="renewable share of the electricity bought, ε",
        ylabel="country (grid)",
        title=f"Emissions of the same run across grids (PUE {pue:g}; {value})",
    )
    return ax


def facility_breakdown(
    facility: Any, *, unit: str = "mWh", status: str | None = None, ax: plt.Axes | None = None
) -> plt.Axes:
    """Bar chart of E_total split into computation, data-centre and cooling energy.

    Parameters
    ----------
    facility : FacilityEnergy
        A result of :func:`greennb.facility_energy` (energies in kWh).
    unit : {"kWh", "Wh", "mWh"}
        Unit of the bars; small notebook runs read best in mWh.
    status : str, optional
        How the computation energy was obtained (``"measured"`` or ``"estimated"``), shown in
        the title.
    ax : matplotlib.axes.Axes, optional
        Where to draw.
    """
    scale = _unit_factor(unit, ENERGY_UNITS, name="energy unit")
    table = pd.DataFrame(
        {
            "part": ["computation", "data centre", "cooling"],
            "energy": [
                facility.computation_kwh * scale,
                facility.data_center_kwh * scale,
                facility.cooling_kwh * scale,
            ],
        }
    )
    ax = _axes(ax)
    sns.barplot(data=table, x="part", y="energy", hue="part", legend=False, ax=ax)
    ax.set(
        xlabel="part of E_total",
        ylabel=f"energy ({unit})",
        title=(
            f"E_total = {facility.total_kwh * scale:.3g} {unit} at PUE {facility.pue:g} "
            "(computation + data centre + cooling)" + (f", {status}" if status else "")
        ),
    )
    return ax


def footprint_bars(
    table: pd.DataFrame, *, value: str = "total_kwh", ax: plt.Axes | None = None
) -> plt.Axes:
    """Horizontal bars of energy or emissions per case and model, mean over runs.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per (run, model) with ``case``, ``model``, ``energy_status`` and ``value``
        columns, as :func:`greennb.report.collect_runs` returns.
    value : {"total_kwh", "energy_kwh", "emissions_g"}
        Quantity drawn: facility or computation energy (shown in Wh) or g CO2e.
    ax : matplotlib.axes.Axes, optional
        Where to draw. Error bars are the standard deviation over runs.
    """
    label, factor = _unit_factor(value, FOOTPRINT_VALUES, name="footprint value")
    _require(table, ["case", "model", "energy_status", value], "footprint_bars")
    frame = table.assign(
        bar=table["case"].astype(str) + " / " + table["model"].astype(str),
        shown=table[value].astype(float) * factor,
    ).sort_values(["case", "model"])
    ax = _axes(ax)
    sns.barplot(data=frame, y="bar", x="shown", hue="case", errorbar="sd", legend=False, ax=ax)
    statuses = ", ".join(sorted(set(frame["energy_status"].dropna())))
    ax.set(xlabel=label, ylabel="case / model", title=f"{label} per case and model ({statuses})")
    return ax


def grid_carbon_bars(
    table: pd.DataFrame,
    *,
    x: str = "variant",
    unit: str = "g",
    log_y: bool = False,
    ax: plt.Axes | None = None,
) -> plt.Axes:
    """Emissions of each model re-priced on several grids (grouped bars, CO2e).

    Parameters
    ----------
    table : pandas.DataFrame
        Rows of :func:`greennb.carbon_scenarios` (``country``, ``carbon_intensity_g_per_kwh``,
        ``pue``, ``renewable_share``, ``emissions_g``) stacked with an ``x`` column.
    x : str, default "variant"
        Column telling the models apart.
    unit : {"kg", "g", "mg"}, default "g"
        Unit of the bars (CO2e).
    log_y : bool, default False
        Logarithmic axis, for emissions that span orders of magnitude.
    ax : matplotlib.axes.Axes, optional
        Where to draw.

    Raises
    ------
    ValueError
        For missing columns or an unknown unit (the message lists the valid ones).
    """
    factor = _unit_factor(unit, MASS_UNITS, name="mass unit")
    needed = [x, "country", "carbon_intensity_g_per_kwh", "pue", "renewable_share"]
    _require(table, [*needed, "emissions_g"], "grid_carbon_bars")
    grids = table.drop_duplicates("country")
    names = {
        row.country: f"{row.country} ({row.carbon_intensity_g_per_kwh:.0f} g/kWh)"
        for row in grids.itertuples()
    }
    frame = table.assign(grid=table["country"].map(names), shown=table["emissions_g"] * factor)
    ax = _axes(ax, figsize=(8.0, 4.0))
    sns.barplot(data=frame, x=x, y="shown", hue="grid", ax=ax)
    sns.move_legend(ax, "upper left", bbox_to_anchor=(1.0, 1.0))  # tall bars would hide it
    if log_y:
        ax.set_yscale("log")
    settings = sorted({(p, e) for p, e in zip(table["pue"], table["renewable_share"], strict=True)})
    shown = "; ".join(f"PUE {p:g}, ε {e:g}" for p, e in settings)
    ax.set(
        xlabel=_words(x),
        ylabel=f"emissions ({unit} CO2e)",
        title=f"Emissions of each {_words(x)} on {len(names)} grids ({shown})",
    )
    ax.tick_params(axis="x", labelrotation=20)
    return ax
