"""The report across runs: one table of every finished run, and the trade-off plots.

:func:`collect_runs` reads every finished run of the store (:func:`greennb.runs.list_runs`)
into a tidy table, one row per (run, model): task quality, the social responsibility index
R = A / B of the model's first fairness entry, computation energy with its status (measured or
estimated), facility energy with PUE, emissions and the settings that priced them.
:func:`write_report` writes that table as CSV, Markdown and HTML (with the plots embedded) into
``papermill_runs/report/``.

Examples
--------
>>> from greennb.report import collect_runs, write_report  # doctest: +SKIP
>>> collect_runs()[["case", "model", "quality_metric", "quality", "sri"]]  # doctest: +SKIP
>>> write_report()  # doctest: +SKIP
PosixPath('papermill_runs/report')
"""

from __future__ import annotations

import base64
import html
import io
import math
import os
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from greennb.errors import InvalidValueError
from greennb.runs import list_runs, read_metrics
from greennb.runs import runs_root as default_runs_root

if TYPE_CHECKING:  # matplotlib and seaborn are imported when a figure is drawn
    import matplotlib.pyplot as plt

__all__ = [
    "REPORT_COLUMNS",
    "REPORT_DIR",
    "collect_runs",
    "footprint_figure",
    "markdown_table",
    "tradeoff_figure",
    "write_report",
]

REPORT_DIR = "report"
#: Columns of :func:`collect_runs`, in order.
REPORT_COLUMNS = (
    "run_id",
    "case",
    "dataset",
    "model",
    "task",
    "quality_metric",
    "quality",
    "quality_unit",
    "sri",
    "sri_fairness_score",
    "sri_bar",
    "sri_metric",
    "meets_bar",
    "energy_kwh",
    "energy_status",
    "total_kwh",
    "emissions_g",
    "country",
    "pue",
    "renewable_share",
    "device",
    "seed",
    "quick",
    "finished_at",
    "duration_s",
    "run_dir",
)
#: The columns of the Markdown table (the CSV and HTML files hold them all).
MARKDOWN_COLUMNS = (
    "case",
    "model",
    "dataset",
    "quality_metric",
    "quality",
    "quality_unit",
    "sri",
    "meets_bar",
    "energy_kwh",
    "energy_status",
    "emissions_g",
    "country",
    "pue",
    "finished_at",
)
#: The quality metric reported per task, as the notebooks name it in ``quality``.
QUALITY_BY_TASK = {"classification": "accuracy", "regression": "mae", "forecast": "mae"}
#: Quality metrics that are fractions; any other is taken to be in the target's unit.
FRACTION_METRICS = ("accuracy", "balanced_accuracy", "f1", "precision", "recall", "roc_auc", "r2")

NO_RUNS_MSG = (
    "No finished runs in {root}: nothing to report. Run a case first, e.g. "
    "`greennb run getting_started` (failed runs, *.failed, are not reported)."
)
ESTIMATE_NOTE = (
    "Energy is CodeCarbon's: measured where the machine exposes RAPL/NVML counters, otherwise "
    "estimated (CPU load × TDP, RAM model); the energy_status column says which. Emissions "
    "are facility energy (× PUE) × grid carbon intensity × (1 − renewable share)."
)


def _quality(model: Mapping[str, Any], task: str | None) -> tuple[str | None, float]:
    """Return the model's headline quality: accuracy, or MAE for regression and forecasts."""
    quality = model.get("quality") or {}
    by_lower = {str(key).lower(): key for key in quality}
    key = by_lower.get(QUALITY_BY_TASK.get(task or "", ""))
    if key is None and quality:
        key = next(iter(quality))
    return (None, math.nan) if key is None else (str(key), float(quality[key]))


def _first_fairness(model: Mapping[str, Any]) -> dict[str, Any]:
    entries = list((model.get("fairness") or {}).values())
    if not entries:
        return {}
    sri = entries[0]
    metric = sri.get("metric")
    return {
        "sri": sri.get("value"),
        "sri_fairness_score": sri.get("fairness_score"),
        "sri_bar": sri.get("bar"),
        "sri_metric": "+".join(metric) if isinstance(metric, list) else metric,
        "meets_bar": sri.get("meets_bar"),
    }


def _device(model: Mapping[str, Any], record: Mapping[str, Any]) -> str | None:
    device = (model.get("extra") or {}).get("device") or record["environment"].get("device")
    return device.get("type") if isinstance(device, Mapping) else device


