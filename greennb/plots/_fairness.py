"""Fairness figures: per-group metrics, rates, errors and calibration curves.

:func:`group_bars` draws an SRI's metric per group against its compliance bar; the others draw
one bar (or line) per model and group. Rates and calibration are fractions in [0, 1]; errors
are in the target's unit (MAE) or a fraction of the actual value (MAPE).

Every group rate carries its Wilson score interval as an error bar
(:func:`greennb.fairness.wilson_interval`, from the group's counts), so that a small group's
noisy rate is seen as noisy. With ``dataset=`` the groups are shown by their readable labels
(:func:`greennb.data.label_groups`), and bands (ages, temperatures) in their numeric order.
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

from greennb.plots._axes import _axes, _require, _words, readable_groups
from greennb.plots._intervals import interval_barplot, summarise_bars

#: Rates whose denominator is the group's row count, so ``count`` alone gives their interval.
_RATES_OF_ROWS = ("selection_rate", "accuracy")


def _bars_by_group(
    table: pd.DataFrame,
    *,
    group: str,
    metric: str,
    hue: str,
    what: str,
    ax: plt.Axes | None,
    dataset: Any = None,
) -> plt.Axes:
    """Check the columns for figure ``what`` and draw ``metric`` per ``group``, a bar per ``hue``.

    Groups are drawn by their readable labels when ``dataset`` is given, bands in order.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> table = pd.DataFrame({"model": ["a", "a"], "zone": ["x", "y"], "mae": [1.0, 2.0]})
    >>> ax = _bars_by_group(table, group="zone", metric="mae", hue="model", what="f", ax=None)
    >>> [float(patch.get_height()) for patch in ax.patches][:2]
    [1.0, 2.0]
    >>> plt.close("all")
    """
    _require(table, [group, metric, hue], what)
    ax = _axes(ax)
    shown, order = readable_groups(table, group, dataset)
    sns.barplot(data=shown, x=group, y=metric, hue=hue, order=order, ax=ax)
    return ax


def _with_rate_interval(table: pd.DataFrame, metric: str, confidence: float) -> pd.DataFrame:
    """Return the table with ``<metric>_low`` / ``_high`` (Wilson), when its counts allow.

    From ``<metric>_numerator`` / ``_denominator`` columns, or, for a rate of rows (selection
    rate, accuracy), from the rate and ``count``; otherwise the table as it is.
    """
    from greennb.fairness import rate_intervals  # on first use: plots loads fairness lazily

    if {f"{metric}_low", f"{metric}_high"} <= set(table.columns):
        return table
    if {f"{metric}_numerator", f"{metric}_denominator"} <= set(table.columns):
        return rate_intervals(table, confidence=confidence)
    if metric in _RATES_OF_ROWS and "count" in table.columns:
        counts = pd.to_numeric(table["count"], errors="coerce").fillna(0)
        rates = pd.to_numeric(table[metric], errors="coerce").fillna(0)
        counted = table.assign(
            **{f"{metric}_numerator": (rates * counts).round(), f"{metric}_denominator": counts}
        )
        return rate_intervals(counted, confidence=confidence)
    return table


def _interval_note(table: pd.DataFrame, metric: str, confidence: float) -> str:
    if {f"{metric}_low", f"{metric}_high"} <= set(table.columns):
        return f"bars: {confidence:.0%} Wilson intervals"
    return "no interval: the table has no counts"


def group_bars(
    sri: Any,
    *,
    column: str | None = None,
    ax: plt.Axes | None = None,
    dataset: Any = None,
    confidence: float = 0.95,
) -> plt.Axes:
    """Per-group values of an SRI's metric, with the compliance bar relative to the best group.

    A rate's bar carries its Wilson interval at ``confidence`` (from the group's counts).

    Parameters
    ----------
    sri : SRIResult
        A result of :func:`greennb.social_responsibility_index`.
    column : str, optional
        Column of ``sri.by_group`` to draw; default the first numeric column that is not a
        count or a flag.
    ax : matplotlib.axes.Axes, optional
        Where to draw.
    dataset : str or Dataset, optional
        The shipped dataset the groups come from: groups are shown by their readable labels.
    confidence : float, default 0.95
        Two-sided level of the rates' Wilson intervals.
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
    table = _with_rate_interval(table, column, confidence)
    columns = list(table.columns)
    sensitive = columns[1 : columns.index("size")] if "size" in columns else []
    key = sensitive[0] if len(sensitive) == 1 else group
    shown, order = readable_groups(table, key, dataset)
    ax = _axes(ax)
    bars = summarise_bars(shown, keys=[key], value=column)
    interval_barplot(
        bars, category=key, value=column, hue=None, ax=ax, order=order, color="tab:blue"
    )
    best = table[column].max()
    ax.axhline(sri.bar * best, color="tab:red", linestyle="--", label=f"bar B={sri.bar:g} × best")
    ax.legend(loc="lower right")
    ax.set(
        xlabel=_group_name(str(key), dataset),
        ylabel=_words(column),
        title=f"{_words(column)} by group — R = {sri.value:.2f}",
    )
    if f"{column}_low" in table.columns:
        ax.set_title(f"{ax.get_title()} ({_interval_note(table, column, confidence)})")
    return ax


