"""The explorer: the report's trade-off views over the run store, as live ipywidgets controls.

:class:`Explorer` reads the run store (:func:`~greennb.report.collect_runs`), lets an analyst
pick runs by case, dataset, model and the parameters that differ between a case's runs, shows
the report's trade-off panels (:func:`~greennb.report.tradeoff_views`, with the same hover
text) for the runs picked, and drills into one run: its differing parameters, a model's
per-group rates and its energy phases. "Refresh" reads the store again, so runs that landed
since appear. ``greennb explore`` serves it with Voilà (:mod:`greennb.report._explore_app`);
in JupyterLab, ``Explorer().show()`` displays it in a notebook.

The filtering and the drill-down are plain functions (:func:`filter_runs`,
:func:`~greennb.report._details.run_groups`, :func:`~greennb.report._details.run_phases`), so
tests and scripts use them without a front end.
"""

from __future__ import annotations

import contextlib
import html
import json
import os
import time
import warnings
from pathlib import Path
from typing import Any

import pandas as pd

from greennb._validation import one_of, positive
from greennb.errors import SkippedRunWarning
from greennb.report._collect import collect_runs
from greennb.report._details import run_groups, run_phases
from greennb.report._interactive import _hover, _row_parameters
from greennb.report._tradeoff_views import VIEWS, tradeoff_views
from greennb.runs import FAILED_SUFFIX, METRICS_FILE
from greennb.runs import runs_root as default_runs_root

#: A filter's choice that keeps every value.
ALL = "(all)"
#: The explorer's filters: columns of the explorer's table.
FILTERS = ("case", "dataset", "model", "parameters")
#: The views' labels on the explorer's buttons, by :data:`~greennb.report.VIEWS` name.
VIEW_LABELS = {
    "quality-energy": "quality vs energy",
    "quality-sri": "quality vs R",
    "energy-sri": "R vs energy",
}
NO_PARAMETERS = "(none differ)"
#: The file ``greennb explore`` waits for before it prints the URL: the explorer touches it
#: once shown (in the server's pre-heated kernel, so the first page opens at once).
READY_ENV = "GREENNB_EXPLORER_READY"
#: How often the explorer checks the store for runs that landed (s).
WATCH_EVERY_S = 5.0
EMPTY_STORE_MSG = (
    "No finished run in {root}. Run a case (<code>greennb run CASE</code>, or a notebook in "
    "<code>make lab</code>), then press Refresh."
)


