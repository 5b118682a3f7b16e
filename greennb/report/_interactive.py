r"""The interactive report page: one self-contained HTML file that works offline, from file://.

:func:`interactive_page` lays out, from the report table:

- filters by case, dataset and model (``#filter-case``, ``#filter-dataset``,
  ``#filter-model``) and the count of rows shown (``#shown-count``);
- the trade-off panels of :func:`~greennb.report._tradeoff_views.tradeoff_views`, each a
  ``<div class="tradeoff-plot" data-view data-case data-dataset data-metric>`` drawn by plotly;
- the table ``#runs`` of every (run, model) row, one ``<tr data-row data-run data-case
  data-dataset data-model>`` each, sortable by a click on a ``<th data-column>``; the column
  ``parameters`` shows the parameters that differ between the runs of the row's case
  (:func:`~greennb.report._parameters.differing_parameters`);
- the comparison of two runs (``#compare-a``, ``#compare-b``, ``#compare-result``).

plotly.js is embedded once, in the head (``plotly.offline.get_plotlyjs``, the bundle that the
plotly package ships; MathJax set to "local" so that nothing is fetched); the panels, each
row's hover text (stored once, not once per view) and each run's summary travel as one JSON
block that the page's script (:mod:`greennb.report._page_script`) reads. Every value taken from
a record is escaped: :func:`html.escape` in the markup and in plotly's texts (plotly renders
a subset of HTML in them), and ``<``, ``>``, ``&`` as JSON ``\u003c``-style escapes inside the JSON
block, so that no record can close a tag or inject markup.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from greennb._noise import DEFAULT_NOISE
from greennb.report._markdown import with_ranges
from greennb.report._page_data import json_block, run_data
from greennb.report._page_script import PAGE_CSS, PAGE_SCRIPT
from greennb.report._parameters import differing_parameters, parameter_text, read_parameters
from greennb.report._tradeoff_views import tradeoff_views

#: The table's columns, in order (``parameters``: those that differ between the case's runs).
TABLE_COLUMNS = (
    "run_id",
    "case",
    "dataset",
    "model",
    "parameters",
    "quality_metric",
    "quality",
    "quality_unit",
    "sri",
    "sri_fairness_score",
    "sri_bar",
    "meets_bar",
    "energy_kwh",
    "energy_kwh_range",
    "energy_status",
    "train_kwh",
    "inference_kwh_per_1000",
    "emissions_g",
    "emissions_g_range",
)
#: Columns shown only where some row has a value.
OPTIONAL_COLUMNS = (
    "machine_shared",
    "privacy_mechanism",
    "privacy_epsilon",
    "privacy_release_k",
    "federated_rounds",
    "federated_clients",
    "federated_mb_sent",
)
#: Header labels of the columns that are not shown under their own name.
COLUMN_LABELS = {
    "run_id": "run",
    "quality_metric": "metric",
    "quality_unit": "unit",
    "sri": "R",
    "sri_fairness_score": "A",
    "sri_bar": "B",
    "meets_bar": "R ≥ 1",
    "energy_kwh": "energy (kWh)",
    "energy_kwh_range": "energy interval (kWh)",
    "energy_status": "energy status",
    "train_kwh": "training (kWh)",
    "inference_kwh_per_1000": "per 1,000 predictions (kWh)",
    "emissions_g": "CO2e (g)",
    "emissions_g_range": "CO2e interval (g)",
}
# The filters, by the table column they match.
_FILTERS = {"case": "case", "dataset": "dataset", "model": "model"}


def _cell(value: Any) -> str:
    """Return a value as the escaped text of a cell: floats to 4 digits, NaN/None empty."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.4g}"
    return html.escape(str(value))


def _attribute(value: Any) -> str:
    """Return a value as an escaped attribute value ("" for a missing one)."""
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else (
        html.escape(str(value), quote=True)
    )  # fmt: skip


def _columns(table: pd.DataFrame) -> list[str]:
    shown = [c for c in OPTIONAL_COLUMNS if c in table and table[c].replace("", None).notna().any()]
    return [*TABLE_COLUMNS, *shown]