def _group_name(column: str, dataset: Any) -> str:
    """Return the axis name of a group column: the dataset's readable name, or its words."""
    if dataset is None:
        return _words(column)
    from greennb.data import sensitive_display_name

    return sensitive_display_name(dataset, column)


def group_rate_bars(
    table: pd.DataFrame,
    *,
    group: str,
    metric: str = "true_positive_rate",
    hue: str = "model",
    ax: plt.Axes | None = None,
    dataset: Any = None,
    confidence: float = 0.95,
) -> plt.Axes:
    """Bar chart of a classification rate per group, one bar per model, with Wilson intervals.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per (model, group), as for :func:`group_error_bars`. The error bars are the
        rate's Wilson interval: from ``<metric>_low`` / ``<metric>_high`` columns, else from
        ``<metric>_numerator`` / ``<metric>_denominator`` (as
        :func:`greennb.fairness.group_rate_intervals` returns), else, for the selection rate
        and accuracy, from ``count``; a TPR or FPR without its counts has no error bar (the
        title says so).
    group : str
        Column naming the group (e.g. ``"age_band"``).
    metric : str
        Column of the rate, a fraction in [0, 1] (``"true_positive_rate"``,
        ``"false_positive_rate"``, ``"selection_rate"``...).
    hue : str
        Column telling the models apart.
    ax : matplotlib.axes.Axes, optional
        Where to draw.
    dataset : str or Dataset, optional
        The shipped dataset the groups come from: groups are shown by their readable labels.
    confidence : float, default 0.95
        Two-sided level of the Wilson intervals.
    """
    _require(table, [group, metric, hue], "group_rate_bars")
    table = _with_rate_interval(table, metric, confidence)
    ax = _axes(ax)
    shown, order = readable_groups(table, group, dataset)
    bars = summarise_bars(shown, keys=[group, hue], value=metric)
    interval_barplot(bars, category=group, value=metric, hue=hue, ax=ax, order=order)
    sns.move_legend(ax, "upper left", bbox_to_anchor=(1.0, 1.0))  # rates near 1 hide it
    name = _words(metric)
    ax.set(
        xlabel=_group_name(group, dataset),
        ylabel=f"{name} (fraction)",
        ylim=(0.0, 1.0),
        title=f"{name.capitalize()} by {_words(group)} and {hue} "
        f"({_interval_note(table, metric, confidence)})",
    )
    return ax


def group_error_bars(
    table: pd.DataFrame,
    *,
    group: str,
    metric: str = "mae",
    hue: str = "model",
    unit: str | None = None,
    ax: plt.Axes | None = None,
    dataset: Any = None,
) -> plt.Axes:
    """Bar chart of a forecast error per group, one bar per model.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per (model, group), e.g. the ``by_group`` tables of
        :func:`greennb.group_metrics` stacked with a model column.
    group : str
        Column naming the group (e.g. ``"neighbourhood"``).
    metric : str
        Column of the error (``"mae"`` in the target's unit, ``"mape"`` a fraction).
    hue : str
        Column telling the models apart.
    unit : str, optional
        Unit of the error, for the y label; a MAPE is labelled as a fraction.
    ax : matplotlib.axes.Axes, optional
        Where to draw.
    dataset : str or Dataset, optional
        The shipped dataset the groups come from: groups are shown by their readable labels
        (bands such as temperatures in their numeric order in any case).
    """
    ax = _bars_by_group(
        table, group=group, metric=metric, hue=hue, what="group_error_bars", ax=ax, dataset=dataset
    )
    label = metric.upper()
    if unit:
        label += f" ({unit})"
    elif metric == "mape":
        label += " (fraction of the actual value)"
    ax.set(
        xlabel=_group_name(group, dataset),
        ylabel=label,
        title=f"Forecast error ({metric.upper()}) by {_words(group)} and {hue}",
    )
    ax.tick_params(axis="x", labelrotation=20)
    return ax


def calibration_curves(calibration: Any, *, ax: plt.Axes | None = None) -> plt.Axes:
    """Reliability diagram: observed fraction of positives against predicted probability.

    One line per group, labelled with its expected calibration error; the area of each
    point grows with the number of rows in its bin. The dashed diagonal is perfect
    calibration; points below it mean the model over-states the group's risk.

    Parameters
    ----------
    calibration : GroupCalibration
        A result of :func:`greennb.fairness.calibration_by_group`.
    ax : matplotlib.axes.Axes, optional
        Where to draw.
    """
    curves = calibration.curves
    needed = ["group", "mean_predicted", "fraction_positive", "count"]
    _require(curves, needed, "calibration_curves")
    ece = calibration.summary["ece"]
    labelled = curves.assign(group=[f"{g} (ECE {ece[g]:.3f})" for g in curves["group"]])
    ax = _axes(ax)
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfect calibration")
    common = dict(data=labelled, x="mean_predicted", y="fraction_positive", hue="group", ax=ax)
    sns.lineplot(**common)
    sns.scatterplot(**common, size="count", sizes=(10, 200), legend=False)
    label = calibration.pos_label
    ax.set(
        xlim=(0.0, 1.0),
        ylim=(0.0, 1.0),
        xlabel=f"mean predicted probability of {label!r} (fraction)",
        ylabel=f"observed fraction {label!r} (fraction)",
        title=f"Calibration by group ({calibration.n_bins} {calibration.strategy} bins)",
    )
    ax.legend(loc="upper left", fontsize="small")
    return ax