def explorer_table(runs_root: str | os.PathLike | None = None) -> pd.DataFrame:
    """Return the report table of the store with each row's differing parameters and hover.

    Parameters
    ----------
    runs_root : str or path, optional
        Root of the run store; default ``$GREENNB_RUNS_DIR`` or ``./papermill_runs``.

    Returns
    -------
    pandas.DataFrame
        :func:`~greennb.report.collect_runs`'s table, newest run first, with ``parameters``
        (the parameters that differ between the case's runs, ``name=value; ...``, or
        :data:`NO_PARAMETERS`) and ``hover`` (the report's hover text of the row, as HTML
        lines); the runs left out in ``attrs["skipped_runs"]``, without a warning each.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SkippedRunWarning)  # listed once, in the header
        table = collect_runs(runs_root)
    skipped = table.attrs.get("skipped_runs", [])
    # newest first; runs that finished in the same second by their folders (named by time)
    table = table.sort_values(["finished_at", "run_id"], ascending=False, kind="stable")
    table = table.reset_index(drop=True)
    if len(table):
        table["parameters"] = _row_parameters(table)[0].replace("", NO_PARAMETERS)
        table["hover"] = [_hover(row).replace("\n", "<br>") for row in table.to_dict("records")]
    else:
        table = table.assign(parameters=pd.Series(dtype=str), hover=pd.Series(dtype=str))
    table.attrs["skipped_runs"] = skipped
    return table


def filter_choices(table: pd.DataFrame, column: str) -> list[str]:
    """Return a filter's choices: :data:`ALL`, then the column's values in the table, sorted."""
    one_of(column, FILTERS, name="filter")
    return [ALL, *sorted(set(table[column].fillna("").astype(str)))]


def filter_runs(table: pd.DataFrame, **chosen: str | None) -> pd.DataFrame:
    """Return the rows of an explorer table that match every chosen filter value.

    Parameters
    ----------
    table : pandas.DataFrame
        The explorer's table (:func:`explorer_table`).
    **chosen : str or None
        Filter (one of :data:`FILTERS`) to the value kept; None or :data:`ALL` keeps all.

    Returns
    -------
    pandas.DataFrame
        The matching rows, in the table's order.

    Raises
    ------
    greennb.errors.InvalidValueError
        For a filter not in :data:`FILTERS`, or a value the table does not hold (the message
        lists the values it holds).

    Examples
    --------
    >>> table = pd.DataFrame({"case": ["a", "a", "b"], "dataset": "d", "model": ["m", "n", "m"],
    ...                       "parameters": "seed=0"})
    >>> filter_runs(table, case="a", model="m").index.tolist()
    [0]
    >>> filter_runs(table, case="c")
    Traceback (most recent call last):
    ...
    greennb.errors.InvalidValueError: Unknown case 'c'; valid choices: (all), a, b.
    """
    kept = pd.Series(True, index=table.index)
    for column, value in chosen.items():
        valid = filter_choices(table, column)
        if value is None or value == ALL:
            continue
        one_of(value, valid, name=column)
        kept &= table[column].fillna("").astype(str) == value
    return table[kept]


def _frame_html(frame: pd.DataFrame, css_class: str) -> str:
    """Return a small table as escaped HTML, numbers to 4 significant digits."""
    return frame.to_html(
        index=False, escape=True, classes=css_class, border=0, na_rep="n/a",
        float_format=lambda value: f"{value:.4g}",
    )  # fmt: skip


def details_html(rows: pd.DataFrame, model: str) -> str:
    """Return the drill-down of one run's model as HTML: parameters, groups, energy phases.

    Parameters
    ----------
    rows : pandas.DataFrame
        The explorer table's rows of the run (one per model).
    model : str
        The model to show (one of the rows' models).
    """
    row = rows[rows["model"] == one_of(model, rows["model"].tolist(), name="model")].iloc[0]
    groups = run_groups(row["run_dir"], model)
    if len(groups):
        groups = groups.pivot_table(
            index=["fairness", "label", "size"], columns="rate", values="value", sort=False
        ).reset_index()
        groups.columns.name = None
    phases = run_phases(row["run_dir"], model)
    e = html.escape
    group_html = _frame_html(groups, "greennb-groups") if len(groups) else "<p>none recorded</p>"
    return (
        f"<h4>{e(str(row['run_id']))} · {e(model)}</h4>"
        f"<p>dataset {e(str(row['dataset']))}; parameters: {e(str(row['parameters']))}; "
        f"R = {row['sri']:.3g} (A {row['sri_fairness_score']:.3g} / B {row['sri_bar']:.3g})</p>"
        f"<p><b>Per group</b> (rates are fractions of the group's rows)</p>{group_html}"
        f"<p><b>Energy phases</b> (computation energy in Wh, with its interval; status says "
        f"whether measured or estimated)</p>{_frame_html(phases, 'greennb-phases')}"
    )


def plotted_figures(rows: pd.DataFrame, view: str, models: Any = None) -> list:
    """Return the plotly figures of one view for the rows, each point's hover text filled in.

    The points' ``customdata`` are positions in ``rows``; their ``text`` is the row's hover.
    ``models`` (default the rows') fix the colours, as in :func:`tradeoff_views`.
    """
    rows = rows.reset_index(drop=True)
    figures = []
    for panel in tradeoff_views(rows, views=[view], models=models):
        for trace in panel.figure.data:
            trace.text = [rows["hover"].iloc[i] for i in trace.customdata]
        figures.append(panel.figure)
    return figures


def store_signature(runs_root: str | os.PathLike) -> frozenset[tuple[str, str, int]]:
    """Return what changes when a run lands in the store or leaves it: cheap to compute.

    Each ``(case, run folder, mtime of its metrics.json in ns)`` of the folders two levels
    down that hold a ``metrics.json`` (a finished run is renamed into place with it); hidden,
    temporary and failed (``*.failed``) folders are left out, as the report leaves them out.
    """
    found = set()
    for case in _subfolders(Path(runs_root)):
        for run in _subfolders(case):
            try:
                found.add((case.name, run.name, (run / METRICS_FILE).stat().st_mtime_ns))
            except OSError:  # no record (yet): not a finished run
                continue
    return frozenset(found)


def _subfolders(folder: Path) -> list[Path]:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    return [
        Path(e.path)
        for e in entries
        if not e.name.startswith(".") and not e.name.endswith(FAILED_SUFFIX) and e.is_dir()
    ]


# The outputs are set on the Output widgets directly, not captured with ``with output:``:
# capture routes by the kernel message being handled, which a refresh from the watch's
# background task does not have, so its figures would never reach the page.
def _html_output(markup: str) -> dict[str, Any]:
    """Return a display_data output of HTML, as an Output widget holds it."""
    return {"output_type": "display_data", "metadata": {},
            "data": {"text/html": markup, "text/plain": "(HTML)"}}  # fmt: skip


def _figure_output(figure: Any) -> dict[str, Any]:
    """Return a display_data output of a plotly figure (JupyterLab's and Voilà's renderer)."""
    import plotly.io as pio

    bundle = pio.renderers["plotly_mimetype"].to_mimebundle(json.loads(figure.to_json()))
    title = figure.layout.title.text or "figure"
    return {"output_type": "display_data", "metadata": {},
            "data": {**bundle, "text/plain": f"(plotly figure: {title})"}}  # fmt: skip


def _set_options(control: Any, options: list[str], default: str | None = None) -> None:
    """Give a dropdown new options, keeping its value if still offered, else ``default``.

    ``default`` None means the first option (None when there are none).
    """
    keep = control.value if control.value in options else None
    control.options = options
    fallback = default if default in options else next(iter(options), None)
    control.value = keep if keep is not None else fallback


class Explorer:
    """An explorer of the run store: filters, trade-off views and one run's details, live.

    Parameters
    ----------
    runs_root : str or path, optional
        Root of the run store; default ``$GREENNB_RUNS_DIR`` or ``./papermill_runs``.
    case : str, optional
        The case the explorer opens on; default the newest run's (one case's panels draw
        faster than every case's), :data:`ALL` for every case.

    Attributes
    ----------
    table : pandas.DataFrame
        The store as last read (:func:`explorer_table`).
    widget : ipywidgets.VBox
        The whole explorer; each part carries a CSS class ``greennb-<part>`` (the browser
        tests find them by it).

    Examples
    --------
    >>> from greennb.report import Explorer  # doctest: +SKIP
    >>> Explorer().show()  # doctest: +SKIP
    """

    def __init__(self, runs_root: str | os.PathLike | None = None, case: str | None = None) -> None:
        import ipywidgets as w

        self.runs_root = Path(runs_root or default_runs_root()).resolve()
        self.filters = {name: w.Dropdown(description=name, options=[ALL]) for name in FILTERS}
        self.view = w.ToggleButtons(options=[(VIEW_LABELS[v], v) for v in VIEWS])
        self.refresh_button = w.Button(description="Refresh", tooltip="read the run store again")
        self.header, self.shown_count = w.HTML(), w.HTML()
        self.plots, self.details = w.Output(), w.Output()
        self.run = w.Dropdown(description="run", layout={"width": "34em"})
        self.model = w.Dropdown(description="model", layout={"width": "24em"})
        parts = {"header": self.header, "refresh": self.refresh_button, "view": self.view,
                 "shown": self.shown_count, "plots": self.plots, "run": self.run,
                 "model": self.model, "details": self.details}  # fmt: skip
        for name, part in {**parts, **{f"filter-{k}": v for k, v in self.filters.items()}}.items():
            part.add_class(f"greennb-{name}")
        self.widget = w.VBox([
            w.HBox([self.header, self.refresh_button]),
            w.HBox(list(self.filters.values())), self.view, self.shown_count, self.plots,
            w.HTML("<h3>One run</h3>"), w.HBox([self.run, self.model]), self.details,
        ])  # fmt: skip
        self.table = pd.DataFrame()
        self._quiet = False
        self.refresh()
        for control in (*self.filters.values(), self.view):
            control.observe(self._redraw, names="value")
        self.run.observe(self._choose_run, names="value")
        self.model.observe(self._show_details, names="value")
        self.refresh_button.on_click(self.refresh)
        if len(self.table):  # the newest run comes first
            self.filters["case"].value = one_of(
                self.table["case"].iloc[0] if case is None else case,
                filter_choices(self.table, "case"), name="case",
            )  # fmt: skip

    def selection(self) -> dict[str, str]:
        """Return the filters' current values (filter name → value or :data:`ALL`)."""
        return {name: control.value for name, control in self.filters.items()}

    def shown(self) -> pd.DataFrame:
        """Return the rows of :attr:`table` the filters keep."""
        return filter_runs(self.table, **self.selection())

    def refresh(self, *_: Any) -> None:
        """Read the run store again; keep each filter's value where the store still has it."""
        started = time.perf_counter()
        self._signature = store_signature(self.runs_root)
        self.table = explorer_table(self.runs_root)
        skipped = len(self.table.attrs.get("skipped_runs", []))
        runs = self.table["run_id"].nunique() if len(self.table) else 0
        self.header.value = (
            f"<b>greennb explorer</b> · {runs} runs in <code>{html.escape(str(self.runs_root))}"
            f"</code>, read at {time.strftime('%H:%M:%S')} in {time.perf_counter() - started:.1f}"
            f" s" + (f" · {skipped} unreadable runs left out" if skipped else "")
        )
        self._quiet = True  # one redraw at the end, not one per control that changes
        try:
            for name, control in self.filters.items():
                _set_options(control, filter_choices(self.table, name), default=ALL)
        finally:
            self._quiet = False
        self._redraw()

    def _redraw(self, *_: Any) -> None:
        if self._quiet:
            return
        shown = self.shown()
        runs = shown["run_id"].nunique() if len(shown) else 0
        self.shown_count.value = (
            f"<span class='greennb-count' data-points='{len(shown)}' data-runs='{runs}'>"
            f"{len(shown)} of {len(self.table)} (run, model) points shown, from {runs} runs</span>"
        )
        self.plots.outputs = tuple(self._draw(shown))
        self._quiet = True
        try:
            _set_options(self.run, list(dict.fromkeys(shown["run_id"])) if len(shown) else [])
        finally:
            self._quiet = False
        self._choose_run()

    def _draw(self, shown: pd.DataFrame) -> list[dict[str, Any]]:
        """Return the plots' outputs for the shown rows: the figures, or a message."""
        if self.table.empty:
            return [_html_output(EMPTY_STORE_MSG.format(root=html.escape(str(self.runs_root))))]
        models = self.table["model"]  # a model keeps its colour whatever the filters
        figures = plotted_figures(shown, self.view.value, models) if len(shown) else []
        if not figures:
            return [_html_output("<p>No run matches these filters with figures to plot.</p>")]
        return [_figure_output(figure) for figure in figures]

    def _choose_run(self, *_: Any) -> None:
        if self._quiet:
            return
        self._quiet = True
        try:
            _set_options(self.model, self._run_rows()["model"].tolist())
        finally:
            self._quiet = False
        self._show_details()

    def _run_rows(self) -> pd.DataFrame:
        shown = self.shown()
        return shown[shown["run_id"] == self.run.value] if len(shown) else shown

    def _show_details(self, *_: Any) -> None:
        if self._quiet:
            return
        rows = self._run_rows()
        if self.model.value is None or rows.empty:
            self.details.outputs = ()
        else:
            self.details.outputs = (_html_output(details_html(rows, self.model.value)),)

    def watch(self, every_s: float = WATCH_EVERY_S) -> bool:
        """Refresh by itself whenever runs land in the store or leave it; return if it does.

        Every ``every_s`` seconds it compares :func:`store_signature` with the one last read,
        as a task on the kernel's running asyncio loop (ipykernel has one); where no loop is
        running (a plain script) it does nothing and returns False.
        """
        import asyncio

        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return False

        async def poll() -> None:
            while True:
                await asyncio.sleep(every_s)
                if store_signature(self.runs_root) != self._signature:
                    self.refresh()

        self._watching = loop.create_task(poll())
        return True

    def show(self) -> Explorer:
        """Display the explorer (in a notebook, or the page Voilà serves); return self."""
        from IPython.display import display

        display(self.widget)
        return self


def explore(
    runs_root: str | os.PathLike | None = None,
    *,
    case: str | None = None,
    watch_s: float | None = WATCH_EVERY_S,
) -> Explorer:
    """Display an :class:`Explorer` of the run store and return it.

    Parameters
    ----------
    runs_root : str or path, optional
        Root of the run store; default ``$GREENNB_RUNS_DIR`` or ``./papermill_runs``.
    case : str, optional
        The case it opens on (default the newest run's; :data:`ALL` for every case).
    watch_s : float or None, default 5
        Refresh when runs land, checking every ``watch_s`` seconds (:meth:`Explorer.watch`);
        None only refreshes on the button.
    """
    every_s = None if watch_s is None else positive(watch_s, name="watch_s", unit="s")
    explorer = Explorer(runs_root, case=case).show()
    if every_s is not None:
        explorer.watch(every_s)
    if ready := os.environ.get(READY_ENV):  # served by `greennb explore`: the page is ready
        with contextlib.suppress(OSError):  # only the first kernel's is waited for
            Path(ready).touch()
    return explorer
