"""Across seeds: a sweep's runs grouped by their non-seed parameters, with 95 % intervals.

A seed changes the split, the initial weights and the mitigators' randomness; two grid points
differ "really" only when their difference is larger than what changing the seed alone does.

- :func:`sweep_runs`: the report table's rows (:func:`~greennb.report.collect_runs`) of a sweep's
  finished runs, with the sweep's grid parameters as columns.
- :func:`seed_summary`: per grid point without its seed (and per case, dataset, model and
  quality metric) the number of seeds and, for task quality, R and computation energy, the mean,
  the standard deviation across seeds and a 95 % interval of the mean.
- :func:`seed_differences`: for every two grid points that differ in one parameter, the
  difference of the means (B − A) with its 95 % interval, and whether it **exceeds the
  seed-to-seed spread** (the interval excludes 0) or stays within it.

**Which interval, and why.** Student's t: ``mean ± t(0.975, n − 1) · s / √n``, and for a
difference Welch's ``ΔB−A ± t(0.975, ν) · √(s_A²/n_A + s_B²/n_B)`` with the Welch–Satterthwaite
degrees of freedom ν. A sweep has few seeds (5 is typical), and with so few values a percentile
bootstrap is too narrow (it has only 126 distinct resamples of 5 values and ignores that s
underestimates σ; Hesterberg 2015, "What teachers should know about the bootstrap", The American
Statistician 69(4), §4), while the t interval is exact for normal seed-to-seed variation and
close for mildly skewed metrics. Welch's form does not assume equal spreads at the two points; it
also ignores the pairing by seed (the same seed gives the same split at both points), which makes
it conservative: a difference it calls real is one.

**Energy of points that shared a machine.** A run flagged ``machine_shared`` (other processes, or
other sweep points, ran beside it) has energy that is not its own: its group's energy carries
``energy_attribution = "machine shared: not attributable"`` and no energy difference involving it
gets a verdict ("not attributable (machine shared)").

Examples
--------
>>> import pandas as pd
>>> runs = pd.DataFrame({"case": "c", "dataset": "d", "model": "m", "quality_metric": "accuracy",
...                      "bar": [0.8] * 3 + [0.9] * 3, "seed": [0, 1, 2] * 2,
...                      "quality": [0.70, 0.72, 0.74, 0.80, 0.81, 0.82],
...                      "sri": 1.0, "energy_kwh": 1e-6, "machine_shared": False})
>>> summary = seed_summary(runs, parameters=["bar"])
>>> summary[["bar", "n_seeds", "quality_mean", "quality_low", "quality_high"]].round(4)
   bar  n_seeds  quality_mean  quality_low  quality_high
0  0.8        3          0.72       0.6703        0.7697
1  0.9        3          0.81       0.7852        0.8348
>>> seed_differences(runs, parameters=["bar"]).query("metric == 'quality'")["verdict"].item()
'exceeds the seed spread'
"""

from __future__ import annotations

import itertools
import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from greennb.report._collect import collect_runs
from greennb.runs import SEED_PARAMETER, list_sweeps, read_sweep

#: The figures summarised across seeds: the report table's column and its words.
SEED_METRICS = {"quality": "quality", "sri": "R = A / B", "energy_kwh": "energy (kWh)"}
#: The confidence level of the intervals.
CONFIDENCE = 0.95
#: The grouping columns of the report table, before the grid parameters.
GROUP_COLUMNS = ("case", "dataset", "model", "quality_metric")
EXCEEDS, WITHIN = "exceeds the seed spread", "within the seed spread"
NOT_ATTRIBUTABLE = "not attributable (machine shared)"
TOO_FEW = "too few seeds (need 2 at each point)"
NO_FIGURE = "no figure at one of the points"
SHARED_ENERGY = "machine shared: not attributable"


def _t_quantile(df: float) -> float:
    from scipy import stats  # a scikit-learn dependency

    return float(stats.t.ppf(0.5 + CONFIDENCE / 2, df))


