r"""The interactive report's data block: every run's summary, compact, as escaped JSON.

The page compares any two runs in the browser, so it carries every run's summary
(:func:`~greennb.report._compare.run_summary`) in one ``<script type="application/json">``
block. At 1,000 runs the summaries would repeat the same keys and parameters thousands of
times, so they travel compact and the page's script expands them back (``expandRun``):

- the parameters that all runs of a case share are stored once per case (``common``), each
  run keeping only the ones that differ between the case's runs
  (:func:`~greennb.report._parameters.differing_parameters`);
- each run's models are columns (``{"model": [...], "quality": [...], ...}``), not one object
  per model with its keys.

:func:`json_block` writes the block so that no value can end it: ``<``, ``>`` and ``&`` become
JSON ``\u003c``-style escapes, which JSON.parse turns back into the characters.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from greennb.report._compare import run_summary


def _columns(models: Sequence[Mapping[str, Any]]) -> dict[str, list[Any]]:
    """Return per-model summaries as columns (the keys of the first, in order)."""
    return {key: [model[key] for model in models] for key in models[0]} if models else {}


def run_data(
    records: Sequence[Mapping[str, Any]],
    parameters: Mapping[str, Mapping[str, str]],
    differing: Mapping[str, Sequence[str]],
) -> dict[str, Any]:
    """Return every run's summary, compact, for the page's comparison.

    Parameters
    ----------
    records : sequence of mapping
        The report table's rows (``to_dict("records")``).
    parameters : mapping
        Run id to its parameters (name to text).
    differing : mapping
        Case to the names of the parameters that differ between its runs.

    Returns
    -------
    dict
        ``common``: per case, the parameters its runs share; ``runs``: per run (in the
        table's order) its ``run``, ``case``, ``parameters`` (those that differ) and
        ``models`` as columns of :func:`~greennb.report._compare.run_summary`'s models.

    Examples
    --------
    >>> rows = [{"run_id": "c/a", "case": "c", "model": "m", "quality_metric": "accuracy",
    ...          "quality_unit": "fraction", "quality": 0.5, "sri": None, "energy_kwh": 1.0,
    ...          "energy_kwh_low": 0.5, "energy_kwh_high": 2.0, "energy_status": "estimated",
    ...          "device": "cpu", "machine_shared": False}]
    >>> data = run_data(rows, {"c/a": {"seed": "0", "epochs": "5"}}, {"c": ("epochs",)})
    >>> data["common"], data["runs"][0]["parameters"], data["runs"][0]["models"]["quality"]
    ({'c': {'seed': '0'}}, {'epochs': '5'}, [0.5])
    """
    by_run: dict[str, list[Mapping[str, Any]]] = {}
    for row in records:
        by_run.setdefault(str(row["run_id"]), []).append(row)
    common: dict[str, dict[str, str]] = {}
    runs = []
    for run, rows in by_run.items():
        summary = run_summary(rows, parameters.get(run, {}))
        names = set(differing.get(summary["case"], ()))
        own = summary["parameters"]
        common.setdefault(summary["case"], {k: v for k, v in own.items() if k not in names})
        summary["parameters"] = {k: v for k, v in own.items() if k in names}
        summary["models"] = _columns(summary["models"])
        runs.append(summary)
    return {"common": common, "runs": runs}


def json_block(data: Mapping[str, Any], element_id: str = "report-data") -> str:
    r"""Return data as a ``<script type="application/json">`` block that no value can close.

    Examples
    --------
    >>> print(json_block({"name": "</script>"}))
    <script type="application/json" id="report-data">{"name":"\u003c/script\u003e"}</script>
    """
    text = json.dumps(data, separators=(",", ":"), allow_nan=False, default=str)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/json" id="{element_id}">{text}</script>'
