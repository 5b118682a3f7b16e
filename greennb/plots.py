"""Seaborn figures for the notebooks and the report.

Every function takes ``ax=None`` (a new figure when None), labels its axes with units, sets a
title, and returns the Axes. Save a figure into a run with
:meth:`greennb.record.RunRecord.save_figure`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

NO_COLUMNS_MSG = "{what} needs the columns {needed}; the table has {available}."


def _axes(ax: plt.Axes | None, figsize: tuple[float, float] = (6.4, 4.0)) -> plt.Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def _require(frame: pd.DataFrame, needed: Sequence[str], what: str) -> None:
    missing = [column for column in needed if column not in frame.columns]
    if missing:
        raise ValueError(
            NO_COLUMNS_MSG.format(what=what, needed=list(needed), available=list(frame.columns))
        )


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
        xlabel=x.replace("_", " "),
        ylabel="energy (Wh)",
        title=f"Energy per {x.replace('_', ' ')} and {hue} ({', '.join(statuses)})",
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


def group_bars(sri: Any, *, column: str | None = None, ax: plt.Axes | None = None) -> plt.Axes:
    """Per-group values of an SRI's metric, with the compliance bar relative to the best group.

    Parameters
    ----------
    sri : SRIResult
        A result of :func:`greennb.social_responsibility_index`.
    column : str, optional
        Column of ``sri.by_group`` to draw; default the first numeric column that is not a
        count or a flag.
    ax : matplotlib.axes.Axes, optional
        Where to draw.
    """
    table = sri.by_group.reset_index()
    group = table.columns[0]
    if column is None:
        skip = {"size", "count", "small", "numerator", "denominator"}
        numeric = [
            c
            for c in table.select_dtypes("number").columns
            if c not in skip and not str(c).endswith(("_numerator", "_denominator", "_count"))
        ]
        column = numeric[0]
    ax = _axes(ax)
    sns.barplot(data=table, x=group, y=column, ax=ax, color="tab:blue")
    best = table[column].max()
    ax.axhline(sri.bar * best, color="tab:red", linestyle="--", label=f"bar B={sri.bar:g} × best")
    ax.legend(loc="lower right")
    ax.set(
        xlabel=str(group),
        ylabel=str(column).replace("_", " "),
        title=f"{column.replace('_', ' ')} by group — R = {sri.value:.2f}",
    )
    return ax


def tradeoff_scatter(
    table: pd.DataFrame,
    *,
    x: str = "energy_kwh",
    y: str = "accuracy",
    hue: str = "sri",
    label: str | None = "model",
    ax: plt.Axes | None = None,
) -> plt.Axes:
    """Scatter of quality against energy, coloured by the social responsibility index.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per model or run.
    x, y, hue : str
        Columns for energy (kWh), quality and colour (R).
    label : str, optional
        Column whose values annotate the points.
    ax : matplotlib.axes.Axes, optional
        Where to draw.
    """
    _require(table, [x, y, hue], "tradeoff_scatter")
    ax = _axes(ax)
    sns.scatterplot(data=table, x=x, y=y, hue=hue, palette="viridis", s=80, ax=ax)
    if label and label in table.columns:
        for _, row in table.iterrows():
            ax.annotate(
                str(row[label]), (row[x], row[y]), textcoords="offset points", xytext=(4, 4)
            )
    ax.set(
        xlabel=x.replace("_", " ").replace("kwh", "(kWh)"),
        ylabel=y.replace("_", " "),
        title=f"Trade-off: {y.replace('_', ' ')} vs energy, coloured by {hue}",
    )
    return ax