def _interval(values: np.ndarray) -> tuple[float, float, float, float]:
    """Return (mean, sd, low, high) of the mean's t interval; NaN bounds for one value."""
    values = values[np.isfinite(values)]
    n = len(values)
    if n == 0:
        return (math.nan,) * 4
    mean = float(np.mean(values))
    if n == 1:
        return mean, math.nan, math.nan, math.nan
    sd = float(np.std(values, ddof=1))
    half = _t_quantile(n - 1) * sd / math.sqrt(n)
    return mean, sd, mean - half, mean + half


def _keys(runs: pd.DataFrame, parameters: Sequence[str]) -> list[str]:
    kept = [p for p in parameters if p != SEED_PARAMETER]
    return [c for c in GROUP_COLUMNS if c in runs.columns] + kept


def seed_summary(
    runs: pd.DataFrame, *, parameters: Sequence[str], seed: str = SEED_PARAMETER
) -> pd.DataFrame:
    """Summarise runs across seeds: per grid point, mean and 95 % t interval of each figure.

    Parameters
    ----------
    runs : pandas.DataFrame
        One row per (run, model): the report's columns (:func:`sweep_runs`) with the grid's
        parameters as columns.
    parameters : sequence of str
        The grid's parameters; the seed among them is left out of the grouping.
    seed : str
        The seed's column.

    Returns
    -------
    pandas.DataFrame
        One row per case, dataset, model, quality metric and non-seed grid values: ``n_seeds``,
        ``seeds`` (sorted, as text), and for each of :data:`SEED_METRICS` (quality in its metric's
        unit, R, computation energy in kWh) ``<m>_mean``, ``<m>_sd`` (across seeds),
        ``<m>_low`` and ``<m>_high`` (95 % t interval of the mean; NaN with one seed);
        ``machine_shared`` (any run of the group) and ``energy_attribution``.
    """
    keys = _keys(runs, parameters)
    rows = []
    for values, group in runs.groupby(keys, sort=False, dropna=False):
        row = dict(zip(keys, values if isinstance(values, tuple) else (values,), strict=True))
        row["n_seeds"] = len(group)
        row["seeds"] = ", ".join(str(s) for s in sorted(group[seed])) if seed in group else ""
        for metric in SEED_METRICS:
            numbers = pd.to_numeric(group[metric], errors="coerce").to_numpy(dtype=float)
            stats = _interval(numbers)
            row.update(
                zip((f"{metric}_{s}" for s in ("mean", "sd", "low", "high")), stats, strict=True)
            )
        shared = bool(group["machine_shared"].astype(bool).any())
        row["machine_shared"] = shared
        row["energy_attribution"] = SHARED_ENERGY if shared else "attributable"
        rows.append(row)
    return pd.DataFrame(rows)


def _welch(a: np.ndarray, b: np.ndarray) -> tuple[float, float, float]:
    """Return (B − A, low, high): Welch's 95 % interval of the difference of the means."""
    difference = float(np.mean(b) - np.mean(a))
    var_a, var_b = np.var(a, ddof=1) / len(a), np.var(b, ddof=1) / len(b)
    se = math.sqrt(var_a + var_b)
    if se == 0:
        return difference, difference, difference
    df = (var_a + var_b) ** 2 / (var_a**2 / (len(a) - 1) + var_b**2 / (len(b) - 1))
    half = _t_quantile(df) * se
    return difference, difference - half, difference + half


def _verdict(metric: str, a: pd.DataFrame, b: pd.DataFrame) -> tuple[str, float, float, float]:
    values = [pd.to_numeric(g[metric], errors="coerce").dropna().to_numpy(float) for g in (a, b)]
    if not (len(values[0]) and len(values[1])):
        return NO_FIGURE, math.nan, math.nan, math.nan
    if metric == "energy_kwh" and (a["machine_shared"].any() or b["machine_shared"].any()):
        difference = float(np.mean(values[1]) - np.mean(values[0]))
        return NOT_ATTRIBUTABLE, difference, math.nan, math.nan
    if min(len(values[0]), len(values[1])) < 2:
        return TOO_FEW, math.nan, math.nan, math.nan
    difference, low, high = _welch(*values)
    return (EXCEEDS if low > 0 or high < 0 else WITHIN), difference, low, high


def _label(point: Mapping[str, Any]) -> str:
    return ", ".join(f"{name}={value}" for name, value in point.items())


