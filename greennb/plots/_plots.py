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

from greennb.errors import InvalidValueError

NO_COLUMNS_MSG = "{what} needs the columns {needed}; the table has {available}."


def _axes(ax: plt.Axes | None, figsize: tuple[float, float] = (6.4, 4.0)) -> plt.Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def _require(frame: pd.DataFrame, needed: Sequence[str], what: str) -> None:
    missing = [column for column in needed if column not in frame.columns]
    if missing:
        raise InvalidValueError(
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


#: Energy units of :func:`facility_breakdown`, as multiples of one kWh.
ENERGY_UNITS = {"kWh": 1.0, "Wh": 1e3, "mWh": 1e6}
UNKNOWN_UNIT_MSG = "Unknown energy unit {unit!r}; valid units: {valid}."
PREDICTION_LENGTH_MSG = (
    "predictions[{name!r}] has {n} values but there are {expected} times; align them first."
)


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
    if unit not in ENERGY_UNITS:
        raise InvalidValueError(UNKNOWN_UNIT_MSG.format(unit=unit, valid=", ".join(ENERGY_UNITS)))
    scale = ENERGY_UNITS[unit]
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


def forecast_vs_actual(
    times: Sequence[Any],
    actual: Sequence[float],
    predictions: Any,
    *,
    unit: str | None = None,
    ax: plt.Axes | None = None,
) -> plt.Axes:
    """Line chart of observed values and one or more forecasts over time.

    Parameters
    ----------
    times : sequence of datetimes
        Time of each value.
    actual : sequence of float
        Observed values, aligned with ``times``.
    predictions : mapping of str to sequence of float
        Forecast of each model, aligned with ``times``.
    unit : str, optional
        Unit of the values, for the y label (e.g. ``"GW"``).
    ax : matplotlib.axes.Axes, optional
        Where to draw.
    """
    series = {"actual": actual, **dict(predictions)}
    for name, values in series.items():
        if len(values) != len(times):
            raise InvalidValueError(
                PREDICTION_LENGTH_MSG.format(name=name, n=len(values), expected=len(times))
            )
    table = pd.concat(
        [
            pd.DataFrame({"time": list(times), "value": list(values), "series": name})
            for name, values in series.items()
        ],
        ignore_index=True,
    )
    ax = _axes(ax, figsize=(9.0, 4.0))
    sns.lineplot(data=table, x="time", y="value", hue="series", style="series", ax=ax)
    ax.set(
        xlabel="time",
        ylabel=f"value ({unit})" if unit else "value",
        title="Forecast vs actual",
    )
    ax.tick_params(axis="x", labelrotation=30)
    return ax


def group_error_bars(
    table: pd.DataFrame,
    *,
    group: str,
    metric: str = "mae",
    hue: str = "model",
    unit: str | None = None,
    ax: plt.Axes | None = None,
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
    """
    _require(table, [group, metric, hue], "group_error_bars")
    ax = _axes(ax)
    sns.barplot(data=table, x=group, y=metric, hue=hue, ax=ax)
    label = metric.upper()
    if unit:
        label += f" ({unit})"
    elif metric == "mape":
        label += " (fraction of the actual value)"
    ax.set(
        xlabel=group.replace("_", " "),
        ylabel=label,
        title=f"Forecast error ({metric.upper()}) by {group.replace('_', ' ')} and {hue}",
    )
    ax.tick_params(axis="x", labelrotation=20)
    return ax


#: Quantities of :func:`footprint_bars`: column → (axis label, factor from the column's unit).
FOOTPRINT_VALUES = {
    "total_kwh": ("facility energy E_total (Wh)", 1e3),
    "energy_kwh": ("computation energy (Wh)", 1e3),
    "emissions_g": ("emissions (g CO2e)", 1.0),
}
UNKNOWN_FOOTPRINT_MSG = "Unknown footprint value {value!r}; valid values: {valid}."


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
    if value not in FOOTPRINT_VALUES:
        raise InvalidValueError(
            UNKNOWN_FOOTPRINT_MSG.format(value=value, valid=list(FOOTPRINT_VALUES))
        )
    _require(table, ["case", "model", "energy_status", value], "footprint_bars")
    label, factor = FOOTPRINT_VALUES[value]
    frame = table.assign(
        bar=table["case"].astype(str) + " / " + table["model"].astype(str),
        shown=table[value].astype(float) * factor,
    ).sort_values(["case", "model"])
    ax = _axes(ax)
    sns.barplot(data=frame, y="bar", x="shown", hue="case", errorbar="sd", legend=False, ax=ax)
    statuses = ", ".join(sorted(set(frame["energy_status"].dropna())))
    ax.set(xlabel=label, ylabel="case / model", title=f"{label} per case and model ({statuses})")
    return ax


def group_rate_bars(
    table: pd.DataFrame,
    *,
    group: str,
    metric: str = "true_positive_rate",
    hue: str = "model",
    ax: plt.Axes | None = None,
) -> plt.Axes:
    """Bar chart of a classification rate per group, one bar per model.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per (model, group), e.g. the ``by_group`` tables of
        :func:`greennb.group_metrics` stacked with a model column.
    group : str
        Column naming the group (e.g. ``"age_band"``).
    metric : str
        Column of the rate, a fraction in [0, 1] (``"true_positive_rate"``,
        ``"false_positive_rate"``, ``"selection_rate"``...).
    hue : str
        Column telling the models apart.
    ax : matplotlib.axes.Axes, optional
        Where to draw.
    """
    _require(table, [group, metric, hue], "group_rate_bars")
    ax = _axes(ax)
    sns.barplot(data=table, x=group, y=metric, hue=hue, ax=ax)
    sns.move_legend(ax, "upper left", bbox_to_anchor=(1.0, 1.0))  # rates near 1 hide it
    name = metric.replace("_", " ")
    ax.set(
        xlabel=group.replace("_", " "),
        ylabel=f"{name} (fraction)",
        ylim=(0.0, 1.0),
        title=f"{name.capitalize()} by {group.replace('_', ' ')} and {hue}",
    )
    return ax


def calibration_curves(calibration: Any, *, ax: plt.Axes | None = None) -> plt.Axes:
    """Reliability diagram: observed fraction of positives against predicted probability.

    One line per group, labelled with its expected calibration error; the area of each
    point grows with the number of rows in its bin. The dashed diagonal is perfect
    calibration; points below it mean the model over-states the group's risk.

    Parameters
    ----------
    calibration : GroupCalibration
        A result of :func:`greennb.calibration.calibration_by_group`.
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


def variant_group_bars(
    table: pd.DataFrame, *, metric: str = "true_positive_rate", ax: plt.Axes | None = None
) -> plt.Axes:
    """Per-group values of one metric for each model variant (grouped bars).

    Shows whether an efficiency lever (quantization, pruning, distillation) costs some groups
    more than others: compare each group's bars across the variants.

    Parameters
    ----------
    table : pandas.DataFrame
        As returned by :func:`greennb.footprint.variant_group_table` (columns ``variant``,
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
    label = metric.replace("_", " ")
    unit = " (target unit)" if metric == "mae" else " (fraction)"
    ax.set(
        xlabel="model variant",
        ylabel=label + unit,
        title=f"{label.capitalize()} by group for each variant",
    )
    return ax


def training_energy_curve(
    table: pd.DataFrame, *, planned_epochs: int | None = None, ax: plt.Axes | None = None
) -> plt.Axes:
    """Cumulative training energy per epoch: measured, and forecast from the first epochs.

    Parameters
    ----------
    table : pandas.DataFrame
        As returned by :meth:`greennb.footprint.TrainingEnergyOutcome.epoch_table` (columns
        ``epoch``, ``cumulative_energy_wh``, ``forecast_energy_wh``,
        ``measured_for_forecast``).
    planned_epochs : int, optional
        Draw a vertical line at the planned end of the run.
    ax : matplotlib.axes.Axes, optional
        Where to draw.
    """
    needed = ["epoch", "cumulative_energy_wh", "forecast_energy_wh", "measured_for_forecast"]
    _require(table, needed, "training_energy_curve")
    ax = _axes(ax)
    sns.lineplot(
        data=table, x="epoch", y="cumulative_energy_wh", marker="o", label="measured", ax=ax
    )
    sns.lineplot(
        data=table, x="epoch", y="forecast_energy_wh", linestyle="--", label="forecast", ax=ax
    )
    k = int(table["measured_for_forecast"].sum())
    if k:
        ax.axvline(k, color="grey", linestyle=":", label=f"forecast made (epoch {k})")
    if planned_epochs is not None:
        ax.axvline(planned_epochs, color="tab:red", linestyle=":", label="planned end")
    ax.legend(loc="upper left")
    ax.set(
        xlabel="epoch",
        ylabel="cumulative computation energy (Wh)",
        title=f"Training energy: measured vs forecast after {k} epoch(s)",
    )
    return ax


NO_ROWS_MSG = "{what} found no rows for {name}={value!r}; valid values: {valid}."


def pareto_optimal(table: pd.DataFrame, *, x: str, y: str) -> pd.Series:
    """Mark the rows on the Pareto front of low ``x`` (a cost) and high ``y`` (a quality).

    A row is Pareto-optimal when no other row is at least as cheap and at least as good, and
    strictly better in one of the two (identical rows are all optimal). Rows with a missing
    ``x`` or ``y`` are not on the front and dominate nothing. Written here because no installed
    library computes a two-objective front; it is a pairwise comparison of the rows.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per model or variant.
    x, y : str
        Columns of the cost (lower is better, e.g. energy in Wh) and the quality (higher is
        better, e.g. accuracy as a fraction).

    Returns
    -------
    pandas.Series of bool
        Aligned with ``table``'s index; True on the front.
    """
    _require(table, [x, y], "pareto_optimal")
    values = table[[x, y]].apply(pd.to_numeric, errors="coerce").dropna()
    cost, quality = values[x].to_numpy()[:, None], values[y].to_numpy()[:, None]
    # dominated[i]: some row j costs <= and scores >= row i, and is strictly better in one.
    no_worse = (cost.T <= cost) & (quality.T >= quality)
    better = (cost.T < cost) | (quality.T > quality)
    dominated = (no_worse & better).any(axis=1)
    optimal = pd.Series(False, index=table.index)
    optimal.loc[values.index[~dominated]] = True
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
    ax: plt.Axes | None = None,
) -> plt.Axes:
    """Quality against a cost, coloured by the SRI, with the Pareto front drawn as a step line.

    Points on the front (:func:`pareto_optimal`) are circled; a point off the front is beaten
    by another that costs no more and scores at least as well.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per model or variant.
    x : str
        Column of the cost, e.g. ``"inference_wh_per_1000"`` (Wh per 1,000 predictions).
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
    ax : matplotlib.axes.Axes, optional
        Where to draw.
    """
    _require(table, [x, y, hue], "pareto_frontier")
    ax = tradeoff_scatter(table, x=x, y=y, hue=hue, label=label, ax=ax)
    front = table[pareto_optimal(table, x=x, y=y)].sort_values(x)
    ax.step(front[x], front[y], where="post", color="grey", linestyle="--", label="Pareto front")
    ax.scatter(front[x], front[y], s=220, facecolors="none", edgecolors="grey")
    if log_x:
        ax.set_xscale("log")
    ax.legend(loc="best", fontsize="small", title=hue_label or hue)
    ax.set(
        xlabel=xlabel or x.replace("_", " "),
        ylabel=ylabel or y.replace("_", " "),
        title=f"Pareto front of {y.replace('_', ' ')} and cost (colour: {hue_label or hue})",
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
        As returned by :func:`greennb.footprint.variant_group_table` (columns ``variant``,
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
    name = metric.replace("_", " ")
    ax.set(
        xlabel="model variant",
        ylabel=f"{name} change (percentage points)",
        title=f"Per-group {name} of each variant minus {baseline}'s",
    )
    ax.tick_params(axis="x", labelrotation=20)
    return ax


#: Mass units of :func:`grid_carbon_bars`, as multiples of one gram.
MASS_UNITS = {"kg": 1e-3, "g": 1.0, "mg": 1e3}
UNKNOWN_MASS_UNIT_MSG = "Unknown mass unit {unit!r}; valid units: {valid}."


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
    if unit not in MASS_UNITS:
        raise InvalidValueError(
            UNKNOWN_MASS_UNIT_MSG.format(unit=unit, valid=", ".join(MASS_UNITS))
        )
    needed = [x, "country", "carbon_intensity_g_per_kwh", "pue", "renewable_share"]
    _require(table, [*needed, "emissions_g"], "grid_carbon_bars")
    grids = table.drop_duplicates("country")
    names = {
        row.country: f"{row.country} ({row.carbon_intensity_g_per_kwh:.0f} g/kWh)"
        for row in grids.itertuples()
    }
    frame = table.assign(
        grid=table["country"].map(names), shown=table["emissions_g"] * MASS_UNITS[unit]
    )
    ax = _axes(ax, figsize=(8.0, 4.0))
    sns.barplot(data=frame, x=x, y="shown", hue="grid", ax=ax)
    sns.move_legend(ax, "upper left", bbox_to_anchor=(1.0, 1.0))  # tall bars would hide it
    if log_y:
        ax.set_yscale("log")
    settings = sorted({(p, e) for p, e in zip(table["pue"], table["renewable_share"], strict=True)})
    shown = "; ".join(f"PUE {p:g}, ε {e:g}" for p, e in settings)
    ax.set(
        xlabel=x.replace("_", " "),
        ylabel=f"emissions ({unit} CO2e)",
        title=f"Emissions of each {x.replace('_', ' ')} on {len(names)} grids ({shown})",
    )
    ax.tick_params(axis="x", labelrotation=20)
    return ax