def _row_parameters(table: pd.DataFrame) -> tuple[pd.Series, dict, dict]:
    """Return the rows' differing parameters (``name=value; ...``), per run and per case.

    The first is aligned with the table; then each run's parameters (name to text); then,
    per case, the names of the parameters that differ between its runs.
    """
    folders = table.drop_duplicates("run_id").set_index("run_id")["run_dir"]
    parameters = {run: read_parameters(folder) for run, folder in folders.items()}
    cases = table.drop_duplicates("run_id").set_index("run_id")["case"].to_dict()
    differing = differing_parameters(parameters, cases)
    text = {run: parameter_text(parameters[run], differing[cases[run]]) for run in parameters}
    return table["run_id"].map(text), parameters, differing


def _number(value: Any, digits: int = 4) -> str:
    return "n/a" if value is None or not math.isfinite(float(value)) else f"{value:.{digits}g}"


def _hover(row: Mapping[str, Any]) -> str:
    """Return a row's hover text, its lines apart by newlines (the page joins them with <br>).

    plotly renders a subset of HTML in its texts: every value from the record is escaped.
    """
    e = html.escape
    energy = (row["energy_kwh"], row["energy_kwh_low"], row["energy_kwh_high"])
    wh = [_number(v * 1000 if v is not None else None, 3) for v in energy]
    parameters = row["parameters"] or "none differ between the case's runs"
    return "\n".join(
        [
            e(str(row["model"])),
            f"run {e(str(row['run_id']))}",
            f"dataset {e(str(row['dataset'] or ''))}",
            f"parameters: {e(parameters)}",
            f"{e(str(row['quality_metric']))} {_number(row['quality'])} "
            f"{e(str(row['quality_unit'] or ''))}",
            f"energy {wh[0]} Wh [{wh[1]}–{wh[2]}], {e(str(row['energy_status']))}",
            f"R {_number(row['sri'], 3)} = A {_number(row['sri_fairness_score'], 3)} / "
            f"B {_number(row['sri_bar'], 3)}",
        ]
    )


def _options(
    select_id: str, values: Iterable[str], label: str, *, all_text: str = "", selected: str = ""
) -> str:
    """Return a labelled select of the values; a first option "" (all) when ``all_text``."""
    first = f'<option value="">{all_text}</option>' if all_text else ""
    options = "".join(
        f'<option value="{_attribute(v)}"{" selected" if v == selected else ""}>'
        f"{html.escape(v)}</option>"
        for v in values
    )
    return f'<label>{label} <select id="{select_id}">{first}{options}</select></label>'


def _filters(table: pd.DataFrame) -> str:
    selects = [
        _options(
            f"filter-{name}", sorted(set(table[column].dropna().astype(str))), name, all_text="all"
        )
        for name, column in _FILTERS.items()
    ]
    return (
        '<div class="filters">' + "".join(selects) + f'<span id="shown-count">{len(table)}</span>'
        f" of {len(table)} rows shown</div>"
    )


def _table(table: pd.DataFrame, columns: list[str]) -> str:
    shown = with_ranges(table)
    header = "".join(
        f'<th data-column="{c}">{html.escape(COLUMN_LABELS.get(c, c))}</th>' for c in columns
    )
    cells = [shown[c].map(_cell).tolist() for c in columns]
    attributes = [
        [_attribute(v) for v in table[c].tolist()] for c in ("run_id", "case", "dataset", "model")
    ]
    # </td> and </tr> are optional in HTML: left out, 0.7 MB less at 1,000 runs.
    body = [
        f'<tr data-row="{i}" data-run="{run}" data-case="{case}" data-dataset="{dataset}" '
        f'data-model="{model}"><td>' + "<td>".join(row)
        for i, (run, case, dataset, model, *row) in enumerate(zip(*attributes, *cells, strict=True))
    ]
    return (
        f'<div class="table-wrap"><table id="runs"><thead><tr>{header}</tr></thead><tbody>\n'
        + "\n".join(body)
        + "\n</tbody></table></div>"
    )


