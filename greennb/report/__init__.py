"""The cross-run report: tables, HTML and its figures."""

from greennb.report._report import (
    ESTIMATE_NOTE,
    FRACTION_METRICS,
    MARKDOWN_COLUMNS,
    QUALITY_BY_TASK,
    REPORT_COLUMNS,
    REPORT_DIR,
    collect_runs,
    footprint_figure,
    markdown_table,
    tradeoff_figure,
    write_report,
)

__all__ = [
    "ESTIMATE_NOTE",
    "FRACTION_METRICS",
    "MARKDOWN_COLUMNS",
    "QUALITY_BY_TASK",
    "REPORT_COLUMNS",
    "REPORT_DIR",
    "collect_runs",
    "footprint_figure",
    "markdown_table",
    "tradeoff_figure",
    "write_report",
]
