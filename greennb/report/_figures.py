"""The report's figures: quality against energy coloured by R, and the footprint per model.

Both take the table of :func:`~greennb.report.collect_runs` (not empty) and return a
matplotlib Figure of panels side by side; matplotlib and the plots are imported when a figure
is drawn, so that collecting runs does not load them. Every energy and emissions figure is
drawn with its interval as an error bar that never goes below 0.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # matplotlib and seaborn are imported when a figure is drawn
    import matplotlib.pyplot as plt


def _side_by_side(panels: int, width: float, height: float) -> tuple[plt.Figure, np.ndarray]:
    """Return a figure of ``panels`` Axes in one row, each ``width`` by ``height`` inches.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> figure, axes = _side_by_side(2, 6.4, 3.0)
    >>> len(axes), figure.get_size_inches().tolist()
    (2, [12.8, 3.0])
    >>> matplotlib.pyplot.close(figure)
    """
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(
        1, panels, figsize=(width * panels, height), layout="constrained", squeeze=False
    )
    return figure, axes[0]


def _panels(table: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """Split the table into trade-off panels with comparable quality scales.

    Accuracy (a fraction) is comparable across datasets; an error in target units (MAE of
    ridership in thousands, of demand in GW) only within one dataset.
    """
    panels = []
    for metric, rows in table.groupby("quality_metric", sort=True):
        if str(metric).lower() == "accuracy":
            panels.append((str(metric), rows))
            continue
        for dataset, subset in rows.groupby("dataset", sort=True):
            panels.append((f"{metric} ({dataset})", subset))
    return panels


def _tradeoff_panel(rows: pd.DataFrame, title: str, ax: plt.Axes) -> None:
    """Draw one panel: the rows' quality against energy, models with R = NaN as grey crosses."""
    from greennb.plots import tradeoff_scatter

    metric = str(rows["quality_metric"].iloc[0])
    # R to 3 digits: seaborn's legend lists the distinct values of a few-valued hue.
    frame = rows.rename(columns={"quality": metric}).assign(sri=rows["sri"].round(3))
    defined = frame[np.isfinite(frame["sri"])]
    tradeoff_scatter(defined if len(defined) else frame, y=metric, label="model", ax=ax)
    undefined = frame[~np.isfinite(frame["sri"])]
    if len(defined) and len(undefined):
        energy = undefined["energy_kwh"]
        low = np.minimum(undefined["energy_kwh_low"].fillna(energy), energy).clip(lower=0.0)
        high = np.maximum(undefined["energy_kwh_high"].fillna(energy), energy)
        ax.errorbar(
            energy, undefined[metric], xerr=[energy - low, high - energy], fmt="none",
            ecolor="grey", capsize=3, label="_interval",
        )  # fmt: skip
        ax.scatter(
            undefined["energy_kwh"], undefined[metric], marker="x", color="grey", label="R = NaN"
        )
        ax.legend(title="sri")
    unit = rows["quality_unit"].dropna()
    unit = unit.iloc[0] if len(unit) else "target units"
    better = "higher" if unit == "fraction" else "lower"
    ax.set(
        ylabel=f"{metric} ({unit}; {better} is better)",
        title=f"{title}: quality vs energy, colour = R",
    )


def tradeoff_figure(table: pd.DataFrame) -> plt.Figure:
    """Trade-off scatter panels (quality vs computation energy, coloured by R) of a report table.

    Parameters
    ----------
    table : pandas.DataFrame
        As returned by :func:`~greennb.report.collect_runs` (not empty).

    Returns
    -------
    matplotlib.figure.Figure
        One panel per quality scale: accuracy for all classification runs, and one per
        (error metric, dataset) for regression and forecasts.
    """
    panels = _panels(table)
    figure, axes = _side_by_side(len(panels), 6.4, 4.4)
    for (title, rows), ax in zip(panels, axes, strict=True):
        _tradeoff_panel(rows, title, ax)
    return figure


#: The footprint figure's panels, left to right (columns of the report table).
FOOTPRINT_PANELS = ("train_kwh", "inference_kwh_per_1000", "emissions_g")
#: What makes one footprint bar: runs sharing all of these are repeats.
FOOTPRINT_BAR = ["case", "dataset", "model", "parameter_set"]


def footprint_figure(table: pd.DataFrame) -> plt.Figure:
    """Training energy, energy per 1,000 predictions (Wh) and emissions (g CO2e) per model.

    One bar per case, dataset, model and parameter set: different datasets, cases or
    parameters are never averaged. Runs that repeat the same parameters share a bar, their
    median, with an error bar from the lowest low to the highest high of their intervals
    (never below 0).

    Parameters
    ----------
    table : pandas.DataFrame
        The report table; three panels of horizontal bars (:data:`FOOTPRINT_PANELS`).

    Returns
    -------
    matplotlib.figure.Figure
        Training computation energy, computation energy per 1,000 predictions, and emissions
        of all the model's recorded phases (facility energy × grid × (1 − ε)).
    """
    from greennb.plots import footprint_bars

    height = 1.2 + 0.35 * table[FOOTPRINT_BAR].astype(str).drop_duplicates().shape[0]
    figure, axes = _side_by_side(len(FOOTPRINT_PANELS), 6.4, height)
    for value, ax in zip(FOOTPRINT_PANELS, axes, strict=True):
        footprint_bars(table, value=value, ax=ax)
    return figure
