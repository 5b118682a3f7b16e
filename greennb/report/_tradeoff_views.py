"""The report's interactive trade-off views: plotly figures, one per view, case, dataset, metric.

Three views (:data:`VIEWS`) of the report table, each point one (run, model):

- ``quality-energy``: task quality against computation energy (Wh, with its interval as an
  error bar), the Pareto front of the two (:func:`greennb.plots.pareto_optimal`: no other point
  measurably cheaper and at least as good) circled and joined by a step line;
- ``quality-sri``: quality against the social responsibility index R = A / B, with the line
  R = 1 (the compliance bar met);
- ``energy-sri``: R against computation energy, with the line R = 1.

A panel never mixes cases, datasets or quality metrics: a metric in target units (MAE of
ridership in thousands) is only comparable within one dataset, and runs of different cases
answer different questions. Points are coloured by model (the same colour in every panel);
each carries its row's position in the table as ``customdata``, so that the page can filter
the points with the table rows and show the row's hover text (run id, dataset, the parameters
that differ between the case's runs, quality, energy, R).

plotly was chosen for the interactive report because it is one pip package that bundles its
JavaScript (embedded once, offline, and working from ``file://``) and has hover, zoom and
legend toggling built in; Altair/Vega-Lite would need three JavaScript bundles (vega,
vega-lite, vega-embed) inlined by hand, bokeh a heavier bundle and a server for the explorer's
callbacks.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from greennb._validation import one_of, require_columns

if TYPE_CHECKING:  # plotly is imported when a figure is drawn
    import plotly.graph_objects as go

#: The trade-off views, as the page's ``data-view`` names them.
VIEWS = ("quality-energy", "quality-sri", "energy-sri")
# Columns a view reads.
_COLUMNS = ("case", "dataset", "model", "quality_metric", "quality", "quality_unit", "sri",
            "energy_kwh", "energy_kwh_low", "energy_kwh_high")  # fmt: skip
# Significant digits of a plotted position (the hover text shows the figures): a smaller page.
_DIGITS = 4
# Plotly's qualitative palettes, concatenated: a model keeps its colour across the panels.
_PALETTE_NAMES = ("Plotly", "Dark24")
R_LINE = "R = 1: the compliance bar met"


@dataclass(frozen=True)
class TradeoffView:
    """One trade-off panel of the report.

    Attributes
    ----------
    view : str
        One of :data:`VIEWS`.
    case, dataset, metric : str
        What the panel shows: one case, one dataset, one quality metric.
    figure : plotly.graph_objects.Figure
        The panel; each point's ``customdata`` is its row's position in the table.
    """

    view: str
    case: str
    dataset: str
    metric: str
    figure: go.Figure


def _rounded(values: pd.Series) -> list[float | None]:
    """Return values as a list, to :data:`_DIGITS` significant digits, NaN as None."""
    return [
        None if not math.isfinite(v) else float(f"{v:.{_DIGITS}g}") for v in values.astype(float)
    ]


def _energy_error(rows: pd.DataFrame) -> dict:
    """Return a horizontal error bar of the energy interval (Wh), clipped at 0."""
    energy = rows["energy_kwh"]
    low = np.minimum(rows["energy_kwh_low"].fillna(energy), energy).clip(lower=0.0)
    high = np.maximum(rows["energy_kwh_high"].fillna(energy), energy)
    return {
        "type": "data",
        "symmetric": False,
        "array": _rounded((high - energy) * 1000),
        "arrayminus": _rounded((energy - low) * 1000),
        "thickness": 1,
        "width": 0,
    }


# What each view plots: its x and y columns.
_AXES = {
    "quality-energy": ("energy_wh", "quality"),
    "quality-sri": ("sri", "quality"),
    "energy-sri": ("energy_wh", "sri"),
}


def _axis_title(column: str, metric: str, unit: str) -> str:
    if column == "energy_wh":
        return "computation energy (Wh; bars: interval)"
    if column == "sri":
        return "R = A / B (social responsibility index; ≥ 1 meets the bar)"
    better = "higher" if unit == "fraction" else "lower"
    return html.escape(f"{metric} ({unit}; {better} is better)")


def _log_energy(rows: pd.DataFrame) -> bool:
    """Tell whether the panel's energies span more than 10× (a log axis then), all > 0."""
    energy = rows["energy_wh"].dropna()
    return bool(len(energy) and energy.min() > 0 and energy.max() > 10 * energy.min())


def _model_traces(rows: pd.DataFrame, x: str, y: str, colours: dict[str, str]) -> list[dict]:
    traces = []
    for model, points in rows.groupby("model", sort=False):
        trace = {
            "type": "scatter",
            "mode": "markers",
            "name": html.escape(str(model)),
            "x": _rounded(points[x]),
            "y": _rounded(points[y]),
            "customdata": points["row"].tolist(),
            "marker": {"color": colours[str(model)], "size": 9},
            "hovertemplate": "%{text}<extra></extra>",
        }
        if x == "energy_wh":
            trace["error_x"] = {**_energy_error(points), "color": colours[str(model)]}
        traces.append(trace)
    return traces


