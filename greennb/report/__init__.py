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
- ``_write``: :func:`write_report`, the CSV, Markdown and HTML files in :data:`REPORT_DIR`,
  with :data:`ESTIMATE_NOTE` and the runs on a shared machine named.

Examples
--------
>>> from greennb.report import collect_runs, write_report  # doctest: +SKIP
>>> collect_runs()[["case", "model", "quality_metric", "quality", "sri"]]  # doctest: +SKIP
>>> write_report()  # doctest: +SKIP
PosixPath('papermill_runs/report')
"""

from greennb.report._collect import (
    FRACTION_METRICS,
    QUALITY_BY_TASK,
    REPORT_COLUMNS,
    SKIPPED_RUNS,
    collect_runs,
)
from greennb.report._figures import footprint_figure, tradeoff_figure
from greennb.report._markdown import (
    MARKDOWN_COLUMNS,
    escape_markdown,
    markdown_table,
    with_ranges,
)
from greennb.report._scan import SkippedRun
from greennb.report._write import ESTIMATE_NOTE, REPORT_DIR, write_report

__all__ = [
    "ESTIMATE_NOTE",
    "FRACTION_METRICS",
    "MARKDOWN_COLUMNS",
    "QUALITY_BY_TASK",
    "REPORT_COLUMNS",
    "REPORT_DIR",
    "SKIPPED_RUNS",
    "SkippedRun",
    "collect_runs",
    "escape_markdown",
    "footprint_figure",
    "markdown_table",
    "tradeoff_figure",
    "with_ranges",
    "write_report",
]
