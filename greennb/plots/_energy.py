"""Energy and carbon figures: energy per phase, E_total's parts, emissions across grids.

Energies come in kWh from greennb and are drawn in one engineering unit per figure (µWh, mWh,
Wh or kWh, chosen from the figure's values unless a unit is asked for; never a ``×1e−6``
offset); emissions are g CO2e. Titles say whether the figures were measured or estimated,
from their status. Every bar carries its interval as an error bar when the input
has one (an :class:`~greennb.energy.EnergyInterval`, or ``<value>_low`` / ``<value>_high``
columns), clipped at 0 (see :mod:`greennb.plots._intervals`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

from greennb.energy import EnergyInterval
from greennb.errors import InvalidValueError
from greennb.plots._axes import (
    MASS_UNITS,
    _axes,
    _require,
    _unit_factor,
    _words,
    column_label,
    energy_unit,
    status_words,
)
from greennb.plots._intervals import interval_barplot, summarise_bars

#: Quantities of :func:`footprint_bars`: column → (axis label, factor from the column's unit).
FOOTPRINT_VALUES = {
    "total_kwh": ("facility energy E_total (Wh)", 1e3),
    "energy_kwh": ("computation energy (Wh)", 1e3),
    "emissions_g": ("emissions (g CO2e)", 1.0),
    "train_kwh": ("training computation energy (Wh)", 1e3),
    "inference_kwh_per_1000": ("computation energy per 1,000 predictions (Wh)", 1e3),
}
# The status column that says how each quantity of FOOTPRINT_VALUES was obtained.
_FOOTPRINT_STATUS = {"train_kwh": "train_status", "inference_kwh_per_1000": "inference_status"}
# The columns that tell footprint bars apart, when the table has them (case and model always).
_FOOTPRINT_KEYS = ("case", "dataset", "model", "parameter_set")

#: Appended to the label of a footprint bar whose runs ran on a shared machine.
SHARED_LABEL = " · machine shared"

INTERVAL_MISMATCH_MSG = (
    "interval is {value} kWh but the facility's computation energy is {computation} kWh; "
    "pass the interval of the energy that facility_energy was given."
)


def _interval_of(result: Any) -> EnergyInterval | None:
    """Return the interval of a result (``.interval``, or a dict's ``"interval"``), or None."""
    interval = result.get("interval") if isinstance(result, Mapping) else result
    if isinstance(interval, Mapping):
        return EnergyInterval(**interval)
    interval = getattr(interval, "interval", interval)
    return interval if isinstance(interval, EnergyInterval) else None


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
        One row per result: label, phase, duration_s, energy_wh, energy_wh_low and
        energy_wh_high (the result's interval, Wh; None without one), status.
    """
    rows = []
    for item in results:
        name, result = item if isinstance(item, tuple) else (None, item)
        record = result.to_dict() if hasattr(result, "to_dict") else dict(result)
        energy = record.get("energy_kwh")
        interval = _interval_of(record) if energy is not None else None
        rows.append(
            {
                label: name,
                "phase": record.get("phase"),
                "duration_s": record.get("duration_s"),
                "energy_wh": None if energy is None else 1000.0 * energy,
                "energy_wh_low": None if interval is None else 1000.0 * interval.low,
                "energy_wh_high": None if interval is None else 1000.0 * interval.high,
                "status": record.get("status"),
            }
        )
    return pd.DataFrame(rows)


def energy_bars(
    table: pd.DataFrame,
    *,
    x: str = "model",
    hue: str = "phase",
    ax: plt.Axes | None = None,
    unit: str | None = None,
) -> plt.Axes:
    """Bar chart of energy per model and phase, saying in the title if measured or estimated.

    Parameters
    ----------
    table : pandas.DataFrame
        As returned by :func:`energy_table` (``energy_wh`` and ``status`` columns; with
        ``energy_wh_low`` and ``energy_wh_high`` the intervals are drawn as error bars,
        clipped at 0 Wh). Rows sharing ``x`` and ``hue`` are repeats: their median is drawn,
        the error bar spans their lowest low to their highest high.
    x, hue : str
        Columns for the bar positions and colours.
    ax : matplotlib.axes.Axes, optional
        Where to draw.
    unit : {"kWh", "Wh", "mWh", "µWh"}, optional
        Unit of the bars; default the engineering unit that reads best for the table.
    """
    _require(table, [x, hue, "energy_wh", "status"], "energy_bars")
    ax = _axes(ax)
    columns = [c for c in ("energy_wh", "energy_wh_low", "energy_wh_high") if c in table]
    wh = table[columns].apply(pd.to_numeric, errors="coerce")
    unit, factor = energy_unit((wh / 1e3).to_numpy().ravel(), unit)
    scaled = table.assign(**{c: wh[c] * factor / 1e3 for c in columns})
    bars = summarise_bars(scaled, keys=list(dict.fromkeys([x, hue])), value="energy_wh")
    interval_barplot(bars, category=x, value="energy_wh", hue=hue, ax=ax)
    ax.set(
        xlabel=_words(x),
        ylabel=f"energy ({unit})",
        title=f"Energy per {_words(x)} and {hue} ({status_words(table['status'])})",
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
    label = column_label(value)
    sns.heatmap(grid, annot=True, fmt=".3g", cmap="rocket_r", ax=ax, cbar_kws={"label": label})
    ax.set(
        xlabel="renewable share of the electricity bought, ε",
        ylabel="country (grid)",
        title=f"The same run's {label} across grids (PUE {pue:g})",
    )
    return ax


def facility_breakdown(
    facility: Any,
    *,
    unit: str | None = None,
    status: str | None = None,
    ax: plt.Axes | None = None,
    interval: Any = None,
) -> plt.Axes:
    """Bar chart of E_total split into computation, data-centre and cooling energy.

    Parameters
    ----------
    facility : FacilityEnergy
        A result of :func:`greennb.facility_energy` (energies in kWh).
    unit : {"kWh", "Wh", "mWh", "µWh"}, optional
        Unit of the bars; default the engineering unit that reads best for E_total.
    status : str, optional
        How the computation energy was obtained (``"measured"`` or ``"estimated"``), shown in
        the title; default the status of ``interval`` when it is a result.
    ax : matplotlib.axes.Axes, optional
        Where to draw.
    interval : EnergyInterval, EnergyResult or EnergyTotal, optional
        The computation energy's interval (kWh; a result's ``.interval``), drawn as error
        bars: each part is a fixed multiple of the computation energy (1, (PUE − 1)(1 − s)
        and (PUE − 1)·s for a cooling share s), so its interval is that multiple of the
        computation's. The title gives E_total's interval.

    Raises
    ------
    ValueError
        For an unknown unit, or an interval whose value is not the facility's computation
        energy.
    """
    if status is None and interval is not None:
        status = getattr(interval, "status", None)
    bounds = _interval_of(interval) if interval is not None else None
    largest = facility.total_kwh * (bounds.high / bounds.value if bounds and bounds.value else 1)
    unit, scale = energy_unit([largest], unit)
    if bounds is not None and not math.isclose(
        bounds.value, facility.computation_kwh, rel_tol=1e-9, abs_tol=1e-15
    ):
        raise InvalidValueError(
            INTERVAL_MISMATCH_MSG.format(value=bounds.value, computation=facility.computation_kwh)
        )
    overhead = facility.pue - 1.0
    multiples = [1.0, overhead * (1.0 - facility.cooling_share), overhead * facility.cooling_share]
    energies = [facility.computation_kwh, facility.data_center_kwh, facility.cooling_kwh]
    table = pd.DataFrame(
        {"part": ["computation", "data centre", "cooling"], "energy": [e * scale for e in energies]}
    )
    if bounds is not None:
        table["energy_low"] = [bounds.low * m * scale for m in multiples]
        table["energy_high"] = [bounds.high * m * scale for m in multiples]
    ax = _axes(ax)
    bars = summarise_bars(table, keys=["part"], value="energy")
    interval_barplot(bars, category="part", value="energy", hue="part", legend=False, ax=ax)
    total = f"{facility.total_kwh * scale:.3g}"
    if bounds is not None:
        low, high = (b * facility.pue * scale for b in (bounds.low, bounds.high))
        total += f" [{low:.3g}–{high:.3g}]"
    ax.set(
        xlabel="part of E_total",
        ylabel=f"energy ({unit})",
        title=(
            f"E_total = {total} {unit} at PUE {facility.pue:g} "
            f"(computation + data centre + cooling), {status_words([status])}"
        ),
    )
    return ax


def footprint_bars(
    table: pd.DataFrame, *, value: str = "total_kwh", ax: plt.Axes | None = None
) -> plt.Axes:
    """Horizontal bars of energy or emissions: one bar per case, dataset, model and parameters.

    Different cases, datasets, models or parameter sets are never averaged into one bar. Runs
    that share all of them are repeats: their bar is the median, and its error bar spans the
    lowest low to the highest high of their intervals (``<value>_low`` / ``<value>_high``
    columns, when present), clipped at 0.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per (run, model) with ``case``, ``model``, the status column and ``value``
        columns, as :func:`greennb.report.collect_runs` returns; ``dataset`` and
        ``parameter_set`` tell bars apart too, when present; a bar with a run flagged
        ``machine_shared`` says so in its label.
    value : {"total_kwh", "energy_kwh", "emissions_g", "train_kwh", "inference_kwh_per_1000"}
        Quantity drawn: facility or computation energy, training energy or energy per 1,000
        predictions (in the engineering unit that reads best) or g CO2e. Its status
        column is ``energy_status`` (``train_status``, ``inference_status`` for the last
        two).
    ax : matplotlib.axes.Axes, optional
        Where to draw.
    """
    label, factor = _unit_factor(value, FOOTPRINT_VALUES, name="footprint value")
    status = _FOOTPRINT_STATUS.get(value, "energy_status")
    _require(table, ["case", "model", status, value], "footprint_bars")
    if "(Wh)" in label:  # an energy: one engineering unit for the figure's values
        energies = [c for c in (value, f"{value}_low", f"{value}_high") if c in table.columns]
        unit, factor = energy_unit(table[energies].to_numpy().ravel())
        label = label.replace("(Wh)", f"({unit})")
    keys = [key for key in _FOOTPRINT_KEYS if key in table.columns]
    shown = {value: table[value]}
    for bound in ("low", "high"):
        if f"{value}_{bound}" in table.columns:
            shown[f"{value}_{bound}"] = table[f"{value}_{bound}"]
    numbers = {
        name: pd.to_numeric(column, errors="coerce") * factor for name, column in shown.items()
    }
    frame = table[keys].astype(str).assign(**numbers)
    bars = summarise_bars(frame.sort_values(keys, kind="stable"), keys=keys, value=value)
    bars["bar"] = _bar_labels(bars, keys)
    if "machine_shared" in table.columns:  # a shared machine's figures are not attributable
        flagged = frame[table["machine_shared"].eq(True)]
        shared = set(flagged[keys].itertuples(index=False, name=None))
        keyed = zip(bars["bar"], bars[keys].itertuples(index=False, name=None), strict=True)
        bars["bar"] = [label + SHARED_LABEL if key in shared else label for label, key in keyed]
    ax = _axes(ax)
    if bars.empty:
        ax.text(0.5, 0.5, f"no {label} recorded", transform=ax.transAxes, ha="center")
    else:
        interval_barplot(
            bars, category="bar", value=value, hue="case", legend=False, ax=ax, horizontal=True
        )
    statuses = status_words(table[status])
    names = " / ".join(key for key in keys if key != "parameter_set")
    ax.set(xlabel=label, ylabel=names, title=f"per {names.replace(' / ', ', ')} ({statuses})")
    return ax


def _bar_labels(bars: pd.DataFrame, keys: list[str]) -> pd.Series:
    """``case / dataset / model``, with the parameter set where one triple has several, and runs."""
    names = [key for key in keys if key != "parameter_set"]
    labels = pd.Series(
        [" / ".join(row) for row in bars[names].itertuples(index=False)],
        index=bars.index,
        dtype=object,
    )
    if "parameter_set" in keys:
        several = bars.groupby(names)["parameter_set"].transform("nunique") > 1
        labels = labels.where(~several, labels + " · parameters " + bars["parameter_set"])
    runs = bars["runs"].map(lambda n: f" ({n} runs)" if n > 1 else "")
    return labels + runs


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
        ``pue``, ``renewable_share``, ``emissions_g``) stacked with an ``x`` column; with
        ``emissions_g_low`` and ``emissions_g_high`` (the energy's interval priced the same
        way) the intervals are drawn as error bars, clipped at 0. Rows sharing ``x`` and the
        country are drawn as their median, the error bar spanning their lowest low to their
        highest high.
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
    columns = [c for c in ("emissions_g", "emissions_g_low", "emissions_g_high") if c in table]
    frame = table[[x]].assign(
        grid=table["country"].map(names), **{c: table[c].astype(float) * factor for c in columns}
    )
    ax = _axes(ax, figsize=(8.0, 4.0))
    bars = summarise_bars(frame, keys=[x, "grid"], value="emissions_g")
    interval_barplot(bars, category=x, value="emissions_g", hue="grid", ax=ax)
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
