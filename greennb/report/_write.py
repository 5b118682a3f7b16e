"""Writing the report: CSV, Markdown, and the interactive HTML page.

:func:`write_report` writes the table of :func:`~greennb.report.collect_runs` into
``<runs_root>/report/`` as ``report.csv`` (every column), ``report.md`` (the main columns) and
``report.html`` (the interactive page of :func:`~greennb.report._interactive.interactive_page`:
the sortable, filterable table, the trade-off panels, the comparison of two runs; offline).
Both name the run folders the table left out, and why (:data:`SKIPPED_HEADING`), and the runs
on a shared machine; every text taken from a record or a folder name is escaped, for Markdown
by :func:`~greennb.report._markdown.escape_markdown`, for HTML by :func:`html.escape`.
"""

from __future__ import annotations

import html
import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from greennb.errors import InvalidValueError
from greennb.report._collect import SKIPPED_RUNS, collect_runs
from greennb.report._interactive import interactive_page
from greennb.report._markdown import (
    MARKDOWN_COLUMNS,
    escape_markdown,
    markdown_table,
    with_ranges,
)
from greennb.report._scan import SkippedRun
from greennb.report._seeds import seeds_section
from greennb.runs import runs_root as default_runs_root

#: The report's folder inside the run store.
REPORT_DIR = "report"
NO_RUNS_MSG = (
    "No finished runs in {root}: nothing to report. Run a case first, e.g. "
    "`greennb run getting_started` (failed runs, *.failed, are not reported)."
)
#: How the report's energy and emissions were obtained, printed in the Markdown and HTML.
ESTIMATE_NOTE = (
    "Energy is CodeCarbon's: measured where the machine exposes RAPL/NVML counters, otherwise "
    "estimated (its CPU model TDP × (0.1 + 0.9 · load³), its RAM model); the energy_status, "
    "train_status and inference_status columns say which. Each figure's low–high range is the "
    "cited error range of its method (energy_error_ranges in each run's metrics.json). "
    "Training energy (train_kwh) and energy per 1,000 predictions (inference_kwh_per_1000) "
    "are separate figures, never summed; energy_kwh totals every phase a model recorded. "
    "Emissions are facility energy (× PUE) × grid carbon intensity × (1 − renewable share)."
)
#: Heading of the list of run folders the report left out.
SKIPPED_HEADING = "Skipped runs"
#: Why the default report folder is refused when it links out of the store.
REPORT_OUTSIDE_MSG = (
    "The report folder {path} links out of the run store, to {target}: remove the link, or "
    "name the output folder (out_dir; greennb report --out) to write there."
)
#: Printed when some models' figures were taken while other processes used the machine.
SHARED_NOTE = (
    "{count} model(s) ran while other processes used the machine ({runs}): their energy "
    "includes the other processes' and is not attributable to them (machine_shared column)."
)


def _shared_note(table: pd.DataFrame, escape: Callable[[str], str] = str) -> str:
    """Return :data:`SHARED_NOTE` for the models flagged machine shared, or "" when none is.

    ``escape`` is applied to each run's name (folder names are text from the store).
    """
    shared = table[table["machine_shared"].astype(bool)]
    if shared.empty:
        return ""
    runs = ", ".join(escape(run) for run in sorted(set(shared["run_id"])))
    return SHARED_NOTE.format(count=len(shared), runs=runs)


def _skipped(table: pd.DataFrame) -> list[SkippedRun]:
    """Return the runs the table left out (none for a table not made by collect_runs)."""
    return list(table.attrs.get(SKIPPED_RUNS, []))


def _skipped_markdown(table: pd.DataFrame) -> str:
    """Return the Markdown section listing the skipped runs, or "" when none was skipped."""
    items = [
        f"- {escape_markdown(run.path)}: {escape_markdown(run.reason)}" for run in _skipped(table)
    ]
    return f"\n## {SKIPPED_HEADING}\n\n" + "\n".join(items) + "\n" if items else ""


