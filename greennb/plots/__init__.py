"""The notebooks' figures: energy, fairness, trade-offs and forecasts, with units and intervals.

Every figure takes ``ax=None`` (a new figure when None), labels its axes with units, sets a
title and returns the Axes; save one into a run with :meth:`greennb.runs.RunRecord.save_figure`.

- ``_axes``: what the figures share (a fresh Axes, the column check, the unit tables
  :data:`ENERGY_UNITS` and :data:`MASS_UNITS`).
- ``_intervals``: error bars from ``<value>_low`` / ``<value>_high`` columns, clipped at 0,
  and repeats summarised by their median and widest interval.
- ``_energy``: :func:`energy_table`, :func:`energy_bars`, :func:`facility_breakdown`,
  :func:`scenario_heatmap`, :func:`grid_carbon_bars`, :func:`footprint_bars`
  (:data:`FOOTPRINT_VALUES`).
- ``_fairness``: :func:`group_bars`, :func:`group_rate_bars`, :func:`group_error_bars`,
  :func:`calibration_curves`.
- ``_tradeoffs``: :func:`tradeoff_scatter`, :func:`pareto_optimal`, :func:`pareto_frontier`,
  :func:`variant_group_bars`, :func:`group_change_bars`.
- ``_forecasts``: :func:`forecast_vs_actual`, :func:`training_energy_curve`.
- ``_seeds``: :func:`seed_errorbars`, a sweep's grid points with their mean over seeds, 95 %
  interval and every seed's value.
- ``_widgets``: :class:`TradeoffWidget`, what the notebooks' trade-off widgets share (controls,
  a pure ``update(**values) -> dict``, a live summary and a figure of the state). The widgets,
  loaded on first use so that ``import greennb.plots`` imports neither ipywidgets nor
  greennb.fairness: ``_widget_carbon``: :func:`carbon_widget`; ``_widget_sri``:
  :func:`sri_widget`; ``_widget_threshold``: :func:`threshold_widget`;
  ``_widget_break_even``: :func:`break_even_widget`.
"""

import importlib
from typing import Any

from greennb.plots._axes import ENERGY_UNITS, MASS_UNITS
from greennb.plots._energy import (
    FOOTPRINT_VALUES,
    energy_bars,
    energy_table,
    facility_breakdown,
    footprint_bars,
    grid_carbon_bars,
    scenario_heatmap,
)
from greennb.plots._fairness import (
    calibration_curves,
    group_bars,
    group_error_bars,
    group_rate_bars,
)
from greennb.plots._forecasts import forecast_vs_actual, training_energy_curve
from greennb.plots._seeds import seed_errorbars
from greennb.plots._tradeoffs import (
    group_change_bars,
    pareto_frontier,
    pareto_optimal,
    tradeoff_scatter,
    variant_group_bars,
)

#: The widgets' names and the private module of each, imported on first use (PEP 562).
_LAZY_NAMES = {
    "TradeoffWidget": "_widgets",
    "break_even_widget": "_widget_break_even",
    "carbon_widget": "_widget_carbon",
    "sri_widget": "_widget_sri",
    "threshold_widget": "_widget_threshold",
}

__all__ = [
    "ENERGY_UNITS",
    "FOOTPRINT_VALUES",
    "MASS_UNITS",
    "TradeoffWidget",
    "break_even_widget",
    "calibration_curves",
    "carbon_widget",
    "energy_bars",
    "energy_table",
    "facility_breakdown",
    "footprint_bars",
    "forecast_vs_actual",
    "grid_carbon_bars",
    "group_bars",
    "group_change_bars",
    "group_error_bars",
    "group_rate_bars",
    "pareto_frontier",
    "pareto_optimal",
    "scenario_heatmap",
    "seed_errorbars",
    "sri_widget",
    "threshold_widget",
    "tradeoff_scatter",
    "training_energy_curve",
    "variant_group_bars",
]


def __getattr__(name: str) -> Any:
    """Load a widget on first use and cache it in the module."""
    if name not in _LAZY_NAMES:
        raise AttributeError(f"module 'greennb.plots' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"greennb.plots.{_LAZY_NAMES[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