def _rows(run_dir: Path, record: Mapping[str, Any]) -> list[dict[str, Any]]:
    rows = []
    parameters = record.get("parameters") or {}
    for model in record["models"]:
        extra = model.get("extra") or {}
        task = extra.get("task") or record["dataset"].get("task")
        metric, value = _quality(model, task)
        unit = "fraction" if str(metric).lower() in FRACTION_METRICS else None
        total, carbon = model["energy_total"], model["carbon"]
        rows.append(
            {
                "run_id": f"{record['case']}/{run_dir.name}",
                "case": record["case"],
                "dataset": extra.get("dataset") or record["dataset"].get("name"),
                "model": model["name"],
                "task": task,
                "quality_metric": metric,
                "quality": value,
                "quality_unit": unit or record["dataset"].get("target_unit"),
                **_first_fairness(model),
                "energy_kwh": total.get("energy_kwh"),
                "energy_status": total.get("status"),
                "total_kwh": carbon.get("total_kwh"),
                "emissions_g": carbon.get("emissions_g"),
                "country": carbon.get("country"),
                "pue": carbon.get("pue"),
                "renewable_share": carbon.get("renewable_share"),
                "device": _device(model, record),
                "seed": record.get("seed"),
                "quick": parameters.get("quick"),
                "finished_at": record["finished_at"],
                "duration_s": record["duration_s"],
                "run_dir": str(run_dir),
            }
        )
    return rows


def collect_runs(runs_root: str | os.PathLike | None = None) -> pd.DataFrame:
    """Return every finished run of the store as a tidy table, one row per (run, model).

    Parameters
    ----------
    runs_root : str or path, optional
        Root of the run store; default ``$GREENNB_RUNS_DIR`` or ``./papermill_runs``.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`REPORT_COLUMNS`: ``quality`` is accuracy (fraction) for
        classification and MAE (target units) for regression and forecasts, else the record's
        first quality metric (named in ``quality_metric``); ``sri``, ``sri_fairness_score``,
        ``sri_bar`` are R, A and B of the model's first fairness entry (NaN when undefined or
        absent); ``energy_kwh`` is computation energy (kWh) with ``energy_status`` measured,
        estimated or unavailable; ``total_kwh`` is facility energy (kWh, × PUE);
        ``emissions_g`` is g CO2e; ``duration_s`` is the run's duration (s). Empty (with these
        columns) when the store has no finished run.
    """
    rows = []
    for run_dir in list_runs(runs_root):
        rows.extend(_rows(run_dir, read_metrics(run_dir)))
    table = pd.DataFrame(rows, columns=list(REPORT_COLUMNS))
    numeric = ["quality", "sri", "sri_fairness_score", "sri_bar", "energy_kwh", "total_kwh"]
    numeric += ["emissions_g", "pue", "renewable_share", "duration_s"]
    table[numeric] = table[numeric].astype(float)
    return table


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value).replace("|", "\\|").replace("\n", " ")


def markdown_table(table: pd.DataFrame, columns: list[str] | tuple[str, ...] | None = None) -> str:
    """Format a table as GitHub-flavoured Markdown (numbers to 4 significant digits).

    Written by hand: pandas' ``to_markdown`` needs the ``tabulate`` package, which greennb
    does not depend on.

    Parameters
    ----------
    table : pandas.DataFrame
        The table.
    columns : sequence of str, optional
        Columns to show, in order; default all.

    Returns
    -------
    str
        The Markdown table, one line per row, NaN and None as empty cells.
    """
    columns = list(table.columns if columns is None else columns)
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for _, row in table[columns].iterrows():
        lines.append("| " + " | ".join(_cell(row[c]) for c in columns) + " |")
    return "\n".join(lines) + "\n"