def _pareto_trace(rows: pd.DataFrame) -> dict | None:
    """Return the Pareto front of quality against energy as a step line of circled points."""
    from greennb.plots import pareto_optimal

    better_lower = str(rows["quality_unit"].iloc[0]) != "fraction"
    scored = rows.assign(score=-rows["quality"] if better_lower else rows["quality"])
    front = rows[pareto_optimal(scored, x="energy_wh", y="score")].sort_values("energy_wh")
    if front.empty:
        return None
    return {
        "type": "scatter",
        "mode": "lines+markers",
        "name": "Pareto front",
        "x": _rounded(front["energy_wh"]),
        "y": _rounded(front["quality"]),
        "customdata": front["row"].tolist(),
        "line": {"shape": "hv", "color": "black", "width": 1, "dash": "dot"},
        "marker": {"symbol": "circle-open", "size": 16, "color": "black", "line": {"width": 2}},
        "hovertemplate": "on the Pareto front<br>%{text}<extra></extra>",
    }


def _figure(view: str, rows: pd.DataFrame, title: str, colours: dict[str, str]) -> go.Figure | None:
    """Return one panel of a view, or None when none of its rows has both figures."""
    import plotly.graph_objects as go

    x, y = _AXES[view]
    metric, unit = str(rows["quality_metric"].iloc[0]), str(rows["quality_unit"].iloc[0])
    rows = rows[np.isfinite(rows[x].astype(float)) & np.isfinite(rows[y].astype(float))]
    if x == "energy_wh":
        rows = rows[rows["energy_wh"] > 0] if _log_energy(rows) else rows
    if rows.empty:
        return None
    traces = _model_traces(rows, x, y, colours)
    pareto = _pareto_trace(rows) if view == "quality-energy" else None
    figure = go.Figure([*traces, *([pareto] if pareto else [])])
    figure.update_layout(
        template="none",
        title={"text": html.escape(title), "font": {"size": 14}, "x": 0.01, "xanchor": "left"},
        xaxis={"title": {"text": _axis_title(x, metric, unit)}, "gridcolor": "#eee",
               "type": "log" if x == "energy_wh" and _log_energy(rows) else "linear"},
        yaxis={"title": {"text": _axis_title(y, metric, unit)}, "gridcolor": "#eee"},
        height=420,
        margin={"l": 70, "r": 20, "t": 50, "b": 60},
        legend={"font": {"size": 11}},
        hovermode="closest",
    )  # fmt: skip
    line = {"line_dash": "dash", "line_color": "firebrick", "annotation_text": R_LINE}
    if view == "quality-sri":
        figure.add_vline(x=1.0, name="R = 1", **line)
    elif view == "energy-sri":
        figure.add_hline(y=1.0, name="R = 1", **line)
    return figure


def _colours(models: Sequence[str]) -> dict[str, str]:
    """Return a colour per model, the same in every panel."""
    from plotly import colors

    palette = [c for name in _PALETTE_NAMES for c in getattr(colors.qualitative, name)]
    return {model: palette[i % len(palette)] for i, model in enumerate(sorted(set(models)))}


def tradeoff_views(
    table: pd.DataFrame, views: Sequence[str] = VIEWS, *, models: Sequence[str] | None = None
) -> list[TradeoffView]:
    """Return the interactive trade-off panels of a report table.

    Parameters
    ----------
    table : pandas.DataFrame
        The report table (:func:`~greennb.report.collect_runs`), or any table with its
        case, dataset, model, quality, R and energy columns.
    views : sequence of str, default VIEWS
        Which views, of :data:`VIEWS`.
    models : sequence of str, optional
        The models that fix the colours (default the table's): give the whole store's when
        ``table`` is a filtered part of it, so that a model keeps its colour across filters.

    Returns
    -------
    list of TradeoffView
        One per (view, case, dataset, quality metric) with points to show, sorted by case,
        dataset, metric, then view. Energy is in Wh (the table's kWh × 1,000), on a log axis
        when a panel's energies span more than 10×; each trace is one model, the Pareto front
        a trace of its own; points carry no hover text (``text``): the page adds it, from
        the row's position in ``customdata``.

    Raises
    ------
    greennb.errors.InvalidValueError
        If a view is not one of :data:`VIEWS`, or the table lacks a column.
    """
    views = [one_of(view, VIEWS, name="view") for view in views]
    require_columns(table, _COLUMNS, role="report table")
    frame = table.reset_index(drop=True).assign(
        row=range(len(table)), energy_wh=table["energy_kwh"].to_numpy(dtype=float) * 1000
    )
    frame = frame[frame["quality_metric"].notna()]
    frame[["dataset", "quality_unit"]] = frame[["dataset", "quality_unit"]].fillna("")
    colours = _colours([*map(str, models)] if models is not None else frame["model"].astype(str))
    panels = []
    for (case, dataset, metric), rows in frame.groupby(
        ["case", "dataset", "quality_metric"], sort=True
    ):
        for view in views:
            figure = _figure(view, rows, f"{case} · {dataset} · {metric}", colours)
            if figure is not None:
                panels.append(TradeoffView(view, str(case), str(dataset), str(metric), figure))
    return panels
