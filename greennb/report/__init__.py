"""The cross-run report: one table of every finished run, its Markdown, HTML and figures.

- ``_collect``: :func:`collect_runs`, the tidy table of the run store, one row per (run,
  model), with the columns :data:`REPORT_COLUMNS` (quality per :data:`QUALITY_BY_TASK`, unit
  "fraction" for :data:`FRACTION_METRICS`; every energy and emissions figure with its
  ``_low`` / ``_high``; the run's ``parameter_set``), runs labelled by their folders, the runs
  it left out in ``attrs[SKIPPED_RUNS]``.
- ``_scan``: reading the store without following links out of it; each bad record a
  :class:`SkippedRun` (its folder and the reason).
- ``_energy``: a model entry's training energy and energy per 1,000 predictions, kept apart,
  and its ``machine_shared`` flag.
- ``_markdown``: :func:`markdown_table` and :data:`MARKDOWN_COLUMNS`, each interval shown as
  a low–high range, every text escaped (:func:`escape_markdown`).
- ``_figures``: :func:`tradeoff_figure` (quality vs energy, coloured by R, with the energy
  intervals) and :func:`footprint_figure` (training energy, energy per 1,000 predictions and
  emissions, one bar per case, dataset, model and parameter set, error bars from the
  intervals).
- ``_parameters``: a run's parameters as text, :func:`differing_parameters` (per case, those
  whose values differ between its runs), shown as ``name=value; ...``.
- ``_compare``: :func:`compare_runs`, a :class:`RunComparison` of two runs (the parameters that
  differ; per model in both its quality, R and energy, with the energy verdict beyond the
  noise), and the run summaries it compares (:func:`run_summary`).
- ``_tradeoff_views``: :func:`tradeoff_views`, the interactive plotly panels (:data:`VIEWS`:
  quality vs energy with the Pareto front, quality vs R and energy vs R with the line R = 1),
  one per view, case, dataset and metric (:class:`TradeoffView`).
- ``_interactive``, ``_page_data``, ``_page_script``: :func:`interactive_page`, the
  self-contained offline HTML page (sortable, filterable table, the panels, the comparison).
- ``_details``: one run's drill-down, :func:`run_groups` (a model's per-group rates) and
  :func:`run_phases` (its energy phases with their intervals).
- ``_explorer``: :class:`Explorer` and :func:`explore`, the live explorer of the store
  (ipywidgets: filters, the trade-off views with hover, one run's details, refresh), and
  :func:`filter_runs`; ``_explore_app``: :func:`start_explorer` and :func:`serve_explorer`,
  what ``greennb explore`` runs (Voilà on 127.0.0.1, the URL printed).
- ``_seeds``: across seeds, :func:`sweep_runs` (a sweep's runs with its grid parameters),
  :func:`seed_summary` (per grid point without its seed: mean, spread and 95 % t interval of
  quality, R and energy), :func:`seed_differences` (which differences between grid points exceed
  the seed-to-seed spread, Welch's interval), :func:`seed_table_markdown`, and the report's
  "Across seeds" section with its CSV files and figures.
- ``_write``: :func:`write_report`, the CSV, Markdown and interactive HTML files in
  :data:`REPORT_DIR`, with :data:`ESTIMATE_NOTE` and the runs on a shared machine named.

Examples
--------
>>> from greennb.report import collect_runs, compare_runs, write_report  # doctest: +SKIP
>>> collect_runs()[["case", "model", "quality_metric", "quality", "sri"]]  # doctest: +SKIP
>>> write_report()  # doctest: +SKIP
PosixPath('papermill_runs/report')
>>> compare_runs("finance/20250101T000000_000000Z-aaaaaaaa",
...              "finance/20250103T000000_000000Z-cccccccc").parameters  # doctest: +SKIP
"""

from greennb.report._collect import (
    FRACTION_METRICS,
    QUALITY_BY_TASK,
    REPORT_COLUMNS,
    SKIPPED_RUNS,
    collect_runs,
)
from greennb.report._compare import RunComparison, compare_runs, run_summary
from greennb.report._details import run_groups, run_phases
from greennb.report._explore_app import ExplorerServer, serve_explorer, start_explorer
from greennb.report._explorer import Explorer, explore, explorer_table, filter_runs
from greennb.report._figures import footprint_figure, tradeoff_figure
from greennb.report._interactive import interactive_page
from greennb.report._markdown import (
    MARKDOWN_COLUMNS,
    escape_markdown,
    markdown_table,
    with_ranges,
)
from greennb.report._parameters import differing_parameters
from greennb.report._scan import SkippedRun
from greennb.report._seeds import (
    SEED_METRICS,
    seed_differences,
    seed_summary,
    seed_table_markdown,
    sweep_runs,
)
from greennb.report._tradeoff_views import VIEWS, TradeoffView, tradeoff_views
from greennb.report._write import ESTIMATE_NOTE, REPORT_DIR, write_report

__all__ = [
    "ESTIMATE_NOTE",
    "Explorer",
    "ExplorerServer",
    "FRACTION_METRICS",
    "MARKDOWN_COLUMNS",
    "QUALITY_BY_TASK",
    "REPORT_COLUMNS",
    "REPORT_DIR",
    "RunComparison",
    "SEED_METRICS",
    "SKIPPED_RUNS",
    "SkippedRun",
    "TradeoffView",
    "VIEWS",
    "collect_runs",
    "compare_runs",
    "differing_parameters",
    "escape_markdown",
    "explore",
    "explorer_table",
    "filter_runs",
    "footprint_figure",
    "interactive_page",
    "markdown_table",
    "run_groups",
    "run_phases",
    "run_summary",
    "seed_differences",
    "seed_summary",
    "seed_table_markdown",
    "serve_explorer",
    "start_explorer",
    "sweep_runs",
    "tradeoff_figure",
    "tradeoff_views",
    "with_ranges",
    "write_report",
]
