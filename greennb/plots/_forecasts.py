"""Figures over time: forecasts against the observed series, and a training's energy forecast.

The time-series forecast (the smart-city task) and the training-energy forecast (predicting a
training's cumulative energy from its first epochs) are two different things that share only
a line chart over an ordered axis.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

from greennb.energy import worst_status
from greennb.errors import InvalidValueError
from greennb.plots._axes import _axes, _require, energy_unit
from greennb.plots._intervals import clipped_bounds, interval_columns

PREDICTION_LENGTH_MSG = (
    "predictions[{name!r}] has {n} values but there are {expected} times; align them first."
)


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
    # Outside the axes: inside, the legend hid the features the prose points to (a dip).
    sns.move_legend(ax, "upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    ax.set(
        xlabel="time",
        ylabel=f"value ({unit})" if unit else "value",
        title="Forecast vs actual",
    )
    ax.tick_params(axis="x", labelrotation=30)
    return ax


def training_energy_curve(
    table: pd.DataFrame, *, planned_epochs: int | None = None, ax: plt.Axes | None = None
) -> plt.Axes:
    """Cumulative training energy per epoch: as tracked, and forecast from the first epochs.

    The tracked line is labelled with the epochs' worst status (``measured`` only when every
    epoch was read from hardware counters; ``estimated`` on machines without them).

    Parameters
    ----------
    table : pandas.DataFrame
        As returned by :meth:`greennb.energy.TrainingEnergyOutcome.epoch_table` (columns
        ``epoch``, ``cumulative_energy_wh``, ``forecast_energy_wh``,
        ``used_for_forecast``, and ``status``; a table without ``status`` is labelled
        ``"tracked"``), drawn in the engineering unit that reads best (µWh to kWh). With
        ``cumulative_energy_wh_low`` and ``cumulative_energy_wh_high`` the tracked energy's
        interval is drawn as a band, clipped at 0.
    planned_epochs : int, optional
        Draw a vertical line at the planned end of the run.
    ax : matplotlib.axes.Axes, optional
        Where to draw.
    """
    needed = ["epoch", "cumulative_energy_wh", "forecast_energy_wh", "used_for_forecast"]
    _require(table, needed, "training_energy_curve")
    ax = _axes(ax)
    status = worst_status(list(table["status"])) if "status" in table else "tracked"
    energies = [c for c in table.columns if str(c).endswith("energy_wh") or "energy_wh_" in c]
    wh = table[energies].apply(pd.to_numeric, errors="coerce")
    unit, factor = energy_unit((wh / 1e3).to_numpy().ravel())
    table = table.assign(**{c: wh[c] * factor / 1e3 for c in energies})
    sns.lineplot(data=table, x="epoch", y="cumulative_energy_wh", marker="o", label=status, ax=ax)
    if interval_columns(table, "cumulative_energy_wh") is not None:
        low, high = clipped_bounds(table, "cumulative_energy_wh")
        ax.fill_between(table["epoch"], low, high, alpha=0.2, label=f"{status}: interval")
    sns.lineplot(
        data=table, x="epoch", y="forecast_energy_wh", linestyle="--", label="forecast", ax=ax
    )
    k = int(table["used_for_forecast"].sum())
    if k:
        ax.axvline(k, color="grey", linestyle=":", label=f"forecast made (epoch {k})")
    if planned_epochs is not None:
        ax.axvline(planned_epochs, color="tab:red", linestyle=":", label="planned end")
    ax.legend(loc="upper left")
    ax.set(
        xlabel="epoch",
        ylabel=f"cumulative computation energy ({unit})",
        title=f"Training energy ({status}) vs forecast after {k} epoch(s)",
    )
    return ax