def seed_differences(
    runs: pd.DataFrame, *, parameters: Sequence[str], seed: str = SEED_PARAMETER
) -> pd.DataFrame:
    """Tell which differences between grid points exceed the seed-to-seed spread.

    Parameters
    ----------
    runs : pandas.DataFrame
        As for :func:`seed_summary`.
    parameters : sequence of str
        The grid's parameters (the seed is left out).
    seed : str
        The seed's column.

    Returns
    -------
    pandas.DataFrame
        One row per pair of grid points that differ in exactly one parameter (same case,
        dataset, model and quality metric) and per figure of :data:`SEED_METRICS`: ``metric``,
        ``parameter`` (the one that differs), ``point_a`` and ``point_b`` (their grid values as
        ``name=value``), ``n_a``, ``n_b``, ``difference`` (mean of B − mean of A), ``low``,
        ``high`` (Welch's 95 % interval) and ``verdict``: "exceeds the seed spread" (the
        interval excludes 0), "within the seed spread", "too few seeds (need 2 at each point)",
        "no figure at one of the points", or, for energy measured on a shared machine, "not
        attributable (machine shared)".
    """
    kept = [p for p in parameters if p != seed]
    columns = [
        "metric",
        "parameter",
        "point_a",
        "point_b",
        "n_a",
        "n_b",
        "difference",
        "low",
        "high",
        "verdict",
    ]
    base = [c for c in GROUP_COLUMNS if c in runs.columns]
    rows = []
    for values, rows_of_model in runs.groupby(base, sort=False, dropna=False):
        head = dict(zip(base, values if isinstance(values, tuple) else (values,), strict=True))
        points = list(rows_of_model.groupby(kept, sort=False, dropna=False)) if kept else []
        for (key_a, a), (key_b, b) in itertools.combinations(points, 2):
            point_a = dict(zip(kept, key_a if isinstance(key_a, tuple) else (key_a,), strict=True))
            point_b = dict(zip(kept, key_b if isinstance(key_b, tuple) else (key_b,), strict=True))
            differing = [name for name in kept if point_a[name] != point_b[name]]
            if len(differing) != 1:
                continue
            for metric in SEED_METRICS:
                verdict, difference, low, high = _verdict(metric, a, b)
                rows.append(
                    {
                        **head,
                        "metric": metric,
                        "parameter": differing[0],
                        "point_a": _label(point_a),
                        "point_b": _label(point_b),
                        "n_a": len(a),
                        "n_b": len(b),
                        "difference": difference,
                        "low": low,
                        "high": high,
                        "verdict": verdict,
                    }
                )
    return pd.DataFrame(rows, columns=base + columns)


def sweep_runs(
    sweep: str | os.PathLike | Mapping[str, Any],
    *,
    runs_root: str | os.PathLike | None = None,
    table: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, list[str]]:
    """Return a sweep's finished runs as report rows, with its grid parameters as columns.

    Parameters
    ----------
    sweep : str, path or mapping
        A sweep's name or record path (:func:`greennb.runs.read_sweep`), or its record.
    runs_root : str or path, optional
        Root of the run store; default :func:`greennb.runs.runs_root`.
    table : pandas.DataFrame, optional
        The store's :func:`~greennb.report.collect_runs` table, when the caller has it.

    Returns
    -------
    runs : pandas.DataFrame
        The report's rows of the sweep's done points, plus one column per grid parameter
        (the seed's column is the point's seed).
    parameters : list of str
        The grid's parameters, in grid order.
    """
    record = sweep if isinstance(sweep, Mapping) else read_sweep(sweep, runs_root)
    parameters = list(record["grid"])
    done = {p["run"]: p["parameters"] for p in record["points"] if p["state"] == "done"}
    if table is None:
        table = collect_runs(runs_root)
    runs = table[table["run_id"].isin(list(done))].copy()
    for name in parameters:
        runs[name] = [done[run].get(name) for run in runs["run_id"]]
    return runs.reset_index(drop=True), parameters


