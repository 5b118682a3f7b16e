"""Comparing two runs: which parameters differ, and what changed for each model in both.

A run is summarised by :func:`run_summary` as JSON-ready data (its parameters as text, and per
model the quality, R and computation energy with its interval); :func:`compare_summaries`
compares two summaries, and :func:`compare_runs` two runs of the store, named
``<case>/<run folder>`` or by their path. The interactive report embeds every run's summary
and compares any two in the page with the same rule (:mod:`greennb.report._page_script`).

Changes are B relative to A: ``difference = b - a``, ``ratio = b / a`` (energy). Energy gets
the verdict of :func:`greennb.energy.compare_energy` on B against A where both have an
interval: "less" (B uses less energy), "more", or "no measurable difference" within the
run-to-run noise. The two runs count as one method (only the run-to-run noise decides) when
their energy status and device are the same, else as two (their full intervals must be apart).
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pandas as pd

from greennb.energy import EnergyInterval, compare_energy
from greennb.errors import InvalidValueError
from greennb.report._collect import _MALFORMED_RECORD_ERRORS, _rows
from greennb.report._markdown import SHARED_MARK
from greennb.report._parameters import read_parameters
from greennb.report._scan import run_label, scan_store, skip_reason
from greennb.runs import METRICS_FILE, read_metrics
from greennb.runs import runs_root as default_runs_root

#: A run that is neither a run folder nor ``<case>/<run folder>`` of the store.
UNKNOWN_RUN_MSG = (
    "unknown run {run!r}: not a run folder (with {metrics}) nor <case>/<run folder> of the "
    "run store {root}; known runs: {known}"
)
#: A run whose record validates but holds a value the report cannot read.
UNREADABLE_RUN_MSG = "run {run} cannot be compared: {reason}"
# How many known runs the message lists.
_KNOWN_SHOWN = 5
#: Columns of :attr:`RunComparison.parameters` and :attr:`RunComparison.models`.
PARAMETER_COLUMNS = ("parameter", "a", "b")
MODEL_COLUMNS = ("model", "quantity", "unit", "a", "b", "difference", "ratio", "verdict")
# Significant digits kept of a compared figure (the page and the CLI show 4).
_DIGITS = 6
# Text of a parameter that one run does not set.
UNSET = "(unset)"


def _number(value: Any) -> float | None:
    """Return a finite float to :data:`_DIGITS` significant digits, None when missing or NaN."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return float(f"{number:.{_DIGITS}g}") if math.isfinite(number) else None


def _text(value: Any) -> str | None:
    """Return a text cell as str, None when missing (NaN in a DataFrame)."""
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def _model_summary(row: Mapping[str, Any]) -> dict[str, Any]:
    """Return one (run, model) row of the report table as the JSON-ready data compared.

    A row straight from a record (not through the table) lacks the columns it has no value
    for (e.g. no fairness entry: no ``sri``): missing is None.
    """
    return {
        "model": str(row.get("model")),
        "metric": _text(row.get("quality_metric")),
        "unit": _text(row.get("quality_unit")),
        "quality": _number(row.get("quality")),
        "sri": _number(row.get("sri")),
        "energy_kwh": _number(row.get("energy_kwh")),
        "energy_low": _number(row.get("energy_kwh_low")),
        "energy_high": _number(row.get("energy_kwh_high")),
        "energy_status": _text(row.get("energy_status")),
        "device": _text(row.get("device")),
        "shared": bool(row.get("machine_shared")),
    }


def run_summary(rows: Sequence[Mapping[str, Any]], parameters: Mapping[str, str]) -> dict[str, Any]:
    """Return one run as the JSON-ready data that two runs are compared on.

    Parameters
    ----------
    rows : sequence of mapping
        The run's rows of the report table (:func:`~greennb.report.collect_runs`, as
        ``to_dict("records")`` gives them), one per model, all with the same ``run_id``.
    parameters : mapping of str to str
        The run's parameters as text (:func:`~greennb.report._parameters.read_parameters`).

    Returns
    -------
    dict
        ``run`` (``<case>/<run folder>``), ``case``, ``parameters`` and ``models``: per model
        its name, quality metric and unit, quality, R, computation energy (kWh) with
        ``energy_low`` / ``energy_high``, energy status, device and the shared-machine flag;
        figures to 6 significant digits, None where missing.
    """
    return {
        "run": str(rows[0]["run_id"]),
        "case": str(rows[0]["case"]),
        "parameters": dict(parameters),
        "models": [_model_summary(row) for row in rows],
    }