def _plots(table: pd.DataFrame) -> tuple[str, list[dict[str, Any]]]:
    """Return the panels' divs and their figures (plotly JSON, drawn by the page's script)."""
    divs, figures = [], []
    for i, view in enumerate(tradeoff_views(table)):
        divs.append(
            f'<div class="tradeoff-plot" id="plot-{i}" data-view="{view.view}" '
            f'data-case="{_attribute(view.case)}" data-dataset="{_attribute(view.dataset)}" '
            f'data-metric="{_attribute(view.metric)}"></div>'
        )
        figure = view.figure.to_plotly_json()
        figures.append({"id": f"plot-{i}", "data": figure["data"], "layout": figure["layout"]})
    return '<div class="plots">\n' + "\n".join(divs) + "\n</div>", figures


def _comparison(runs: list[dict[str, Any]]) -> str:
    """Return the two run selects and the empty result table the page's script fills.

    A and B start as the first two runs of the first case that has two, else the first two.
    """
    ids = [run["run"] for run in runs]
    cases = [run["case"] for run in runs]
    repeated = [i for i, case in enumerate(cases) if cases.count(case) > 1]
    first = repeated[0] if repeated else 0
    second = next((i for i in repeated if i != first and cases[i] == cases[first]), 1)
    a = ids[first] if ids else ""
    b = ids[second] if second < len(ids) else a
    selects = _options("compare-a", ids, "A", selected=a) + _options(
        "compare-b", ids, "B", selected=b
    )
    return (
        f'<div class="filters">{selects}</div>\n<table id="compare-result"><thead><tr>'
        "<th>what</th><th>A</th><th>B</th><th>change (B against A)</th></tr></thead>"
        "<tbody></tbody></table>"
    )


def _plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    return (
        "<script>window.PlotlyConfig = {MathJaxConfig: 'local'};</script>\n"
        f"<script>{get_plotlyjs()}</script>"
    )


def interactive_page(
    table: pd.DataFrame,
    *,
    intro_html: str = "",
    footer_html: str = "",
    title: str = "greennb report",
) -> str:
    """Return the interactive report of a report table as one self-contained HTML page.

    Parameters
    ----------
    table : pandas.DataFrame
        The report table (:func:`~greennb.report.collect_runs`), not empty; its runs'
        records are read again for their parameters (``run_dir``).
    intro_html, footer_html : str
        Markup (already escaped) put after the heading and at the end, e.g. the notes and
        the skipped runs.
    title : str
        The page's title and heading (escaped here).

    Returns
    -------
    str
        The page (UTF-8 text): plotly.js inline, no request to the network.
    """
    frame = table.reset_index(drop=True)
    frame["parameters"], parameters, differing = _row_parameters(frame)
    records = frame.to_dict("records")
    plots, figures = _plots(frame)
    data = {
        "hover": [_hover(row) for row in records],
        "figures": figures,
        **run_data(records, parameters, differing),
        "noise": DEFAULT_NOISE,
    }
    heading = html.escape(title)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{heading}</title>
<style>{PAGE_CSS}</style>
{_plotly_js()}
</head><body>
<h1>{heading}</h1>
{intro_html}
{_filters(frame)}
<h2>Trade-offs</h2>
<p class="note">One panel per case, dataset and quality metric. Hover a point for its run and
the parameters that differ between the case's runs; click a legend entry to hide a model.
Circled points joined by the dotted step line are the Pareto front of quality and energy (no
other run is measurably cheaper, beyond the {DEFAULT_NOISE:.0%} run-to-run noise, and at least
as good).
The dashed line is R = 1: the compliance bar met.</p>
{plots}
<h2>All runs</h2>
<p class="note">Click a column's header to sort by it; click again to reverse.</p>
{_table(frame, _columns(frame))}
<h2>Compare two runs</h2>
<p class="note">The parameters that differ, then per model in both runs its quality, R and
energy in A and B with the change; an energy difference within the run-to-run noise is
"no measurable difference". On the command line: <code>greennb compare RUN_A RUN_B</code>.</p>
{_comparison(data["runs"])}
{footer_html}
{json_block(data)}
<script>{PAGE_SCRIPT}</script>
</body></html>
"""