def _panels(table: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """Split the table into trade-off panels with comparable quality scales.

    Accuracy (a fraction) is comparable across datasets; an error in target units (MAE of
    ridership in thousands, of demand in GW) only within one dataset.
    """
    panels = []
    for metric, rows in table.groupby("quality_metric", sort=True):
        if str(metric).lower() == "accuracy":
            panels.append((str(metric), rows))
            continue
        for dataset, subset in rows.groupby("dataset", sort=True):
            panels.append((f"{metric} ({dataset})", subset))
    return panels


def _tradeoff_panel(rows: pd.DataFrame, title: str, ax: plt.Axes) -> None:
    from greennb.plots import tradeoff_scatter

    metric = str(rows["quality_metric"].iloc[0])
    # R to 3 digits: seaborn's legend lists the distinct values of a few-valued hue.
    frame = rows.rename(columns={"quality": metric}).assign(sri=rows["sri"].round(3))
    defined = frame[np.isfinite(frame["sri"])]
    tradeoff_scatter(defined if len(defined) else frame, y=metric, label="model", ax=ax)
    undefined = frame[~np.isfinite(frame["sri"])]
    if len(defined) and len(undefined):
        ax.scatter(
            undefined["energy_kwh"], undefined[metric], marker="x", color="grey", label="R = NaN"
        )
        ax.legend(title="sri")
    unit = rows["quality_unit"].dropna()
    unit = unit.iloc[0] if len(unit) else "target units"
    better = "higher" if unit == "fraction" else "lower"
    ax.set(
        ylabel=f"{metric} ({unit}; {better} is better)",
        title=f"{title}: quality vs energy, colour = R",
    )


def tradeoff_figure(table: pd.DataFrame) -> plt.Figure:
    """Trade-off scatter panels (quality vs computation energy, coloured by R) of a report table.

    Parameters
    ----------
    table : pandas.DataFrame
        As returned by :func:`collect_runs` (not empty).

    Returns
    -------
    matplotlib.figure.Figure
        One panel per quality scale: accuracy for all classification runs, and one per
        (error metric, dataset) for regression and forecasts.
    """
    import matplotlib.pyplot as plt

    panels = _panels(table)
    figure, axes = plt.subplots(
        1, len(panels), figsize=(6.4 * len(panels), 4.4), layout="constrained", squeeze=False
    )
    for (title, rows), ax in zip(panels, axes[0], strict=True):
        _tradeoff_panel(rows, title, ax)
    return figure


def footprint_figure(table: pd.DataFrame) -> plt.Figure:
    """Facility energy (Wh) and emissions (g CO2e) per case and model, mean over runs.

    Parameters
    ----------
    table : pandas.DataFrame
        As returned by :func:`collect_runs` (not empty).

    Returns
    -------
    matplotlib.figure.Figure
        Two panels of horizontal bars.
    """
    import matplotlib.pyplot as plt

    from greennb.plots import footprint_bars

    height = 1.2 + 0.35 * table[["case", "model"]].drop_duplicates().shape[0]
    figure, (left, right) = plt.subplots(1, 2, figsize=(12.8, height), layout="constrained")
    footprint_bars(table, value="total_kwh", ax=left)
    footprint_bars(table, value="emissions_g", ax=right)
    return figure


def _png(figure: plt.Figure, path: Path) -> str:
    """Save a figure as PNG; return it base64-encoded for embedding in HTML."""
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(figure)
    path.write_bytes(buffer.getvalue())
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _html(table: pd.DataFrame, images: Mapping[str, str], root: Path) -> str:
    figures = "\n".join(
        f'<h2>{html.escape(title)}</h2>\n<img alt="{html.escape(title)}" '
        f'src="data:image/png;base64,{data}">'
        for title, data in images.items()
    )
    statuses = ", ".join(sorted(set(table["energy_status"].dropna())))
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>greennb report</title>
<style>body{{font-family:sans-serif;margin:2em}} table{{border-collapse:collapse;font-size:85%}}
td,th{{border:1px solid #ccc;padding:2px 6px}} img{{max-width:100%}}</style></head><body>
<h1>greennb report</h1>
<p>{len(table)} models from {table["run_id"].nunique()} finished runs in
<code>{html.escape(str(root))}</code>, generated {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.
Energy status of the figures: <b>{html.escape(statuses)}</b>.</p>
<p>{html.escape(ESTIMATE_NOTE)}</p>
{figures}
<h2>All runs</h2>
{table.to_html(index=False, float_format=lambda v: f"{v:.4g}", na_rep="", border=0)}
</body></html>
"""


def write_report(
    runs_root: str | os.PathLike | None = None, out_dir: str | os.PathLike | None = None
) -> Path:
    """Write the report of every finished run: CSV, Markdown and HTML with plots.

    Parameters
    ----------
    runs_root : str or path, optional
        Root of the run store; default ``$GREENNB_RUNS_DIR`` or ``./papermill_runs``.
    out_dir : str or path, optional
        Output folder; default ``<runs_root>/report``.

    Returns
    -------
    pathlib.Path
        The output folder, holding ``report.csv`` (every column of :func:`collect_runs`),
        ``report.md`` (the main columns), ``report.html`` (the table and the plots embedded),
        ``tradeoff.png`` and ``footprint.png``.

    Raises
    ------
    ValueError
        When the store has no finished run.
    """
    root = Path(runs_root or default_runs_root())
    table = collect_runs(root)
    if table.empty:
        raise InvalidValueError(NO_RUNS_MSG.format(root=root))
    out = Path(out_dir) if out_dir is not None else root / REPORT_DIR
    out.mkdir(parents=True, exist_ok=True)
    table.to_csv(out / "report.csv", index=False)
    heading = f"# greennb report\n\n{len(table)} models from {table['run_id'].nunique()} runs.\n\n"
    (out / "report.md").write_text(
        heading + ESTIMATE_NOTE + "\n\n" + markdown_table(table, MARKDOWN_COLUMNS),
        encoding="utf-8",
    )
    images = {
        "Trade-off: quality vs energy, coloured by the social responsibility index R": _png(
            tradeoff_figure(table), out / "tradeoff.png"
        ),
        "Footprint per case and model": _png(footprint_figure(table), out / "footprint.png"),
    }
    (out / "report.html").write_text(_html(table, images, root), encoding="utf-8")
    return out