def _skipped_html(table: pd.DataFrame) -> str:
    """Return the HTML section listing the skipped runs, or "" when none was skipped."""
    items = [
        f"<li><code>{html.escape(run.path)}</code>: {html.escape(run.reason)}</li>"
        for run in _skipped(table)
    ]
    return f"<h2>{SKIPPED_HEADING}</h2>\n<ul>\n" + "\n".join(items) + "\n</ul>" if items else ""


def _intro_html(table: pd.DataFrame, root: Path) -> str:
    """Return the page's opening notes: what it holds, the energy statuses, the estimate note."""
    statuses = ", ".join(sorted(set(table["energy_status"].dropna())))
    shared = html.escape(_shared_note(table))
    shared = f'<p class="shared"><b>{shared}</b></p>' if shared else ""
    return f"""<p>{len(table)} models from {table["run_id"].nunique()} finished runs in
<code>{html.escape(str(root))}</code>, generated {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.
Energy status of the figures: <b>{html.escape(statuses)}</b>.</p>
<p class="note">{html.escape(ESTIMATE_NOTE)}</p>
{shared}"""


def _out_folder(root: Path, out_dir: str | os.PathLike | None) -> Path:
    """Return the output folder: ``out_dir``, else the store's report folder, inside the store."""
    if out_dir is not None:
        return Path(out_dir)
    out = root / REPORT_DIR
    if not out.resolve().is_relative_to(root.resolve()):
        raise InvalidValueError(REPORT_OUTSIDE_MSG.format(path=out, target=out.resolve()))
    return out


def write_report(
    runs_root: str | os.PathLike | None = None,
    out_dir: str | os.PathLike | None = None,
    *,
    table: pd.DataFrame | None = None,
) -> Path:
    """Write the report of every finished run: CSV, Markdown and the interactive HTML page.

    Parameters
    ----------
    runs_root : str or path, optional
        Root of the run store; default ``$GREENNB_RUNS_DIR`` or ``./papermill_runs``.
    out_dir : str or path, optional
        Output folder; default ``<runs_root>/report`` (refused when it is a link out of the
        store).
    table : pandas.DataFrame, optional
        The store's :func:`~greennb.report.collect_runs` table when the caller has it already
        (its ``attrs["skipped_runs"]`` are listed); default: collected here.

    Returns
    -------
    pathlib.Path
        The output folder, holding ``report.csv`` (every column of
        :func:`~greennb.report.collect_runs`), ``report.md`` (the main columns),
        ``report.html`` (the interactive page, self-contained: the table sortable and
        filterable, the trade-off panels with hover, the comparison of two runs; it works
        from ``file://`` without a network). The Markdown and HTML files end with the runs left out
        (:data:`SKIPPED_HEADING`: each folder and why).

    Raises
    ------
    greennb.errors.InvalidValueError
        (a ValueError) When the store has no finished run, or the default report folder is
        a link out of the store.

    Warns
    -----
    greennb.errors.SkippedRunWarning
        For each run left out (see :func:`~greennb.report.collect_runs`).
    """
    root = Path(runs_root or default_runs_root())
    table = collect_runs(root) if table is None else table
    if table.empty:
        raise InvalidValueError(NO_RUNS_MSG.format(root=root))
    out = _out_folder(root, out_dir)
    out.mkdir(parents=True, exist_ok=True)
    table.to_csv(out / "report.csv", index=False)
    heading = f"# greennb report\n\n{len(table)} models from {table['run_id'].nunique()} runs.\n\n"
    shared = _shared_note(table, escape_markdown)
    notes = "\n\n".join(note for note in (ESTIMATE_NOTE, shared) if note)
    markdown = markdown_table(with_ranges(table), MARKDOWN_COLUMNS) + _skipped_markdown(table)
    markdown += seeds_section(root, table, out)  # across seeds, per sweep: CSV, PNG, tables
    (out / "report.md").write_text(heading + notes + "\n\n" + markdown, encoding="utf-8")
    intro, footer = _intro_html(table, root), _skipped_html(table)
    page = interactive_page(table, intro_html=intro, footer_html=footer)
    (out / "report.html").write_text(page, encoding="utf-8")
    return out