@dataclass(frozen=True)
class RunComparison:
    """What differs between two runs, B against A.

    Attributes
    ----------
    a, b : str
        The runs (``<case>/<run folder>``).
    parameters : pandas.DataFrame
        One row per parameter whose value differs (or that one run does not set, shown as
        ``"(unset)"``): ``parameter``, ``a``, ``b`` (values as text).
    models : pandas.DataFrame
        For each model in both runs, one row per quantity (its quality metric, ``"sri"`` and
        ``"energy_kwh"``): ``unit``, ``a``, ``b``, ``difference`` (b − a), ``ratio`` (b / a,
        energy only) and ``verdict`` (energy only: "less", "more" or "no measurable
        difference", B against A; None without both intervals).
    energy_sentences : tuple of str
        Each energy verdict as a sentence with its ratio and reason.
    only_a, only_b : tuple of str
        The models found in one run only.
    """

    a: str
    b: str
    parameters: pd.DataFrame
    models: pd.DataFrame
    energy_sentences: tuple[str, ...] = field(default=())
    only_a: tuple[str, ...] = field(default=())
    only_b: tuple[str, ...] = field(default=())


def _differing(a: Mapping[str, str], b: Mapping[str, str]) -> pd.DataFrame:
    names = sorted(set(a) | set(b))
    rows = [
        (name, a.get(name, UNSET), b.get(name, UNSET))
        for name in names
        if a.get(name) != b.get(name)
    ]
    return pd.DataFrame(rows, columns=list(PARAMETER_COLUMNS))


def _energy_side(model: Mapping[str, Any], run: str) -> SimpleNamespace | None:
    """Return a model's energy as what compare_energy reads, None without a whole interval."""
    bounds = (model["energy_low"], model["energy_kwh"], model["energy_high"])
    if any(bound is None for bound in bounds):
        return None
    return SimpleNamespace(
        energy_kwh=bounds[1],
        interval=EnergyInterval(bounds[1], bounds[0], bounds[2]),
        attribution=SHARED_MARK if model["shared"] else "",
        phase=f"{model['model']} in {run}",
    )


def _energy_verdict(a: Mapping[str, Any], b: Mapping[str, Any], runs: Sequence[str]):
    """Return compare_energy of B's energy against A's, or None without both intervals."""
    side_a, side_b = _energy_side(a, runs[0]), _energy_side(b, runs[1])
    if side_a is None or side_b is None:
        return None
    same = (a["energy_status"], a["device"]) == (b["energy_status"], b["device"])
    return compare_energy(side_b, side_a, same_method=same)


def _model_rows(a: Mapping[str, Any], b: Mapping[str, Any], runs: Sequence[str]):
    """Return the rows of one model in both runs, and its energy sentence (or None)."""
    rows = []
    for quantity, key, unit in (
        (a["metric"] or "quality", "quality", a["unit"]),
        ("sri", "sri", None),
        ("energy_kwh", "energy_kwh", "kWh"),
    ):
        value_a, value_b = a[key], b[key]
        both = value_a is not None and value_b is not None
        rows.append(
            [a["model"], quantity, unit, value_a, value_b, value_b - value_a if both else None]
            + [None, None]
        )
    comparison = _energy_verdict(a, b, runs)
    if comparison is None:
        return rows, None
    rows[-1][-2:] = [comparison.ratio, comparison.verdict]
    name = a["model"]
    return rows, comparison.sentence(f"{name} in B", f"{name} in A")


