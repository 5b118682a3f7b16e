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
"""

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
from greennb.plots._tradeoffs import (
    group_change_bars,
    pareto_frontier,
    pareto_optimal,
    tradeoff_scatter,
    variant_group_bars,
)

__all__ = [
    "ENERGY_UNITS",
    "FOOTPRINT_VALUES",
    "MASS_UNITS",
    "calibration_curves",
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
    "tradeoff_scatter",
    "training_energy_curve",
    "variant_group_bars",
]
