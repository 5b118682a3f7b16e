"""Trade-off figures: quality against energy, the Pareto front, and per-group lever costs.

Quality is drawn against energy coloured by the SRI, with the Pareto front of the two; the
variant figures show what an efficiency lever (quantization, pruning, distillation) does to
each group. Costs are energies (kWh, or Wh per 1,000 predictions); qualities and per-group
metrics are fractions unless the metric is an error in the target's unit (MAE).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from greennb._noise import DEFAULT_NOISE, LESS, NO_DIFFERENCE, band_verdict
from greennb._validation import non_negative
from greennb.errors import InvalidValueError
from greennb.plots._axes import (
    NO_COLUMNS_MSG,
    _axes,
    _require,
    _words,
    column_label,
    energy_unit,
    status_words,
)
from greennb.plots._intervals import scatter_errorbars

NO_ROWS_MSG = "{what} found no rows for {name}={value!r}; valid values: {valid}."


def tradeoff_scatter(
    table: pd.DataFrame,
    *,
    x: str = "energy_kwh",
    y: str = "accuracy",
    hue: str = "sri",
    label: str | None = "model",
    ax: plt.Axes | None = None,
    log_x: bool = False,
) -> plt.Axes:
    """Scatter of quality against energy, coloured by the social responsibility index.

    An energy in kWh (a column ending in ``_kwh``) is drawn in one engineering unit chosen
    from its values (µWh to kWh), and the axis says whether it was measured or estimated
    (from a ``status`` or ``energy_status`` column). Point labels are placed where they do not
    overprint each other or the points, with a leader line when no free place is near.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per model or run; with ``<x>_low`` and ``<x>_high`` columns the energy's
        interval is drawn as a horizontal error bar, clipped at 0.
    x, y, hue : str
        Columns for energy (kWh), quality and colour (R).
    label : str, optional
        Column whose values annotate the points.
    ax : matplotlib.axes.Axes, optional
        Where to draw.
    log_x : bool, default False
        Logarithmic energy axis (set before the labels are placed).
    """
    _require(table, [x, y, hue], "tradeoff_scatter")
    ax = _axes(ax)
    if log_x:
        _log_axis(ax)
    shown, xlabel = _energy_axis(table, x)
    scatter_errorbars(ax, shown, x=x, y=y)
    sns.scatterplot(data=shown, x=x, y=y, hue=hue, palette="viridis", s=80, ax=ax)
    if label and label in shown.columns:
        place_labels(ax, shown, x=x, y=y, label=label)
    ax.set(
        xlabel=xlabel,
        ylabel=_words(y),
        title=f"Trade-off: {_words(y)} vs energy, coloured by {column_label(hue)}",
    )
    if (legend := ax.get_legend()) is not None:
        legend.set_title(column_label(hue))
    return ax


def _energy_axis(table: pd.DataFrame, x: str) -> tuple[pd.DataFrame, str]:
    """Return the table with a kWh column ``x`` in its engineering unit, and the axis label."""
    if not str(x).endswith("_kwh"):
        return table, _words(x)
    columns = [c for c in (x, f"{x}_low", f"{x}_high") if c in table.columns]
    values = table[columns].apply(pd.to_numeric, errors="coerce")
    unit, factor = energy_unit(values.to_numpy().ravel())
    status = next((c for c in ("status", "energy_status") if c in table.columns), None)
    flag = status_words(table[status]) if status else status_words([])
    name = _words(str(x)[: -len("_kwh")])
    return table.assign(**{c: values[c] * factor for c in columns}), f"{name} ({unit}, {flag})"


def _log_axis(ax: plt.Axes) -> None:
    """Make the x axis logarithmic with plain, non-colliding tick labels (1, 2, 5 per decade)."""
    ax.set_xscale("log")
    ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0), numticks=12))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.tick_params(axis="x", labelrotation=30)


# Candidate label offsets from a point, in points: right, above, left, below, then farther.
_LABEL_OFFSETS = (
    (7, 5), (7, -13), (-7, 5), (-7, -13), (0, 11), (0, -19),
    (16, 14), (-16, 14), (16, -22), (-16, -22), (28, 0), (-28, 0), (0, 26), (0, -34),
)  # fmt: skip
_MARKER_RADIUS = 6.0  # display pixels kept free around each point


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    """Area shared by two boxes ``(x0, y0, x1, y1)`` in display pixels."""
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    return max(width, 0.0) * max(height, 0.0)


def place_labels(ax: plt.Axes, table: pd.DataFrame, *, x: str, y: str, label: str) -> None:
    """Annotate each point with its label where it overlaps no other label, point or edge.

    Written here because adjustText is not installed: a greedy search over a few offsets
    per point (nearest first), in display coordinates; a label that finds no free place
    takes the least-crowded one and a leader line to its point.
    """
    ax.autoscale_view()
    renderer = ax.figure.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    edge = (frame.x0, frame.y0, frame.x1, frame.y1)
    rows = table[[x, y, label]].apply(
        lambda c: c if c.name == label else pd.to_numeric(c, "coerce")
    )
    rows = rows.dropna(subset=[x, y])
    points = ax.transData.transform(rows[[x, y]].to_numpy(dtype=float))
    r = _MARKER_RADIUS
    taken = [(px - r, py - r, px + r, py + r) for px, py in points]
    for _, row in rows.iterrows():
        best = None
        for dx, dy in _LABEL_OFFSETS:
            text = ax.annotate(
                str(row[label]), (row[x], row[y]), xytext=(dx, dy), textcoords="offset points",
                ha="left" if dx > 0 else "right" if dx < 0 else "center", fontsize="small",
            )  # fmt: skip
            box = text.get_window_extent(renderer)
            bounds = (box.x0, box.y0, box.x1, box.y1)
            outside = box.width * box.height - _overlap(bounds, edge)
            cost = sum(_overlap(bounds, other) for other in taken) + outside
            if best is None or cost < best[0]:
                if best is not None:
                    best[1].remove()
                best = (cost, text, bounds, (dx, dy))
            else:
                text.remove()
            if cost == 0:
                break
        cost, text, bounds, (dx, dy) = best
        if cost > 0 or np.hypot(dx, dy) > 20:
            text.remove()
            text = ax.annotate(
                str(row[label]), (row[x], row[y]), xytext=(dx, dy), textcoords="offset points",
                ha="left" if dx > 0 else "right" if dx < 0 else "center", fontsize="small",
                arrowprops={"arrowstyle": "-", "color": "grey", "linewidth": 0.6},
            )  # fmt: skip
        taken.append(bounds)


def _cost_bands(table: pd.DataFrame, x: str, x_range: tuple[str, str] | None) -> pd.DataFrame:
    """Return the rows with a cost and a quality as columns ``low``, ``high`` and ``quality``."""
    columns = [x, *(x_range or ())]
    values = table[columns].apply(pd.to_numeric, errors="coerce")
    low, high = (
        (values[x], values[x]) if x_range is None else (values[x_range[0]], values[x_range[1]])
    )
    return pd.DataFrame({"low": low, "high": high}).dropna()


def pareto_optimal(
    table: pd.DataFrame,
    *,
    x: str,
    y: str,
    x_range: tuple[str, str] | None = None,
    noise: float = DEFAULT_NOISE,
) -> pd.Series:
    """Mark the rows on the Pareto front of low ``x`` (a cost) and high ``y`` (a quality).

    A row is kept off the front only by another that is **measurably** cheaper and at least
    as good, or as cheap within the noise and strictly better. Costs are compared by the rule
    of every energy verdict in greennb (:func:`greennb._noise.band_verdict`): each row's cost
    band (its figure, or the ``x_range`` of its repeated measurements) is widened by the
    run-to-run ``noise`` floor, and one cost is "less" only when the widened bands are apart;
    otherwise the two count as equally costly ("no measurable difference"). Qualities are
    compared as given. ``noise=0`` without ``x_range`` is the textbook front (identical rows
    are all optimal). Rows with a missing cost or quality are not on the front and dominate
    nothing. Written here because no installed library computes a two-objective front; it is a
    pairwise comparison of the rows.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per model or variant.
    x, y : str
        Columns of the cost (lower is better, e.g. energy in Wh) and the quality (higher is
        better, e.g. accuracy as a fraction).
    x_range : (str, str), optional
        Columns of the lowest and highest repeated measurement of the cost (same unit as
        ``x``), e.g. the repeats' range; default the cost alone.
    noise : float, default DEFAULT_NOISE (0.15)
        Relative run-to-run noise floor of the cost (fraction, >= 0).

    Returns
    -------
    pandas.Series of bool
        Aligned with ``table``'s index; True on the front.

    Examples
    --------
    >>> table = pd.DataFrame({"wh": [1.0, 1.1, 3.0], "accuracy": [0.80, 0.81, 0.81]})
    >>> pareto_optimal(table, x="wh", y="accuracy").to_list()  # 1.1 Wh is within the noise
    [False, True, False]
    >>> pareto_optimal(table, x="wh", y="accuracy", noise=0).to_list()
    [True, True, False]
    """
    _require(table, [x, y, *(x_range or ())], "pareto_optimal")
    noise = non_negative(noise, name="noise", unit="fraction")
    bands = _cost_bands(table, x, x_range)
    quality = pd.to_numeric(table[y], errors="coerce").reindex(bands.index)
    rows = [(i, (b.low, b.high), quality[i]) for i, b in bands.iterrows() if pd.notna(quality[i])]
    optimal = pd.Series(False, index=table.index)
    for i, band_i, quality_i in rows:
        dominated = False
        for j, band_j, quality_j in rows:
            if j == i or quality_j < quality_i:
                continue
            verdict = band_verdict(band_j, band_i, noise)
            dominated = verdict == LESS or (verdict == NO_DIFFERENCE and quality_j > quality_i)
            if dominated:
                break
        optimal[i] = not dominated
    return optimal


def pareto_frontier(
    table: pd.DataFrame,
    *,
    x: str,
    y: str = "accuracy",
    hue: str = "sri",
    label: str | None = "variant",
    xlabel: str | None = None,
    ylabel: str | None = None,
    hue_label: str | None = None,
    log_x: bool = False,
    x_range: tuple[str, str] | None = None,
    noise: float = DEFAULT_NOISE,
    ax: plt.Axes | None = None,
) -> plt.Axes:
    """Quality against a cost, coloured by the SRI, with the Pareto front drawn as a step line.

    Points on the front (:func:`pareto_optimal`) are circled; a point off the front is beaten
    by another that costs measurably less (beyond the noise) and scores at least as well, or
    costs the same within the noise and scores better.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per model or variant.
    x : str
        Column of the cost, e.g. ``"inference_wh_per_1000"`` (Wh per 1,000 predictions); its
        interval (``<x>_low``, ``<x>_high``) is drawn as error bars when the table has it.
    y, hue : str
        Columns of the quality (fraction) and of the colour (the SRI R).
    label : str, optional
        Column whose values annotate the points.
    xlabel, ylabel : str, optional
        Axis labels with units; default the column names.
    hue_label : str, optional
        Title of the colour legend; default the column name.
    log_x : bool, default False
        Logarithmic cost axis, for costs that span orders of magnitude.
    x_range, noise
        Passed to :func:`pareto_optimal`: the columns of the cost's repeated range, and the
        run-to-run noise floor (fraction).
    ax : matplotlib.axes.Axes, optional
        Where to draw.
    """
    _require(table, [x, y, hue], "pareto_frontier")
    ax = tradeoff_scatter(table, x=x, y=y, hue=hue, label=label, ax=ax, log_x=log_x)
    optimal = pareto_optimal(table, x=x, y=y, x_range=x_range, noise=noise)
    shown, _ = _energy_axis(table, x)  # the unit tradeoff_scatter drew x in
    front = shown[optimal].sort_values(x)
    ax.step(front[x], front[y], where="post", color="grey", linestyle="--", label="Pareto front")
    ax.scatter(front[x], front[y], s=220, facecolors="none", edgecolors="grey")
    ax.legend(loc="best", fontsize="small", title=hue_label or hue)
    ax.set(
        xlabel=xlabel or _energy_axis(table, x)[1],
        ylabel=ylabel or _words(y),
        title=f"Pareto front of {_words(y)} and cost (colour: {hue_label or hue})",
    )
    return ax


def variant_group_bars(
    table: pd.DataFrame, *, metric: str = "true_positive_rate", ax: plt.Axes | None = None
) -> plt.Axes:
    """Per-group values of one metric for each model variant (grouped bars).

    Shows whether an efficiency lever (quantization, pruning, distillation) costs some groups
    more than others: compare each group's bars across the variants.

    Parameters
    ----------
    table : pandas.DataFrame
        As returned by :func:`greennb.evaluation.variant_group_table` (columns ``variant``,
        ``group``, ``metric``, ``value``).
    metric : str
        The metric to show, e.g. ``"accuracy"``, ``"true_positive_rate"`` or ``"mae"``.
    ax : matplotlib.axes.Axes, optional
        Where to draw.
    """
    _require(table, ["variant", "group", "metric", "value"], "variant_group_bars")
    rows = table[table["metric"] == metric]
    if rows.empty:
        raise InvalidValueError(
            NO_COLUMNS_MSG.format(
                what=f"variant_group_bars(metric={metric!r})",
                needed=[metric],
                available=sorted(set(table["metric"])),
            )
        )
    ax = _axes(ax)
    sns.barplot(data=rows, x="variant", y="value", hue="group", ax=ax)
    label = _words(metric)
    unit = " (target unit)" if metric == "mae" else " (fraction)"
    ax.set(
        xlabel="model variant",
        ylabel=label + unit,
        title=f"{label.capitalize()} by group for each variant",
    )
    return ax


def group_change_bars(
    table: pd.DataFrame,
    *,
    baseline: str,
    metric: str = "accuracy",
    ax: plt.Axes | None = None,
) -> plt.Axes:
    """Change of a per-group metric of each variant against a baseline, in percentage points.

    Shows whether a lever (quantization, pruning, distillation) costs some groups more than
    others: a bar below zero is a group that lost. The legend gives each group's size, since
    compression is known to hurt small groups first (Hooker et al. 2020).

    Parameters
    ----------
    table : pandas.DataFrame
        As returned by :func:`greennb.evaluation.variant_group_table` (columns ``variant``,
        ``group``, ``count``, ``metric``, ``value``; fractions).
    baseline : str
        The variant the others are compared with (e.g. ``"teacher"``).
    metric : str, default "accuracy"
        A fraction metric of the table (``"accuracy"``, ``"true_positive_rate"``).
    ax : matplotlib.axes.Axes, optional
        Where to draw.

    Raises
    ------
    ValueError
        For missing columns, or a baseline or metric not in the table (the message lists the
        valid values).
    """
    _require(table, ["variant", "group", "count", "metric", "value"], "group_change_bars")
    for name, value in (("metric", metric), ("variant", baseline)):
        if value not in set(table[name]):
            valid = sorted(map(str, set(table[name])))
            raise InvalidValueError(
                NO_ROWS_MSG.format(what="group_change_bars", name=name, value=value, valid=valid)
            )
    rows = table[table["metric"] == metric]
    base = rows[rows["variant"] == baseline].set_index("group")["value"]
    changed = rows[rows["variant"] != baseline].assign(
        change=lambda t: 100 * (t["value"] - t["group"].map(base)),
        group=lambda t: t["group"].astype(str) + " (n=" + t["count"].astype(str) + ")",
    )
    ax = _axes(ax, figsize=(8.0, 4.0))
    sns.barplot(data=changed, x="variant", y="change", hue="group", ax=ax)
    ax.axhline(0, color="black", linewidth=0.8)
    name = _words(metric)
    ax.set(
        xlabel="model variant",
        ylabel=f"{name} change (percentage points)",
        title=f"Per-group {name} of each variant minus {baseline}'s",
    )
    ax.tick_params(axis="x", labelrotation=20)
    return ax
