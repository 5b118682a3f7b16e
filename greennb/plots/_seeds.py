"""Seed variance: each grid point's mean over seeds with its 95 % interval, and every seed.

:func:`seed_errorbars` draws the table of :func:`greennb.report.seed_summary`: one error bar
per grid point (x) and model (side by side), the mean with its 95 % interval, and, when the runs
are given, each seed's value as a small dot, so the spread the interval summarises is visible.
Energy is shown in the engineering unit that reads best; a point measured on a shared machine
is drawn hollow and the legend says its energy is not attributable.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from greennb.plots._axes import _axes, _require, energy_unit

#: The summarised figures and their axis words (energy gets its unit added).
SEED_LABELS = {"quality": "quality", "sri": "R = A / B", "energy_kwh": "computation energy"}
_SHARED_NOTE = "hollow: machine shared, energy not attributable"


def _point_labels(frame: pd.DataFrame, parameters: Sequence[str]) -> pd.Series:
    if not parameters:
        return pd.Series(["all"] * len(frame), index=frame.index)
    return (
        frame[list(parameters)]
        .astype(str)
        .apply(lambda row: ", ".join(f"{k}={v}" for k, v in row.items()), axis=1)
    )


def seed_errorbars(
    summary: pd.DataFrame,
    *,
    metric: str = "quality",
    parameters: Sequence[str] = (),
    runs: pd.DataFrame | None = None,
    ax: plt.Axes | None = None,
) -> plt.Axes:
    """Plot each grid point's mean over seeds with its 95 % interval, per model.

    Parameters
    ----------
    summary : pandas.DataFrame
        From :func:`greennb.report.seed_summary`: ``model``, the grid parameters,
        ``<metric>_mean``, ``<metric>_low``, ``<metric>_high``, ``n_seeds``, and
        ``machine_shared`` for energy.
    metric : {"quality", "sri", "energy_kwh"}
        The figure to plot (energy in kWh, shown in the unit that reads best).
    parameters : sequence of str
        The grid parameters (the seed is left out), which name the x positions.
    runs : pandas.DataFrame, optional
        The runs summarised (:func:`greennb.report.sweep_runs`): each seed's value is drawn.
    ax : matplotlib.axes.Axes, optional
        Where to draw; default a new figure.

    Returns
    -------
    matplotlib.axes.Axes
    """
    columns = [f"{metric}_{s}" for s in ("mean", "low", "high")]
    _require(summary, ["model", "n_seeds", *columns], "seed_errorbars")
    kept = [p for p in parameters if p in summary.columns and p != "seed"]
    ax = _axes(ax)
    unit, factor = ("", 1.0)
    if metric == "energy_kwh":
        unit, factor = energy_unit(summary[f"{metric}_high"].fillna(summary[f"{metric}_mean"]))
    labels = _point_labels(summary, kept)
    order = list(dict.fromkeys(labels))
    models = list(dict.fromkeys(summary["model"]))
    width = 0.8 / max(len(models), 1)
    for m, model in enumerate(models):
        offset = (m - (len(models) - 1) / 2) * width
        rows = summary[summary["model"] == model]
        x = np.array([order.index(label) for label in labels[rows.index]]) + offset
        mean, low, high = (rows[c].to_numpy(float) * factor for c in columns)
        errors = np.vstack([np.nan_to_num(mean - low), np.nan_to_num(high - mean)])
        shared = (
            rows["machine_shared"] if "machine_shared" in rows else pd.Series(False, rows.index)
        )
        hollow = shared.astype(bool).to_numpy() & (metric == "energy_kwh")
        color = f"C{m}"
        ax.errorbar(x, mean, yerr=errors, fmt="none", capsize=4, color=color, label="_nolegend_")
        ax.scatter(x[~hollow], mean[~hollow], color=color, zorder=3, label=str(model))
        if hollow.any():
            ax.scatter(
                x[hollow],
                mean[hollow],
                facecolors="none",
                edgecolors=color,
                zorder=3,
                label=f"{model} ({_SHARED_NOTE})",
            )
        if runs is not None and metric in runs.columns:
            _seed_dots(ax, runs[runs["model"] == model], kept, order, offset, factor, metric)
    ax.set_xticks(range(len(order)), order, rotation=20 if len(order) > 3 else 0)
    words = SEED_LABELS.get(metric, metric)
    if metric == "quality" and "quality_metric" in summary.columns:
        words = ", ".join(dict.fromkeys(summary["quality_metric"].astype(str)))
    ax.set_ylabel(f"{words} ({unit})" if unit else words)
    ax.set_xlabel(", ".join(kept) or "grid point")
    seeds = int(summary["n_seeds"].max())
    ax.set_title(f"{words}: mean of up to {seeds} seeds, 95 % t interval")
    ax.legend(fontsize="small")
    return ax


def _seed_dots(ax, runs, kept, order, offset: float, factor: float, metric: str) -> None:
    """Draw each seed's value as a small grey dot at its grid point."""
    labels = _point_labels(runs, kept)
    shown = labels.isin(order).to_numpy()
    x = np.array([order.index(label) for label in labels[shown]]) + offset
    y = pd.to_numeric(runs[metric], errors="coerce").to_numpy(float)[shown] * factor
    ax.scatter(x, y, s=10, color="grey", alpha=0.6, zorder=2, label="_nolegend_")