def compare_summaries(a: Mapping[str, Any], b: Mapping[str, Any]) -> RunComparison:
    """Compare two run summaries (:func:`run_summary`), B against A.

    Parameters
    ----------
    a, b : mapping
        The summaries of runs A and B.

    Returns
    -------
    RunComparison
        The differing parameters; per model in both runs (matched by name, in A's order) its
        quality, R and energy in A and B with the change.
    """
    models_b = {model["model"]: model for model in b["models"]}
    names_a = [model["model"] for model in a["models"]]
    rows, sentences = [], []
    for model in a["models"]:
        if model["model"] in models_b:
            model_rows, sentence = _model_rows(
                model, models_b[model["model"]], (a["run"], b["run"])
            )
            rows.extend(model_rows)
            sentences.extend([sentence] if sentence else [])
    return RunComparison(
        a=a["run"],
        b=b["run"],
        parameters=_differing(a["parameters"], b["parameters"]),
        models=pd.DataFrame(rows, columns=list(MODEL_COLUMNS)),
        energy_sentences=tuple(sentences),
        only_a=tuple(name for name in names_a if name not in models_b),
        only_b=tuple(name for name in models_b if name not in set(names_a)),
    )


def _known_runs(root: Path, run: str) -> str:
    """Return a few of the store's runs, of the named run's case first, for the message."""
    runs = [run_label(folder) for folder, _ in scan_store(root)[0]]
    case = run.split("/", 1)[0]
    same_case = [label for label in runs if label.startswith(f"{case}/")]
    listed = sorted(same_case or runs, reverse=True)[:_KNOWN_SHOWN]
    if not listed:
        return "none (the store has no finished run)"
    more = f" ... ({len(runs)} in all)" if len(runs) > len(listed) else ""
    return ", ".join(listed) + more


def resolve_run(run: str | os.PathLike, root: Path) -> Path:
    """Return the folder of a run named ``<case>/<run folder>`` of the store, or by its path.

    Raises
    ------
    greennb.errors.InvalidValueError
        (a ValueError) When neither is a folder with a ``metrics.json``; the message names
        the run and lists a few known ones.
    """
    for folder in (Path(run), root / run):
        if (folder / METRICS_FILE).is_file():
            return folder
    raise InvalidValueError(
        UNKNOWN_RUN_MSG.format(
            run=str(run), metrics=METRICS_FILE, root=root, known=_known_runs(root, str(run))
        )
    )


def _summary_of(folder: Path) -> dict[str, Any]:
    """Return the summary of one run folder, read and validated like the report reads it."""
    try:
        rows = _rows(folder, read_metrics(folder / METRICS_FILE))
    except _MALFORMED_RECORD_ERRORS as error:  # a value that cannot fill the table
        raise InvalidValueError(
            UNREADABLE_RUN_MSG.format(run=run_label(folder), reason=skip_reason(error))
        ) from error
    if not rows:
        return {
            "run": run_label(folder),
            "case": folder.parent.name,
            "parameters": {},
            "models": [],
        }
    return run_summary(rows, read_parameters(folder))


def compare_runs(
    a: str | os.PathLike, b: str | os.PathLike, runs_root: str | os.PathLike | None = None
) -> RunComparison:
    """Compare two runs of the store: which parameters differ, what changed, B against A.

    Parameters
    ----------
    a, b : str or path
        The runs, as ``<case>/<run folder>`` of the store (what the report's ``run_id``
        column and ``greennb report`` show) or as the path of a run folder.
    runs_root : str or path, optional
        Root of the run store; default ``$GREENNB_RUNS_DIR`` or ``./papermill_runs``.

    Returns
    -------
    RunComparison
        The parameters that differ, and per model in both runs its quality, R and
        computation energy (kWh) in A and B with the difference, the energy ratio and the
        energy verdict of :func:`greennb.energy.compare_energy` ("no measurable difference"
        within the noise).

    Raises
    ------
    greennb.errors.InvalidValueError
        (a ValueError) When a run is unknown (the message lists a few known runs), or its
        record does not validate.

    Examples
    --------
    >>> from greennb.report import compare_runs  # doctest: +SKIP
    >>> comparison = compare_runs("finance/20250101T000000_000000Z-aaaaaaaa",
    ...                           "finance/20250103T000000_000000Z-cccccccc")  # doctest: +SKIP
    >>> comparison.parameters  # doctest: +SKIP
      parameter  a  b
    0      seed  0  1
    """
    root = Path(runs_root or default_runs_root())
    folders = [resolve_run(run, root) for run in (a, b)]
    return compare_summaries(*(_summary_of(folder) for folder in folders))