def seeds_section(
    runs_root: str | os.PathLike, table: pd.DataFrame, out_dir: str | os.PathLike
) -> str:
    """Write the across-seeds summary of every sweep of a store; return its Markdown section.

    For each sweep with at least two seeds at a grid point, writes ``seeds-<sweep>.csv`` (the
    summary), ``seed-differences-<sweep>.csv`` and ``seeds-<sweep>.png`` (quality, R and energy
    with their 95 % intervals) into ``out_dir``.

    Parameters
    ----------
    runs_root : str or path
        Root of the run store.
    table : pandas.DataFrame
        The store's :func:`~greennb.report.collect_runs` table.
    out_dir : str or path
        The report's folder.

    Returns
    -------
    str
        The Markdown section (a heading, per sweep its summary and its differences), or ``""``
        when the store has no sweep with repeated seeds.
    """
    from greennb.report._markdown import markdown_table

    parts = []
    for path in list_sweeps(runs_root):
        runs, parameters = sweep_runs(path, table=table)
        if SEED_PARAMETER not in parameters or runs.empty:
            continue
        summary = seed_summary(runs, parameters=parameters)
        if summary["n_seeds"].max() < 2:
            continue
        differences = seed_differences(runs, parameters=parameters)
        name = path.parent.name
        out = Path(out_dir)
        summary.to_csv(out / f"seeds-{name}.csv", index=False)
        differences.to_csv(out / f"seed-differences-{name}.csv", index=False)
        _save_figure(summary, runs, parameters, out / f"seeds-{name}.png")
        parts.append(
            f"### Sweep {name}\n\n{seed_table_markdown(summary)}\n\n"
            f"Differences between grid points (B − A, Welch 95 % interval):\n\n"
            f"{markdown_table(_rounded(differences))}\n"
        )
    if not parts:
        return ""
    return "\n## Across seeds\n\n" + INTERVAL_NOTE + "\n\n" + "\n".join(parts)


#: How the across-seeds intervals are computed, printed above the tables.
INTERVAL_NOTE = (
    "Mean over seeds with a 95 % Student t interval of the mean (few seeds: a percentile "
    "bootstrap would be too narrow); a difference exceeds the seed spread when Welch's 95 % "
    "interval of B − A excludes 0. Energy of runs that shared the machine is not attributable."
)


def _rounded(frame: pd.DataFrame) -> pd.DataFrame:
    numbers = frame.select_dtypes("number").columns
    return frame.assign(**{c: frame[c].map(lambda v: f"{v:.4g}") for c in numbers})


def seed_table_markdown(summary: pd.DataFrame) -> str:
    """Return the seed-variance table as Markdown: each figure as ``mean [low, high]``.

    Energy measured on a shared machine says so in its cell ("machine shared: not
    attributable").

    Parameters
    ----------
    summary : pandas.DataFrame
        From :func:`seed_summary`.
    """
    from greennb.report._markdown import markdown_table

    shown = summary.drop(
        columns=[c for c in summary.columns if c.endswith(("_mean", "_sd", "_low", "_high"))]
    )
    for metric in SEED_METRICS:
        mean, low, high = (summary[f"{metric}_{s}"] for s in ("mean", "low", "high"))
        text = [
            f"{m:.4g} [{lo:.4g}, {hi:.4g}]" if math.isfinite(lo) else f"{m:.4g}"
            for m, lo, hi in zip(mean, low, high, strict=True)
        ]
        shown[metric] = text
    shared = summary["energy_attribution"] == SHARED_ENERGY
    shown["energy_kwh"] = shown["energy_kwh"].where(
        ~shared, shown["energy_kwh"] + f" ({SHARED_ENERGY})"
    )
    return markdown_table(shown.drop(columns=["energy_attribution"]))


def _save_figure(summary, runs, parameters, path: Path) -> None:
    import matplotlib.pyplot as plt

    from greennb.plots import seed_errorbars

    fig, axes = plt.subplots(1, len(SEED_METRICS), figsize=(5 * len(SEED_METRICS), 4))
    for ax, metric in zip(axes, SEED_METRICS, strict=True):
        seed_errorbars(summary, metric=metric, runs=runs, parameters=parameters, ax=ax)
    fig.savefig(path, dpi=100, bbox_inches="tight")
    plt.close(fig)
