"""Intervals on figures: error bars from ``<value>_low`` / ``<value>_high`` columns, never below 0.

Every energy greennb reports carries a low–high interval (:class:`greennb.energy.EnergyInterval`,
the cited error range of its method). A figure draws it as error bars when its table has the
columns ``<value>_low`` and ``<value>_high`` beside ``<value>``; energies and emissions cannot
be negative, so every lower end is clipped at 0.

Bars are drawn by seaborn from three rows per bar (low, value, high) with the median as the
estimator and the rows' range as the error bar: the bar is exactly the value (the middle of
three ordered numbers) and the error bar exactly the interval, placed by seaborn itself.
Several rows for one bar (repeats of the same parameters) are first summarised by
:func:`summarise_bars`: the median value and, as the error bar, the lowest low to the highest
high, so that the bar shows both the run-to-run spread and the methods' intervals.

Examples
--------
>>> import pandas as pd
>>> table = pd.DataFrame({"m": ["a", "a", "b"], "e": [1.0, 3.0, 2.0],
...                       "e_low": [0.5, -1.0, 1.0], "e_high": [2.0, 4.0, 3.0]})
>>> summarise_bars(table, keys=["m"], value="e").to_dict("list")
{'m': ['a', 'b'], 'e': [2.0, 2.0], 'e_low': [0.0, 1.0], 'e_high': [4.0, 3.0], 'runs': [2, 1]}
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns


def interval_columns(table: pd.DataFrame, value: str) -> tuple[str, str] | None:
    """Return ``(<value>_low, <value>_high)`` when the table has both columns, else None."""
    low, high = f"{value}_low", f"{value}_high"
    return (low, high) if low in table.columns and high in table.columns else None


def clipped_bounds(table: pd.DataFrame, value: str) -> tuple[pd.Series, pd.Series]:
    """Return the interval's bounds of ``value``: low clipped at 0 and at most the value.

    Where the table has no interval columns, or a row has no bound, the bound is the value
    itself (an error bar of zero length: nothing is invented).
    """
    values = pd.to_numeric(table[value], errors="coerce").astype(float)
    columns = interval_columns(table, value)
    if columns is None:
        return values.clip(lower=0.0), values
    low = pd.to_numeric(table[columns[0]], errors="coerce").astype(float).fillna(values)
    high = pd.to_numeric(table[columns[1]], errors="coerce").astype(float).fillna(values)
    return np.minimum(low, values).clip(lower=0.0), np.maximum(high, values)


def summarise_bars(table: pd.DataFrame, *, keys: Sequence[str], value: str) -> pd.DataFrame:
    """One row per bar (``keys``): the median of ``value`` and the widest interval, with ``runs``.

    Parameters
    ----------
    table : pandas.DataFrame
        Rows with ``keys``, ``value`` and optionally ``<value>_low`` / ``<value>_high``.
    keys : sequence of str
        The columns that make a bar; rows sharing them are repeats.
    value : str
        The quantity.

    Returns
    -------
    pandas.DataFrame
        ``keys``, ``value`` (median of the repeats), ``<value>_low`` (lowest low or value,
        clipped at 0), ``<value>_high`` (highest high or value) and ``runs`` (rows summarised),
        in the order of first appearance. Rows without a value are left out.
    """
    low, high = clipped_bounds(table, value)
    frame = table[list(keys)].assign(
        _value=pd.to_numeric(table[value], errors="coerce").astype(float), _low=low, _high=high
    )
    frame = frame[frame["_value"].notna()]
    grouped = frame.groupby(list(keys), sort=False, dropna=False)
    summary = grouped.agg(_value=("_value", "median"), _low=("_low", "min"), _high=("_high", "max"))
    summary["runs"] = grouped.size()
    return summary.reset_index().rename(
        columns={"_value": value, "_low": f"{value}_low", "_high": f"{value}_high"}
    )


def interval_barplot(
    frame: pd.DataFrame,
    *,
    category: str,
    value: str,
    hue: str | None,
    ax: plt.Axes,
    horizontal: bool = False,
    **options: Any,
) -> plt.Axes:
    """Draw one bar per row of ``frame`` with its interval as the error bar.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per bar: ``category``, ``value``, ``<value>_low``, ``<value>_high`` (and
        ``hue``), as :func:`summarise_bars` returns.
    category, value, hue : str
        Columns of the bar positions, lengths and colours.
    ax : matplotlib.axes.Axes
        Where to draw.
    horizontal : bool, default False
        Horizontal bars (``category`` on the y axis).
    **options
        Passed on to :func:`seaborn.barplot` (``legend``, ``palette``...).
    """
    low, high = f"{value}_low", f"{value}_high"
    long = pd.concat(
        [frame.assign(_shown=frame[column]) for column in (low, value, high)], ignore_index=True
    )
    axes = {"y": category, "x": "_shown"} if horizontal else {"x": category, "y": "_shown"}
    sns.barplot(
        data=long,
        **axes,
        hue=hue,
        estimator="median",
        errorbar=_range,
        ax=ax,
        **options,
    )
    return ax


def _range(values: pd.Series) -> tuple[float, float]:
    """Return the error bar of a bar drawn from its (low, value, high) rows: their range."""
    return float(np.min(values)), float(np.max(values))


def scatter_errorbars(
    ax: plt.Axes, table: pd.DataFrame, *, x: str, y: str, color: str = "grey"
) -> None:
    """Draw horizontal error bars of ``x`` from its interval columns, when the table has them."""
    if interval_columns(table, x) is None:
        return
    values = pd.to_numeric(table[x], errors="coerce").astype(float)
    low, high = clipped_bounds(table, x)
    ax.errorbar(
        values,
        pd.to_numeric(table[y], errors="coerce").astype(float),
        xerr=np.vstack([values - low, high - values]),
        fmt="none",
        ecolor=color,
        elinewidth=1.0,
        capsize=3,
        zorder=1,
        label="_interval",
    )
